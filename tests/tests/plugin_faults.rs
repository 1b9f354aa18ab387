//! A plugin that panics or answers garbage: the call fails with a `plugin` error, a panicking
//! instance is poisoned, and the host process and every other carrier keep working.

mod plugin_support;

use std::sync::Arc;
use std::time::Duration;

use plugin_support::{canadapost_plugin, constant_server, faulty_example};
use serde_json::json;
use shipmux_core::testkit::TableCarrier;
use shipmux_core::{Address, Carrier, CarrierId, ErrorKind, Parcel, RateRequest, Weight};
use shipmux_host::plugin::Plugin;
use shipmux_host::{HttpCarrier, HttpDriver, quote_all};
use shipmux_sandbox::SandboxOptions;

fn faulty(
    carrier: &str,
    base_url: &str,
    mode: &str,
) -> HttpCarrier<shipmux_host::plugin::PluginProtocol> {
    let plugin = Plugin::load(faulty_example("faulty")).expect("the faulty plugin loads");
    let protocol = plugin
        .instantiate(&json!({"carrier": carrier, "base_url": base_url, "mode": mode}))
        .expect("instantiates");
    HttpCarrier::new(protocol, HttpDriver::new().unwrap())
}

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("CA", "K1G3H7"),
        Address::new("CA", "H4T1Z6"),
        vec![Parcel::new(Weight::kg(2.into()))],
    )
    .unwrap()
}

#[tokio::test]
async fn a_panic_is_a_plugin_error_and_poisons_only_that_carrier() {
    let server = constant_server("12.50").await;
    let panicking = faulty("faulty-a", &server, "panic_on_quote");
    let healthy = faulty("faulty-b", &server, "ok");

    let e = panicking.quote(&request()).await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Plugin, Some("panic")),
        "{e}"
    );
    assert!(e.message.contains("told to panic on quote"), "{e}");
    assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("faulty-a"));
    assert!(!e.retryable);
    assert!(panicking.protocol().is_poisoned());

    // From now on it answers without entering the plugin.
    let e = panicking.quote(&request()).await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Plugin, Some("poisoned")),
        "{e}"
    );
    assert!(e.message.contains("told to panic on quote"), "{e}");

    // Another instance of the same plugin is unaffected.
    let rates = healthy.quote(&request()).await.unwrap();
    assert_eq!(rates[0].total.amount.to_string(), "12.50");
    assert!(!healthy.protocol().is_poisoned());
}

#[tokio::test]
async fn the_fan_out_keeps_serving_the_other_carriers() {
    let sandbox = shipmux_canadapost::sandbox::start(SandboxOptions::default())
        .await
        .unwrap();
    let server = constant_server("7.25").await;
    let canadapost = Plugin::load(canadapost_plugin())
        .unwrap()
        .instantiate(&json!({
            "username": "u", "password": "p", "base_url": sandbox.base_url(),
        }))
        .unwrap();
    let carriers: Vec<Arc<dyn Carrier>> = vec![
        Arc::new(HttpCarrier::new(canadapost, HttpDriver::new().unwrap())),
        Arc::new(faulty("faulty-panics", &server, "panic_on_quote")),
        Arc::new(faulty("faulty-ok", &server, "ok")),
        Arc::new(TableCarrier::example()),
    ];
    let table = TableCarrier::example().info().id.clone();
    for round in 0..2 {
        let answer = quote_all(&request(), &carriers, Duration::from_secs(10)).await;
        let id = |s: &str| CarrierId::new(s).unwrap();
        assert!(
            matches!(answer.get(&id("canadapost")), Some(Ok(r)) if !r.is_empty()),
            "round {round}"
        );
        assert!(matches!(answer.get(&id("faulty-ok")), Some(Ok(r)) if r.len() == 1));
        let Some(Err(e)) = answer.get(&id("faulty-panics")) else {
            panic!("the panicking carrier must fail")
        };
        let expected = if round == 0 { "panic" } else { "poisoned" };
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Plugin, Some(expected))
        );
        assert!(answer.get(&table).is_some());
    }
}

#[tokio::test]
async fn garbage_answers_are_plugin_errors_without_poisoning() {
    let server = constant_server("1.00").await;
    for mode in ["garbage", "wrong_shape", "bad_body"] {
        let carrier = faulty("faulty", &server, mode);
        for _ in 0..2 {
            let e = carrier.quote(&request()).await.unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_deref()),
                (ErrorKind::Plugin, Some("bad_output")),
                "{mode}: {e}"
            );
            assert!(e.message.contains("build_rate"), "{e}");
        }
        assert!(!carrier.protocol().is_poisoned(), "{mode}");
    }
}

#[tokio::test]
async fn ordinary_errors_cross_unchanged() {
    let carrier = faulty("faulty", "http://127.0.0.1:9", "reject");
    let e = carrier.quote(&request()).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected, "{e}");
    assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("faulty"));
    assert!(!carrier.protocol().is_poisoned());
}

#[test]
fn a_panic_while_creating_is_a_plugin_error() {
    let plugin = Plugin::load(faulty_example("faulty")).unwrap();
    let e = plugin
        .instantiate(&json!({"mode": "panic_on_create"}))
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Plugin, Some("panic")),
        "{e}"
    );
    assert!(e.message.contains("told to panic on create"), "{e}");
    // The library still makes healthy instances.
    assert!(plugin.instantiate(&json!({"mode": "ok"})).is_ok());
    let e = plugin
        .instantiate(&json!({"mode": "no_such_mode"}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config, "{e}");
}
