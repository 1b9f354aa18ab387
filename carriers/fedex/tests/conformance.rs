//! FedEx through the protocol conformance kit: every error status, unreadable and cut bodies,
//! FedEx's own error bodies, batches of up to 30 numbers answered out of order, and no secret
//! in `Debug`.

use serde_json::{Value, json};
use shipmux_core::testkit::{
    BodyFormat, Expectation, Operation, ProtocolFixture, ResponseCase, run_protocol_conformance,
};
use shipmux_core::{
    Address, Dimensions, ErrorKind, HttpRequest, HttpResponse, Parcel, RateRequest, TrackingNumber,
    Weight,
};
use shipmux_fedex::{Fedex, FedexProtocol};

const SECRET: &str = "fedex-conformance-s3cret";

fn fixture_file(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn fedex() -> FedexProtocol {
    Fedex::builder()
        .client_id("l7xx-conformance-key")
        .client_secret(SECRET)
        .account_number("740561073")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap()
}

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "38017").with_region("TN"),
        Address::new("US", "10001").with_region("NY"),
        vec![
            Parcel::new(Weight::lb("2.5".parse().unwrap())).with_dimensions(Dimensions::inches(
                12.into(),
                8.into(),
                6.into(),
            )),
        ],
    )
    .unwrap()
}

/// FedEx's answer for the numbers of a tracking request, in the reverse order (FedEx does
/// not promise to keep the request's order), each a copy of the delivered fixture entry.
fn answer(request: &HttpRequest) -> HttpResponse {
    let asked: Value = serde_json::from_slice(&request.body).unwrap();
    let template: Value = serde_json::from_slice(&fixture_file("track_batch.json")).unwrap();
    let template = &template["output"]["completeTrackResults"][0];
    let mut results: Vec<Value> = asked["trackingInfo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|info| {
            let number = info["trackingNumberInfo"]["trackingNumber"].clone();
            let mut entry = template.clone();
            entry["trackingNumber"] = number.clone();
            entry["trackResults"][0]["trackingNumberInfo"]["trackingNumber"] = number;
            entry
        })
        .collect();
    results.reverse();
    HttpResponse::new(
        200,
        json!({"transactionId": "t-1", "output": {"completeTrackResults": results}}).to_string(),
    )
}

fn fedex_error(status: u16, code: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        json!({"transactionId": "624deea6-b709", "errors": [{"code": code, "message": "FedEx says no."}]})
            .to_string(),
    )
}

fn fixture() -> ProtocolFixture {
    // 30 distinct 12-digit numbers, FedEx's batch size.
    let numbers = (0..30)
        .map(|i| TrackingNumber::new(&format!("7946{:08}", 10_000_017 + i * 7)).unwrap())
        .collect();
    ProtocolFixture::new(request(), BodyFormat::Json)
        .with_secret(SECRET)
        .with_tracking_numbers(numbers)
        .with_success_body(Operation::Rate, fixture_file("rate_domestic_account_list.json"))
        .with_success_body(Operation::Track, fixture_file("track_batch.json"))
        .with_success_body(
            Operation::Token,
            r#"{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpX.e30.x","token_type":"bearer","expires_in":3600,"scope":"CXS"}"#,
        )
        .with_case(ResponseCase::new(
            "FedEx NOT.AUTHORIZED.ERROR at 401",
            fedex_error(401, "NOT.AUTHORIZED.ERROR"),
            Expectation::kind(ErrorKind::Unauthenticated),
        ))
        .with_case(ResponseCase::new(
            "FedEx FORBIDDEN.ERROR at 403",
            fedex_error(403, "FORBIDDEN.ERROR"),
            Expectation::kind(ErrorKind::Unauthenticated),
        ))
        .with_case(ResponseCase::new(
            "FedEx SERVICE.UNAVAILABLE.ERROR at 503",
            fedex_error(503, "SERVICE.UNAVAILABLE.ERROR"),
            Expectation::kind(ErrorKind::Unavailable),
        ))
        .with_case(
            ResponseCase::new(
                "FedEx ACCOUNT.NUMBER.MISMATCH at 400",
                fedex_error(400, "ACCOUNT.NUMBER.MISMATCH"),
                Expectation::kind(ErrorKind::Rejected),
            )
            .only(&[Operation::Rate]),
        )
        .with_track_responder(|requests| requests.iter().map(answer).collect())
}

#[test]
fn fedex_meets_the_protocol_conformance_kit() {
    run_protocol_conformance(&fedex(), &fixture());
}
