//! USPS through the protocol conformance kit, once per API choice (Shipping Options with
//! v3r2 batch tracking; the prices APIs with v3 single tracking): every error status,
//! unreadable and cut bodies, USPS's own error bodies, batches of up to 35 numbers answered
//! out of order, and no secret in `Debug`.

use serde_json::Value;
use shipmux_core::testkit::{
    BodyFormat, Expectation, Operation, ProtocolFixture, ResponseCase, run_protocol_conformance,
};
use shipmux_core::{
    Address, Dimensions, ErrorKind, HttpRequest, HttpResponse, Parcel, RateRequest, TrackingNumber,
    Weight,
};
use shipmux_usps::{RateApi, TrackApi, Usps, UspsProtocol};

const SECRET: &str = "usps-conformance-s3cret";

fn fixture_file(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn usps(rate_api: RateApi, track_api: TrackApi) -> UspsProtocol {
    Usps::builder()
        .client_id("usps-conformance-key")
        .client_secret(SECRET)
        .rate_api(rate_api)
        .track_api(track_api)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap()
}

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "10001"),
        Address::new("US", "90210"),
        vec![
            Parcel::new(Weight::lb("2.5".parse().unwrap())).with_dimensions(Dimensions::inches(
                10.into(),
                8.into(),
                4.into(),
            )),
        ],
    )
    .unwrap()
}

/// The delivered fixture for `number`.
fn detail(number: &str) -> Value {
    let mut detail: Value =
        serde_json::from_slice(&fixture_file("tracking_delivered.json")).unwrap();
    detail["trackingNumber"] = Value::String(number.to_string());
    detail
}

/// USPS's answer: for a v3r2 batch, the details of its numbers in reverse order; for a v3
/// GET, the detail of the number in the path.
fn answer(request: &HttpRequest) -> HttpResponse {
    let body = if request.url.contains("/tracking/v3r2/") {
        let asked: Value = serde_json::from_slice(&request.body).unwrap();
        let mut items: Vec<Value> = asked
            .as_array()
            .unwrap()
            .iter()
            .map(|item| detail(item["trackingNumber"].as_str().unwrap()))
            .collect();
        items.reverse();
        Value::Array(items)
    } else {
        let path = request.url.split('?').next().unwrap();
        detail(path.rsplit('/').next().unwrap())
    };
    HttpResponse::new(200, body.to_string())
}

fn v3_error(status: u16, code: &str, title: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        format!(
            r#"{{"apiVersion":"v3","error":{{"code":"{status}","message":"{title}","errors":[{{"status":"{status}","code":"{code}","title":"{title}","detail":"{title}"}}]}}}}"#
        ),
    )
}

fn fixture() -> ProtocolFixture {
    // 35 distinct 22-digit numbers, the v3r2 batch size.
    let numbers = (0..35)
        .map(|i| TrackingNumber::new(&format!("94001000000000000{:05}", 10_017 + i * 3)).unwrap())
        .collect();
    ProtocolFixture::new(request(), BodyFormat::Json)
        .with_secret(SECRET)
        .with_tracking_numbers(numbers)
        .with_success_body(Operation::Rate, fixture_file("options_domestic.json"))
        .with_success_body(Operation::Track, fixture_file("tracking_batch_207.json"))
        .with_success_body(
            Operation::Token,
            r#"{"access_token":"eyJraWQiOiIxIn0.e30.x","token_type":"Bearer","issued_at":1767225600000,"expires_in":28799,"status":"approved","scope":"prices tracking shipments","issuer":"api.usps.com","client_id":"k"}"#,
        )
        .with_case(ResponseCase::new(
            "USPS 429 body with Retry-After",
            v3_error(429, "429", "Too Many Requests").with_header("Retry-After", "30"),
            Expectation::kind(ErrorKind::RateLimited).retry_after_ms(Some(30_000)),
        ))
        .with_case(ResponseCase::new(
            "USPS 401 with WWW-Authenticate",
            v3_error(401, "401", "Unauthorized")
                .with_header("WWW-Authenticate", "Bearer realm=\"https://api.usps.com\""),
            Expectation::kind(ErrorKind::Unauthenticated),
        ))
        .with_case(
            ResponseCase::new(
                "OAuth invalid_client at 401",
                HttpResponse::new(
                    401,
                    r#"{"error":"invalid_client","error_description":"Client authentication failed.","error_uri":"https://datatracker.ietf.org/doc/html/rfc6749#section-5.2"}"#,
                ),
                Expectation::kind(ErrorKind::Unauthenticated),
            )
            .only(&[Operation::Token]),
        )
        .with_case(
            ResponseCase::new(
                "USPS 030001 at 400",
                v3_error(400, "030001", "Could not find zone"),
                Expectation::kind(ErrorKind::Rejected),
            )
            .only(&[Operation::Rate]),
        )
        .with_case(
            ResponseCase::new(
                "USPS 150002 at 404",
                v3_error(404, "150002", "The tracking number may be incorrect"),
                Expectation::kind(ErrorKind::NotFound),
            )
            .only(&[Operation::Track]),
        )
        .with_track_responder(|requests| requests.iter().map(answer).collect())
}

#[test]
fn usps_with_shipping_options_and_batch_tracking_meets_the_kit() {
    run_protocol_conformance(&usps(RateApi::ShippingOptions, TrackApi::V3r2), &fixture());
}

#[test]
fn usps_with_the_prices_apis_and_single_tracking_meets_the_kit() {
    run_protocol_conformance(&usps(RateApi::Prices, TrackApi::V3), &fixture());
}
