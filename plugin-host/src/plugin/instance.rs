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

use super::library::{Kind, Plugin, Table, plugin_error};
#[cfg(feature = "wasm")]
use super::wasm;

/// The plugin's opaque instance pointer.
struct Instance(*mut c_void);

// SAFETY: the instance is a `P: CarrierProtocol`, which is `Send + Sync`; the pointer is only
// handed back to the plugin that made it.
unsafe impl Send for Instance {}
// SAFETY: as above; the plugin's `call` takes `&P`.
unsafe impl Sync for Instance {}

/// A carrier protocol that calls through a plugin's ABI table, or into a Wasm plugin's
/// instances.
///
/// If a native plugin panics, the call answers a `plugin` error (code `panic`) and the instance is
/// poisoned: every later call answers a `plugin` error (code `poisoned`) without entering the
/// plugin again, and the instance is never dropped (its state is unknown). Other carriers,
/// including other instances of the same plugin, are unaffected.
///
/// A Wasm plugin is never poisoned: a trap, an exhausted call budget, the memory cap or an
/// unreadable answer is a `plugin` error for that call (code `trap`, `budget`, `memory` or
/// `bad_output`), the instance it happened in is dropped, and the next call runs in a fresh
/// one.
pub struct PluginProtocol {
    plugin: Plugin,
    backend: Backend,
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

/// Where the calls go.
enum Backend {
    /// A native plugin's instance.
    Native(Instance),
    /// A Wasm plugin's pool of instances of this account.
    #[cfg(feature = "wasm")]
    Wasm(wasm::Pool),
}

/// An output buffer handed back to the plugin's `free` when dropped.
struct Output {
    buf: PluginBuf,
    free: shipmux_core::plugin::FreeFn,
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
        unsafe { (self.free)(buf) };
    }
}

impl PluginProtocol {
    pub(super) fn create(plugin: Plugin, config: &serde_json::Value) -> Result<Self> {
        let config = serde_json::to_vec(config)
            .map_err(|e| Error::config(format!("plugin config cannot be encoded: {e}")))?;
        let backend = match plugin.kind_inner() {
            Kind::Native { table, .. } => Backend::Native(create_native(&plugin, table, &config)?),
            #[cfg(feature = "wasm")]
            Kind::Wasm(component) => {
                let config = String::from_utf8(config).unwrap_or_default();
                let who = plugin.describe();
                match wasm::Pool::new(component.clone(), config) {
                    Ok(pool) => Backend::Wasm(pool),
                    Err(Ok(failure)) => return Err(failure_error(&who, "create", failure)),
                    Err(Err(fault)) => return Err(fault_error(&who, "create", fault)),
                }
            }
        };
        let extension = |op| plugin.uses_frames() && plugin.manifest().has_extension(op);
        let mut protocol = PluginProtocol {
            binary_build_rate: extension(Op::BuildRateBinary),
            binary_parse_rate: extension(Op::ParseRateBinary),
            plugin,
            backend,
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

    /// For a Wasm plugin, how many of this account's instances are idle in its pool (an
    /// instance that trapped or answered garbage is never put back); `None` for a native one.
    pub fn wasm_idle_instances(&self) -> Option<usize> {
        match &self.backend {
            Backend::Native(_) => None,
            #[cfg(feature = "wasm")]
            Backend::Wasm(pool) => Some(pool.idle()),
        }
    }

    /// For a Wasm plugin, the linear memory each idle instance of this account holds, in
    /// bytes (what one instance costs beyond the shared compiled code); `None` for a native
    /// one.
    pub fn wasm_instance_memory(&self) -> Option<Vec<usize>> {
        match &self.backend {
            Backend::Native(_) => None,
            #[cfg(feature = "wasm")]
            Backend::Wasm(pool) => Some(pool.idle_memory()),
        }
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
        let framed = self.plugin.uses_frames();
        let buffer = INPUT_BUFFER.with(Cell::take);
        let encoded = if framed {
            FrameWriter::encode(buffer, input)
        } else {
            let mut bytes = buffer;
            bytes.clear();
            serde_json::to_writer(&mut bytes, input).map(|()| bytes)
        };
        let input = encoded.map_err(|e| {
            plugin_error(
                "bad_input",
                format!("cannot encode the input of `{}`: {e}", op.name()),
            )
        })?;
        let who = || self.plugin.describe();
        // Without the `wasm` feature there is one backend.
        #[allow(clippy::infallible_destructuring_match)]
        let instance = match &self.backend {
            Backend::Native(instance) => instance,
            #[cfg(feature = "wasm")]
            Backend::Wasm(pool) => {
                let outcome = pool.call(op, input, |answer| {
                    let read = read_wasm_answer::<T>(&who(), op, answer);
                    let sound = match &read {
                        Ok(_) => true,
                        Err(e) => !matches!(e.code.as_deref(), Some("bad_output" | "panic")),
                    };
                    (read, sound)
                });
                return match outcome {
                    Ok(wasm::Outcome::Answered(read)) => read,
                    Ok(wasm::Outcome::Faulted(fault)) => Err(fault_error(&who(), op.name(), fault)),
                    Err(failure) => Err(failure_error(&who(), "create", failure)),
                };
            }
        };
        let Some(table) = self.plugin.native_table() else {
            return Err(plugin_error(
                "bad_status",
                format!("{} has no table", who()),
            ));
        };
        let mut out = Output {
            buf: PluginBuf::EMPTY,
            free: table.free,
        };
        // SAFETY: the instance is alive (dropped only with `self`) and not poisoned; the input
        // outlives the call; `out.buf` is ours to fill.
        let code = unsafe {
            (table.call_framed.unwrap_or(table.call))(
                instance.0,
                op.code(),
                PluginSlice::new(&input),
                &mut out.buf,
            )
        };
        recycle_input_buffer(input);
        match code {
            status::OK => {
                let decoded = if framed {
                    Frame::parse(out.bytes()).and_then(|frame| frame.decode())
                } else {
                    json_from_bytes(out.bytes())
                };
                decoded.map_err(|e| unreadable(&who(), op.name(), e))
            }
            status::ERROR => {
                Err(decode_error(out.bytes(), &who(), op.name()).unwrap_or_else(|e| e))
            }
            status::PANIC => {
                let message = out.text();
                let _ = self.panic_message.set(message.clone());
                self.poisoned.store(true, Ordering::Release);
                Err(plugin_error(
                    "panic",
                    format!("{} panicked in `{}`: {message}", who(), op.name()),
                ))
            }
            other => Err(unexpected(&who(), op.name(), other, &out.text())),
        }
    }
}

/// Makes a native plugin's instance from the config JSON.
fn create_native(plugin: &Plugin, table: &Table, config: &[u8]) -> Result<Instance> {
    let mut instance = std::ptr::null_mut();
    let mut out = Output {
        buf: PluginBuf::EMPTY,
        free: table.free,
    };
    // SAFETY: the table passed the load checks; the config outlives the call; `instance`
    // and `out.buf` are ours to fill.
    let code = unsafe { (table.create)(PluginSlice::new(config), &mut instance, &mut out.buf) };
    let who = plugin.describe();
    match code {
        status::OK if !instance.is_null() => Ok(Instance(instance)),
        status::OK => Err(plugin_error(
            "bad_output",
            format!("{who} reported success creating an instance but gave none"),
        )),
        status::ERROR => Err(decode_error(out.bytes(), &who, "create").unwrap_or_else(|e| e)),
        status::PANIC => Err(plugin_error(
            "panic",
            format!("{who} panicked while creating an instance: {}", out.text()),
        )),
        other => Err(unexpected(&who, "create", other, &out.text())),
    }
}

/// The error for an answer with status OK that cannot be decoded.
fn unreadable(who: &str, op: &str, e: String) -> Error {
    plugin_error(
        "bad_output",
        format!("{who} answered `{op}` with an answer it cannot read: {e}"),
    )
}

/// A Wasm plugin's answer to `op`, decoded.
#[cfg(feature = "wasm")]
fn read_wasm_answer<T: DeserializeOwned + TakeFrame>(
    who: &str,
    op: Op,
    answer: std::result::Result<Vec<u8>, wasm::Failure>,
) -> Result<T> {
    match answer {
        Ok(bytes) => Frame::parse(&bytes)
            .and_then(|frame| frame.decode())
            .map_err(|e| unreadable(who, op.name(), e)),
        Err(failure) => Err(failure_error(who, op.name(), failure)),
    }
}

/// A Wasm plugin's `failure` as an error.
#[cfg(feature = "wasm")]
fn failure_error(who: &str, op: &str, failure: wasm::Failure) -> Error {
    match failure {
        wasm::Failure::Error(json) => decode_error(json.as_bytes(), who, op).unwrap_or_else(|e| e),
        wasm::Failure::BadInput(text) => unexpected(who, op, status::BAD_INPUT, &text),
        wasm::Failure::Panic(text) => plugin_error(
            "panic",
            format!("{who} panicked in `{op}`: {text}; the instance was replaced"),
        ),
    }
}

/// A trap in a Wasm plugin as an error.
#[cfg(feature = "wasm")]
fn fault_error(who: &str, op: &str, fault: wasm::Fault) -> Error {
    let what = match fault.code {
        "budget" => "ran past its call budget",
        "memory" => "hit its memory cap",
        _ => "trapped",
    };
    plugin_error(
        fault.code,
        format!(
            "{who} {what} in `{op}` ({}); the instance was dropped",
            fault.detail
        ),
    )
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
        if let Backend::Native(instance) = &self.backend
            && !self.is_poisoned()
            && !instance.0.is_null()
            && let Some(table) = self.plugin.native_table()
        {
            // SAFETY: made by this plugin's `create`, handed back once.
            unsafe { (table.destroy)(instance.0) };
        }
    }
}

/// The plugin's own error, or a `bad_output` error if its error JSON is unreadable.
fn decode_error(bytes: &[u8], who: &str, op: &str) -> std::result::Result<Error, Error> {
    serde_json::from_slice::<Error>(bytes).map_err(|e| {
        plugin_error(
            "bad_output",
            format!("{who} answered `{op}` with an error that is not valid JSON: {e}"),
        )
    })
}

fn unexpected(who: &str, op: &str, code: Status, text: &str) -> Error {
    let (code_name, what) = match code {
        status::BAD_INPUT => ("bad_input", "could not read its input"),
        status::UNKNOWN_OP => ("unknown_op", "does not know the operation"),
        _ => ("bad_status", "answered an unknown status"),
    };
    plugin_error(
        code_name,
        format!("{who} {what} in `{op}` (status {code}): {text}"),
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
