//! The plugin side of the ABI: the generic `extern "C"` functions [`export_plugin!`] puts in
//! a plugin's table. Each one catches every panic before it reaches the boundary (a panic
//! escaping an `extern "C"` function would abort the host) and turns it into
//! [`status::PANIC`](super::status::PANIC).
//!
//! [`export_plugin!`]: crate::export_plugin

use std::any::Any;
use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::abi::{ABI_MAJOR, ABI_MINOR, ManifestFn, PluginBuf, PluginSlice, PluginV1, Status};
use super::abi::{V1_1_STRUCT_SIZE, status};
use super::binary::{BinaryParseRateInput, BinaryRates, BinaryRequest};
use super::frame::{Frame, FrameWriter, PutFrame, TakeFrame, json_from_bytes};
use super::manifest::Manifest;
use super::ops::{Op, ParseRateInput, ParseTrackInput, TrackOutcome};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{RateRequest, TrackingNumber};
use crate::protocol::{CarrierProtocol, HttpResponse, Step};

/// A [`CarrierProtocol`] a plugin can build from the config JSON the host passes.
pub trait PluginCarrier: CarrierProtocol + Sized {
    /// Builds the protocol from the carrier's config (the JSON of its config struct, with
    /// credentials in plain text: the host got them from its own configuration).
    fn from_config(config: serde_json::Value) -> Result<Self>;
}

/// Reads a config struct from JSON, as a `config` error naming what is wrong.
pub fn config_from_json<C: DeserializeOwned>(config: serde_json::Value) -> Result<C> {
    serde_json::from_value(config).map_err(|e| Error::config(format!("plugin config: {e}")))
}

/// An answer before it is handed over: a status and its bytes.
pub(super) type Reply = (Status, Vec<u8>);

/// The v1 table (minor [`ABI_MINOR`]) for protocol `P` with the given manifest function (the macro writes one
/// that knows the plugin crate's name and version).
#[doc(hidden)]
pub const fn table<P: PluginCarrier>(manifest: ManifestFn) -> PluginV1 {
    PluginV1 {
        struct_size: V1_1_STRUCT_SIZE as u32,
        abi_major: ABI_MAJOR,
        abi_minor: ABI_MINOR,
        manifest,
        create: create::<P>,
        destroy: destroy::<P>,
        call: call::<P>,
        free,
        call_framed: call_framed::<P>,
    }
}

/// Writes the manifest of plugin `name` `version` to `out`, listing no extensions: for a
/// table built by hand (one that wraps or replaces some of [`table`]'s functions), which
/// this crate cannot vouch answers the extension operations the way it answers the others.
///
/// # Safety
/// `out` must be null or point at writable memory for one [`PluginBuf`].
#[doc(hidden)]
pub unsafe fn manifest(
    name: &str,
    version: &str,
    panic_aborts: bool,
    out: *mut PluginBuf,
) -> Status {
    let reply = guarded(|| encode(status::OK, &Manifest::current(name, version, panic_aborts)));
    // SAFETY: forwarded from the caller.
    unsafe { hand_over(reply, out) }
}

/// Writes the manifest of plugin `name` `version` to `out`, listing every extension
/// [`table`] answers ([`EXTENSIONS`](super::EXTENSIONS)): what [`export_plugin!`] uses,
/// since the whole table is [`table`]'s.
///
/// # Safety
/// `out` must be null or point at writable memory for one [`PluginBuf`].
#[doc(hidden)]
pub unsafe fn manifest_with_extensions(
    name: &str,
    version: &str,
    panic_aborts: bool,
    out: *mut PluginBuf,
) -> Status {
    let reply = guarded(|| {
        let manifest = Manifest::current(name, version, panic_aborts).with_extensions();
        encode(status::OK, &manifest)
    });
    // SAFETY: forwarded from the caller.
    unsafe { hand_over(reply, out) }
}

unsafe extern "C" fn create<P: PluginCarrier>(
    config: PluginSlice,
    instance: *mut *mut c_void,
    out: *mut PluginBuf,
) -> Status {
    if instance.is_null() {
        // SAFETY: `out` is the host's.
        return unsafe { hand_over(bad_input("no place to put the instance"), out) };
    }
    // SAFETY: checked non-null above; the host passes a pointer to a local.
    unsafe { instance.write(std::ptr::null_mut()) };
    let reply = guarded(|| {
        // SAFETY: the host lends the config bytes for the duration of this call.
        let bytes = unsafe { config.as_bytes() };
        let config = match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(c) => c,
            Err(e) => return bad_input(&format!("config is not JSON: {e}")),
        };
        match P::from_config(config) {
            Ok(p) => {
                let raw = Box::into_raw(Box::new(p));
                // SAFETY: checked non-null above.
                unsafe { instance.write(raw.cast()) };
                (status::OK, Vec::new())
            }
            Err(e) => encode(status::ERROR, &e),
        }
    });
    // SAFETY: `out` is the host's.
    unsafe { hand_over(reply, out) }
}

unsafe extern "C" fn destroy<P: PluginCarrier>(instance: *mut c_void) {
    if instance.is_null() {
        return;
    }
    // A panicking Drop is swallowed: the instance is gone either way.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the host passes back a pointer `create::<P>` made, once.
        drop(unsafe { Box::from_raw(instance.cast::<P>()) });
    }));
}

unsafe extern "C" fn call<P: PluginCarrier>(
    instance: *const c_void,
    op: u32,
    input: PluginSlice,
    out: *mut PluginBuf,
) -> Status {
    // SAFETY: forwarded from the host, per the ABI.
    unsafe { call_with::<P>(Codec::Json, instance, op, input, out) }
}

unsafe extern "C" fn call_framed<P: PluginCarrier>(
    instance: *const c_void,
    op: u32,
    input: PluginSlice,
    out: *mut PluginBuf,
) -> Status {
    // SAFETY: forwarded from the host, per the ABI.
    unsafe { call_with::<P>(Codec::Framed, instance, op, input, out) }
}

/// `call` and `call_framed`: the same operations, messages in `codec`.
///
/// # Safety
/// As [`CallFn`](super::CallFn): `instance` made by `create::<P>` (or null), `input` readable
/// for the call, `out` null or writable.
unsafe fn call_with<P: PluginCarrier>(
    codec: Codec,
    instance: *const c_void,
    op: u32,
    input: PluginSlice,
    out: *mut PluginBuf,
) -> Status {
    let reply = guarded(|| {
        let Some(op) = Op::from_code(op) else {
            let text =
                format!("operation {op} is unknown to this plugin (ABI {ABI_MAJOR}.{ABI_MINOR})");
            return (status::UNKNOWN_OP, text.into_bytes());
        };
        if instance.is_null() {
            return bad_input("null instance");
        }
        // SAFETY: the host passes a live pointer `create::<P>` made; `P: Sync`, so shared
        // use from several threads is fine.
        let protocol = unsafe { &*instance.cast::<P>() };
        // SAFETY: the host lends the input bytes for the duration of this call.
        let input = unsafe { input.as_bytes() };
        dispatch(protocol, codec, op, input)
    });
    // SAFETY: `out` is the host's.
    unsafe { hand_over(reply, out) }
}

unsafe extern "C" fn free(buf: PluginBuf) {
    // SAFETY: the host hands back, once, a buffer `hand_over` made in this library.
    drop(unsafe { buf.into_vec() });
}

/// How an operation's messages are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Codec {
    /// ABI 1.0 `call`: JSON, HTTP bodies base64 inside it.
    Json,
    /// ABI 1.1 `call_framed`: frames, HTTP bodies raw beside the JSON.
    Framed,
}

impl Codec {
    /// Decodes the input of `op`, or says why it cannot.
    fn decode<T: DeserializeOwned + TakeFrame>(self, op: Op, input: &[u8]) -> Result<T, Reply> {
        let decoded = match self {
            Codec::Json => json_from_bytes(input),
            Codec::Framed => Frame::parse(input).and_then(|frame| frame.decode()),
        };
        decoded.map_err(|e| bad_input(&format!("input of `{}` is not valid: {e}", op.name())))
    }

    /// Status OK with `value`, or an ERROR if it cannot be encoded.
    fn ok<T: Serialize + PutFrame + ?Sized>(self, value: &T) -> Reply {
        let encoded = match self {
            Codec::Json => serde_json::to_vec(value),
            Codec::Framed => FrameWriter::encode(Vec::with_capacity(512), value),
        };
        match encoded {
            Ok(bytes) => (status::OK, bytes),
            Err(e) => encode(
                status::ERROR,
                &Error::new(ErrorKind::Plugin, format!("cannot encode answer: {e}")),
            ),
        }
    }

    /// The answer of an operation: its value (OK) or its error (ERROR, always JSON).
    fn answer<T: Serialize + PutFrame>(self, result: Result<T>) -> Reply {
        match result {
            Ok(value) => self.ok(&value),
            Err(e) => encode(status::ERROR, &e),
        }
    }
}

/// Runs one operation on the protocol.
pub(super) fn dispatch<P: CarrierProtocol>(p: &P, codec: Codec, op: Op, input: &[u8]) -> Reply {
    let c = codec;
    match op {
        Op::Info => c.ok(&p.info()),
        Op::Auth => c.ok(&p.auth()),
        Op::BuildToken => c.answer(p.build_token()),
        Op::ParseToken => match c.decode::<HttpResponse>(op, input) {
            Ok(r) => c.answer(p.parse_token(&r)),
            Err(reply) => reply,
        },
        Op::BuildRate => match c.decode::<RateRequest>(op, input) {
            Ok(r) => c.answer(p.build_rate(&r)),
            Err(reply) => reply,
        },
        Op::ParseRate => match c.decode::<ParseRateInput>(op, input) {
            Ok(i) => c.answer(p.parse_rate(&i.request, &i.exchange)),
            Err(reply) => reply,
        },
        Op::BuildRateBinary => match c.decode::<BinaryRequest>(op, input) {
            Ok(BinaryRequest(r)) => c.answer(p.build_rate(&r)),
            Err(reply) => reply,
        },
        Op::ParseRateBinary => match c.decode::<BinaryParseRateInput>(op, input) {
            Ok(BinaryParseRateInput(i)) => c.answer(p.parse_rate(&i.request, &i.exchange).map(
                |step| match step {
                    Step::Done(rates) => Step::Done(BinaryRates(rates)),
                    Step::Next(requests) => Step::Next(requests),
                },
            )),
            Err(reply) => reply,
        },
        Op::TrackBatchSize => c.ok(&p.track_batch_size()),
        Op::BuildTrack => match c.decode::<Vec<TrackingNumber>>(op, input) {
            Ok(n) => c.answer(p.build_track(&n)),
            Err(reply) => reply,
        },
        Op::ParseTrack => match c.decode::<ParseTrackInput>(op, input) {
            Ok(i) => c.answer(p.parse_track(&i.numbers, &i.exchange).map(|results| {
                results
                    .into_iter()
                    .map(TrackOutcome::from)
                    .collect::<Vec<_>>()
            })),
            Err(reply) => reply,
        },
        Op::BuildConnect => c.answer(p.build_connect()),
        Op::ParseConnect => match c.decode::<HttpResponse>(op, input) {
            Ok(r) => c.answer(p.parse_connect(&r)),
            Err(reply) => reply,
        },
    }
}

/// `value` as JSON with `status`; an ERROR if it cannot be encoded.
pub(super) fn encode<T: Serialize>(status: Status, value: &T) -> Reply {
    match serde_json::to_vec(value) {
        Ok(bytes) => (status, bytes),
        Err(e) => {
            let error = Error::new(ErrorKind::Plugin, format!("cannot encode answer: {e}"));
            // An Error always encodes; fall back to an empty body rather than panic.
            (
                status::ERROR,
                serde_json::to_vec(&error).unwrap_or_default(),
            )
        }
    }
}

fn bad_input(message: &str) -> Reply {
    (status::BAD_INPUT, message.as_bytes().to_vec())
}

/// Runs `f`, turning a panic into a PANIC reply carrying the panic message.
pub(super) fn guarded(f: impl FnOnce() -> Reply) -> Reply {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(reply) => reply,
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            // The payload's own Drop could panic; keep that inside too.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            (status::PANIC, message.into_bytes())
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}

/// Gives `reply`'s bytes to the host through `out` and returns its status.
///
/// # Safety
/// `out` must be null or point at writable memory for one [`PluginBuf`].
unsafe fn hand_over((status, bytes): Reply, out: *mut PluginBuf) -> Status {
    if out.is_null() {
        return status::BAD_INPUT;
    }
    // SAFETY: non-null, and writable by the caller's contract.
    unsafe { out.write(PluginBuf::from_vec(bytes)) };
    status
}

/// Exports a [`PluginCarrier`] as a shipmux plugin: defines the `shipmux_plugin_v1` symbol
/// returning the ABI table, with a manifest naming this crate and its version.
///
/// Built for a `wasm` target (`--target wasm32-wasip2`), the same line exports a WebAssembly
/// component of the world `shipmux:carrier/plugin@1.0.0` instead (`core/wit/v1.0`), answering
/// every operation exactly as the table's `call_framed` does.
///
/// Use it once, in a crate built as a `cdylib`:
///
/// ```ignore
/// shipmux_core::export_plugin!(AcmeProtocol);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($protocol:ty) => {
        /// The plugin's entry point (shipmux plugin ABI v1).
        #[cfg(not(target_family = "wasm"))]
        #[unsafe(no_mangle)]
        pub extern "C" fn shipmux_plugin_v1() -> *const $crate::plugin::PluginV1 {
            unsafe extern "C" fn manifest(
                out: *mut $crate::plugin::PluginBuf,
            ) -> $crate::plugin::Status {
                // SAFETY: `out` comes from the host, per the ABI contract.
                unsafe {
                    $crate::plugin::export::manifest_with_extensions(
                        env!("CARGO_PKG_NAME"),
                        env!("CARGO_PKG_VERSION"),
                        cfg!(panic = "abort"),
                        out,
                    )
                }
            }
            static TABLE: $crate::plugin::PluginV1 =
                $crate::plugin::export::table::<$protocol>(manifest);
            &TABLE
        }

        #[cfg(target_family = "wasm")]
        struct __ShipmuxPlugin;
        #[cfg(target_family = "wasm")]
        impl $crate::plugin::component::ComponentPlugin for __ShipmuxPlugin {
            type Protocol = $protocol;
            const NAME: &'static str = env!("CARGO_PKG_NAME");
            const VERSION: &'static str = env!("CARGO_PKG_VERSION");
        }
        #[cfg(target_family = "wasm")]
        type __ShipmuxComponent = $crate::plugin::component::Component<__ShipmuxPlugin>;
        #[cfg(target_family = "wasm")]
        $crate::plugin::component::bindings::__shipmux_export_component!(
            __ShipmuxComponent with_types_in $crate::plugin::component::bindings
        );
    };
}
