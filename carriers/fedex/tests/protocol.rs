//! What the FedEx protocol sends: paths, headers and bodies of the contract.

mod common;

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::{
    Address, Auth, CarrierProtocol, Dimensions, ErrorKind, LengthUnit, Money, Parcel, RateRequest,
    TrackingNumber, Weight,
};

use common::fedex;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn body(request: &shipmux_core::HttpRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn domestic(parcels: Vec<Parcel>) -> RateRequest {
    let mut to = Address::new("US", "10001")
        .with_region("ny")
        .residential(true);
    to.lines = vec!["350 5th Ave".into(), " ".into()];
    RateRequest::new(Address::new("US", "38017").with_region("TN"), to, parcels).unwrap()
}

#[test]
fn rate_request_carries_what_fedex_needs() {
    let parcel = Parcel::new(Weight::lb(d("2.54")))
        .with_dimensions(Dimensions::inches(d("12"), d("8.2"), d("6")))
        .with_declared_value(Money::parse("50.00", "USD").unwrap());
    let request = domestic(vec![parcel.clone(), parcel])
        .with_ship_date(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
    let http = fedex().build_rate(&request).unwrap();
    assert_eq!(http.len(), 1);
    assert_eq!(http[0].url, "http://127.0.0.1:9/rate/v1/rates/quotes");
    assert_eq!(
        http[0].header_value("content-type"),
        Some("application/json")
    );
    let b = body(&http[0]);
    assert_eq!(b["accountNumber"]["value"], "740561073");
    assert_eq!(
        b["rateRequestControlParameters"]["returnTransitTimes"],
        true
    );
    let s = &b["requestedShipment"];
    assert_eq!(s["rateRequestType"], serde_json::json!(["ACCOUNT", "LIST"]));
    assert_eq!(s["pickupType"], "DROPOFF_AT_FEDEX_LOCATION");
    assert_eq!(s["packagingType"], "YOUR_PACKAGING");
    assert_eq!(s["shipDateStamp"], "2026-11-25");
    assert_eq!(s["totalPackageCount"], 2);
    assert!(s.get("serviceType").is_none());
    assert_eq!(s["recipient"]["address"]["residential"], true);
    assert_eq!(s["recipient"]["address"]["stateOrProvinceCode"], "NY");
    assert_eq!(
        s["recipient"]["address"]["streetLines"],
        serde_json::json!(["350 5th Ave"])
    );
    assert!(s["shipper"]["address"].get("residential").is_none());
    let item = &s["requestedPackageLineItems"][1];
    // 2.54 lb rounds up to 2.6; 8.2 in up to 9; numbers, not strings.
    assert_eq!(item["weight"]["value"].to_string(), "2.6");
    assert_eq!(item["weight"]["units"], "LB");
    assert_eq!(item["dimensions"]["width"].to_string(), "9");
    assert_eq!(item["dimensions"]["units"], "IN");
    assert_eq!(item["declaredValue"]["amount"].to_string(), "50.00");
}

#[test]
fn one_service_is_asked_by_name_several_are_filtered_later() {
    let one = domestic(vec![Parcel::new(Weight::lb(d("1")))]).with_services(["FEDEX_2_DAY"]);
    let b = body(&fedex().build_rate(&one).unwrap()[0]);
    assert_eq!(b["requestedShipment"]["serviceType"], "FEDEX_2_DAY");
    let two = one.with_services(["FEDEX_2_DAY", "FEDEX_GROUND"]);
    let b = body(&fedex().build_rate(&two).unwrap()[0]);
    assert!(b["requestedShipment"].get("serviceType").is_none());
}

#[test]
fn metric_parcels_go_in_kilograms_and_centimetres() {
    let parcel = Parcel::new(Weight::g(d("40"))).with_dimensions(Dimensions::new(
        d("10.1"),
        d("10"),
        d("10"),
        LengthUnit::Cm,
    ));
    let b = body(&fedex().build_rate(&domestic(vec![parcel])).unwrap()[0]);
    let item = &b["requestedShipment"]["requestedPackageLineItems"][0];
    assert_eq!(item["weight"]["units"], "KG");
    assert_eq!(
        item["weight"]["value"].to_string(),
        "0.1",
        "40 g is never 0"
    );
    assert_eq!(item["dimensions"]["length"].to_string(), "11");
    assert_eq!(item["dimensions"]["units"], "CM");
}

#[test]
fn requests_fedex_would_refuse_are_refused_first() {
    let many = vec![Parcel::new(Weight::lb(d("1"))); 101];
    let e = fedex().build_rate(&domestic(many)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    // 999.5 cm passes our 10 m sanity check but is over FedEx's 999 CM.
    let huge = Parcel::new(Weight::kg(d("1"))).with_dimensions(Dimensions::new(
        d("999.5"),
        d("1"),
        d("1"),
        LengthUnit::Cm,
    ));
    let request = domestic(vec![huge]);
    let e = fedex().build_rate(&request).unwrap_err();
    assert!(e.message.starts_with("parcels[0].dimensions"), "{e}");
}

#[test]
fn tracking_batches_up_to_thirty_numbers() {
    let p = fedex();
    assert_eq!(p.track_batch_size(), 30);
    assert_eq!(p.info().capabilities.tracking_batch, 30);
    let numbers: Vec<_> = (0..30)
        .map(|i| TrackingNumber::new(&format!("7777777777{i:02}")).unwrap())
        .collect();
    let http = p.build_track(&numbers).unwrap();
    assert_eq!(http[0].url, "http://127.0.0.1:9/track/v1/trackingnumbers");
    let b = body(&http[0]);
    assert_eq!(b["includeDetailedScans"], true);
    assert_eq!(b["trackingInfo"].as_array().unwrap().len(), 30);
    assert_eq!(
        b["trackingInfo"][3]["trackingNumberInfo"]["trackingNumber"],
        "777777777703"
    );
    let too_many: Vec<_> = numbers
        .iter()
        .cloned()
        .chain(numbers.iter().take(1).cloned())
        .collect();
    assert_eq!(
        p.build_track(&too_many).unwrap_err().kind,
        ErrorKind::InvalidRequest
    );
    assert_eq!(
        p.build_track(&[]).unwrap_err().kind,
        ErrorKind::InvalidRequest
    );
}

#[test]
fn tokens_are_cached_per_key_and_host_never_per_secret() {
    let Auth::OAuth2 { cache_key } = fedex().auth() else {
        panic!("FedEx uses OAuth")
    };
    assert_eq!(cache_key, "l7xx-test-key@http://127.0.0.1:9");
    assert!(!cache_key.contains("test-secret-value"));
    let token = fedex().build_token().unwrap();
    assert_eq!(token.url, "http://127.0.0.1:9/oauth/token");
    assert!(!format!("{token:?}").contains("test-secret-value"));
}

#[test]
fn rate_limit_default_is_fedex_published_limit() {
    assert_eq!(
        shipmux_fedex::DEFAULT_RATE_LIMIT,
        (1_400, std::time::Duration::from_secs(10))
    );
}

#[test]
fn invalid_requests_never_leave_the_protocol() {
    let mut request = domestic(vec![Parcel::new(Weight::lb(d("1")))]);
    request.parcels[0].weight = Weight::lb(Decimal::ZERO);
    let e = fedex().build_rate(&request).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("fedex"));
    request.parcels.clear();
    assert_eq!(
        fedex().build_rate(&request).unwrap_err().kind,
        ErrorKind::InvalidRequest
    );
}
