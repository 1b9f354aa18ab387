//! The plugin loader: native carrier plugins (`.so` / `.dylib` / `.dll`) built with
//! `shipmux_core::export_plugin!`, loaded, checked, and run as ordinary carrier protocols.
//!
//! [`Plugin::load`] opens one file (or [`scan`] a folder) and checks, in order: that it is a
//! library, that it exports `shipmux_plugin_v1`, the table's ABI major (must match), size (at
//! least the v1.0 table) and minor (equal or older than the host's), the manifest, the target
//! triple (must match the host's), and the panic strategy (`panic=abort` is refused, because a
//! panic could not be caught). Each refusal is a `plugin` error naming the file, with a
//! [`Refusal`] code. [`Plugin::instantiate`] makes a [`PluginProtocol`] from the carrier's
//! config JSON; wrap it in `HttpCarrier` like any built-in protocol.
//!
//! A plugin of ABI 1.1 or later is called through `call_framed`, with HTTP bodies as raw bytes
//! beside the JSON (`shipmux_core::plugin::frame`); a 1.0 plugin through `call`, all JSON.
//!
//! Libraries are never unloaded ([`Plugin`] says why).
//!
//! A `.wasm` file is a WebAssembly component of the world `shipmux:carrier/plugin`, built from
//! the same carrier crate for `wasm32-wasip2`: with the `wasm` feature, [`Plugin::load`] loads
//! it into a wasmtime sandbox that grants it nothing, under a call budget and a memory cap
//! ([`WasmLimits`]), and it is the same [`Plugin`] and [`PluginProtocol`] to the rest of the
//! host ([`wasm`] has the details and the extra refusals).
//!
//! ```no_run
//! use shipmux_host::plugin::Plugin;
//!
//! let plugin = Plugin::load("plugins/libshipmux_canadapost.so")?;
//! println!("{} {}", plugin.manifest().name, plugin.manifest().version);
//! let protocol = plugin.instantiate(&serde_json::json!({
//!     "base_url": "https://ct.soa-gw.canadapost.ca",
//!     "username": "key", "password": "secret", "customer_number": "1234567",
//! }))?;
//! # Ok::<(), shipmux_core::Error>(())
//! ```

mod cargo_build;
mod elf;
mod find;
mod instance;
mod library;
mod refusal;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use cargo_build::{BuildOutput, CargoBuild, dylib_file_name};
pub use find::{find_library, library_candidates};
pub use instance::PluginProtocol;
pub use library::{Plugin, PluginKind, inspect, scan};
pub use refusal::Refusal;
pub use shipmux_core::plugin::Manifest;
#[cfg(feature = "wasm")]
pub use wasm::WasmLimits;
