//! Shared by the `plugin_*` tests: builds the real plugin `.so` files with cargo (once per
//! test binary) into `target/plugin-build`, away from the lock the running `cargo test` holds
//! on `target/`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde_json::json;
use shipmux_core::{Address, Dimensions, LengthUnit, Parcel, RateRequest, Weight};
use shipmux_host::plugin::{BuildOutput, CargoBuild, Plugin, PluginProtocol};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

fn build(build: CargoBuild) -> BuildOutput {
    build
        .workspace(workspace())
        .run()
        .unwrap_or_else(|e| panic!("building a test plugin failed: {e}"))
}

/// The plugin library `stem` (a carrier descriptor's `plugin_library`, `shipmux_canadapost`)
/// built from this workspace's crate of that name (`shipmux-canadapost`), once per test
/// binary — never a stale copy found elsewhere in `target/`.
pub fn plugin_library(stem: &str) -> PathBuf {
    static BUILT: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());
    // Held while cargo runs, so two tests asking at once build once.
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    built
        .entry(stem.to_string())
        .or_insert_with(|| build(CargoBuild::new(&stem.replace('_', "-"))).library(stem))
        .clone()
}

/// `libshipmux_canadapost.so`, built as a plugin.
pub fn canadapost_plugin() -> PathBuf {
    plugin_library(
        shipmux_canadapost::DESCRIPTOR
            .plugin_library
            .expect("Canada Post ships as a plugin"),
    )
}

/// The faulty plugin's examples, one `.so` each (`faulty`, `wrong_abi_major`, …).
pub fn faulty_example(name: &str) -> PathBuf {
    static OUT: OnceLock<BuildOutput> = OnceLock::new();
    OUT.get_or_init(|| build(CargoBuild::new("shipmux-faulty-plugin").all_examples()))
        .example(name)
}

/// The faulty plugin built with `panic=abort` (its own target folder: every dependency is
/// rebuilt with that strategy).
pub fn faulty_panic_abort() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        build(
            CargoBuild::new("shipmux-faulty-plugin")
                .example("faulty")
                .panic_abort(true)
                .target_dir(workspace().join("target").join("plugin-build-abort")),
        )
        .example("faulty")
    })
    .clone()
}

/// A fresh, empty folder for one test.
pub fn scratch_dir(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "shipmux-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// A shared library from the system that is certainly not a shipmux plugin.
pub fn system_library() -> Option<PathBuf> {
    [
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/libm.so.6",
        "/lib/aarch64-linux-gnu/libm.so.6",
        "/usr/lib/aarch64-linux-gnu/libm.so.6",
        "/lib64/libm.so.6",
        "/usr/lib64/libm.so.6",
        "/usr/lib/libm.so.6",
        "/usr/lib/libSystem.B.dylib",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// A loopback HTTP server answering every request with `200` and `body`, for the faulty
/// plugin's `ok` mode. Returns its base URL.
pub async fn constant_server(body: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 1024];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

/// The Rust target Wasm plugins are built for.
pub const WASM_TARGET: &str = "wasm32-wasip2";

/// True when the `wasm32-wasip2` standard library is installed. When it is not, a Wasm test
/// says so and skips, unless `SHIPMUX_REQUIRE_WASM=1` (CI), where it fails.
pub fn wasm_target_installed() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    let installed = *INSTALLED.get_or_init(|| {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        std::process::Command::new(rustc)
            .args(["--print", "sysroot"])
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .is_some_and(|sysroot| {
                Path::new(sysroot.trim())
                    .join("lib/rustlib")
                    .join(WASM_TARGET)
                    .is_dir()
            })
    });
    if !installed {
        assert!(
            std::env::var("SHIPMUX_REQUIRE_WASM").as_deref() != Ok("1"),
            "SHIPMUX_REQUIRE_WASM=1 but the {WASM_TARGET} target is not installed \
             (rustup target add {WASM_TARGET})"
        );
        eprintln!(
            "note: the {WASM_TARGET} target is not installed (rustup target add {WASM_TARGET}); \
             skipping this Wasm plugin test"
        );
    }
    installed
}

/// `shipmux_canadapost.wasm`, Canada Post built as a component (once per test binary), or
/// `None` (with a note) when the Wasm target is missing.
pub fn canadapost_wasm() -> Option<PathBuf> {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    if !wasm_target_installed() {
        return None;
    }
    Some(
        PATH.get_or_init(|| {
            build(CargoBuild::new("shipmux-canadapost").target(WASM_TARGET))
                .library("shipmux_canadapost")
        })
        .clone(),
    )
}

/// The faulty plugin's Wasm components (`faulty`, `faulty_socket`), or `None` (with a note)
/// when the Wasm target is missing.
pub fn faulty_wasm(name: &str) -> Option<PathBuf> {
    static OUT: OnceLock<BuildOutput> = OnceLock::new();
    if !wasm_target_installed() {
        return None;
    }
    Some(
        OUT.get_or_init(|| {
            build(
                CargoBuild::new("shipmux-faulty-plugin")
                    .target(WASM_TARGET)
                    .example("faulty")
                    .example("faulty_socket"),
            )
        })
        .example(name),
    )
}

/// The parcel the Canada Post plugin tests quote: 2.25 kg, 30 × 20 × 10.5 cm, from Ottawa to
/// `to`.
pub fn canadapost_request(to: Address) -> RateRequest {
    RateRequest::new(
        Address::new("CA", "K1G 3H7"),
        to,
        vec![
            Parcel::new(Weight::kg("2.25".parse().unwrap())).with_dimensions(Dimensions::new(
                30.into(),
                20.into(),
                "10.5".parse().unwrap(),
                LengthUnit::Cm,
            )),
        ],
    )
    .unwrap()
}

/// A Canada Post account on the simulator at `base_url`, with credentials it accepts.
pub fn canadapost_config(base_url: &str) -> serde_json::Value {
    json!({
        "username": "sandbox-user",
        "password": "sandbox-password",
        "customer_number": "2004381",
        "base_url": base_url,
    })
}

/// The Canada Post plugin at `path` (the `.so` or the `.wasm`) with an account on the
/// simulator at `base_url`.
pub fn canadapost_protocol(path: &Path, base_url: &str) -> PluginProtocol {
    Plugin::load(path)
        .unwrap_or_else(|e| panic!("{} loads: {e}", path.display()))
        .instantiate(&canadapost_config(base_url))
        .expect("the Canada Post plugin accepts its config")
}
