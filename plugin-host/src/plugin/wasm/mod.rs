//! WebAssembly carrier plugins: a `.wasm` component of the world `shipmux:carrier/plugin`
//! (`core/wit/v1.0/carrier.wit`), built from the same carrier crate as a `.so` (`cargo build
//! --target wasm32-wasip2`), run by wasmtime behind the same [`Plugin`](super::Plugin) and
//! [`PluginProtocol`](super::PluginProtocol) as a native plugin.
//!
//! What the sandbox gives a plugin: nothing. It may import only the WASI interfaces the Rust
//! standard library refers to ([`ALLOWED_IMPORTS`]), and every one of those functions traps:
//! no files, sockets, clocks, environment or stdio. Each call runs under a budget of wall
//! time (epoch interruption, [`WasmLimits::call_budget`]) and each instance under a memory
//! cap ([`WasmLimits::memory_bytes`]). A trap, an exhausted budget or an answer the host
//! cannot read is a `plugin` error for that call; the instance is dropped and the next call
//! makes a fresh one.
//!
//! The engine is shared by every plugin, each file is compiled once (and again only when it
//! changes), and the instances of one carrier account are pooled and reused.

mod engine;
mod imports;
mod pool;
mod world;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use shipmux_core::plugin::{ABI_MAJOR, Manifest};
use wasmtime::Engine;
use wasmtime::component::{InstancePre, Linker};

pub use engine::PERFMAP_ENV;
pub use imports::{ALLOWED_IMPORTS, is_allowed};
pub(crate) use pool::{Fault, Outcome, Pool};
pub(crate) use world::Failure;
pub use world::{INTERFACE, WORLD_MAJOR, WORLD_MINOR};

use super::refusal::Refusal;
use shipmux_core::{Error, Result};

/// The sandbox's limits for one plugin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WasmLimits {
    /// The longest one call into the plugin may run (wall time, counted in 1 ms epoch ticks).
    /// Default 100 ms: a carrier's step takes microseconds.
    pub call_budget: Duration,
    /// The most linear memory one instance may have. Default 64 MiB.
    pub memory_bytes: usize,
    /// Idle instances kept per carrier account for reuse. Default 8.
    pub max_idle: usize,
    /// Core instances, tables and memories per store (a component is a few of each).
    /// Default 64.
    pub max_instances: usize,
}

impl Default for WasmLimits {
    fn default() -> Self {
        WasmLimits {
            call_budget: Duration::from_millis(100),
            memory_bytes: 64 << 20,
            max_idle: 8,
            max_instances: 64,
        }
    }
}

impl WasmLimits {
    /// The call budget in epoch ticks.
    pub(crate) fn deadline_ticks(&self) -> u64 {
        pool::ticks(self.call_budget)
    }
}

/// A loaded and checked component: compiled, linked, its world's functions found.
pub(crate) struct WasmPlugin {
    engine: &'static Engine,
    pre: InstancePre<pool::State>,
    exports: world::Exports,
    pub(crate) limits: WasmLimits,
}

impl WasmPlugin {
    /// The exported interface's full name, e.g. `shipmux:carrier/protocol@1.0.0`.
    pub(crate) fn interface(&self) -> &str {
        &self.exports.interface
    }
}

/// `\0asm` and the component layer's version: what a component file starts with.
const COMPONENT_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/// Loads the component at `path` and runs every check: a component (not a core module),
/// only allowed imports, the world's interface in a version this host speaks with all its
/// functions, and a readable manifest of plugin ABI major 1 built for a `wasm32` target.
pub(crate) fn load(path: &Path, limits: WasmLimits) -> Result<(Manifest, Arc<WasmPlugin>)> {
    let bytes = std::fs::read(path)
        .map_err(|e| Refusal::MissingFile.error(path, format!("cannot read it ({e})")))?;
    if bytes.len() < 8 || bytes[..4] != COMPONENT_HEADER[..4] {
        return Err(Refusal::NotAComponent.error(path, "not a WebAssembly file"));
    }
    if bytes[4..8] != COMPONENT_HEADER[4..] {
        return Err(Refusal::NotAComponent.error(
            path,
            "a core WebAssembly module, not a component: build it for wasm32-wasip2",
        ));
    }
    let engine = engine::engine().map_err(|e| Error::config(format!("Wasm engine: {e}")))?;
    let component = engine::compile(engine, path, &bytes)
        .map_err(|e| Refusal::NotAComponent.error(path, format!("not a valid component ({e})")))?;
    let ty = component.component_type();
    let forbidden = imports::forbidden(ty.imports(engine).map(|(name, _)| name));
    if !forbidden.is_empty() {
        return Err(Refusal::ForbiddenImport.error(
            path,
            format!(
                "it imports {}, which a plugin is not granted (only the inert WASI interfaces of \
                 the standard library are linked)",
                forbidden
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let interface = find_interface(path, ty.exports(engine).map(|(name, _)| name))?;
    let exports = world::Exports::find(&component, &interface)
        .map_err(|why| Refusal::WorldVersion.error(path, why))?;
    let mut linker = Linker::new(engine);
    linker
        .define_unknown_imports_as_traps(&component)
        .and_then(|()| linker.instantiate_pre(&component))
        .map(|pre| (pre, exports))
        .map_err(|e| Refusal::NotAComponent.error(path, format!("cannot be linked ({e:#})")))
        .and_then(|(pre, exports)| {
            let plugin = Arc::new(WasmPlugin {
                engine,
                pre,
                exports,
                limits,
            });
            let manifest = read_manifest(path, &plugin)?;
            Ok((manifest, plugin))
        })
}

/// The exported `shipmux:carrier/protocol@<version>` this host can call, or the refusal.
fn find_interface<'a>(path: &Path, exports: impl Iterator<Item = &'a str>) -> Result<String> {
    let versions: Vec<&str> = exports
        .filter_map(|name| name.strip_prefix(INTERFACE)?.strip_prefix('@'))
        .collect();
    let speaks = format!("this host speaks {WORLD_MAJOR}.0 to {WORLD_MAJOR}.{WORLD_MINOR}");
    if versions.is_empty() {
        return Err(Refusal::WorldVersion.error(
            path,
            format!("it exports no `{INTERFACE}` interface: not a shipmux carrier component"),
        ));
    }
    let major = |v: &str| v.split('.').next().and_then(|m| m.parse::<u64>().ok());
    match versions.iter().find(|v| major(v) == Some(WORLD_MAJOR)) {
        Some(version) => Ok(format!("{INTERFACE}@{version}")),
        None => Err(Refusal::WorldVersion.error(
            path,
            format!(
                "it exports `{INTERFACE}@{}`: world version {}; {speaks}",
                versions.join("`, `"),
                versions.join(", ")
            ),
        )),
    }
}

fn read_manifest(path: &Path, plugin: &WasmPlugin) -> Result<Manifest> {
    let read = || -> wasmtime::Result<String> {
        let mut store = pool::new_store(plugin);
        let instance = plugin.pre.instantiate(&mut store)?;
        let manifest = plugin.exports.manifest(&mut store, &instance)?;
        Ok(manifest.call(&mut store, ())?.0)
    };
    let text = read()
        .map_err(|e| Refusal::Manifest.error(path, format!("its manifest call failed ({e:#})")))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        Refusal::Manifest.error(path, format!("its manifest is not valid JSON ({e})"))
    })?;
    if manifest.abi_major != ABI_MAJOR {
        return Err(Refusal::Manifest.error(
            path,
            format!(
                "its manifest says plugin ABI {}.{}; this host speaks {ABI_MAJOR}",
                manifest.abi_major, manifest.abi_minor
            ),
        ));
    }
    if !manifest.target.starts_with("wasm32") {
        return Err(Refusal::Target.error(
            path,
            format!(
                "its manifest says target {}, not a wasm32 target",
                manifest.target
            ),
        ));
    }
    Ok(manifest)
}
