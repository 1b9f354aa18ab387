//! Canada Post built as a WebAssembly component (`--target wasm32-wasip2`), loaded by the
//! host like the `.so` and driven by the same `HttpCarrier` against its sandbox: the same
//! conformance suites pass, and it answers the same rates and tracking as the `.so`.
//!
//! Skipped with a note when the `wasm32-wasip2` target is not installed, unless
//! `SHIPMUX_REQUIRE_WASM=1` (CI sets it), where that is a failure.

mod plugin_support;

#[path = "../../carriers/canadapost/tests/conformance_support/mod.rs"]
mod conformance_support;

use plugin_support::{
    canadapost_config as config, canadapost_plugin, canadapost_protocol as load,
    canadapost_request as request, canadapost_wasm,
};
use serde_json::json;
use shipmux_canadapost::sandbox;
use shipmux_core::testkit::{ConformanceFixture, run_conformance, run_protocol_conformance};
use shipmux_core::{Address, Carrier, ErrorKind, TrackingNumber};
use shipmux_host::plugin::{Plugin, PluginKind};
use shipmux_host::{HttpCarrier, HttpDriver};
use shipmux_sandbox::SandboxOptions;

#[test]
fn the_component_loads_as_a_wasm_plugin_with_its_manifest() {
    let Some(wasm) = canadapost_wasm() else {
        return;
    };
    assert!(
        wasm.ends_with("wasm32-wasip2/debug/shipmux_canadapost.wasm"),
        "{}",
        wasm.display()
    );
    let plugin = Plugin::load(&wasm).unwrap();
    assert_eq!(plugin.kind(), PluginKind::Wasm);
    assert_eq!(
        plugin.wasm_interface(),
        Some("shipmux:carrier/protocol@1.0.0")
    );
    let manifest = plugin.manifest();
    assert_eq!(manifest.name, "shipmux-canadapost");
    assert_eq!(manifest.target, "wasm32-wasip2");
    assert!(manifest.has_extension(shipmux_core::plugin::Op::ParseRateBinary));
    let native = Plugin::load(canadapost_plugin()).unwrap();
    assert_eq!(native.kind(), PluginKind::Native);
    assert_eq!(native.manifest().version, manifest.version);
}

#[tokio::test]
async fn the_component_answers_exactly_what_the_so_answers() {
    let Some(wasm) = canadapost_wasm() else {
        return;
    };
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let driver = HttpDriver::new().unwrap();
    let component = HttpCarrier::new(load(&wasm, &sandbox.base_url()), driver.clone());
    let so = HttpCarrier::new(load(&canadapost_plugin(), &sandbox.base_url()), driver);
    assert_eq!(component.info(), so.info());
    for to in [
        Address::new("CA", "H4T 1Z6"),
        Address::new("US", "10001"),
        Address::new("FR", "75001"),
    ] {
        let r = request(to);
        let rates = component.quote(&r).await.unwrap();
        assert!(!rates.is_empty(), "{r:?}");
        assert_eq!(rates, so.quote(&r).await.unwrap(), "{r:?}");
    }
    for pin in ["7023210039414604", "123456789012"] {
        let pin = TrackingNumber::new(pin).unwrap();
        let tracked = component.track(&pin).await.unwrap();
        assert!(!tracked.events.is_empty());
        assert_eq!(tracked, so.track(&pin).await.unwrap());
    }
    let unknown = TrackingNumber::new("7023210039414605").unwrap();
    let (a, b) = (
        component.track(&unknown).await.unwrap_err(),
        so.track(&unknown).await.unwrap_err(),
    );
    assert_eq!(
        (a.kind, a.code.as_deref()),
        (ErrorKind::NotFound, Some("004"))
    );
    assert_eq!((a.kind, &a.code, &a.message), (b.kind, &b.code, &b.message));
    component.connect().await.unwrap();

    // Carrier errors cross the component boundary with their kind and code.
    let e = component
        .quote(&request(Address::new("CA", "H4T1Z6")).with_services(["USA.XP"]))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("9111"))
    );
    assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("canadapost"));
}

#[tokio::test]
async fn the_component_passes_the_conformance_suite() {
    let Some(wasm) = canadapost_wasm() else {
        return;
    };
    let sandbox = sandbox::start(SandboxOptions::default()).await.unwrap();
    let carrier = HttpCarrier::new(load(&wasm, &sandbox.base_url()), HttpDriver::new().unwrap());
    let fixture = ConformanceFixture::new(request(Address::new("CA", "H4T1Z6")))
        .with_known_tracking(TrackingNumber::new("123456789012").unwrap())
        .with_unknown_tracking(TrackingNumber::new("0000000000000000").unwrap());
    run_conformance(&carrier, &fixture).await;
}

/// Every error status and unreadable body maps to the same kinds through the component as
/// through the `.so`, and no secret shows in `Debug`.
#[test]
fn the_component_meets_the_protocol_conformance_kit() {
    let Some(wasm) = canadapost_wasm() else {
        return;
    };
    let protocol = load(&wasm, "http://127.0.0.1:9");
    let fixture = conformance_support::fixture(&["sandbox-user", "sandbox-password"]);
    run_protocol_conformance(&protocol, &fixture);
}

#[test]
fn bad_config_is_refused_at_instantiation() {
    let Some(wasm) = canadapost_wasm() else {
        return;
    };
    let plugin = Plugin::load(&wasm).unwrap();
    let e = plugin.instantiate(&json!({"username": "u"})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config, "{e}");
    let e = plugin
        .instantiate(&json!({"username": "u", "password": "p", "contract_id": "1"}))
        .unwrap_err();
    assert!(e.message.contains("customer_number"), "{e}");
    assert!(plugin.instantiate(&config("http://127.0.0.1:9")).is_ok());
}
