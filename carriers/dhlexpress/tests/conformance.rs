//! DHL Express through the protocol conformance kit: every error status, unreadable and cut
//! bodies, DHL's own error bodies, tracking answers per number, and no secret in `Debug`.

use shipmux_core::testkit::{
    BodyFormat, Expectation, Operation, ProtocolFixture, ResponseCase, run_protocol_conformance,
};
use shipmux_core::{
    Address, CarrierProtocol, Dimensions, ErrorKind, HttpResponse, LengthUnit, Parcel, RateRequest,
    TrackingNumber, Weight,
};
use shipmux_dhlexpress::{DhlExpress, DhlExpressProtocol};

const SECRET: &str = "dhl-conformance-s3cret";

/// A rates answer in the shape of DHL's published example (our own numbers).
const RATES: &str = r#"{"products": [{"productName": "EXPRESS DOMESTIC", "productCode": "N",
  "weight": {"volumetric": 3.6, "provided": 4, "unitOfMeasurement": "metric"},
  "totalPrice": [{"currencyType": "BILLC", "priceCurrency": "EUR", "price": 42.10}],
  "deliveryCapabilities": {"estimatedDeliveryDateAndTime": "2026-12-02T23:59:00", "totalTransitDays": "1"}}]}"#;

/// A tracking answer in the shape of DHL's published example (our own values).
const TRACKING: &str = r#"{"shipments": [{"shipmentTrackingNumber": "3436501003", "status": "Success",
  "events": [{"date": "2026-11-16", "time": "09:40:11", "typeCode": "PU",
  "description": "Shipment picked up", "serviceArea": [{"code": "ZRH", "description": "Zurich-CH"}]}]}]}"#;

fn dhl() -> DhlExpressProtocol {
    DhlExpress::builder()
        .username("dhl-conformance-user")
        .password(SECRET)
        .account_number("123456789")
        .base_url("http://127.0.0.1:9/mydhlapi/test")
        .build()
        .unwrap()
}

/// Both cities and a ship date: the rate call is the only round.
fn request() -> RateRequest {
    RateRequest::new(
        Address::new("DE", "53113").with_city("Bonn"),
        Address::new("DE", "20095").with_city("Hamburg"),
        vec![
            Parcel::new(Weight::kg(4.into())).with_dimensions(Dimensions::new(
                40.into(),
                30.into(),
                15.into(),
                LengthUnit::Cm,
            )),
        ],
    )
    .unwrap()
    .with_ship_date("2026-12-01".parse().unwrap())
}

fn dhl_error(status: u16, detail: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        format!(
            r#"{{"instance":"/expressapi/rates","detail":"{detail}","title":"Error","status":"{status}"}}"#
        ),
    )
}

fn fixture() -> ProtocolFixture {
    ProtocolFixture::new(request(), BodyFormat::Json)
        .with_secret(SECRET)
        // As many waybill numbers as one tracking call may carry.
        .with_tracking_numbers(
            (0..dhl().track_batch_size() as u64)
                .map(|i| TrackingNumber::new(&format!("{}", 3_436_501_003 + i * 7)).unwrap())
                .collect(),
        )
        .with_success_body(Operation::Rate, RATES)
        .with_success_body(Operation::Track, TRACKING)
        .with_case(ResponseCase::new(
            "DHL 998 at 400",
            dhl_error(400, "998: The account number is not found or invalid."),
            Expectation::kind(ErrorKind::Rejected),
        ))
        .with_case(ResponseCase::new(
            "DHL 999 at 500",
            dhl_error(500, "999: Process failure occurred."),
            Expectation::kind(ErrorKind::Unavailable).retryable(true),
        ))
        .with_track_responder(|requests| {
            requests
                .iter()
                .map(|_| HttpResponse::new(200, TRACKING))
                .collect()
        })
}

#[test]
fn dhlexpress_meets_the_protocol_conformance_kit() {
    run_protocol_conformance(&dhl(), &fixture());
}
