//! Host::quote_checkout: zones, static and real-time methods, markup and fees, broken carriers.

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::checkout::Checkout;
use shipmux_core::testkit::{MockCarrier, TableCarrier};
use shipmux_core::{Carrier, Error, ErrorKind};
use shipmux_host::{Host, HostOptions, Registry};

const RULES: &str = r#"{"zones": [
  {"id": "us", "name": "United States", "type": "country", "locations": [{"country": "US"}],
   "handling_fee": {"fixed": "1.00"},
   "methods": [
     {"id": "flat", "name": "Flat Rate", "type": "per_order", "rate": "8.00"},
     {"id": "table-rt", "name": "Table", "type": "real_time", "carrier": "table",
      "markup": {"percent": "10"}},
     {"id": "express-only", "name": "Express", "type": "real_time", "carrier": "other",
      "services": ["EXPRESS"]},
     {"id": "broken-rt", "name": "Broken", "type": "real_time", "carrier": "broken"}
   ]}
]}"#;

fn checkout(country: &str, postcode: &str) -> Checkout {
    Checkout::from_json(&format!(
        r#"{{"origin": {{"country": "US", "postal_code": "90210", "region": "CA"}},
          "currency": "USD",
          "line_items": [{{"id": "li-1", "quantity": 1, "unit_price": "20.00",
                          "weight": {{"value": "2.5", "unit": "lb"}}}}],
          "consignments": [{{"id": "c1",
                            "address": {{"country": "{country}", "postal_code": "{postcode}"}},
                            "line_items": [{{"item_id": "li-1", "quantity": 1}}]}}]}}"#
    ))
    .unwrap()
}

struct Fixture {
    host: Host,
    table: Arc<TableCarrier>,
    broken: shipmux_core::testkit::MockHandle,
}

fn fixture() -> Fixture {
    let table = Arc::new(TableCarrier::example());
    let (broken, handle) = MockCarrier::pair_with_id("broken");
    let mut registry = Registry::new();
    registry.register(table.clone()).unwrap();
    registry
        .register(Arc::new(TableCarrier::example_with_id("other")))
        .unwrap();
    registry.register(Arc::new(broken)).unwrap();
    let host = Host::builder(registry)
        .rules(serde_json::from_str(RULES).unwrap())
        .options(HostOptions {
            quote_deadline: Duration::from_secs(2),
            ..HostOptions::default()
        })
        .build();
    Fixture {
        host,
        table,
        broken: handle,
    }
}

#[tokio::test]
async fn one_broken_carrier_removes_only_its_own_options() {
    let f = fixture();
    let co = checkout("US", "10001");
    let (quote, ()) = tokio::join!(f.host.quote_checkout(&co), async {
        f.broken
            .next_call()
            .await
            .unwrap()
            .fail(Error::new(ErrorKind::Unavailable, "HTTP 503"));
    });
    let c = &quote.unwrap().consignments[0];
    assert_eq!(c.zone.as_deref(), Some("United States"));
    let got: Vec<(String, Option<String>, String)> = c
        .options
        .iter()
        .map(|o| {
            (
                o.method.clone(),
                o.service.clone(),
                o.cost.amount.to_string(),
            )
        })
        .collect();
    // 2.5 lb bills 3 lb. Flat 8.00 + 1.00 zone fee = 9.00. Table ground 8.00 +10 % + 1.00 = 9.80,
    // express 22.50 + 10 % + 1.00 = 25.75. Other: express only, 22.50 + 1.00 = 23.50.
    assert_eq!(
        got,
        [
            ("flat".to_string(), None, "9.00".to_string()),
            (
                "table-rt".to_string(),
                Some("GROUND".to_string()),
                "9.80".to_string()
            ),
            (
                "express-only".to_string(),
                Some("EXPRESS".to_string()),
                "23.50".to_string()
            ),
            (
                "table-rt".to_string(),
                Some("EXPRESS".to_string()),
                "25.75".to_string()
            ),
        ]
    );
    assert_eq!(c.errors.len(), 1);
    assert_eq!(c.errors[0].carrier.as_ref().unwrap().as_str(), "broken");
    assert_eq!(c.errors[0].kind, ErrorKind::Unavailable);
}

#[tokio::test(start_paused = true)]
async fn a_silent_carrier_times_out_without_delaying_the_checkout_past_the_deadline() {
    let f = fixture();
    let start = tokio::time::Instant::now();
    let quote = f
        .host
        .quote_checkout(&checkout("US", "10001"))
        .await
        .unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    let c = &quote.consignments[0];
    assert_eq!(c.options.len(), 4);
    assert_eq!(c.errors[0].kind, ErrorKind::Timeout);
    assert_eq!(f.broken.calls_made(), 1);
}

#[tokio::test]
async fn no_zone_means_no_shipping_to_this_address() {
    let f = fixture();
    let quote = f
        .host
        .quote_checkout(&checkout("CA", "K1A 0B1"))
        .await
        .unwrap();
    let c = &quote.consignments[0];
    assert_eq!(c.zone, None);
    assert!(c.options.is_empty());
    assert_eq!(c.errors[0].kind, ErrorKind::NotFound);
    assert_eq!(c.errors[0].code.as_deref(), Some("no_shipping_zone"));
    assert_eq!(f.table.quote_calls(), 0);
}

#[tokio::test]
async fn a_second_identical_checkout_is_answered_from_the_cache() {
    let f = fixture();
    let co = checkout("US", "10001");
    for _ in 0..2 {
        let (quote, ()) = tokio::join!(f.host.quote_checkout(&co), async {
            if let Some(call) = f.broken.try_next_call() {
                call.fail(Error::new(ErrorKind::Unavailable, "down"));
            } else if f.broken.calls_made() == 0 {
                f.broken
                    .next_call()
                    .await
                    .unwrap()
                    .fail(Error::new(ErrorKind::Unavailable, "down"));
            }
        });
        assert_eq!(quote.unwrap().consignments[0].options.len(), 4);
    }
    assert_eq!(f.table.quote_calls(), 1);
    assert!(f.host.cache().stats().hits >= 2);
}

#[tokio::test]
async fn an_invalid_checkout_is_refused_naming_the_field() {
    let f = fixture();
    let mut co = checkout("US", "10001");
    co.consignments[0].line_items[0].quantity = 5;
    let err = f.host.quote_checkout(&co).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn the_answer_has_the_json_of_the_contract() {
    let mut registry = Registry::new();
    registry
        .register(Arc::new(TableCarrier::example()))
        .unwrap();
    let rules = r#"{"zones": [{"id": "us", "name": "US", "type": "country",
        "locations": [{"country": "US"}],
        "methods": [{"id": "rt", "name": "Table", "type": "real_time", "carrier": "table",
                     "services": ["GROUND"]}]}]}"#;
    let host = Host::builder(registry)
        .rules(serde_json::from_str(rules).unwrap())
        .build();
    let quote = host.quote_checkout(&checkout("US", "10001")).await.unwrap();
    let json = serde_json::to_value(&quote).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"consignments": [{"id": "c1", "zone": "US", "errors": [],
            "options": [{"method": "rt", "carrier": "table", "service": "GROUND",
                         "description": "Table Ground",
                         "cost": {"amount": "8.00", "currency": "USD"}, "transit_days": 5}]}]})
    );
}

#[tokio::test]
async fn plain_quotes_fan_out_over_every_carrier() {
    let mut registry = Registry::new();
    registry
        .register(Arc::new(TableCarrier::example_with_id("a")))
        .unwrap();
    registry
        .register(Arc::new(TableCarrier::example_with_id("b")))
        .unwrap();
    let host = Host::builder(registry).build();
    let quote = host.quote(&TableCarrier::example_request()).await.unwrap();
    assert_eq!(quote.rates().count(), 4);
    let c: Arc<dyn Carrier> = host.registry().require("a").unwrap().clone();
    assert_eq!(c.info().id.as_str(), "a");
}
