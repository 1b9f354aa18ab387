//! The plugin C ABI (docs/plugins.md) and [`export_plugin!`](crate::export_plugin).
//!
//! A plugin is a `cdylib` holding one [`CarrierProtocol`](crate::CarrierProtocol). It exports
//! one symbol, [`SYMBOL`] (`shipmux_plugin_v1`), returning a [`PluginV1`] table of `extern
//! "C"` functions: manifest, create an instance from config JSON, destroy it, call an
//! operation, free an output buffer; since ABI 1.1 also "call an operation with frames"
//! ([`frame`]: the same JSON, but HTTP bodies as raw bytes beside it instead of base64 in
//! it). Every message is the JSON of the core types (see [`Op`] for which), so no Rust type
//! crosses the boundary and the plugin need not be built by the same compiler as the host.
//! The quote's hot path has *extensions* on top of 1.1: operations a plugin lists in its
//! manifest, which carry the request and the rates as compact binary ([`binary`]) instead of
//! JSON; a host uses them only with a plugin that lists them.
//!
//! The plugin does no I/O: it builds HTTP request descriptions and parses responses, and the
//! host sends them with its own client, retries, token cache, rate limits and cache. So a
//! plugin carries no async runtime and no TLS stack, and spawns no threads.
//!
//! Built for a `wasm` target (`--target wasm32-wasip2`), [`export_plugin!`](crate::export_plugin)
//! exports the same protocol as a WebAssembly component of the WIT world
//! `shipmux:carrier/plugin@1.0.0` (`core/wit/v1.0/carrier.wit`) instead, carrying the same
//! messages (the `component` module, compiled only for Wasm).
//!
//! The host side (loading, checking, calling) is `shipmux_host::plugin`.
//!
//! ```
//! use shipmux_core::plugin::{PluginCarrier, config_from_json};
//! use shipmux_core::*;
//!
//! #[derive(serde::Deserialize)]
//! struct AcmeConfig { base_url: String }
//!
//! struct Acme { config: AcmeConfig }
//!
//! impl CarrierProtocol for Acme {
//!     fn info(&self) -> CarrierInfo {
//!         CarrierInfo {
//!             id: CarrierId::from_static("acme"),
//!             name: "Acme Freight".into(),
//!             services: vec![],
//!             capabilities: Capabilities::default(),
//!         }
//!     }
//!     fn build_rate(&self, _: &RateRequest) -> Result<Vec<HttpRequest>> {
//!         Ok(vec![HttpRequest::post(format!("{}/rates", self.config.base_url))])
//!     }
//!     fn parse_rate(&self, _: &RateRequest, _: &Exchange) -> Result<Step<Vec<Rate>>> {
//!         Ok(Step::Done(vec![]))
//!     }
//!     fn build_track(&self, _: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
//!         Err(Error::unsupported("no tracking"))
//!     }
//!     fn parse_track(&self, _: &[TrackingNumber], _: &Exchange) -> Result<Vec<Result<Tracking>>> {
//!         Err(Error::unsupported("no tracking"))
//!     }
//! }
//!
//! impl PluginCarrier for Acme {
//!     fn from_config(config: serde_json::Value) -> Result<Self> {
//!         Ok(Acme { config: config_from_json(config)? })
//!     }
//! }
//!
//! shipmux_core::export_plugin!(Acme);
//! ```

mod abi;
pub mod binary;
#[cfg(target_family = "wasm")]
pub mod component;
#[doc(hidden)]
pub mod export;
pub mod frame;
mod manifest;
mod ops;
mod rate_wire;

pub use abi::{
    ABI_MAJOR, ABI_MINOR, CallFn, CreateFn, DestroyFn, EntryPoint, FreeFn, ManifestFn, PluginBuf,
    PluginSlice, PluginV1, SYMBOL, Status, V1_0_STRUCT_SIZE, V1_1_STRUCT_SIZE, status,
};
pub use export::{PluginCarrier, config_from_json};
pub use manifest::{BUILD_RUSTC, BUILD_TARGET, CORE_VERSION, Manifest, PanicStrategy};
pub use ops::{
    EXTENSIONS, Op, ParseRateInput, ParseRateInputRef, ParseTrackInput, ParseTrackInputRef,
    TrackOutcome,
};

#[cfg(test)]
mod tests;
