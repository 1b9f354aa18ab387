//! The Canada Post fixture for the protocol conformance kit, shared by this crate's
//! `conformance` test and the plugin test in `tests/tests` (which includes this file), so the
//! linked protocol and the `.so` meet the same promises.

use shipmux_core::testkit::{BodyFormat, Expectation, Operation, ProtocolFixture, ResponseCase};
use shipmux_core::{
    Address, Dimensions, ErrorKind, HttpRequest, HttpResponse, LengthUnit, Parcel, RateRequest,
    TrackingNumber, Weight,
};

const RATES: &[u8] = include_bytes!("../fixtures/rates-commercial-on.xml");
const DETAIL: &str = include_str!("../fixtures/tracking-detail-delivered.xml");
const DETAIL_PIN: &str = "7023210039414604";

/// A 16-digit PIN from a 15-digit serial: Canada Post's mod-10 check digit, weights 3, 1, …
pub fn pin(serial: u64) -> String {
    let digits = format!("{serial:015}");
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("CA", "K1G 3H7"),
        Address::new("CA", "H4T 1Z6"),
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

/// The delivered detail fixture, told about the PIN in the request's path.
fn answer(request: &HttpRequest) -> HttpResponse {
    let number = request.url.rsplit('/').nth(1).unwrap();
    HttpResponse::new(200, DETAIL.replace(DETAIL_PIN, number))
        .with_header("Content-Type", "application/vnd.cpc.track-v2+xml")
}

/// A `<messages>` error body.
pub fn messages(status: u16, code: &str, description: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<messages xmlns=\"http://www.canadapost.ca/ws/messages\"><message><code>{code}</code><description>{description}</description></message></messages>"
        ),
    )
    .with_header("Content-Type", "application/vnd.cpc.messages+xml")
}

/// The fixture, for a protocol configured with `secrets`.
pub fn fixture(secrets: &[&str]) -> ProtocolFixture {
    let mut fixture = ProtocolFixture::new(request(), BodyFormat::Xml)
        .with_tracking_numbers(vec![
            TrackingNumber::new(&pin(123_456_789_012_345)).unwrap(),
            TrackingNumber::new(&pin(702_321_003_941_460)).unwrap(),
        ])
        .with_success_body(Operation::Rate, RATES)
        .with_success_body(Operation::Track, DETAIL)
        // Canada Post decides by the message code, not the status: a schema error comes
        // back as HTTP 500 with code `Server` and means the request was refused.
        .with_case(ResponseCase::new(
            "Server schema error at 500",
            messages(
                500,
                "Server",
                "cvc-pattern-valid: Value 'k1a0b1' is not facet-valid",
            ),
            Expectation::kind(ErrorKind::Rejected),
        ))
        .with_case(ResponseCase::new(
            "Rejected by SLM Monitor at 503",
            messages(503, "Server", "Rejected by SLM Monitor"),
            Expectation::kind(ErrorKind::RateLimited),
        ))
        .with_case(ResponseCase::new(
            "E002 at 401",
            messages(401, "E002", "AAA Authentication Failure"),
            Expectation::kind(ErrorKind::Unauthenticated),
        ))
        .with_case(ResponseCase::new(
            "AA004 at 403",
            messages(
                403,
                "AA004",
                "You cannot mail on behalf of the requested customer.",
            ),
            Expectation::kind(ErrorKind::Rejected),
        ))
        .with_case(
            ResponseCase::new(
                "004 No Pin History at 404",
                messages(404, "004", "No Pin History"),
                Expectation::kind(ErrorKind::NotFound),
            )
            .only(&[Operation::Track]),
        )
        .with_track_responder(|requests| requests.iter().map(answer).collect());
    for s in secrets {
        fixture = fixture.with_secret(*s);
    }
    fixture
}
