//! A carrier plugin that misbehaves on request — used only by tests, so every failure path
//! of the plugin loader and of `PluginProtocol` is exercised with real `.so` files.
//!
//! The `.so` files are the crate's examples (one per way of being broken at load time);
//! `examples/faulty.rs` is the one that loads and then misbehaves as its config says:
//!
//! ```json
//! {"carrier": "faulty", "base_url": "http://127.0.0.1:1234", "mode": "panic_on_quote"}
//! ```
//!
//! | mode | what happens |
//! |---|---|
//! | `ok` (default) | quotes one rate: `GET {base_url}/rate`, the body is the USD total |
//! | `panic_on_quote` | `build_rate` panics |
//! | `panic_on_create` | building the instance panics |
//! | `garbage` | `build_rate` answers status OK with bytes that are not JSON |
//! | `wrong_shape` | `build_rate` answers status OK with JSON of the wrong type |
//! | `reject` | `build_rate` answers an ordinary `rejected` error |
//! | `bad_body` | `build_rate` answers status OK with a request whose body lies outside the frame (ABI 1.1 frames only; plain JSON has no such thing, so `call` works normally) |
//! | `spin` | `build_rate` loops for ever (for the Wasm sandbox's call budget: never load it natively) |
//! | `hog` | `build_rate` allocates without bound (for the Wasm sandbox's memory cap: never natively) |
//!
//! Built for `wasm32-wasip2`, `examples/faulty.rs` is a component with the same modes (a
//! panic there aborts, which is a trap the host contains), and `examples/faulty_socket.rs`
//! one whose `build_rate` opens a TCP connection, so it imports `wasi:sockets` and is
//! refused at load.

use std::ffi::c_void;

use serde::Deserialize;
use shipmux_core::plugin::frame::FrameWriter;
use shipmux_core::plugin::{
    self, ManifestFn, Op, PluginBuf, PluginCarrier, PluginSlice, PluginV1, Status, status,
};
use shipmux_core::{
    Capabilities, CarrierId, CarrierInfo, CarrierProtocol, Error, ErrorKind, Exchange, HttpRequest,
    Money, Rate, RateRequest, Result, ServiceInfo, Step, Tracking, TrackingNumber,
};

/// How the plugin misbehaves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Works.
    #[default]
    Ok,
    /// Panics in `build_rate`.
    PanicOnQuote,
    /// Panics while being created.
    PanicOnCreate,
    /// Answers non-JSON bytes with status OK.
    Garbage,
    /// Answers JSON of the wrong type with status OK.
    WrongShape,
    /// Answers an ordinary error.
    Reject,
    /// Answers a frame whose request body points outside it.
    BadBody,
    /// Loops for ever in `build_rate`.
    Spin,
    /// Allocates without bound in `build_rate`.
    Hog,
}

/// The config JSON.
#[derive(Clone, Debug, Deserialize)]
pub struct FaultyConfig {
    /// The carrier id to report.
    #[serde(default = "default_carrier")]
    pub carrier: String,
    /// Where `GET /rate` goes.
    #[serde(default)]
    pub base_url: String,
    /// How to misbehave.
    #[serde(default)]
    pub mode: Mode,
}

fn default_carrier() -> String {
    "faulty".to_string()
}

/// The misbehaving protocol.
pub struct FaultyProtocol {
    id: CarrierId,
    config: FaultyConfig,
}

impl CarrierProtocol for FaultyProtocol {
    fn info(&self) -> CarrierInfo {
        CarrierInfo {
            id: self.id.clone(),
            name: "Faulty Test Carrier".into(),
            services: vec![ServiceInfo::new("STD", "Standard")],
            capabilities: Capabilities {
                rates: true,
                ..Capabilities::default()
            },
        }
    }

    fn build_rate(&self, _request: &RateRequest) -> Result<Vec<HttpRequest>> {
        match self.config.mode {
            Mode::PanicOnQuote => panic!("faulty plugin: told to panic on quote"),
            Mode::Reject => Err(Error::new(ErrorKind::Rejected, "told to reject")),
            Mode::Spin => {
                let mut n = 0u64;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            Mode::Hog => {
                // Reserved, never written: the memory grows at once, however slow the build.
                let mut kept: Vec<Vec<u8>> = Vec::new();
                loop {
                    kept.push(Vec::with_capacity(1 << 22));
                    std::hint::black_box(&kept);
                }
            }
            _ => Ok(vec![HttpRequest::get(format!(
                "{}/rate",
                self.config.base_url
            ))]),
        }
    }

    fn parse_rate(&self, _request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        let response = exchange
            .responses
            .first()
            .ok_or_else(|| Error::parse("no response"))?;
        if !response.is_success() {
            return Err(Error::from_status(response.status, "rate call failed"));
        }
        let total = Money::parse(response.text().trim(), "USD")
            .map_err(|_| Error::parse("rate body is not an amount"))?;
        Ok(Step::Done(vec![Rate::new(
            self.id.clone(),
            "STD",
            "Standard",
            total,
        )]))
    }

    fn build_track(&self, _numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        Err(Error::unsupported("the faulty carrier does not track"))
    }

    fn parse_track(
        &self,
        _numbers: &[TrackingNumber],
        _exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        Err(Error::unsupported("the faulty carrier does not track"))
    }
}

impl PluginCarrier for FaultyProtocol {
    fn from_config(config: serde_json::Value) -> Result<Self> {
        let config: FaultyConfig = plugin::config_from_json(config)?;
        if config.mode == Mode::PanicOnCreate {
            panic!("faulty plugin: told to panic on create");
        }
        Ok(FaultyProtocol {
            id: CarrierId::new(&config.carrier)?,
            config,
        })
    }
}

impl FaultyProtocol {
    /// How it was told to misbehave.
    pub fn mode(&self) -> Mode {
        self.config.mode
    }
}

/// The table of a well-formed faulty plugin: the standard table for [`FaultyProtocol`], with
/// a `call` and a `call_framed` that can answer garbage.
pub const fn table(manifest: ManifestFn) -> PluginV1 {
    let mut table = plugin::export::table::<FaultyProtocol>(manifest);
    table.call = call_maybe_garbage;
    table.call_framed = call_framed_maybe_garbage;
    table
}

const STANDARD: PluginV1 = plugin::export::table::<FaultyProtocol>(standard_manifest);

/// The manifest the standard macro would write for this crate.
///
/// # Safety
/// `out` must be null or point at writable memory for one [`PluginBuf`].
pub unsafe extern "C" fn standard_manifest(out: *mut PluginBuf) -> Status {
    // SAFETY: `out` is the host's, per the ABI.
    unsafe {
        plugin::export::manifest(
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            cfg!(panic = "abort"),
            out,
        )
    }
}

/// The protocol behind `instance` when `build_rate` is being called, to decide on garbage.
///
/// # Safety
/// `instance` is null or a live instance made by the standard `create` for this type.
unsafe fn misbehaving(instance: *const c_void, op: u32) -> Option<&'static FaultyProtocol> {
    if instance.is_null() || op != Op::BuildRate.code() {
        return None;
    }
    // SAFETY: per the caller; the host keeps the instance alive for the call.
    Some(unsafe { &*instance.cast::<FaultyProtocol>() })
}

unsafe extern "C" fn call_framed_maybe_garbage(
    instance: *const c_void,
    op: u32,
    input: PluginSlice,
    out: *mut PluginBuf,
) -> Status {
    // SAFETY: the host passes an instance of this plugin.
    if let Some(protocol) = unsafe { misbehaving(instance, op) }
        && !out.is_null()
    {
        let empty = || FrameWriter::new(Vec::new());
        let bytes = match protocol.config.mode {
            Mode::Garbage => {
                let mut bytes = empty().finish(&()).unwrap_or_default();
                bytes.truncate(8);
                bytes.extend_from_slice(b"\xff\xfe definitely not JSON");
                Some(bytes)
            }
            Mode::WrongShape => empty()
                .finish(&serde_json::json!({"rates": "not a list of requests"}))
                .ok(),
            Mode::BadBody => empty()
                .finish(&serde_json::json!([
                    {"method": "GET", "url": "http://x/", "headers": [], "body": [0, 4096]}
                ]))
                .ok(),
            _ => None,
        };
        if let Some(bytes) = bytes {
            // SAFETY: `out` is non-null and the host's.
            unsafe { out.write(PluginBuf::from_vec(bytes)) };
            return status::OK;
        }
    }
    // SAFETY: forwarded unchanged.
    unsafe { (STANDARD.call_framed)(instance, op, input, out) }
}

unsafe extern "C" fn call_maybe_garbage(
    instance: *const c_void,
    op: u32,
    input: PluginSlice,
    out: *mut PluginBuf,
) -> Status {
    if !instance.is_null() && !out.is_null() && op == Op::BuildRate.code() {
        // SAFETY: a live instance made by the standard `create` for this type.
        let protocol = unsafe { &*instance.cast::<FaultyProtocol>() };
        let bytes: Option<&[u8]> = match protocol.config.mode {
            Mode::Garbage => Some(b"\xff\xfe definitely not JSON"),
            Mode::WrongShape => Some(br#"{"rates": "not a list of requests"}"#),
            _ => None,
        };
        if let Some(bytes) = bytes {
            // SAFETY: `out` is non-null and the host's.
            unsafe { out.write(PluginBuf::from_vec(bytes.to_vec())) };
            return status::OK;
        }
    }
    // SAFETY: forwarded unchanged.
    unsafe { (STANDARD.call)(instance, op, input, out) }
}
