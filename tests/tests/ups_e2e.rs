//! UPS end to end: the UPS protocol driven by the host's `HttpCarrier` over real loopback
//! HTTP against the UPS sandbox — connect, quote (Shop and Rate), track, token expiry and
//! refresh, every injected fault mapped to its error kind, and the conformance suite.

use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use shipmux_core::testkit::{ConformanceFixture, run_conformance};
use shipmux_core::{
    Address, Carrier, CarrierExt, Dimensions, ErrorKind, Parcel, RateRequest, Status,
    TrackingNumber, Weight,
};
use shipmux_host::{DriverOptions, HttpCarrier, HttpCarrierOptions, HttpDriver, RetryPolicy};
use shipmux_sandbox::{Fault, Sandbox, SandboxOptions};
use shipmux_ups::{Ups, UpsProtocol, sandbox};

const RATING: &str = "POST /api/rating/{version}/{requestoption}";
const TOKEN: &str = "POST /security/v1/oauth/token";
const KNOWN: &str = "1Z5R89390357567127";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn start() -> Sandbox {
    sandbox::start(
        SandboxOptions::default()
            .expect_credentials("ups-e2e", "ups-e2e-secret")
            .with_oversized_bytes(4 * 1024 * 1024)
            .with_drip_interval(Duration::from_millis(50)),
    )
    .await
    .unwrap()
}

fn protocol(sb: &Sandbox, account: Option<&str>) -> UpsProtocol {
    let mut b = Ups::builder()
        .client_id("ups-e2e")
        .client_secret("ups-e2e-secret")
        .base_url(&sb.base_url());
    if let Some(a) = account {
        b = b.account_number(a);
    }
    b.build().unwrap()
}

fn carrier(sb: &Sandbox) -> HttpCarrier<UpsProtocol> {
    HttpCarrier::new(protocol(sb, None), HttpDriver::new().unwrap())
}

/// No retries, no breaker, short deadlines and a 1 MiB body cap, so each fault shows as the
/// error it maps to, quickly.
fn carrier_without_retries(sb: &Sandbox) -> HttpCarrier<UpsProtocol> {
    let driver = HttpDriver::with_options(DriverOptions {
        max_body_bytes: 1024 * 1024,
        ..DriverOptions::default()
    })
    .unwrap();
    let options = HttpCarrierOptions {
        retry: RetryPolicy::none(),
        breaker: None,
        attempt_timeout: Duration::from_millis(500),
        call_timeout: Duration::from_secs(5),
        ..HttpCarrierOptions::default()
    };
    HttpCarrier::with_options(protocol(sb, None), driver, options)
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
    let ups = carrier(&sb);
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
    assert_eq!(sb.stats().requests(RATING), 2);

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
    assert_eq!(sb.stats().requests(TOKEN), 1, "one token for everything");
}

#[tokio::test]
async fn negotiated_rates_through_the_host() {
    let sb = start().await;
    let ups = HttpCarrier::new(protocol(&sb, Some("A1B2C3")), HttpDriver::new().unwrap());
    let rates = ups.quote(&request()).await.unwrap();
    assert!(rates.iter().all(|r| {
        r.list_total
            .as_ref()
            .is_some_and(|l| l.amount > r.total.amount)
    }));
}

#[tokio::test]
async fn expired_tokens_are_refreshed_once() {
    let sb = start().await;
    let ups = carrier(&sb);
    ups.quote(&request()).await.unwrap();
    assert_eq!(ups.token_fetches(), 1);

    sb.expire_tokens();
    ups.quote(&request()).await.unwrap();
    assert_eq!(ups.token_fetches(), 2, "401 → one new token → success");

    sb.inject_at("/api/track", Fault::ExpiredToken, 1);
    ups.track(&TrackingNumber::new(KNOWN).unwrap())
        .await
        .unwrap();
    assert_eq!(ups.token_fetches(), 3);
    assert_eq!(sb.stats().requests(TOKEN), 3);
}

#[tokio::test]
async fn wrong_credentials_are_unauthenticated() {
    let sb = start().await;
    let protocol = Ups::builder()
        .client_id("ups-e2e")
        .client_secret("not-the-secret")
        .base_url(&sb.base_url())
        .build()
        .unwrap();
    let ups = HttpCarrier::new(protocol, HttpDriver::new().unwrap());
    let e = ups.connect().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("ups"));
    assert!(!e.message.contains("not-the-secret"));
}

#[tokio::test]
async fn every_injected_fault_maps_to_its_error_kind() {
    let sb = start().await;
    let ups = carrier_without_retries(&sb);
    ups.connect().await.unwrap();
    let cases = [
        (Fault::Status500, ErrorKind::Unavailable),
        (
            Fault::Status503 {
                retry_after_secs: Some(2),
            },
            ErrorKind::Unavailable,
        ),
        (
            Fault::Status429 {
                retry_after_secs: Some(1),
            },
            ErrorKind::RateLimited,
        ),
        (Fault::MalformedBody, ErrorKind::Parse),
        (Fault::WrongContentType, ErrorKind::Parse),
        (Fault::TruncatedBody, ErrorKind::Unavailable),
        (Fault::ConnectionReset, ErrorKind::Unavailable),
        (Fault::OversizedBody, ErrorKind::Parse),
        (Fault::Hang, ErrorKind::Timeout),
        (Fault::SlowDrip, ErrorKind::Timeout),
    ];
    for (fault, kind) in cases {
        sb.inject_at("/api/rating", fault.clone(), 1);
        let e = ups.quote(&request()).await.unwrap_err();
        assert_eq!(e.kind, kind, "{fault:?} → {e}");
        assert_eq!(
            e.carrier.as_ref().map(|c| c.as_str()),
            Some("ups"),
            "{fault:?}"
        );
        match &fault {
            Fault::Status429 { .. } => {
                assert_eq!(e.code.as_deref(), Some("10429"));
                assert!(e.retryable);
            }
            Fault::Status503 { .. } => assert_eq!(e.code.as_deref(), Some("10503")),
            _ => {}
        }
        // The carrier recovers as soon as the fault is spent.
        assert!(ups.quote(&request()).await.is_ok(), "after {fault:?}");
    }
    assert_eq!(sb.stats().faults, 10);
}

#[tokio::test]
async fn retries_ride_out_a_transient_failure() {
    let sb = start().await;
    let ups = carrier(&sb);
    sb.inject_at(
        "/api/rating",
        Fault::Status503 {
            retry_after_secs: None,
        },
        1,
    );
    sb.inject_at("/api/rating", Fault::ConnectionReset, 1);
    let rates = ups.quote(&request()).await.unwrap();
    assert!(!rates.is_empty());
    assert_eq!(sb.stats().requests(RATING), 3);
}

#[tokio::test]
async fn ups_passes_the_conformance_suite() {
    let sb = start().await;
    let ups = carrier(&sb);
    let fixture =
        ConformanceFixture::new(request()).with_known_tracking(TrackingNumber::new(KNOWN).unwrap());
    run_conformance(&ups, &fixture).await;
}
