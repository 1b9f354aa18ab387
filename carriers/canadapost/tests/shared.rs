//! Canada Post's official samples through the parsers (optional: runs only when
//! `SHIPMUX_SHARED` points at the carriers' official samples); passes with a
//! note otherwise.

use std::path::PathBuf;

use shipmux_canadapost::{CanadaPost, CanadaPostProtocol};
use shipmux_core::{
    Address, CarrierProtocol, ErrorKind, Exchange, HttpResponse, Parcel, RateRequest, Status, Step,
    TrackingNumber, Weight,
};

fn samples() -> Option<PathBuf> {
    match std::env::var_os("SHIPMUX_SHARED") {
        Some(dir) => Some(PathBuf::from(dir).join("carrier-api/canadapost/samples")),
        None => {
            eprintln!("note: SHIPMUX_SHARED is not set; skipping Canada Post's official samples");
            None
        }
    }
}

fn protocol() -> CanadaPostProtocol {
    CanadaPost::builder()
        .username("u")
        .password("p")
        .build()
        .unwrap()
}

fn exchange(status: u16, body: Vec<u8>) -> Exchange {
    Exchange {
        round: 0,
        requests: vec![],
        responses: vec![HttpResponse::new(status, body)],
    }
}

#[test]
fn official_rate_samples_parse_and_add_up() {
    let Some(dir) = samples() else { return };
    let request = RateRequest::new(
        Address::new("CA", "K1A0B1"),
        Address::new("CA", "H8Z2V4"),
        vec![Parcel::new(Weight::kg(1.into()))],
    )
    .unwrap();
    for name in [
        "get-rates-response_thejacer87.xml",
        "get-rates-response_shopify-2012.xml",
    ] {
        let body = std::fs::read(dir.join("rating").join(name)).unwrap();
        let Step::Done(rates) = protocol()
            .parse_rate(&request, &exchange(200, body))
            .unwrap()
        else {
            panic!("{name}: one round")
        };
        assert!(!rates.is_empty(), "{name}");
        for r in &rates {
            let sum: rust_decimal::Decimal = r.charges.iter().map(|c| c.amount.amount).sum();
            assert_eq!(
                sum, r.total.amount,
                "{name} {}: charges add up to due",
                r.service
            );
            assert_eq!(r.total.currency.as_str(), "CAD");
        }
    }
}

#[test]
fn official_tracking_samples_parse() {
    let Some(dir) = samples() else { return };
    for entry in std::fs::read_dir(dir.join("tracking")).unwrap() {
        let path = entry.unwrap().path();
        let body = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&body);
        let pin = text
            .split("<pin>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap();
        let n = TrackingNumber::new(pin).unwrap();
        let results = protocol()
            .parse_track(std::slice::from_ref(&n), &exchange(200, body.clone()))
            .unwrap();
        let t = results[0]
            .as_ref()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(t.tracking_number, pin);
        if text.contains("<tracking-detail") {
            assert!(!t.events.is_empty(), "{}", path.display());
            assert!(
                t.events
                    .iter()
                    .all(|e| e.time.as_deref().is_some_and(|t| t.len() == 25))
            );
        }
    }
    let body = std::fs::read(dir.join("tracking/tracking-detail_shopify-en.xml")).unwrap();
    let n = TrackingNumber::new("1371134583769923").unwrap();
    let t = protocol()
        .parse_track(std::slice::from_ref(&n), &exchange(200, body))
        .unwrap();
    let t = t[0].as_ref().unwrap();
    assert_eq!(t.status, Status::Delivered);
    assert_eq!(t.signed_by.as_deref(), Some("HETU"));
    assert_eq!(t.delivered_at.as_deref(), Some("2011-02-03T11:59:59-05:00"));
    assert_eq!(t.estimated_delivery.unwrap().to_string(), "2011-02-11");
}

#[test]
fn official_error_samples_map_by_code() {
    let Some(dir) = samples() else { return };
    let request = RateRequest::new(
        Address::new("CA", "K1A0B1"),
        Address::new("CA", "H8Z2V4"),
        vec![Parcel::new(Weight::kg(1.into()))],
    )
    .unwrap();
    for (name, status, kind, code) in [
        (
            "auth-error-E002_karrio.xml",
            401,
            ErrorKind::Unauthenticated,
            "E002",
        ),
        (
            "get-rates-error-AA004_shopify.xml",
            403,
            ErrorKind::Rejected,
            "AA004",
        ),
        (
            "get-rates-error-schema-validation_karrio.xml",
            400,
            ErrorKind::Rejected,
            "Server",
        ),
        (
            "discover-services-error-8534_shopify.xml",
            400,
            ErrorKind::Rejected,
            "8534",
        ),
        (
            "tracking-error-004-no-pin-history_shopify.xml",
            404,
            ErrorKind::NotFound,
            "004",
        ),
    ] {
        let body = std::fs::read(dir.join("errors").join(name)).unwrap();
        let e = protocol()
            .parse_rate(&request, &exchange(status, body))
            .unwrap_err();
        assert_eq!((e.kind, e.code.as_deref()), (kind, Some(code)), "{name}");
        assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("canadapost"));
    }
}
