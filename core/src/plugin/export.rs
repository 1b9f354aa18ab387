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
use super::abi::{V1_0_STRUCT_SIZE, status};
use super::manifest::Manifest;
use super::ops::{Op, ParseRateInput, ParseTrackInput, TrackOutcome};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{RateRequest, TrackingNumber};
use crate::protocol::{CarrierProtocol, HttpResponse};

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
type Reply = (Status, Vec<u8>);

/// The v1 table for protocol `P` with the given manifest function (the macro writes one
/// that knows the plugin crate's name and version).
#[doc(hidden)]
pub const fn table<P: PluginCarrier>(manifest: ManifestFn) -> PluginV1 {
    PluginV1 {
        struct_size: V1_0_STRUCT_SIZE as u32,
        abi_major: ABI_MAJOR,
        abi_minor: ABI_MINOR,
        manifest,
        create: create::<P>,
        destroy: destroy::<P>,
        call: call::<P>,
        free,
    }
}

/// Writes the manifest of plugin `name` `version` to `out`.
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
        dispatch(protocol, op, input)
    });
    // SAFETY: `out` is the host's.
    unsafe { hand_over(reply, out) }
}

unsafe extern "C" fn free(buf: PluginBuf) {
    // SAFETY: the host hands back, once, a buffer `hand_over` made in this library.
    drop(unsafe { buf.into_vec() });
}

/// Runs one operation on the protocol.
fn dispatch<P: CarrierProtocol>(p: &P, op: Op, input: &[u8]) -> Reply {
    match op {
        Op::Info => encode(status::OK, &p.info()),
        Op::Auth => encode(status::OK, &p.auth()),
        Op::BuildToken => answer(p.build_token()),
        Op::ParseToken => with_input(op, input, |r: HttpResponse| answer(p.parse_token(&r))),
        Op::BuildRate => with_input(op, input, |r: RateRequest| answer(p.build_rate(&r))),
        Op::ParseRate => with_input(op, input, |i: ParseRateInput| {
            answer(p.parse_rate(&i.request, &i.exchange))
        }),
        Op::TrackBatchSize => encode(status::OK, &p.track_batch_size()),
        Op::BuildTrack => with_input(op, input, |n: Vec<TrackingNumber>| {
            answer(p.build_track(&n))
        }),
        Op::ParseTrack => with_input(op, input, |i: ParseTrackInput| {
            answer(p.parse_track(&i.numbers, &i.exchange).map(|results| {
                results
                    .into_iter()
                    .map(TrackOutcome::from)
                    .collect::<Vec<_>>()
            }))
        }),
        Op::BuildConnect => answer(p.build_connect()),
        Op::ParseConnect => with_input(op, input, |r: HttpResponse| answer(p.parse_connect(&r))),
    }
}

/// Decodes the input of `op`, or answers BAD_INPUT.
fn with_input<T: DeserializeOwned>(op: Op, input: &[u8], f: impl FnOnce(T) -> Reply) -> Reply {
    match serde_json::from_slice(input) {
        Ok(value) => f(value),
        Err(e) => bad_input(&format!("input of `{}` is not valid: {e}", op.name())),
    }
}

fn answer<T: Serialize>(result: Result<T>) -> Reply {
    match result {
        Ok(value) => encode(status::OK, &value),
        Err(e) => encode(status::ERROR, &e),
    }
}

fn encode<T: Serialize>(status: Status, value: &T) -> Reply {
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
fn guarded(f: impl FnOnce() -> Reply) -> Reply {
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
/// Use it once, in a crate built as a `cdylib`:
///
/// ```ignore
/// shipmux_core::export_plugin!(AcmeProtocol);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($protocol:ty) => {
        /// The plugin's entry point (shipmux plugin ABI v1).
        #[unsafe(no_mangle)]
        pub extern "C" fn shipmux_plugin_v1() -> *const $crate::plugin::PluginV1 {
            unsafe extern "C" fn manifest(
                out: *mut $crate::plugin::PluginBuf,
            ) -> $crate::plugin::Status {
                // SAFETY: `out` comes from the host, per the ABI contract.
                unsafe {
                    $crate::plugin::export::manifest(
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
    };
}
