//! [`PluginProtocol`]: a plugin instance seen as an ordinary [`CarrierProtocol`], so it runs
//! through `HttpCarrier` with the same driver, layers, cache and rate limits as a built-in.

use std::cell::Cell;
use std::ffi::c_void;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use shipmux_core::plugin::binary::{BinaryParseRateInputRef, BinaryRates, BinaryRequestRef};
use shipmux_core::plugin::frame::{Frame, FrameWriter, PutFrame, TakeFrame, json_from_bytes};
use shipmux_core::plugin::{
    Op, ParseRateInputRef, ParseTrackInputRef, PluginBuf, PluginSlice, Status, TrackOutcome, status,
};
use shipmux_core::{
    AccessToken, Auth, CarrierInfo, CarrierProtocol, Error, Exchange, HttpRequest, HttpResponse,
    Rate, RateRequest, Result, Step, Tracking, TrackingNumber,
};

use super::library::{Plugin, plugin_error};

/// The plugin's opaque instance pointer.
struct Instance(*mut c_void);

// SAFETY: the instance is a `P: CarrierProtocol`, which is `Send + Sync`; the pointer is only
// handed back to the plugin that made it.
unsafe impl Send for Instance {}
// SAFETY: as above; the plugin's `call` takes `&P`.
unsafe impl Sync for Instance {}

/// A carrier protocol that calls through a plugin's ABI table.
///
/// If the plugin panics, the call answers a `plugin` error (code `panic`) and the instance is
/// poisoned: every later call answers a `plugin` error (code `poisoned`) without entering the
/// plugin again, and the instance is never dropped (its state is unknown). Other carriers,
/// including other instances of the same plugin, are unaffected.
pub struct PluginProtocol {
    plugin: Plugin,
    instance: Instance,
    info: CarrierInfo,
    auth: Auth,
    track_batch_size: usize,
    /// The plugin takes `build_rate_binary` (frames, and the extension in its manifest).
    binary_build_rate: bool,
    /// The plugin takes `parse_rate_binary` (frames, and the extension in its manifest).
    binary_parse_rate: bool,
    poisoned: AtomicBool,
    panic_message: OnceLock<String>,
}

impl std::fmt::Debug for PluginProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginProtocol")
            .field("plugin", &self.plugin)
            .field("carrier", &self.info.id)
            .field("poisoned", &self.is_poisoned())
            .finish()
    }
}

/// An output buffer handed back to the plugin's `free` when dropped.
struct Output {
    buf: PluginBuf,
    plugin: Plugin,
}

impl Output {
    fn bytes(&self) -> &[u8] {
        // SAFETY: alive until drop.
        unsafe { self.buf.as_bytes() }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        let buf = std::mem::replace(&mut self.buf, PluginBuf::EMPTY);
        // SAFETY: a buffer this plugin gave out, handed back once.
        unsafe { (self.plugin.table().free)(buf) };
    }
}

impl PluginProtocol {
    pub(super) fn create(plugin: Plugin, config: &serde_json::Value) -> Result<Self> {
        let config = serde_json::to_vec(config)
            .map_err(|e| Error::config(format!("plugin config cannot be encoded: {e}")))?;
        let mut instance = std::ptr::null_mut();
        let mut out = Output {
            buf: PluginBuf::EMPTY,
            plugin: plugin.clone(),
        };
        // SAFETY: the table passed the load checks; the config outlives the call; `instance`
        // and `out.buf` are ours to fill.
        let code = unsafe {
            (plugin.table().create)(PluginSlice::new(&config), &mut instance, &mut out.buf)
        };
        let who = plugin.describe();
        match code {
            status::OK if !instance.is_null() => {}
            status::OK => {
                return Err(plugin_error(
                    "bad_output",
                    format!("{who} reported success creating an instance but gave none"),
                ));
            }
            status::ERROR => {
                return Err(decode_error(&out, &who, "create").unwrap_or_else(|e| e));
            }
            status::PANIC => {
                return Err(plugin_error(
                    "panic",
                    format!("{who} panicked while creating an instance: {}", out.text()),
                ));
            }
            other => return Err(unexpected(&who, "create", other, &out)),
        }
        drop(out);
        let extension = |op| plugin.uses_frames() && plugin.manifest().has_extension(op);
        let mut protocol = PluginProtocol {
            binary_build_rate: extension(Op::BuildRateBinary),
            binary_parse_rate: extension(Op::ParseRateBinary),
            plugin,
            instance: Instance(instance),
            info: placeholder_info(),
            auth: Auth::None,
            track_batch_size: 1,
            poisoned: AtomicBool::new(false),
            panic_message: OnceLock::new(),
        };
        // Infallible trait methods are asked once, here, and answered from memory later.
        protocol.info = protocol.call_raw(Op::Info, &())?;
        protocol.auth = protocol.call(Op::Auth, &())?;
        protocol.track_batch_size = protocol.call::<usize, _>(Op::TrackBatchSize, &())?.max(1);
        Ok(protocol)
    }

    /// The plugin it runs in.
    pub fn plugin(&self) -> &Plugin {
        &self.plugin
    }

    /// True once the plugin panicked in this instance.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.load(Ordering::Acquire)
    }

    /// Runs `op` with `input` and decodes the answer.
    fn call<T, I>(&self, op: Op, input: &I) -> Result<T>
    where
        T: DeserializeOwned + TakeFrame,
        I: Serialize + PutFrame + ?Sized,
    {
        self.call_raw(op, input)
            .map_err(|e| e.with_carrier(&self.info.id))
    }

    fn call_raw<T, I>(&self, op: Op, input: &I) -> Result<T>
    where
        T: DeserializeOwned + TakeFrame,
        I: Serialize + PutFrame + ?Sized,
    {
        if self.is_poisoned() {
            let first = self.panic_message.get().map(String::as_str).unwrap_or("");
            return Err(plugin_error(
                "poisoned",
                format!(
                    "{} is poisoned: it panicked earlier ({first}); restart the host to use it again",
                    self.plugin.describe()
                ),
            ));
        }
        let table = self.plugin.table();
        let framed = table.call_framed;
        let buffer = INPUT_BUFFER.with(Cell::take);
        let encoded = match framed {
            Some(_) => FrameWriter::encode(buffer, input),
            None => {
                let mut bytes = buffer;
                bytes.clear();
                serde_json::to_writer(&mut bytes, input).map(|()| bytes)
            }
        };
        let input = encoded.map_err(|e| {
            plugin_error(
                "bad_input",
                format!("cannot encode the input of `{}`: {e}", op.name()),
            )
        })?;
        let mut out = Output {
            buf: PluginBuf::EMPTY,
            plugin: self.plugin.clone(),
        };
        // SAFETY: the instance is alive (dropped only with `self`) and not poisoned; the input
        // outlives the call; `out.buf` is ours to fill.
        let code = unsafe {
            (framed.unwrap_or(table.call))(
                self.instance.0,
                op.code(),
                PluginSlice::new(&input),
                &mut out.buf,
            )
        };
        recycle_input_buffer(input);
        match code {
            status::OK => {
                let decoded = match framed {
                    Some(_) => Frame::parse(out.bytes()).and_then(|frame| frame.decode()),
                    None => json_from_bytes(out.bytes()),
                };
                decoded.map_err(|e| {
                    plugin_error(
                        "bad_output",
                        format!(
                            "{} answered `{}` with an answer it cannot read: {e}",
                            self.plugin.describe(),
                            op.name()
                        ),
                    )
                })
            }
            status::ERROR => {
                Err(decode_error(&out, &self.plugin.describe(), op.name()).unwrap_or_else(|e| e))
            }
            status::PANIC => {
                let message = out.text();
                let _ = self.panic_message.set(message.clone());
                self.poisoned.store(true, Ordering::Release);
                Err(plugin_error(
                    "panic",
                    format!(
                        "{} panicked in `{}`: {message}",
                        self.plugin.describe(),
                        op.name()
                    ),
                ))
            }
            other => Err(unexpected(&self.plugin.describe(), op.name(), other, &out)),
        }
    }
}

thread_local! {
    /// The buffer this thread encodes plugin inputs into, kept from call to call so that
    /// encoding an input stops allocating once the buffer has grown to fit.
    static INPUT_BUFFER: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Inputs larger than this are not kept for the next call.
const KEEP_INPUT_BUFFER: usize = 1 << 20;

/// Keeps `buffer` for this thread's next call (unless it grew very large).
fn recycle_input_buffer(buffer: Vec<u8>) {
    if buffer.capacity() <= KEEP_INPUT_BUFFER {
        INPUT_BUFFER.with(|cell| cell.set(buffer));
    }
}

impl Drop for PluginProtocol {
    fn drop(&mut self) {
        // A poisoned instance's state is unknown: leak it rather than run its Drop.
        if !self.is_poisoned() && !self.instance.0.is_null() {
            // SAFETY: made by this plugin's `create`, handed back once.
            unsafe { (self.plugin.table().destroy)(self.instance.0) };
        }
    }
}

/// The plugin's own error, or a `bad_output` error if its error JSON is unreadable.
fn decode_error(out: &Output, who: &str, op: &str) -> std::result::Result<Error, Error> {
    serde_json::from_slice::<Error>(out.bytes()).map_err(|e| {
        plugin_error(
            "bad_output",
            format!("{who} answered `{op}` with an error that is not valid JSON: {e}"),
        )
    })
}

fn unexpected(who: &str, op: &str, code: Status, out: &Output) -> Error {
    let (code_name, what) = match code {
        status::BAD_INPUT => ("bad_input", "could not read its input"),
        status::UNKNOWN_OP => ("unknown_op", "does not know the operation"),
        _ => ("bad_status", "answered an unknown status"),
    };
    plugin_error(
        code_name,
        format!("{who} {what} in `{op}` (status {code}): {}", out.text()),
    )
}

fn placeholder_info() -> CarrierInfo {
    CarrierInfo {
        id: shipmux_core::CarrierId::from_static("plugin"),
        name: String::new(),
        services: Vec::new(),
        capabilities: Default::default(),
    }
}

impl CarrierProtocol for PluginProtocol {
    fn info(&self) -> CarrierInfo {
        self.info.clone()
    }

    fn auth(&self) -> Auth {
        self.auth.clone()
    }

    fn build_token(&self) -> Result<HttpRequest> {
        self.call(Op::BuildToken, &())
    }

    fn parse_token(&self, response: &HttpResponse) -> Result<AccessToken> {
        self.call(Op::ParseToken, response)
    }

    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        if self.binary_build_rate {
            self.call(Op::BuildRateBinary, &BinaryRequestRef(request))
        } else {
            self.call(Op::BuildRate, request)
        }
    }

    fn parse_rate(&self, request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        let input = ParseRateInputRef { request, exchange };
        if !self.binary_parse_rate {
            return self.call(Op::ParseRate, &input);
        }
        let input = BinaryParseRateInputRef(input);
        Ok(
            match self.call::<Step<BinaryRates>, _>(Op::ParseRateBinary, &input)? {
                Step::Done(BinaryRates(rates)) => Step::Done(rates),
                Step::Next(requests) => Step::Next(requests),
            },
        )
    }

    fn track_batch_size(&self) -> usize {
        self.track_batch_size
    }

    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        self.call(Op::BuildTrack, numbers)
    }

    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        let outcomes: Vec<TrackOutcome> =
            self.call(Op::ParseTrack, &ParseTrackInputRef { numbers, exchange })?;
        Ok(outcomes.into_iter().map(Into::into).collect())
    }

    fn build_connect(&self) -> Result<Option<HttpRequest>> {
        self.call(Op::BuildConnect, &())
    }

    fn parse_connect(&self, response: &HttpResponse) -> Result<()> {
        self.call(Op::ParseConnect, response)
    }
}
