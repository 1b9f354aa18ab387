//! Optional (set `SHIPMUX_SHARED` to the folder holding BigCommerce's OpenAPI files): the
//! requests the service is tested with are valid under BigCommerce's own request schema, and
//! every answer — quotes, a failed carrier, a carrier that cannot serve the route, no items, a
//! connection check — is valid under its own response schema.

mod serve_support;

use std::path::PathBuf;

use serde_json::{Value, json};
use shipmux_host::serve::ServeOptions;
use shipmux_sandbox::SANDBOX_CLIENT_ID;

use serve_support::{Served, cart};

/// BigCommerce's Shipping Provider spec as JSON, when the shared folder is there.
fn spec() -> Option<Value> {
    let root = PathBuf::from(std::env::var_os("SHIPMUX_SHARED")?);
    let path = root.join("commerce-api/bigcommerce/shipping_provider.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    Some(serde_json::to_value(yaml).unwrap())
}

/// A validator for one of the spec's component schemas, its `$ref`s resolved in the spec.
fn validator(spec: &Value, name: &str) -> jsonschema::Validator {
    let schema = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": spec["components"],
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, value: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{value:#}");
}

#[tokio::test]
async fn requests_and_answers_follow_bigcommerces_own_schemas() {
    let Some(spec) = spec() else { return };
    let request_schema = validator(&spec, "RateRequestPayload");
    let response_schema = validator(&spec, "RateResponsePayload");
    let check_request = validator(&spec, "CheckConnectionOptionsRequestPayload");
    let check_response = validator(&spec, "CheckConnectionOptionsResponsePayload");

    // The schemas bite: a quote without a cost, a 0-day transit time are refused.
    let bad = json!({"quote_id": "q", "messages": [], "carrier_quotes": [{"carrier_info":
        {"code": "ups", "display_name": "UPS"}, "quotes": [{"code": "03", "display_name": "Ground",
        "transit_time": {"units": "DAYS", "duration": 0}}]}]});
    assert_eq!(response_schema.iter_errors(&bad).count(), 2, "{bad}");

    let served = Served::start(ServeOptions::default()).await;
    let plain = cart(json!({}));
    let mut truncated = cart(json!({}));
    truncated["base_options"]["origin"] =
        json!({"zip": "K1A", "country_iso2": "CA", "state_iso2": "ON"});
    truncated["base_options"]["destination"] =
        json!({"zip": "M5V", "country_iso2": "CA", "city": "Toronto"});
    let mut refused =
        cart(json!({"ups_client_id": SANDBOX_CLIENT_ID, "ups_client_secret": "wrong"}));
    refused["zone_options"] = json!({"carriers": ["ups", "fedex"]});
    let mut empty = cart(json!({}));
    empty["base_options"]["items"] = json!([]);
    let mut international = cart(json!({}));
    international["base_options"]["destination"] =
        json!({"zip": "SW1A 1AA", "country_iso2": "GB", "address_type": "COMMERCIAL"});

    for (what, request) in [
        ("a US cart", plain),
        ("truncated Canadian postcodes", truncated),
        ("a store's refused account", refused),
        ("no items", empty),
        ("to the UK", international),
    ] {
        // Lower case `address_type` is in BigCommerce's docs but not its schema.
        let mut as_spec = request.clone();
        for side in ["origin", "destination"] {
            if let Some(t) = as_spec["base_options"][side]["address_type"].as_str() {
                as_spec["base_options"][side]["address_type"] = json!(t.to_uppercase());
            }
        }
        assert_valid(&request_schema, what, &as_spec);
        let (status, answer) = served.post("/bigcommerce/rate", &request).await;
        assert_eq!(status, 200, "{what}: {answer}");
        assert_valid(&response_schema, what, &answer);
    }

    for options in [
        json!({}),
        json!({"ups_client_id": "x", "ups_client_secret": "y"}),
        json!({"fedex_client_id": "only-an-id"}),
    ] {
        let request = json!({ "connection_options": options });
        assert_valid(&check_request, "connection check", &request);
        let (status, answer) = served
            .post("/bigcommerce/check_connection_options", &request)
            .await;
        assert_eq!(status, 200, "{answer}");
        assert_valid(&check_response, "connection check", &answer);
    }
    served.stop().await;
}
