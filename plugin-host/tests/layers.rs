//! Layers forward every method and do their one job.

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::testkit::{MockCarrier, TableCarrier};
use shipmux_core::{Carrier, Error, ErrorKind};
use shipmux_host::layers::{
    self, CircuitBreakerLayer, ConcurrencyLimitLayer, RateLimitLayer, RetryLayer, TimeoutLayer,
};
use shipmux_host::{BreakerOptions, RateLimit, RetryPolicy};

#[tokio::test]
async fn a_full_stack_forwards_every_method() {
    let table: Arc<dyn Carrier> = Arc::new(TableCarrier::example());
    let c = layers::stack(
        table,
        &[
            &TimeoutLayer::new(Duration::from_secs(1)),
            &RetryLayer::new(RetryPolicy::default()),
            &CircuitBreakerLayer::new(BreakerOptions::default()),
            &RateLimitLayer::new(RateLimit::per_second(100), Duration::from_secs(1)),
            &ConcurrencyLimitLayer::new(4),
        ],
    );
    assert_eq!(c.info().id.as_str(), "table");
    c.connect().await.unwrap();
    assert_eq!(
        c.quote(&TableCarrier::example_request())
            .await
            .unwrap()
            .len(),
        2
    );
    let known = TableCarrier::example_tracking_number();
    let unknown = shipmux_core::TrackingNumber::new("NOPE12345").unwrap();
    let results = c.track_many(&[known.clone(), unknown]).await;
    assert!(results[0].is_ok());
    assert_eq!(results[1].as_ref().unwrap_err().kind, ErrorKind::NotFound);
    assert!(c.track(&known).await.is_ok());
}

#[tokio::test(start_paused = true)]
async fn the_timeout_layer_cancels_a_silent_carrier() {
    let (mock, handle) = MockCarrier::pair_with_id("silent");
    let c = layers::stack(
        Arc::new(mock),
        &[&TimeoutLayer::new(Duration::from_secs(2))],
    );
    let err = c.quote(&TableCarrier::example_request()).await.unwrap_err();
    assert_eq!(
        (err.kind, err.carrier.unwrap().as_str()),
        (ErrorKind::Timeout, "silent")
    );
    assert_eq!(handle.calls_made(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_retry_layer_retries_only_retryable_errors() {
    let (mock, handle) = MockCarrier::pair();
    let c = layers::stack(Arc::new(mock), &[&RetryLayer::new(RetryPolicy::default())]);
    let request = TableCarrier::example_request();
    let (result, ()) = tokio::join!(c.quote(&request), async {
        handle
            .next_call()
            .await
            .unwrap()
            .fail(Error::new(ErrorKind::Unavailable, "503"));
        handle.next_call().await.unwrap().answer_quote(Ok(vec![]));
    });
    assert!(result.is_ok());
    let (result, ()) = tokio::join!(c.quote(&request), async {
        handle
            .next_call()
            .await
            .unwrap()
            .fail(Error::new(ErrorKind::Rejected, "400"));
    });
    assert_eq!(result.unwrap_err().kind, ErrorKind::Rejected);
    assert_eq!(handle.calls_made(), 3);
}

#[tokio::test(start_paused = true)]
async fn the_rate_limit_layer_refuses_what_it_cannot_serve_in_time() {
    let table: Arc<dyn Carrier> = Arc::new(TableCarrier::example());
    let c = layers::stack(
        table,
        &[&RateLimitLayer::new(
            RateLimit::per_second(1),
            Duration::from_millis(100),
        )],
    );
    let request = TableCarrier::example_request();
    c.quote(&request).await.unwrap();
    let err = c.quote(&request).await.unwrap_err();
    assert_eq!(
        (err.kind, err.carrier.unwrap().as_str()),
        (ErrorKind::RateLimited, "table")
    );
}
