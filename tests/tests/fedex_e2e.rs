//! FedEx end to end: the FedEx protocol driven by the host's `HttpCarrier` over real loopback
//! HTTP against the FedEx sandbox — connect, quote, batch tracking, token expiry and refresh,
//! FedEx's own limits, every injected fault mapped to its error kind, and the conformance suite.

use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use shipmux_core::testkit::{ConformanceFixture, run_conformance};
use shipmux_core::{
    Address, Carrier, CarrierExt, ChargeKind, Dimensions, ErrorKind, Money, Parcel, RateRequest,
    Status, TrackingNumber, Weight,
};
use shipmux_fedex::sandbox::{self, FedexSandboxSettings, TokenThrottle};
use shipmux_fedex::{Fedex, FedexProtocol};
use shipmux_host::{DriverOptions, HttpCarrier, HttpCarrierOptions, HttpDriver, RetryPolicy};
use shipmux_sandbox::{Fault, Sandbox, SandboxOptions};

const RATES: &str = "POST /rate/v1/rates/quotes";
const TRACK: &str = "POST /track/v1/trackingnumbers";
const TOKEN: &str = "POST /oauth/token";
/// A FedEx Express number with a valid check digit (FedEx's own example).
const KNOWN: &str = "794843185271";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn options() -> SandboxOptions {
    SandboxOptions::default()
        .expect_credentials("fedex-e2e", "fedex-e2e-secret")
        .with_oversized_bytes(4 * 1024 * 1024)
        .with_drip_interval(Duration::from_millis(50))
}

async fn start() -> Sandbox {
    sandbox::start(options()).await.unwrap()
}

fn protocol(sb: &Sandbox, secret: &str) -> FedexProtocol {
    Fedex::builder()
        .client_id("fedex-e2e")
        .client_secret(secret)
        .account_number("740561073")
        .base_url(sb.base_url())
        .build()
        .unwrap()
}

fn carrier(sb: &Sandbox) -> HttpCarrier<FedexProtocol> {
    HttpCarrier::new(protocol(sb, "fedex-e2e-secret"), HttpDriver::new().unwrap())
}

/// No retries, no breaker, short deadlines and a 1 MiB body cap, so each fault shows as the
/// error it maps to, quickly.
fn carrier_without_retries(sb: &Sandbox) -> HttpCarrier<FedexProtocol> {
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
    HttpCarrier::with_options(protocol(sb, "fedex-e2e-secret"), driver, options)
}

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "38017").with_region("TN"),
        Address::new("US", "10001")
            .with_region("NY")
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

fn numbers(list: &[&str]) -> Vec<TrackingNumber> {
    list.iter()
        .map(|n| TrackingNumber::new(n).unwrap())
        .collect()
}

#[tokio::test]
async fn connect_quote_and_track_a_batch() {
    let sb = start().await;
    let fedex = carrier(&sb);
    fedex.connect().await.unwrap();

    let rates = fedex.quote(&request()).await.unwrap();
    let services: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert!(services.contains(&"GROUND_HOME_DELIVERY"), "{services:?}");
    assert!(services.contains(&"PRIORITY_OVERNIGHT"), "{services:?}");
    for r in &rates {
        assert_eq!(r.carrier.as_str(), "fedex");
        assert_eq!(r.total.currency.as_str(), "USD");
        // ACCOUNT is the total; LIST, dearer, the list total.
        assert!(
            r.list_total
                .as_ref()
                .is_some_and(|l| l.amount > r.total.amount)
        );
        let sum: Decimal = r.charges.iter().map(|c| c.amount.amount).sum();
        assert_eq!(sum, r.total.amount, "charges add up for {}", r.service);
        assert!(r.charges.iter().any(|c| c.kind == ChargeKind::Fuel));
        assert!(
            r.charges
                .iter()
                .any(|c| c.code.as_deref() == Some("RESIDENTIAL_DELIVERY")),
            "residential surcharge on {}",
            r.service
        );
        if r.service == "SMART_POST" {
            // FedEx gives Ground Economy a range, not a day count.
            assert_eq!((r.transit_days, r.estimated_delivery), (None, None));
        } else {
            assert!(
                r.estimated_delivery
                    .is_some_and(|d| d > "2026-11-23".parse().unwrap()),
                "{r:?}"
            );
        }
        assert!(r.billed_weight.is_some());
    }
    let overnight = rates
        .iter()
        .find(|r| r.service == "PRIORITY_OVERNIGHT")
        .unwrap();
    assert_eq!(overnight.transit_days, Some(1));

    let two_day = fedex
        .quote_service(&request(), "FEDEX_2_DAY")
        .await
        .unwrap();
    let from_all = rates.iter().find(|r| r.service == "FEDEX_2_DAY").unwrap();
    assert_eq!(
        two_day.total, from_all.total,
        "one service or all: same price"
    );
    assert_eq!(sb.stats().requests(RATES), 2);

    // Three numbers, one request: FedEx tracks in batches.
    let asked = numbers(&[KNOWN, "NOSUCHSHIPMENT0000000000", "128667043726"]);
    let results = fedex.track_many(&asked).await;
    assert_eq!(sb.stats().requests(TRACK), 1);
    let known = results[0].as_ref().unwrap();
    assert_eq!(known.tracking_number, KNOWN);
    assert!(!known.events.is_empty() && known.status != Status::Unknown);
    if known.status == Status::Delivered {
        assert!(known.delivered_at.is_some() && known.signed_by.is_some());
    }
    let unknown = results[1].as_ref().unwrap_err();
    assert_eq!(
        (unknown.kind, unknown.code.as_deref()),
        (
            ErrorKind::NotFound,
            Some("TRACKING.TRACKINGNUMBER.NOTFOUND")
        )
    );
    assert_eq!(unknown.carrier.as_ref().map(|c| c.as_str()), Some("fedex"));
    assert!(results[2].is_ok());
    assert_eq!(sb.stats().requests(TOKEN), 1, "one token for everything");
}

#[tokio::test]
async fn more_than_thirty_numbers_take_two_requests() {
    let sb = start().await;
    let fedex = carrier(&sb);
    let many: Vec<TrackingNumber> = (0..31)
        .map(|i| TrackingNumber::new(&format!("9612019{i:015}")).unwrap())
        .collect();
    let results = fedex.track_many(&many).await;
    assert_eq!(results.len(), 31);
    assert!(
        results.iter().all(|r| r.is_ok()),
        "22-digit numbers are known"
    );
    for (t, n) in results.iter().zip(&many) {
        assert_eq!(t.as_ref().unwrap().tracking_number, n.as_str(), "in order");
    }
    assert_eq!(sb.stats().requests(TRACK), 2, "30 + 1");
}

#[tokio::test]
async fn international_quotes_leave_duties_out() {
    let sb = start().await;
    let fedex = carrier(&sb);
    let to_canada = RateRequest::new(
        Address::new("US", "38017").with_region("TN"),
        Address::new("CA", "K1A 0B1").with_region("ON"),
        vec![
            Parcel::new(Weight::lb(d("4")))
                .with_declared_value(Money::parse("200.00", "USD").unwrap()),
        ],
    )
    .unwrap();
    let rates = fedex.quote(&to_canada).await.unwrap();
    let services: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert!(
        services.contains(&"FEDEX_INTERNATIONAL_PRIORITY"),
        "{services:?}"
    );
    assert!(
        services.contains(&"FEDEX_GROUND"),
        "International Ground to Canada"
    );
    for r in &rates {
        let sum: Decimal = r.charges.iter().map(|c| c.amount.amount).sum();
        assert_eq!(
            sum, r.total.amount,
            "no duties or clearance fees in {}",
            r.service
        );
    }
}

#[tokio::test]
async fn expired_tokens_are_refreshed_once() {
    let sb = start().await;
    let fedex = carrier(&sb);
    fedex.quote(&request()).await.unwrap();
    assert_eq!(fedex.token_fetches(), 1);

    sb.expire_tokens();
    fedex.quote(&request()).await.unwrap();
    assert_eq!(fedex.token_fetches(), 2, "401 → one new token → success");

    sb.inject_at("/track", Fault::ExpiredToken, 1);
    fedex
        .track(&TrackingNumber::new(KNOWN).unwrap())
        .await
        .unwrap();
    assert_eq!(fedex.token_fetches(), 3);
    assert_eq!(sb.stats().requests(TOKEN), 3);
}

#[tokio::test]
async fn wrong_credentials_are_unauthenticated() {
    let sb = start().await;
    let fedex = HttpCarrier::new(protocol(&sb, "not-the-secret"), HttpDriver::new().unwrap());
    let e = fedex.connect().await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Unauthenticated, Some("NOT.AUTHORIZED.ERROR"))
    );
    assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("fedex"));
    assert!(!e.message.contains("not-the-secret"));
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let sb = start().await;
    let fedex = carrier(&sb);
    let mut bad = request();
    bad.destination.country = "XX".into();
    let e = fedex.quote(&bad).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert!(e.message.starts_with("destination.country"), "{e}");
    assert_eq!(sb.stats().requests(RATES), 0);
}

#[tokio::test]
async fn every_injected_fault_maps_to_its_error_kind() {
    let sb = start().await;
    let fedex = carrier_without_retries(&sb);
    fedex.connect().await.unwrap();
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
        sb.inject_at("/rate", fault.clone(), 1);
        let e = fedex.quote(&request()).await.unwrap_err();
        assert_eq!(e.kind, kind, "{fault:?} → {e}");
        assert_eq!(
            e.carrier.as_ref().map(|c| c.as_str()),
            Some("fedex"),
            "{fault:?}"
        );
        match &fault {
            Fault::Status500 => assert_eq!(e.code.as_deref(), Some("INTERNAL.SERVER.ERROR")),
            Fault::Status503 { .. } => {
                assert_eq!(e.code.as_deref(), Some("SERVICE.UNAVAILABLE.ERROR"));
                assert_eq!(e.retry_after_ms, Some(2000));
            }
            Fault::Status429 { .. } => {
                assert_eq!(e.code.as_deref(), Some("TOO.MANY.REQUESTS"));
                assert!(e.retryable);
            }
            _ => {}
        }
        // The carrier recovers as soon as the fault is spent.
        assert!(fedex.quote(&request()).await.is_ok(), "after {fault:?}");
    }
    assert_eq!(sb.stats().faults, 10);

    sb.inject_at("/track", Fault::Status500, 1);
    let results = fedex.track_many(&numbers(&[KNOWN, "128667043726"])).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_err_and(|e| e.kind == ErrorKind::Unavailable)),
        "a failed batch fails each of its numbers"
    );
}

#[tokio::test]
async fn retries_ride_out_a_transient_failure() {
    let sb = start().await;
    let fedex = carrier(&sb);
    sb.inject_at(
        "/rate",
        Fault::Status503 {
            retry_after_secs: None,
        },
        1,
    );
    sb.inject_at("/rate", Fault::ConnectionReset, 1);
    let rates = fedex.quote(&request()).await.unwrap();
    assert!(!rates.is_empty());
    assert_eq!(sb.stats().requests(RATES), 3);
}

#[tokio::test]
async fn fedex_own_limits_reach_the_caller_typed() {
    let settings = FedexSandboxSettings {
        rate_limit: (2, Duration::from_secs(600)),
        token_throttle: TokenThrottle {
            burst_hits: 2,
            ..TokenThrottle::default()
        },
    };
    let sb = sandbox::start_with(options(), settings).await.unwrap();
    let fedex = carrier_without_retries(&sb);
    fedex.quote(&request()).await.unwrap();
    fedex.quote(&request()).await.unwrap();
    let e = fedex.quote(&request()).await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::RateLimited, Some("TOO.MANY.REQUESTS"))
    );

    // Each new driver has its own token cache, so each connect asks for a token: the third
    // one in a burst gets FedEx's 403, read as unauthenticated with the reason spelled out.
    carrier_without_retries(&sb).connect().await.unwrap();
    let e = carrier_without_retries(&sb).connect().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.code.as_deref(), Some("FORBIDDEN.ERROR"));
    assert!(e.message.contains("blocks an IP address"), "{e}");
}

#[tokio::test]
async fn fedex_passes_the_conformance_suite() {
    let sb = start().await;
    let fedex = carrier(&sb);
    let fixture =
        ConformanceFixture::new(request()).with_known_tracking(TrackingNumber::new(KNOWN).unwrap());
    run_conformance(&fedex, &fixture).await;
}

#[test]
fn fedex_rate_limit_default_is_its_published_limit() {
    assert_eq!(
        shipmux_fedex::DEFAULT_RATE_LIMIT,
        (1_400, Duration::from_secs(10))
    );
}
