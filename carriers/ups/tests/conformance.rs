//! UPS through the protocol conformance kit: every error status, unreadable and cut bodies,
//! UPS's own error codes, tracking answers per number, and no secret in `Debug`.

use shipmux_core::testkit::{
    BodyFormat, Expectation, Operation, ProtocolFixture, ResponseCase, run_protocol_conformance,
};
use shipmux_core::{
    Address, Dimensions, ErrorKind, HttpRequest, HttpResponse, Parcel, RateRequest, TrackingNumber,
    Weight,
};
use shipmux_ups::{Ups, UpsProtocol};

const SECRET: &str = "ups-conformance-s3cret";

fn fixture_file(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn ups() -> UpsProtocol {
    Ups::builder()
        .client_id("ups-conformance-client")
        .client_secret(SECRET)
        .account_number("A1B2C3")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap()
}

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "21093").with_region("MD"),
        Address::new("US", "30005").with_region("GA"),
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

/// The delivered fixture, told about the number in the request's path.
fn answer(request: &HttpRequest) -> HttpResponse {
    let path = request.url.split('?').next().unwrap();
    let number = path.rsplit('/').next().unwrap();
    let body = String::from_utf8(fixture_file("track_delivered.json"))
        .unwrap()
        .replace("1Z5R89390357567127", number);
    HttpResponse::new(200, body)
}

fn ups_error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        format!(r#"{{"response":{{"errors":[{{"code":"{code}","message":"{message}"}}]}}}}"#),
    )
}

fn fixture() -> ProtocolFixture {
    ProtocolFixture::new(request(), BodyFormat::Json)
        .with_secret(SECRET)
        .with_tracking_numbers(vec![
            TrackingNumber::new("1Z5R89390357567127").unwrap(),
            TrackingNumber::new("1Z999AA10123456784").unwrap(),
        ])
        .with_success_body(Operation::Rate, fixture_file("rate_shop.json"))
        .with_success_body(Operation::Track, fixture_file("track_delivered.json"))
        .with_success_body(
            Operation::Token,
            r#"{"token_type":"Bearer","issued_at":"1767225600000","client_id":"c","access_token":"eyJhbGciOi.x.y","scope":"","expires_in":"14399","refresh_count":"0","status":"approved"}"#,
        )
        .with_case(ResponseCase::new(
            "UPS 10429 at 429",
            ups_error(429, "10429", "Too Many Requests").with_header("Retry-After", "3"),
            Expectation::kind(ErrorKind::RateLimited).retry_after_ms(Some(3_000)),
        ))
        .with_case(ResponseCase::new(
            "UPS 250002 at 401",
            ups_error(401, "250002", "Invalid Authentication Information."),
            Expectation::kind(ErrorKind::Unauthenticated),
        ))
        .with_case(ResponseCase::new(
            "UPS 111600 at 400",
            ups_error(400, "111600", "BillShipper payment method is not valid."),
            Expectation::kind(ErrorKind::Rejected),
        ))
        .with_case(
            ResponseCase::new(
                "UPS TW0001 at 404",
                ups_error(404, "TW0001", "Tracking Information Not Found"),
                Expectation::kind(ErrorKind::NotFound),
            )
            .only(&[Operation::Track]),
        )
        .with_track_responder(|requests| requests.iter().map(answer).collect())
}

#[test]
fn ups_meets_the_protocol_conformance_kit() {
    run_protocol_conformance(&ups(), &fixture());
}
