//! FedEx end to end: the FedEx protocol driven by the host's `HttpCarrier` over real loopback
//! HTTP against the FedEx sandbox — connect, quote, batch tracking, a token expiring on
//! tracking, FedEx's own limits and codes, and the conformance suite. What every carrier owes
//! (credentials, token refresh on rating, retries) is in `carriers_e2e.rs`.

mod sandbox_support;

use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use sandbox_support::{CarrierSandbox, e2e_options, fault_kinds_by_status};
use shipmux_core::testkit::{ConformanceFixture, run_conformance};
use shipmux_core::{
    Address, Carrier, CarrierExt, ChargeKind, Dimensions, ErrorKind, Money, Parcel, RateRequest,
    Status, TrackingNumber, Weight,
};
use shipmux_fedex::sandbox::{self, FedexSandboxSettings, TokenThrottle};
use shipmux_sandbox::Fault;

const RATES: &str = "POST /rate/v1/rates/quotes";
const TRACK: &str = "POST /track/v1/trackingnumbers";
const TOKEN: &str = "POST /oauth/token";
/// A FedEx Express number with a valid check digit (FedEx's own example).
const KNOWN: &str = "794843185271";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

const FEDEX: &str = shipmux_fedex::DESCRIPTOR.id;

async fn start() -> CarrierSandbox {
    CarrierSandbox::start(FEDEX).await
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
    let fedex = sb.carrier();
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
    assert_eq!(sb.sandbox.stats().requests(RATES), 2);

    // Three numbers, one request: FedEx tracks in batches.
    let asked = numbers(&[KNOWN, "NOSUCHSHIPMENT0000000000", "128667043726"]);
    let results = fedex.track_many(&asked).await;
    assert_eq!(sb.sandbox.stats().requests(TRACK), 1);
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
    assert_eq!(
        sb.sandbox.stats().requests(TOKEN),
        1,
        "one token for everything"
    );
}

#[tokio::test]
async fn more_than_thirty_numbers_take_two_requests() {
    let sb = start().await;
    let fedex = sb.carrier();
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
    assert_eq!(sb.sandbox.stats().requests(TRACK), 2, "30 + 1");
}

#[tokio::test]
async fn international_quotes_leave_duties_out() {
    let sb = start().await;
    let fedex = sb.carrier();
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
async fn an_expired_token_on_tracking_is_refreshed_once() {
    let sb = start().await;
    let fedex = sb.carrier();
    fedex.connect().await.unwrap();
    sb.sandbox.inject_at("/track", Fault::ExpiredToken, 1);
    fedex
        .track(&TrackingNumber::new(KNOWN).unwrap())
        .await
        .unwrap();
    assert_eq!(fedex.token_fetches(), 2, "401 → one new token → success");
    assert_eq!(sb.sandbox.stats().requests(TOKEN), 2);
}

#[tokio::test]
async fn wrong_credentials_are_not_authorized() {
    let sb = start().await;
    let e = sb.wrong_credentials_error().await;
    assert_eq!(e.code.as_deref(), Some("NOT.AUTHORIZED.ERROR"), "{e}");
}

#[tokio::test]
async fn every_injected_fault_maps_to_its_error_kind() {
    let sb = start().await;
    let fedex = sb.carrier_without_retries();
    fedex.connect().await.unwrap();
    let check = |fault: &Fault, e: &shipmux_core::Error| match fault {
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
    };
    sb.assert_faults_map_to_kinds(&fedex, "/rate", &request(), fault_kinds_by_status(), check)
        .await;

    sb.sandbox.inject_at("/track", Fault::Status500, 1);
    let results = fedex.track_many(&numbers(&[KNOWN, "128667043726"])).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_err_and(|e| e.kind == ErrorKind::Unavailable)),
        "a failed batch fails each of its numbers"
    );
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
    let sb = CarrierSandbox::on(
        FEDEX,
        sandbox::start_with(e2e_options(), settings).await.unwrap(),
    );
    let fedex = sb.carrier_without_retries();
    fedex.quote(&request()).await.unwrap();
    fedex.quote(&request()).await.unwrap();
    let e = fedex.quote(&request()).await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::RateLimited, Some("TOO.MANY.REQUESTS"))
    );

    // Each new driver has its own token cache, so each connect asks for a token: the third
    // one in a burst gets FedEx's 403, read as unauthenticated with the reason spelled out.
    sb.carrier_without_retries().connect().await.unwrap();
    let e = sb.carrier_without_retries().connect().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.code.as_deref(), Some("FORBIDDEN.ERROR"));
    assert!(e.message.contains("blocks an IP address"), "{e}");
}

#[tokio::test]
async fn fedex_passes_the_conformance_suite() {
    let sb = start().await;
    let fedex = sb.carrier();
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
    // What the host applies when the config names no limit.
    let limit = shipmux_fedex::DESCRIPTOR
        .default_rate_limit
        .expect("FedEx publishes a quota");
    assert_eq!(
        (limit.requests, limit.per),
        shipmux_fedex::DEFAULT_RATE_LIMIT
    );
}
