//! The HTTP door's bad-input table (docs/reliability.md, "The HTTP door"): each row is a
//! request a careless or hostile client may send, and the 4xx it gets — never a 5xx, a panic
//! or a hang. The service runs over a carrier that must never be asked.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use serde_json::{Value, json};
use shipmux_core::{
    Carrier, CarrierInfo, Error, Rate, RateRequest, Result, Tracking, TrackingNumber,
};
use shipmux_host::serve::{ServeOptions, Service};
use shipmux_host::{Host, Registry};

/// A carrier that counts the calls it should never get.
struct Untouchable {
    info: CarrierInfo,
    calls: Arc<AtomicUsize>,
}

#[async_trait]
impl Carrier for Untouchable {
    fn info(&self) -> &CarrierInfo {
        &self.info
    }
    async fn connect(&self) -> Result<()> {
        Ok(())
    }
    async fn quote(&self, _: &RateRequest) -> Result<Vec<Rate>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(Vec::new())
    }
    async fn track(&self, _: &TrackingNumber) -> Result<Tracking> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(Error::unsupported("no tracking"))
    }
}

async fn serve() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let info = shipmux_core::testkit::TableCarrier::example_with_id("ups")
        .info()
        .clone();
    let mut registry = Registry::new();
    registry
        .register(Arc::new(Untouchable {
            info,
            calls: calls.clone(),
        }))
        .unwrap();
    let host = Host::builder(registry).build();
    let service = Service::new(Arc::new(host), ServeOptions::default(), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = service.router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, calls)
}

fn bc(items: Value) -> Value {
    json!({"base_options": {
        "origin": {"zip": "90210", "country_iso2": "US"},
        "destination": {"zip": "10001", "country_iso2": "US"},
        "items": items}})
}

fn item() -> Value {
    json!({"sku": "A", "weight": {"units": "oz", "value": 10}, "quantity": 1})
}

/// One row: what it is, the path, the body, its content type, the status, a part of the
/// message.
type Row = (
    &'static str,
    &'static str,
    Vec<u8>,
    &'static str,
    u16,
    &'static str,
);

/// Each row: what is sent, the status, a part of the message.
fn rows() -> Vec<Row> {
    // Nesting where free-form JSON is allowed (zone options).
    let deep = format!(
        r#"{{"base_options": {{"origin": {{"zip": "90210", "country_iso2": "US"}},
            "destination": {{"zip": "10001", "country_iso2": "US"}}, "items": []}},
            "zone_options": {{"deep": {}1{}}}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let many: Vec<Value> = (0..10_000).map(|_| item()).collect();
    let mut zip_too_long = bc(json!([item()]));
    zip_too_long["base_options"]["destination"]["zip"] = json!("1".repeat(21));
    let mut bad_country = bc(json!([item()]));
    bad_country["base_options"]["destination"]["country_iso2"] = json!("XX");
    let mut bad_type = bc(json!([item()]));
    bad_type["base_options"]["destination"]["address_type"] = json!("CASTLE");
    let j = |v: Value| serde_json::to_vec(&v).unwrap();
    vec![
        (
            "malformed JSON",
            "/v1/rates",
            b"{\"origin\": ".to_vec(),
            "json",
            400,
            "",
        ),
        (
            "a number where an object goes",
            "/v1/rates",
            j(json!({"origin": 5})),
            "json",
            400,
            "origin",
        ),
        (
            "a negative weight",
            "/v1/rates",
            j(json!({"origin": {"country": "US", "postal_code": "90210"},
                     "destination": {"country": "US", "postal_code": "10001"},
                     "parcels": [{"weight": {"value": "-1", "unit": "lb"}}]})),
            "json",
            400,
            "parcels[0].weight",
        ),
        (
            "the largest decimal as a weight",
            "/v1/rates",
            j(json!({"origin": {"country": "US", "postal_code": "90210"},
                     "destination": {"country": "US", "postal_code": "10001"},
                     "parcels": [{"weight": {"value": "79228162514264337593543950335", "unit": "lb"}}]})),
            "json",
            400,
            "absurd",
        ),
        (
            "an unknown weight unit (BigCommerce)",
            "/bigcommerce/rate",
            j(bc(json!([{"weight": {"units": "stone", "value": 1}}]))),
            "json",
            400,
            "units",
        ),
        (
            "a negative BigCommerce weight",
            "/bigcommerce/rate",
            j(bc(
                json!([{"weight": {"units": "g", "value": -5}, "quantity": 1}]),
            )),
            "json",
            400,
            "base_options.items[0].weight",
        ),
        (
            "a negative quantity",
            "/bigcommerce/rate",
            j(bc(
                json!([{"weight": {"units": "g", "value": 5}, "quantity": -2}]),
            )),
            "json",
            400,
            "base_options.items[0].quantity",
        ),
        (
            "an item without a weight",
            "/bigcommerce/rate",
            j(bc(json!([{"sku": "A", "quantity": 1}]))),
            "json",
            400,
            "base_options.items[0].weight",
        ),
        (
            "a price in a lower-case currency",
            "/bigcommerce/rate",
            j(bc(json!([{"weight": {"units": "g", "value": 5},
                         "discounted_price": {"currency": "usd", "amount": 1}}]))),
            "json",
            400,
            "discounted_price.currency",
        ),
        (
            "a zip over 20 characters",
            "/bigcommerce/rate",
            j(zip_too_long),
            "json",
            400,
            "base_options.destination.zip",
        ),
        (
            "a country that is not one",
            "/bigcommerce/rate",
            j(bad_country),
            "json",
            400,
            "base_options.destination.country_iso2",
        ),
        (
            "an unknown address type",
            "/bigcommerce/rate",
            j(bad_type),
            "json",
            400,
            "address_type",
        ),
        (
            "10,000 line items",
            "/bigcommerce/rate",
            j(bc(Value::Array(many))),
            "json",
            400,
            "at most 5000",
        ),
        (
            "JSON nested 10,000 deep",
            "/bigcommerce/rate",
            deep.into_bytes(),
            "json",
            400,
            "recursion limit",
        ),
        (
            "a 10 MB body",
            "/v1/rates",
            vec![b' '; 10 * 1024 * 1024],
            "json",
            413,
            "larger than",
        ),
        (
            "no JSON content type",
            "/v1/rates",
            j(json!({})),
            "text/plain",
            415,
            "content-type",
        ),
        (
            "connection fields of an unknown kind",
            "/bigcommerce/check_connection_options",
            j(json!({"connection_options": "all of them"})),
            "json",
            400,
            "connection_options",
        ),
    ]
}

#[tokio::test]
async fn every_bad_request_gets_a_4xx_that_says_what_is_wrong() {
    let (base, calls) = serve().await;
    let client = reqwest::Client::new();
    for (what, path, body, content_type, status, says) in rows() {
        let content_type = match content_type {
            "json" => "application/json",
            other => other,
        };
        let response = client
            .post(format!("{base}{path}"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(response.status().as_u16(), status, "{what}");
        let answer: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(
            answer["error"]["kind"], "invalid_request",
            "{what}: {answer}"
        );
        assert!(
            message.to_lowercase().contains(&says.to_lowercase()),
            "{what}: `{message}` does not say `{says}`"
        );
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "no carrier is asked for bad input"
    );
}

#[tokio::test]
async fn an_unknown_route_is_a_json_404() {
    let (base, _) = serve().await;
    let response = reqwest::get(format!("{base}/v2/rates")).await.unwrap();
    assert_eq!(response.status(), 404);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"]["kind"], "not_found");
}
