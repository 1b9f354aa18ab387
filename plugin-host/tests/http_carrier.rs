//! HttpCarrier over a real loopback HTTP server: tokens, retries, limits, rounds, batching.

mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use shipmux_core::testkit::{ConformanceFixture, run_conformance};
use shipmux_core::{Carrier, ErrorKind, TrackingNumber};
use shipmux_host::{
    BreakerOptions, DriverOptions, HttpCarrier, HttpCarrierOptions, HttpDriver, RateLimit,
    RetryPolicy,
};
use support::{Scripted, Upstream, request};
use tokio::time::Instant;

fn carrier(up: &Upstream, options: HttpCarrierOptions) -> HttpCarrier<support::LoopProtocol> {
    HttpCarrier::with_options(up.protocol(), HttpDriver::new().unwrap(), options)
}

#[tokio::test]
async fn quotes_through_the_driver_with_one_token() {
    let up = Upstream::start().await;
    let c = carrier(&up, HttpCarrierOptions::default());
    let rates = c.quote(&request()).await.unwrap();
    assert_eq!(rates.len(), 2);
    assert_eq!(rates[0].total.amount.to_string(), "12.34");
    c.quote(&request()).await.unwrap();
    assert_eq!((up.token_calls(), up.rate_calls()), (1, 2));
}

#[tokio::test]
async fn loopback_carrier_passes_conformance() {
    let up = Upstream::start().await;
    let c = carrier(&up, HttpCarrierOptions::default());
    let fixture = ConformanceFixture::new(request())
        .with_known_tracking(TrackingNumber::new("KNOWN0001").unwrap());
    run_conformance(&c, &fixture).await;
}

#[tokio::test]
async fn services_are_filtered_after_parsing() {
    let up = Upstream::start().await;
    let c = carrier(&up, HttpCarrierOptions::default());
    let rates = c.quote(&request().with_services(["AIR"])).await.unwrap();
    assert_eq!(rates.len(), 1);
    assert_eq!(rates[0].service, "AIR");
}

#[tokio::test]
async fn concurrent_cold_quotes_fetch_one_token() {
    let up = Upstream::start().await;
    *up.state.token_delay.lock().unwrap() = Duration::from_millis(20);
    let c = carrier(&up, HttpCarrierOptions::default());
    let req = request();
    let results = futures::future::join_all((0..200).map(|_| c.quote(&req))).await;
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(up.token_calls(), 1);
    assert_eq!(c.token_fetches(), 1);
    assert_eq!(up.rate_calls(), 200);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_not_sooner() {
    let up = Upstream::start().await;
    up.script([Scripted::Status(
        429,
        vec![("retry-after", "2")],
        r#"{"error":"slow down"}"#,
    )]);
    let c = carrier(&up, HttpCarrierOptions::default());
    let rates = c.quote(&request()).await.unwrap();
    assert_eq!(rates.len(), 2);
    let arrivals = up.state.rate_arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2);
    let gap = arrivals[1] - arrivals[0];
    assert!(gap >= Duration::from_secs(2), "retried after {gap:?}");
    assert!(gap < Duration::from_millis(2100), "retried after {gap:?}");
}

#[tokio::test]
async fn a_401_triggers_exactly_one_token_refresh() {
    let up = Upstream::start().await;
    let c = carrier(&up, HttpCarrierOptions::default());
    c.quote(&request()).await.unwrap();
    up.script([Scripted::Unauthorized]);
    c.quote(&request()).await.unwrap();
    assert_eq!(up.token_calls(), 2, "one refresh after the 401");
    assert_eq!(up.rate_calls(), 3);

    // A carrier that keeps refusing gets one refresh per call, then the protocol's error.
    *up.state.always.lock().unwrap() = Some(Scripted::Unauthorized);
    let err = c.quote(&request()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthenticated);
    assert_eq!(err.carrier.as_ref().unwrap().as_str(), "loop");
    assert_eq!(up.token_calls(), 3);
    assert_eq!(up.rate_calls(), 5);
}

#[tokio::test]
async fn a_400_is_never_retried() {
    let up = Upstream::start().await;
    up.script([Scripted::Status(
        400,
        vec![],
        r#"{"error":"postal code invalid"}"#,
    )]);
    let c = carrier(&up, HttpCarrierOptions::default());
    let err = c.quote(&request()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Rejected);
    assert!(err.message.contains("postal code invalid"), "{err}");
    assert_eq!(err.carrier.as_ref().unwrap().as_str(), "loop");
    assert_eq!(up.rate_calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_then_reported_as_final() {
    let up = Upstream::start().await;
    *up.state.always.lock().unwrap() = Some(Scripted::Status(503, vec![], r#"{"error":"down"}"#));
    let c = carrier(&up, HttpCarrierOptions::default());
    let err = c.quote(&request()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(
        !err.retryable,
        "retries are used up: nobody above should retry"
    );
    assert_eq!(up.rate_calls(), 3);
}

#[tokio::test(start_paused = true)]
async fn the_retry_budget_stops_hammering_a_failing_carrier() {
    let up = Upstream::start().await;
    *up.state.always.lock().unwrap() = Some(Scripted::Status(503, vec![], r#"{"error":"down"}"#));
    let retry = RetryPolicy {
        budget: Arc::new(shipmux_host::RetryBudget::new(0.1, 2)),
        ..RetryPolicy::default()
    };
    let options = HttpCarrierOptions {
        retry,
        breaker: None,
        ..HttpCarrierOptions::default()
    };
    let c = carrier(&up, options);
    for _ in 0..20 {
        let _ = c.quote(&request()).await;
    }
    // 20 calls, 2 reserve retries plus 10 % of 20 calls: far below 3 attempts per call.
    assert!(
        up.rate_calls() <= 20 + 2 + 2,
        "{} upstream calls",
        up.rate_calls()
    );
}

#[tokio::test(start_paused = true)]
async fn rate_limit_holds_upstream_to_5_per_second() {
    let up = Upstream::start().await;
    let options = HttpCarrierOptions {
        rate_limit: Some(RateLimit::per_second(5)),
        call_timeout: Duration::from_secs(1),
        ..HttpCarrierOptions::default()
    };
    let c = Arc::new(carrier(&up, options));
    c.connect().await.unwrap(); // the token fetch is not rate limited
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..100u64 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(start + Duration::from_millis(20 * i)).await;
            c.quote(&request()).await
        }));
    }
    let mut limited = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::RateLimited, "{e}");
                assert_eq!(e.carrier.as_ref().unwrap().as_str(), "loop");
                limited += 1;
            }
        }
    }
    let arrivals = up.state.rate_arrivals.lock().unwrap().clone();
    assert!(limited > 0, "100 quotes in 2 s cannot all pass a 5/s limit");
    assert_eq!(arrivals.len() + limited, 100);
    for (i, a) in arrivals.iter().enumerate() {
        let in_window = arrivals[i..]
            .iter()
            .filter(|b| **b < *a + Duration::from_secs(1))
            .count();
        assert!(
            in_window <= 5 + 5,
            "{in_window} requests within 1 s of arrival {i}"
        );
    }
}

#[tokio::test]
async fn a_huge_answer_is_an_error_not_an_oom() {
    let up = Upstream::start().await;
    up.script([Scripted::Huge(3 * 1024 * 1024)]);
    let driver = HttpDriver::with_options(DriverOptions {
        max_body_bytes: 64 * 1024,
        ..DriverOptions::default()
    })
    .unwrap();
    let c = HttpCarrier::new(up.protocol(), driver);
    let err = c.quote(&request()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Parse);
    assert!(err.message.contains("limit"), "{err}");
    assert_eq!(err.carrier.as_ref().unwrap().as_str(), "loop");
}

#[tokio::test(start_paused = true)]
async fn a_slow_answer_times_out_per_attempt_and_per_call() {
    let up = Upstream::start().await;
    *up.state.always.lock().unwrap() = Some(Scripted::Sleep(Duration::from_secs(60)));
    let options = HttpCarrierOptions {
        attempt_timeout: Duration::from_secs(2),
        call_timeout: Duration::from_secs(5),
        ..HttpCarrierOptions::default()
    };
    let c = carrier(&up, options);
    c.connect().await.unwrap();
    let start = Instant::now();
    let err = c.quote(&request()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
    assert!(
        start.elapsed() <= Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(
        up.rate_calls() >= 2,
        "the attempt deadline let a retry start"
    );
}

#[tokio::test]
async fn a_second_round_is_sent_when_the_protocol_asks() {
    let up = Upstream::start().await;
    up.state.rate_not_enabled.store(true, Ordering::SeqCst);
    let c = carrier(&up, HttpCarrierOptions::default());
    let rates = c.quote(&request()).await.unwrap();
    assert_eq!(rates.len(), 2);
    assert_eq!(up.state.fallback_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn tracking_is_batched_by_the_protocols_batch_size() {
    let up = Upstream::start().await;
    let c = carrier(&up, HttpCarrierOptions::default());
    let numbers: Vec<_> = ["KNOWN1", "KNOWN2", "MISSING3", "KNOWN4", "KNOWN5"]
        .iter()
        .map(|n| TrackingNumber::new(n).unwrap())
        .collect();
    let results = c.track_many(&numbers).await;
    assert_eq!(results.len(), 5);
    assert_eq!(up.state.track_calls.load(Ordering::SeqCst), 3);
    assert_eq!(results[0].as_ref().unwrap().tracking_number, "KNOWN1");
    let missing = results[2].as_ref().unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert_eq!(missing.carrier.as_ref().unwrap().as_str(), "loop");
    assert_eq!(results[4].as_ref().unwrap().tracking_number, "KNOWN5");
}

#[tokio::test(start_paused = true)]
async fn the_circuit_opens_after_repeated_failures_and_probes_later() {
    let up = Upstream::start().await;
    *up.state.always.lock().unwrap() = Some(Scripted::Status(503, vec![], "{}"));
    let options = HttpCarrierOptions {
        retry: RetryPolicy::none(),
        breaker: Some(BreakerOptions {
            failure_threshold: 3,
            open_for: Duration::from_secs(10),
        }),
        ..HttpCarrierOptions::default()
    };
    let c = carrier(&up, options);
    for _ in 0..3 {
        assert_eq!(
            c.quote(&request()).await.unwrap_err().kind,
            ErrorKind::Unavailable
        );
    }
    assert_eq!(up.rate_calls(), 3);
    let err = c.quote(&request()).await.unwrap_err();
    assert!(err.message.contains("circuit open"), "{err}");
    assert_eq!(up.rate_calls(), 3, "short-circuited: no upstream call");
    tokio::time::advance(Duration::from_secs(10)).await;
    *up.state.always.lock().unwrap() = None;
    c.quote(&request()).await.unwrap();
    assert_eq!(up.rate_calls(), 4);
}

#[tokio::test]
async fn wrong_credentials_are_unauthenticated_naming_the_carrier() {
    let up = Upstream::start().await;
    let c = HttpCarrier::new(
        up.protocol().with_secret("wrong"),
        HttpDriver::new().unwrap(),
    );
    let err = c.connect().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthenticated);
    assert_eq!(err.carrier.as_ref().unwrap().as_str(), "loop");
}

#[tokio::test]
async fn an_unreachable_carrier_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let options = HttpCarrierOptions {
        retry: RetryPolicy::none(),
        ..HttpCarrierOptions::default()
    };
    let c = HttpCarrier::with_options(
        support::LoopProtocol::new("gone", &url),
        HttpDriver::new().unwrap(),
        options,
    );
    let err = c.quote(&request()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable, "{err}");
    assert_eq!(err.carrier.as_ref().unwrap().as_str(), "gone");
}

#[tokio::test]
async fn a_plugin_style_dyn_protocol_is_driven_too() {
    let up = Upstream::start().await;
    let protocol: Arc<dyn shipmux_core::CarrierProtocol> = Arc::new(up.protocol());
    let c: Arc<dyn Carrier> = Arc::new(HttpCarrier::from_arc(protocol, HttpDriver::new().unwrap()));
    assert_eq!(c.quote(&request()).await.unwrap().len(), 2);
}

/// The token endpoint hangs longer than every quote's deadline: the quotes that give up leave
/// the one token fetch running, each later quote joins it, and the account sees one token
/// request however many quotes came and went (was one per cancelled quote).
#[tokio::test(start_paused = true)]
async fn quotes_cancelled_while_the_token_hangs_share_one_fetch() {
    let up = Upstream::start().await;
    *up.state.token_delay.lock().unwrap() = Duration::from_secs(8);
    let c = carrier(&up, HttpCarrierOptions::default());
    for _ in 0..30 {
        let gave_up = tokio::time::timeout(Duration::from_millis(100), c.quote(&request())).await;
        assert!(gave_up.is_err(), "the quote outlived its deadline");
    }
    assert_eq!(c.token_fetches(), 1);
    let rates = c.quote(&request()).await.unwrap();
    assert_eq!(rates.len(), 2);
    assert_eq!(c.token_fetches(), 1);
    assert_eq!(up.token_calls(), 1);
    assert_eq!(up.rate_calls(), 1);
}
