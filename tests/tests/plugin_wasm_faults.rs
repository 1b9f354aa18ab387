//! Hostile WebAssembly plugins are contained: a component that loops for ever, allocates
//! without bound, traps or answers garbage costs the quote that hit it a `plugin` error
//! naming the plugin, within its deadline; the other carriers' rates arrive; the bad instance
//! is replaced and the next quote works. A component that imports a socket, or exports
//! another world version, is refused at load with the reason named.
//!
//! Skipped with a note when the `wasm32-wasip2` target is not installed, unless
//! `SHIPMUX_REQUIRE_WASM=1` (CI).

mod plugin_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use plugin_support::{canadapost_wasm, constant_server, faulty_wasm, scratch_dir};
use serde_json::json;
use shipmux_core::testkit::TableCarrier;
use shipmux_core::{Address, Carrier, CarrierId, ErrorKind, Parcel, RateRequest, Weight};
use shipmux_host::plugin::{Plugin, PluginProtocol, Refusal, WasmLimits, inspect, scan};
use shipmux_host::{HttpCarrier, HttpDriver, quote_all};
use shipmux_sandbox::SandboxOptions;

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("CA", "K1G3H7"),
        Address::new("CA", "H4T1Z6"),
        vec![Parcel::new(Weight::kg(2.into()))],
    )
    .unwrap()
}

fn faulty(
    plugin: &Plugin,
    carrier: &str,
    base_url: &str,
    mode: &str,
) -> HttpCarrier<PluginProtocol> {
    let protocol = plugin
        .instantiate(&json!({"carrier": carrier, "base_url": base_url, "mode": mode}))
        .expect("instantiates");
    HttpCarrier::new(protocol, HttpDriver::new().unwrap())
}

/// Each hostile mode, the error code it must give, and words its message must hold.
const HOSTILE: [(&str, &str, &str); 5] = [
    ("spin", "budget", "call budget"),
    ("hog", "memory", "memory cap"),
    ("panic_on_quote", "trap", "trapped"),
    ("garbage", "bad_output", "cannot read"),
    ("wrong_shape", "bad_output", "cannot read"),
];

#[tokio::test]
async fn every_hostile_component_costs_one_quote_and_nothing_else() {
    let (Some(faulty_path), Some(canadapost_path)) = (faulty_wasm("faulty"), canadapost_wasm())
    else {
        return;
    };
    let sandbox = shipmux_canadapost::sandbox::start(SandboxOptions::default())
        .await
        .unwrap();
    let server = constant_server("7.25").await;
    let plugin = Plugin::load(&faulty_path).expect("the faulty component loads");
    let canadapost = Plugin::load(&canadapost_path)
        .unwrap()
        .instantiate(&json!({
            "username": "u", "password": "p", "base_url": sandbox.base_url(),
        }))
        .unwrap();
    let canadapost: Arc<dyn Carrier> =
        Arc::new(HttpCarrier::new(canadapost, HttpDriver::new().unwrap()));
    let id = |s: &str| CarrierId::new(s).unwrap();
    let deadline = Duration::from_secs(5);
    for (mode, code, words) in HOSTILE {
        let hostile = Arc::new(faulty(&plugin, "hostile", &server, mode));
        let carriers: Vec<Arc<dyn Carrier>> = vec![
            canadapost.clone(),
            hostile.clone(),
            Arc::new(faulty(&plugin, "faulty-ok", &server, "ok")),
            Arc::new(TableCarrier::example()),
        ];
        for round in 0..2 {
            let started = Instant::now();
            let answer = quote_all(&request(), &carriers, deadline).await;
            let took = started.elapsed();
            assert!(took < deadline, "{mode} round {round}: took {took:?}");
            let Some(Err(e)) = answer.get(&id("hostile")) else {
                panic!("{mode}: the hostile carrier must fail, got {answer:?}")
            };
            assert_eq!(
                (e.kind, e.code.as_deref()),
                (ErrorKind::Plugin, Some(code)),
                "{mode}: {e}"
            );
            assert!(e.message.contains("shipmux-faulty-plugin"), "{mode}: {e}");
            assert!(e.message.contains(words), "{mode}: {e}");
            assert!(e.message.contains("build_rate"), "{mode}: {e}");
            if round == 0 {
                eprintln!("{mode}: {e}");
            }
            assert!(
                matches!(answer.get(&id("canadapost")), Some(Ok(r)) if !r.is_empty()),
                "{mode} round {round}: {answer:?}"
            );
            assert!(
                matches!(answer.get(&id("faulty-ok")), Some(Ok(r)) if r.len() == 1),
                "{mode} round {round}"
            );
            assert!(matches!(
                answer.get(&TableCarrier::example().info().id),
                Some(Ok(_))
            ));
        }
        // The instance that failed was not kept: nothing idle is left of it.
        assert_eq!(hostile.protocol().wasm_idle_instances(), Some(0), "{mode}");
    }
    // The plugin itself still serves new accounts after all that.
    let after = faulty(&plugin, "after", &server, "ok");
    assert_eq!(
        after.quote(&request()).await.unwrap()[0]
            .total
            .amount
            .to_string(),
        "7.25"
    );
    assert_eq!(after.protocol().wasm_idle_instances(), Some(1));
}

#[tokio::test]
async fn a_tighter_budget_and_memory_cap_are_applied() {
    let Some(path) = faulty_wasm("faulty") else {
        return;
    };
    let server = constant_server("1.00").await;
    let limits = WasmLimits {
        call_budget: Duration::from_millis(20),
        memory_bytes: 16 << 20,
        ..WasmLimits::default()
    };
    let plugin = Plugin::load_wasm(&path, limits).unwrap();
    let spin = faulty(&plugin, "spin", &server, "spin");
    let started = Instant::now();
    let e = spin.quote(&request()).await.unwrap_err();
    assert_eq!(e.code.as_deref(), Some("budget"), "{e}");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    let hog = faulty(&plugin, "hog", &server, "hog");
    assert_eq!(
        hog.quote(&request()).await.unwrap_err().code.as_deref(),
        Some("memory")
    );
    // A panic while creating the instance is a trap at instantiation, not a crash.
    let e = plugin
        .instantiate(&json!({"mode": "panic_on_create"}))
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Plugin, Some("trap")),
        "{e}"
    );
    assert!(e.message.contains("create"), "{e}");
    let e = plugin
        .instantiate(&json!({"mode": "no_such_mode"}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config, "{e}");
}

fn refused(path: &std::path::Path) -> shipmux_core::Error {
    let e = Plugin::load(path).expect_err("the loader must refuse this component");
    assert_eq!(e.kind, ErrorKind::Plugin, "{e}");
    assert!(e.message.contains(&path.display().to_string()), "{e}");
    // `shipmux plugin check` reports the same.
    let checked = inspect(path).unwrap_err();
    assert_eq!(checked.code, e.code);
    e
}

#[test]
fn a_component_that_imports_a_socket_is_refused_naming_it() {
    let Some(path) = faulty_wasm("faulty_socket") else {
        return;
    };
    let e = refused(&path);
    assert_eq!(Refusal::of(&e), Some(Refusal::ForbiddenImport), "{e}");
    assert!(e.message.contains("`wasi:sockets/"), "{e}");
    assert!(
        !e.message.contains("`wasi:cli/"),
        "only the forbidden imports are named: {e}"
    );
}

#[test]
fn a_component_of_another_world_version_is_refused_naming_it() {
    if !plugin_support::wasm_target_installed() {
        return;
    }
    let dir = scratch_dir("wasm-refusals");
    let component = |export: &str| {
        wat::parse_str(format!(
            r#"(component
                 (core module $m (func (export "f")))
                 (core instance $i (instantiate $m))
                 (func $f (canon lift (core func $i "f")))
                 (instance $protocol (export "manifest" (func $f)))
                 (export "{export}" (instance $protocol)))"#
        ))
        .unwrap()
    };
    let v2 = dir.join("v2.wasm");
    std::fs::write(&v2, component("shipmux:carrier/protocol@2.0.0")).unwrap();
    let e = refused(&v2);
    assert_eq!(Refusal::of(&e), Some(Refusal::WorldVersion), "{e}");
    assert!(e.message.contains("shipmux:carrier/protocol@2.0.0"), "{e}");
    assert!(e.message.contains("this host speaks 1."), "{e}");

    let other = dir.join("other.wasm");
    std::fs::write(&other, component("acme:widgets/api@1.0.0")).unwrap();
    let e = refused(&other);
    assert_eq!(Refusal::of(&e), Some(Refusal::WorldVersion), "{e}");

    // A 1.0 interface without the carrier functions is refused, naming what is missing.
    let hollow = dir.join("hollow.wasm");
    std::fs::write(&hollow, component("shipmux:carrier/protocol@1.0.0")).unwrap();
    let e = refused(&hollow);
    assert_eq!(Refusal::of(&e), Some(Refusal::WorldVersion), "{e}");
    assert!(e.message.contains("[static]carrier.create"), "{e}");

    // A core module is not a component; garbage is not WebAssembly.
    let core = dir.join("core.wasm");
    std::fs::write(&core, wat::parse_str("(module)").unwrap()).unwrap();
    assert_eq!(Refusal::of(&refused(&core)), Some(Refusal::NotAComponent));
    let junk = dir.join("junk.wasm");
    std::fs::write(&junk, b"\0asm\x0d\0\x01\0 and then garbage").unwrap();
    assert_eq!(Refusal::of(&refused(&junk)), Some(Refusal::NotAComponent));
}

#[test]
fn the_plugins_folder_loads_wasm_beside_native_libraries() {
    let (Some(good), Some(socket)) = (canadapost_wasm(), faulty_wasm("faulty_socket")) else {
        return;
    };
    let dir = scratch_dir("wasm-folder");
    std::fs::copy(&good, dir.join("a_canadapost.wasm")).unwrap();
    std::fs::copy(&socket, dir.join("b_socket.wasm")).unwrap();
    std::fs::write(dir.join("c_notes.txt"), "not a plugin").unwrap();
    let results = scan(&dir).expect("the folder is readable");
    assert_eq!(results.len(), 2, "only .wasm and libraries are loaded");
    assert_eq!(
        results[0].as_ref().map(|p| p.manifest().name.clone()).ok(),
        Some("shipmux-canadapost".to_string())
    );
    let e = results[1].as_ref().unwrap_err();
    assert_eq!(Refusal::of(e), Some(Refusal::ForbiddenImport), "{e}");
}
