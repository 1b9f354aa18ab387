//! USPS end to end: the USPS protocol driven by the host's `HttpCarrier` over real loopback
//! HTTP against the USPS sandbox — quote (several parcels, the Shipping Options → prices
//! fallback), batch tracking, faults → error kinds and USPS's own refusals, the conformance
//! suite, and a checkout burst kept inside USPS's hourly quota by coalescing and the cache.
//! What every carrier owes (connect, credentials, token refresh, retries) is in
//! `carriers_e2e.rs`.

mod sandbox_support;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use sandbox_support::{CarrierSandbox, e2e_options};
use serde_json::json;
use shipmux_core::testkit::{ConformanceFixture, run_conformance};
use shipmux_core::{
    Address, Carrier, Dimensions, ErrorKind, Parcel, RateRequest, Status, TrackingNumber, Weight,
};
use shipmux_host::{CacheOptions, CachedCarrier, HttpCarrierOptions, QuoteCache, RateLimit};
use shipmux_sandbox::Fault;
use shipmux_usps::sandbox::{self, ShippingOptionsAccess, UspsSandboxSettings};

const USPS: &str = shipmux_usps::DESCRIPTOR.id;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn start() -> CarrierSandbox {
    CarrierSandbox::start(USPS).await
}

fn parcel(lb: &str, l: &str, w: &str, h: &str) -> Parcel {
    Parcel::new(Weight::lb(d(lb))).with_dimensions(Dimensions::inches(d(l), d(w), d(h)))
}

fn domestic(parcels: Vec<Parcel>) -> RateRequest {
    RateRequest::new(
        Address::new("US", "10001"),
        Address::new("US", "90210").residential(true),
        parcels,
    )
    .unwrap()
    .with_ship_date("2026-11-23".parse().unwrap())
}

fn number(n: &str) -> TrackingNumber {
    TrackingNumber::new(n).unwrap()
}

#[tokio::test]
async fn several_parcels_are_one_call_each_summed_per_mail_class() {
    let sb = start().await;
    let usps = sb.carrier();
    let small = parcel("2", "10", "8", "4");
    let large = parcel("9", "20", "14", "10");
    let alone_small = usps.quote(&domestic(vec![small.clone()])).await.unwrap();
    let alone_large = usps.quote(&domestic(vec![large.clone()])).await.unwrap();
    let together = usps.quote(&domestic(vec![small, large])).await.unwrap();
    assert_eq!(
        sb.sandbox
            .stats()
            .requests("POST /shipments/v3/options/search"),
        4,
        "one Shipping Options call per parcel"
    );
    let cheapest = |rates: &[shipmux_core::Rate], class: &str| {
        rates
            .iter()
            .filter(|r| r.service == class)
            .map(|r| r.total.amount)
            .min()
    };
    for rate in &together {
        let expected = cheapest(&alone_small, &rate.service).unwrap()
            + cheapest(&alone_large, &rate.service).unwrap();
        assert_eq!(rate.total.amount, expected, "{}", rate.service);
        assert_eq!(rate.total.currency.as_str(), "USD");
    }
    let classes: Vec<&str> = together.iter().map(|r| r.service.as_str()).collect();
    assert!(classes.contains(&"PRIORITY_MAIL") && classes.contains(&"USPS_GROUND_ADVANTAGE"));
    // One rate per class once summed, with the slowest parcel's commitment.
    assert_eq!(classes.iter().filter(|c| **c == "PRIORITY_MAIL").count(), 1);
    assert!(together.iter().all(|r| r.transit_days.is_some()));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_class_missing_for_one_parcel_is_not_offered() {
    let sb = start().await;
    let usps = sb.carrier();
    // 40 + 2×(20+15) = 110 in of length and girth: too big for Priority Mail (108).
    let rates = usps
        .quote(&domestic(vec![
            parcel("2", "10", "8", "4"),
            parcel("12", "40", "20", "15"),
        ]))
        .await
        .unwrap();
    let classes: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(classes, ["USPS_GROUND_ADVANTAGE", "PARCEL_SELECT"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn without_shipping_options_the_prices_api_answers() {
    for access in [
        ShippingOptionsAccess::Forbidden,
        ShippingOptionsAccess::NotFound,
    ] {
        let sb = CarrierSandbox::on(
            USPS,
            sandbox::start_with(
                e2e_options(),
                UspsSandboxSettings::with_shipping_options(access),
            )
            .await
            .unwrap(),
        );
        let usps = sb.carrier();
        let rates = usps
            .quote(&domestic(vec![
                parcel("2", "10", "8", "4"),
                parcel("3", "12", "9", "5"),
            ]))
            .await
            .unwrap();
        assert!(!rates.is_empty(), "{access:?}");
        assert!(rates.iter().all(|r| r.transit_days.is_none()));
        let stats = sb.sandbox.stats();
        assert_eq!(stats.requests("POST /shipments/v3/options/search"), 2);
        assert_eq!(stats.requests("POST /prices/v3/total-rates/search"), 2);
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn the_prices_switch_never_asks_shipping_options() {
    let sb = start().await;
    let usps = sb.carrier_from(
        &sb.config_with(json!({"rate_api": "prices"})),
        HttpCarrierOptions::default(),
    );
    let international = RateRequest::new(
        Address::new("US", "10001"),
        Address::new("GB", "SW1A 1AA"),
        vec![parcel("2", "10", "8", "4")],
    )
    .unwrap();
    let rates = usps.quote(&international).await.unwrap();
    assert!(
        rates
            .iter()
            .any(|r| r.service == "PRIORITY_MAIL_INTERNATIONAL")
    );
    let stats = sb.sandbox.stats();
    assert_eq!(stats.requests("POST /shipments/v3/options/search"), 0);
    assert_eq!(
        stats.requests("POST /international-prices/v3/total-rates/search"),
        1
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn thirty_five_numbers_are_one_batch_call() {
    let sb = start().await;
    let usps = sb.carrier();
    let mut numbers: Vec<TrackingNumber> = (0..36)
        .map(|i| number(&format!("9400111202555842{i:05}1")))
        .collect();
    numbers[3] = number("9400111202555842760000"); // unknown to the sandbox
    let results = usps.track_many(&numbers).await;
    assert_eq!(results.len(), 36);
    assert_eq!(
        sb.sandbox.stats().requests("POST /tracking/v3r2/tracking"),
        2,
        "35 + 1"
    );
    let e = results[3].as_ref().unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.code.as_deref(), Some("150002"));
    for (i, r) in results.iter().enumerate().filter(|(i, _)| *i != 3) {
        let t = r.as_ref().unwrap();
        assert_eq!(t.tracking_number, numbers[i].as_str());
        assert_ne!(t.status, Status::Unknown);
        assert!(!t.events.is_empty());
        if t.status == Status::Delivered {
            assert!(t.delivered_at.is_some() && t.signed_by.is_some());
        }
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn faults_become_error_kinds() {
    let sb = start().await;
    let usps = sb.carrier_without_retries();
    let request = domestic(vec![parcel("2", "10", "8", "4")]);
    usps.connect().await.unwrap();
    let cases = vec![
        (
            Fault::Status429 {
                retry_after_secs: Some(30),
            },
            ErrorKind::RateLimited,
        ),
        (
            Fault::Status503 {
                retry_after_secs: Some(2),
            },
            ErrorKind::Unavailable,
        ),
        (Fault::Status500, ErrorKind::Unavailable),
        (Fault::MalformedBody, ErrorKind::Parse),
        (Fault::WrongContentType, ErrorKind::Parse),
    ];
    let check = |fault: &Fault, e: &shipmux_core::Error| {
        let wait = match fault {
            Fault::Status429 { .. } => Some(30_000),
            Fault::Status503 { .. } => Some(2_000),
            _ => None,
        };
        assert_eq!(e.retry_after_ms, wait, "{fault:?}: {e}");
    };
    sb.assert_faults_map_to_kinds(&usps, "/shipments", &request, cases, check)
        .await;
    // USPS's own refusals, with the inventory's codes.
    let e = usps
        .quote(&domestic(vec![parcel("80", "10", "8", "4")]))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("030004"))
    );
    let no_zone = RateRequest::new(
        Address::new("US", "00012"),
        Address::new("US", "90210"),
        vec![parcel("1", "5", "5", "5")],
    )
    .unwrap();
    let e = usps.quote(&no_zone).await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("030001"))
    );
    let e = usps
        .track(&number("9400111202555842760000"))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    sb.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_an_invalid_client() {
    let sb = start().await;
    let e = sb.wrong_credentials_error().await;
    assert_eq!(e.code.as_deref(), Some("invalid_client"), "{e}");
    sb.shutdown().await;
}

#[tokio::test]
async fn usps_passes_the_conformance_suite() {
    let sb = start().await;
    let usps = sb.carrier();
    let fixture = ConformanceFixture::new(domestic(vec![parcel("2", "10", "8", "4")]))
        .with_known_tracking(number("9400111202555842761023"))
        .with_unknown_tracking(number("9400111202555842760000"));
    run_conformance(&usps, &fixture).await;
    sb.shutdown().await;
}

/// USPS quotas are per hour and small (new apps report about 60 requests an hour).
fn hourly_limited() -> HttpCarrierOptions {
    HttpCarrierOptions {
        rate_limit: Some(RateLimit::new(60, Duration::from_secs(3600))),
        call_timeout: Duration::from_secs(5),
        ..HttpCarrierOptions::default()
    }
}

#[tokio::test]
async fn a_checkout_burst_stays_inside_60_per_hour_thanks_to_the_cache() {
    let sb = start().await;
    let http = sb.carrier_from(&sb.config(), hourly_limited());
    let cache = Arc::new(QuoteCache::new(CacheOptions::default()));
    let usps = Arc::new(CachedCarrier::new(Arc::new(http), cache, "checkout"));
    let request = domestic(vec![
        parcel("2", "10", "8", "4"),
        parcel("1", "6", "4", "2"),
    ]);
    // 200 shoppers ask for the same cart at once, then 200 more a moment later.
    for _ in 0..2 {
        let answers = futures::future::join_all((0..200).map(|_| {
            let usps = usps.clone();
            let request = request.clone();
            async move { usps.quote(&request).await }
        }))
        .await;
        assert!(
            answers
                .iter()
                .all(|a| a.as_ref().is_ok_and(|r| !r.is_empty()))
        );
    }
    let stats = sb.sandbox.stats();
    let upstream = stats.requests("POST /shipments/v3/options/search");
    assert_eq!(upstream, 2, "one call per parcel, once");
    assert!(upstream + stats.tokens_issued <= 60);
    sb.shutdown().await;
}

#[tokio::test]
async fn without_the_cache_the_same_burst_hits_the_hourly_limit() {
    let sb = start().await;
    let usps = Arc::new(sb.carrier_from(&sb.config(), hourly_limited()));
    let request = domestic(vec![parcel("2", "10", "8", "4")]);
    let answers = futures::future::join_all((0..100).map(|_| {
        let usps = usps.clone();
        let request = request.clone();
        async move { usps.quote(&request).await }
    }))
    .await;
    let limited = answers
        .iter()
        .filter(|a| a.as_ref().is_err_and(|e| e.kind == ErrorKind::RateLimited))
        .count();
    assert!(limited > 0, "100 uncached quotes must exceed 60 an hour");
    assert!(
        sb.sandbox
            .stats()
            .requests("POST /shipments/v3/options/search")
            <= 60
    );
    sb.shutdown().await;
}
