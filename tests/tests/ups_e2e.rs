//! UPS end to end: the UPS protocol driven by the host's `HttpCarrier` over real loopback
//! HTTP against the UPS sandbox — quote (Shop and Rate), negotiated rates, track, a token
//! expiring on tracking, UPS's codes for injected faults, and the conformance suite. What
//! every carrier owes (credentials, token refresh on rating, retries) is in `carriers_e2e.rs`.

mod sandbox_support;

use std::str::FromStr;

use rust_decimal::Decimal;
use sandbox_support::{CarrierSandbox, fault_kinds_by_status, without_retries};
use serde_json::json;
use shipmux_core::testkit::{ConformanceFixture, run_conformance};
use shipmux_core::{
    Address, Carrier, CarrierExt, CarrierProtocol, Dimensions, ErrorKind, Parcel, RateRequest,
    Status, TrackingNumber, Weight,
};
use shipmux_host::{HttpCarrier, HttpCarrierOptions};
use shipmux_sandbox::Fault;

const UPS: &str = shipmux_ups::DESCRIPTOR.id;
const RATING: &str = "POST /api/rating/{version}/{requestoption}";
const TOKEN: &str = "POST /security/v1/oauth/token";
const KNOWN: &str = "1Z5R89390357567127";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn start() -> CarrierSandbox {
    CarrierSandbox::start(UPS).await
}

/// UPS on `sb` with no account number (published rates), driven with `options`.
fn carrier(sb: &CarrierSandbox, options: HttpCarrierOptions) -> HttpCarrier<dyn CarrierProtocol> {
    sb.carrier_from(&sb.config_with(json!({"account_number": null})), options)
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
            Parcel::new(Weight::kg(d("1.2"))),
        ],
    )
    .unwrap()
    .with_ship_date("2026-11-23".parse().unwrap())
}

#[tokio::test]
async fn connect_quote_shop_and_rate_and_track() {
    let sb = start().await;
    let ups = carrier(&sb, HttpCarrierOptions::default());
    ups.connect().await.unwrap();

    let shop = ups.quote(&request()).await.unwrap();
    let services: Vec<&str> = shop.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(services, ["14", "01", "13", "59", "02", "12", "03"]);
    for r in &shop {
        assert_eq!(r.carrier.as_str(), "ups");
        assert_eq!(r.total.currency.as_str(), "USD");
        assert!(r.transit_days.is_some(), "time in transit: {r:?}");
        assert!(
            r.estimated_delivery
                .is_some_and(|d| d > "2026-11-23".parse().unwrap())
        );
        assert!(!r.charges.is_empty());
    }
    assert!(shop.iter().find(|r| r.service == "01").unwrap().guaranteed);

    let ground = ups.quote_service(&request(), "03").await.unwrap();
    assert_eq!(ground.total, shop[6].total, "Rate and Shop agree");
    assert_eq!(sb.sandbox.stats().requests(RATING), 2);

    let t = ups
        .track(&TrackingNumber::new(KNOWN).unwrap())
        .await
        .unwrap();
    assert_eq!(t.tracking_number, KNOWN);
    assert!(!t.events.is_empty() && t.status != Status::Unknown);
    let e = ups
        .track(&TrackingNumber::new("1Z1111111111111111").unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::NotFound, Some("TW0001"))
    );
    assert_eq!(
        sb.sandbox.stats().requests(TOKEN),
        1,
        "one token for everything"
    );
}

#[tokio::test]
async fn negotiated_rates_through_the_host() {
    let sb = start().await;
    let ups = sb.carrier_from(
        &sb.config_with(json!({"account_number": "A1B2C3"})),
        HttpCarrierOptions::default(),
    );
    let rates = ups.quote(&request()).await.unwrap();
    assert!(rates.iter().all(|r| {
        r.list_total
            .as_ref()
            .is_some_and(|l| l.amount > r.total.amount)
    }));
}

#[tokio::test]
async fn an_expired_token_on_tracking_is_refreshed_once() {
    let sb = start().await;
    let ups = carrier(&sb, HttpCarrierOptions::default());
    ups.connect().await.unwrap();
    sb.sandbox.inject_at("/api/track", Fault::ExpiredToken, 1);
    ups.track(&TrackingNumber::new(KNOWN).unwrap())
        .await
        .unwrap();
    assert_eq!(ups.token_fetches(), 2, "401 → one new token → success");
    assert_eq!(sb.sandbox.stats().requests(TOKEN), 2);
}

#[tokio::test]
async fn every_injected_fault_maps_to_its_error_kind() {
    let sb = start().await;
    let ups = carrier(&sb, without_retries());
    ups.connect().await.unwrap();
    let check = |fault: &Fault, e: &shipmux_core::Error| match fault {
        Fault::Status429 { .. } => {
            assert_eq!(e.code.as_deref(), Some("10429"));
            assert!(e.retryable);
        }
        Fault::Status503 { .. } => assert_eq!(e.code.as_deref(), Some("10503")),
        _ => {}
    };
    sb.assert_faults_map_to_kinds(
        &ups,
        "/api/rating",
        &request(),
        fault_kinds_by_status(),
        check,
    )
    .await;
}

#[tokio::test]
async fn ups_passes_the_conformance_suite() {
    let sb = start().await;
    let ups = carrier(&sb, HttpCarrierOptions::default());
    let fixture =
        ConformanceFixture::new(request()).with_known_tracking(TrackingNumber::new(KNOWN).unwrap());
    run_conformance(&ups, &fixture).await;
}
