//! The one wasmtime [`Engine`] every Wasm plugin shares, the clock that interrupts a guest
//! past its budget, and the cache of compiled components.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use wasmtime::component::Component;
use wasmtime::{Config, Engine};

/// Set (to anything) to have the engine write `/tmp/perf-<pid>.map` naming each compiled
/// guest function, so that `perf record`/`perf report` show where a plugin spends its time.
pub const PERFMAP_ENV: &str = "SHIPMUX_WASM_PERFMAP";

/// How often the engine's epoch advances: the granularity of a call's budget.
pub(super) const EPOCH_TICK: Duration = Duration::from_millis(1);

/// The shared engine: epoch interruption on (a call past its budget traps), everything else
/// wasmtime's defaults. Its epoch ticker thread starts with it and lives as long as the
/// process (the engine is never dropped).
pub(super) fn engine() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let mut config = Config::new();
            config.epoch_interruption(true);
            // A runaway recursion traps well before it could touch the host's stack.
            config.max_wasm_stack(1 << 20);
            // For profiling: `perf` names the guest's functions from /tmp/perf-<pid>.map.
            if std::env::var_os(PERFMAP_ENV).is_some() {
                config.profiler(wasmtime::ProfilingStrategy::PerfMap);
            }
            let engine = Engine::new(&config).map_err(|e| format!("{e:#}"))?;
            let weak = engine.weak();
            std::thread::Builder::new()
                .name("shipmux-wasm-epoch".into())
                .spawn(move || {
                    while let Some(engine) = weak.upgrade() {
                        engine.increment_epoch();
                        drop(engine);
                        std::thread::sleep(EPOCH_TICK);
                    }
                })
                .map_err(|e| format!("cannot start the Wasm epoch thread: {e}"))?;
            Ok(engine)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// What identifies one version of a file: its canonical path, length and modification time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FileKey {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

/// The compiled component of the file at `path`, compiled once per version of the file (a
/// second load of an unchanged file, e.g. the same plugin under two accounts, reuses it).
pub(super) fn compile(engine: &Engine, path: &Path, bytes: &[u8]) -> Result<Component, String> {
    static CACHE: OnceLock<Mutex<HashMap<FileKey, Component>>> = OnceLock::new();
    let metadata = std::fs::metadata(path).ok();
    let key = FileKey {
        path: std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        len: bytes.len() as u64,
        modified: metadata.and_then(|m| m.modified().ok()),
    };
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(component) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(component.clone());
    }
    let component = Component::new(engine, bytes).map_err(|e| format!("{e:#}"))?;
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, component.clone());
    Ok(component)
}
