//! The UPS parsers on our own fixtures in UPS's format (tests/fixtures), and the requests
//! the protocol builds.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::{
    Address, CarrierProtocol, ChargeKind, Dimensions, ErrorKind, Exchange, HttpResponse, Money,
    Parcel, Rate, RateRequest, Status, Step, Tracking, TrackingNumber, Weight, WeightUnit,
};
use shipmux_ups::{Ups, UpsProtocol};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn usd(s: &str) -> Money {
    Money::parse(s, "USD").unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn ups() -> UpsProtocol {
    Ups::builder()
        .client_id("id")
        .client_secret("secret")
        .account_number("A1B2C3")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap()
}

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "21093").with_region("MD"),
        Address::new("US", "30005")
            .with_region("GA")
            .residential(true),
        vec![
            Parcel::new(Weight::lb(d("2.5"))).with_dimensions(Dimensions::inches(
                d("12"),
                d("8"),
                d("6"),
            )),
            Parcel::new(Weight::g(d("40"))),
        ],
    )
    .unwrap()
}

fn rates(status: u16, body: Vec<u8>) -> Result<Vec<Rate>, shipmux_core::Error> {
    let p = ups();
    let req = request();
    let exchange = Exchange {
        round: 0,
        requests: p.build_rate(&req).unwrap(),
        responses: vec![HttpResponse::new(status, body)],
    };
    match p.parse_rate(&req, &exchange)? {
        Step::Done(rates) => Ok(rates),
        Step::Next(_) => panic!("UPS rating is one round"),
    }
}

fn track(number: &str, status: u16, body: Vec<u8>) -> Result<Tracking, shipmux_core::Error> {
    let p = ups();
    let n = TrackingNumber::new(number).unwrap();
    let exchange = Exchange {
        round: 0,
        requests: p.build_track(std::slice::from_ref(&n)).unwrap(),
        responses: vec![HttpResponse::new(status, body)],
    };
    p.parse_track(&[n], &exchange).unwrap().pop().unwrap()
}

#[test]
fn shop_with_several_services_keeps_response_order_and_maps_every_field() {
    let rates = rates(200, fixture("rate_shop.json")).unwrap();
    let services: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(services, ["03", "02", "01"]);

    let ground = &rates[0];
    assert_eq!(ground.carrier.as_str(), "ups");
    assert_eq!(ground.service_name, "UPS Ground", "from TimeInTransit");
    assert_eq!(ground.total, usd("16.20"));
    assert_eq!(ground.total.amount.to_string(), "16.20", "kept as written");
    assert_eq!(ground.list_total, None);
    assert_eq!(
        ground.charges.len(),
        2,
        "zero 376 dropped: {:?}",
        ground.charges
    );
    assert_eq!(ground.charges[0].kind, ChargeKind::Base);
    assert_eq!(ground.charges[0].code, None);
    assert_eq!(ground.charges[1].kind, ChargeKind::Fuel);
    assert_eq!(ground.charges[1].code.as_deref(), Some("375"));
    assert_eq!(ground.transit_days, Some(4));
    assert_eq!(
        ground.estimated_delivery,
        NaiveDate::from_ymd_opt(2026, 11, 27)
    );
    assert!(!ground.guaranteed);
    let bw = ground.billed_weight.unwrap();
    assert_eq!(
        (bw.value.to_string().as_str(), bw.unit),
        ("3.0", WeightUnit::Lb)
    );

    let second = &rates[1];
    assert_eq!(
        second.service_name, "UPS 2nd Day Air",
        "empty Description → code table"
    );
    assert_eq!(second.transit_days, Some(2), "from GuaranteedDelivery");
    assert!(second.guaranteed);
    assert_eq!(second.estimated_delivery, None);

    let air = &rates[2];
    assert_eq!(
        air.service_name, "Next Day Air (custom)",
        "Description wins"
    );
    assert!(air.guaranteed, "GuaranteedIndicator present");
    let kinds: Vec<_> = air
        .charges
        .iter()
        .map(|c| (c.kind, c.code.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ChargeKind::Base, None),
            (ChargeKind::Fuel, Some("375".into())),
            (ChargeKind::Surcharge, Some("270".into())),
            (ChargeKind::Surcharge, None),
        ]
    );
}

#[test]
fn negotiated_rates_are_the_total_and_published_the_list_total() {
    let rates = rates(200, fixture("rate_negotiated.json")).unwrap();
    let standard = &rates[0];
    assert_eq!(
        standard.total,
        Money::parse("38.43", "CAD").unwrap(),
        "with taxes"
    );
    assert_eq!(
        standard.list_total,
        Some(Money::parse("51.24", "CAD").unwrap())
    );
    let kinds: Vec<_> = standard.charges.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChargeKind::Base, ChargeKind::Fuel, ChargeKind::Tax]);
    assert_eq!(standard.charges[2].code.as_deref(), Some("GST"));
    assert_eq!(standard.charges[2].amount.currency.as_str(), "CAD");
    let bw = standard.billed_weight.unwrap();
    assert_eq!(bw.unit, WeightUnit::Kg);

    let saver = &rates[1];
    assert_eq!(saver.total, Money::parse("70.10", "CAD").unwrap());
    assert_eq!(
        saver.list_total,
        Some(Money::parse("90.00", "CAD").unwrap())
    );
    assert!(saver.charges.is_empty(), "only TotalCharge: no breakdown");

    let same = &rates[2];
    assert_eq!(same.total, Money::parse("55.00", "CAD").unwrap());
    assert_eq!(
        same.list_total, None,
        "equal published price is not repeated"
    );
}

#[test]
fn a_bare_object_response_is_one_rate() {
    let rates = rates(200, fixture("rate_bare_object.json")).unwrap();
    assert_eq!(rates.len(), 1);
    let r = &rates[0];
    assert_eq!(r.service, "12");
    assert_eq!(r.service_name, "UPS 3 Day Select");
    assert_eq!(r.total, usd("28.14"));
    assert_eq!(r.charges.len(), 2);
    assert_eq!(r.transit_days, Some(3));
    assert_eq!(r.estimated_delivery, NaiveDate::from_ymd_opt(2026, 11, 26));
    assert!(r.guaranteed);
}

const ERROR: &str = r#"{"response":{"errors":[{"code":"111210","message":"The requested service is unavailable between the selected locations."}]}}"#;

#[test]
fn every_error_class_maps_to_its_kind() {
    let cases: [(u16, &str, ErrorKind, bool, Option<&str>); 7] = [
        (400, ERROR, ErrorKind::Rejected, false, Some("111210")),
        (
            401,
            r#"{"response":{"errors":[{"code":"250002","message":"Invalid Authentication Information."}]}}"#,
            ErrorKind::Unauthenticated,
            false,
            Some("250002"),
        ),
        (
            403,
            r#"{"response":{"errors":[{"code":"250003","message":"Invalid Access License number"}]}}"#,
            ErrorKind::Unauthenticated,
            false,
            Some("250003"),
        ),
        (
            429,
            r#"{"response":{"errors":[{"code":"10429","message":"Too Many Requests"}]}}"#,
            ErrorKind::RateLimited,
            true,
            Some("10429"),
        ),
        (
            500,
            r#"{"response":{"errors":[{"code":"10500","message":"General system failure"}]}}"#,
            ErrorKind::Unavailable,
            true,
            Some("10500"),
        ),
        (
            503,
            "Service Unavailable",
            ErrorKind::Unavailable,
            true,
            None,
        ),
        (404, "", ErrorKind::NotFound, false, None),
    ];
    for (status, body, kind, retryable, code) in cases {
        let e = rates(status, body.as_bytes().to_vec()).unwrap_err();
        assert_eq!(
            (e.kind, e.retryable, e.code.as_deref()),
            (kind, retryable, code),
            "HTTP {status}"
        );
        assert_eq!(e.carrier.as_ref().unwrap().as_str(), "ups");
    }
    let e = rates(
        200,
        b"{\"RateResponse\": {\"RatedShipment\": [{\"Service\"".to_vec(),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
    let e = rates(200, b"<html>maintenance</html>".to_vec()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
    let e = rates(200, br#"{"RateResponse":{"RatedShipment":[{"Service":{"Code":"03"},"TotalCharges":{"CurrencyCode":"USD","MonetaryValue":"abc"}}]}}"#.to_vec()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
    let e = rates(200, ERROR.as_bytes().to_vec()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected, "an error body in a 200");
}

#[test]
fn retry_after_is_carried() {
    let p = ups();
    let req = request();
    let exchange = Exchange {
        round: 0,
        requests: vec![],
        responses: vec![HttpResponse::new(503, "").with_header("Retry-After", "3")],
    };
    let e = p.parse_rate(&req, &exchange).unwrap_err();
    assert_eq!(e.retry_after_ms, Some(3000));
}

#[test]
fn tracking_delivered() {
    let t = track("1Z5R89390357567127", 200, fixture("track_delivered.json")).unwrap();
    assert_eq!(t.status, Status::Delivered);
    assert_eq!(t.tracking_number, "1Z5R89390357567127");
    assert_eq!(t.signed_by.as_deref(), Some("FRONT DESK"));
    assert_eq!(t.delivered_at.as_deref(), Some("2026-11-24T14:15:02-05:00"));
    assert_eq!(t.estimated_delivery, None, "DEL is not an estimate");
    assert_eq!(t.events.len(), 3);
    let first = &t.events[0];
    assert_eq!(first.description.as_deref(), Some("DELIVERED"));
    assert_eq!(first.code.as_deref(), Some("FS"));
    assert_eq!(first.location.city.as_deref(), Some("Alpharetta"));
    assert_eq!(first.location.region.as_deref(), Some("GA"));
    assert_eq!(first.location.postal_code.as_deref(), Some("30005"));
    assert_eq!(first.location.country.as_deref(), Some("US"));
    assert_eq!(t.events[1].status, Status::OutForDelivery);
    assert_eq!(t.events[1].location.postal_code, None);
    let last = &t.events[2];
    assert_eq!(last.status, Status::PreTransit);
    assert_eq!(
        last.time.as_deref(),
        Some("2026-11-21T19:00:00"),
        "no offset, no suffix"
    );
}

#[test]
fn tracking_in_transit() {
    let t = track("1Z879E930346834440", 200, fixture("track_in_transit.json")).unwrap();
    assert_eq!(t.status, Status::InTransit);
    assert_eq!(t.estimated_delivery, NaiveDate::from_ymd_opt(2026, 11, 27));
    assert_eq!(t.delivered_at, None);
    assert_eq!(
        t.events[1].code, None,
        "no status.code: null, not statusCode"
    );
    assert_eq!(
        t.events[1].time.as_deref(),
        Some("2026-11-24T17:05:00-06:00")
    );
}

#[test]
fn tracking_exception() {
    let t = track("1Z410E7W0392751591", 200, fixture("track_exception.json")).unwrap();
    assert_eq!(t.status, Status::Exception);
    assert_eq!(
        t.estimated_delivery,
        NaiveDate::from_ymd_opt(2026, 11, 27),
        "RDD wins"
    );
    assert_eq!(t.events[0].status, Status::Exception);
}

#[test]
fn tracking_not_found_in_a_200_and_as_a_404() {
    let e = track("1ZZZZZZZZZZZZZZZZ0", 200, fixture("track_not_found.json")).unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::NotFound, Some("TW0001"))
    );
    let e = track(
        "1ZZZZZZZZZZZZZZZZ0",
        404,
        br#"{"response":{"errors":[{"code":"TW0001","message":"Tracking Information Not Found"}]}}"#.to_vec(),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::NotFound, Some("TW0001"))
    );
    let e = track(
        "1ZZZZZZZZZZZZZZZZ0",
        400,
        br#"{"response":{"errors":[{"code":"TV1002","message":"Invalid inquiry number"}]}}"#
            .to_vec(),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("TV1002"))
    );
    let e = track("1ZZZZZZZZZZZZZZZZ0", 200, b"{}".to_vec()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Parse);
}

#[test]
fn rate_request_follows_the_contract() {
    let p = ups();
    let shop = p.build_rate(&request()).unwrap().remove(0);
    assert_eq!(
        shop.url,
        "http://127.0.0.1:9/api/rating/v2409/Shoptimeintransit"
    );
    assert!(shop.header_value("transId").is_some_and(|t| t.len() <= 32));
    assert_eq!(shop.header_value("transactionSrc"), Some("shipmux"));
    let body: Value = serde_json::from_slice(&shop.body).unwrap();
    let s = &body["RateRequest"]["Shipment"];
    assert_eq!(body["RateRequest"]["Request"]["RequestOption"], "Shop");
    assert!(s.get("Service").is_none());
    assert_eq!(s["ShipTo"]["Address"]["ResidentialAddressIndicator"], "Y");
    assert!(
        s["ShipFrom"]["Address"]
            .get("ResidentialAddressIndicator")
            .is_none()
    );
    assert_eq!(s["Shipper"]["ShipperNumber"], "A1B2C3");
    assert_eq!(s["ShipmentRatingOptions"]["NegotiatedRatesIndicator"], "Y");
    assert_eq!(s["NumOfPieces"], "2");
    let pk = s["Package"].as_array().unwrap();
    assert_eq!(pk[0]["PackageWeight"]["Weight"], "2.5");
    assert_eq!(pk[0]["PackageWeight"]["UnitOfMeasurement"]["Code"], "LBS");
    assert_eq!(pk[0]["Dimensions"]["Length"], "12");
    assert_eq!(
        pk[1]["PackageWeight"]["Weight"], "0.1",
        "40 g never becomes 0 lb"
    );

    let one = request()
        .with_services(["03"])
        .with_ship_date(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let rate = p.build_rate(&one).unwrap().remove(0);
    assert!(rate.url.ends_with("/api/rating/v2409/Ratetimeintransit"));
    let body: Value = serde_json::from_slice(&rate.body).unwrap();
    assert_eq!(body["RateRequest"]["Request"]["RequestOption"], "Rate");
    assert_eq!(body["RateRequest"]["Shipment"]["Service"]["Code"], "03");
    assert_eq!(
        body["RateRequest"]["Shipment"]["DeliveryTimeInformation"]["Pickup"]["Date"],
        "20261123"
    );

    let metric = RateRequest::new(
        Address::new("CA", "V6M2V9"),
        Address::new("CA", "E1C4Z8"),
        vec![Parcel::new(Weight::kg(d("0.5")))],
    )
    .unwrap();
    let body: Value = serde_json::from_slice(&p.build_rate(&metric).unwrap()[0].body).unwrap();
    assert_eq!(
        body["RateRequest"]["Shipment"]["Package"][0]["PackageWeight"]["UnitOfMeasurement"]["Code"],
        "KGS"
    );
}

#[test]
fn too_many_packages_is_our_own_refusal() {
    let mut req = request();
    req.parcels = vec![Parcel::new(Weight::lb(d("1"))); 201];
    let e = ups().build_rate(&req).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
}

#[test]
fn garbage_never_panics() {
    let bodies: [&[u8]; 8] = [
        b"",
        b"null",
        b"[]",
        b"{\"RateResponse\": null}",
        b"{\"RateResponse\": {\"RatedShipment\": 7}}",
        b"{\"RateResponse\": {\"RatedShipment\": [null, {\"Service\": []}]}}",
        b"{\"trackResponse\": {\"shipment\": {\"package\": {\"activity\": [1, \"x\", {}]}}}}",
        b"\xff\xfe",
    ];
    for body in bodies {
        for status in [200, 400, 500] {
            let _ = rates(status, body.to_vec());
            let _ = track("1Z5R89390357567127", status, body.to_vec());
        }
    }
}
