//! Fan-out over many carriers: deadlines, stragglers, coalescing through the cache.

mod support;

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::testkit::{MockCarrier, TableCarrier};
use shipmux_core::{Carrier, CarrierId, Error, ErrorKind, Money, Rate};
use shipmux_host::{
    CacheOptions, CachedCarrier, FanOutOptions, HttpCarrier, HttpDriver, QuoteCache, Stragglers,
    quote_all, quote_all_with,
};
use support::{LoopProtocol, Upstream, request};
use tokio::time::Instant;

fn id(s: &str) -> CarrierId {
    CarrierId::new(s).unwrap()
}

#[tokio::test(start_paused = true)]
async fn slow_carrier_does_not_delay_the_others() {
    let (slow, handle) = MockCarrier::pair_with_id("slow");
    let carriers: Vec<Arc<dyn Carrier>> = vec![
        Arc::new(TableCarrier::example_with_id("fast-a")),
        Arc::new(slow),
        Arc::new(TableCarrier::example_with_id("fast-b")),
    ];
    let start = Instant::now();
    let quote = quote_all(&request(), &carriers, Duration::from_secs(2)).await;
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(2),
        "returned at the deadline"
    );
    assert_eq!(handle.calls_made(), 1, "the slow carrier was asked");
    assert_eq!(quote.rates().count(), 4);
    assert!(quote.get(&id("fast-a")).unwrap().is_ok());
    assert!(quote.get(&id("fast-b")).unwrap().is_ok());
    let err = quote.get(&id("slow")).unwrap().as_ref().unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert_eq!(err.carrier, Some(id("slow")));
    assert_eq!(quote.errors().count(), 1);
}

#[tokio::test(start_paused = true)]
async fn all_fast_carriers_return_without_waiting_for_the_deadline() {
    let carriers: Vec<Arc<dyn Carrier>> = vec![
        Arc::new(TableCarrier::example_with_id("a")),
        Arc::new(TableCarrier::example_with_id("b")),
    ];
    let start = Instant::now();
    let quote = quote_all(&request(), &carriers, Duration::from_secs(5)).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert_eq!(quote.carriers.len(), 2);
    assert_eq!(quote.errors().count(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_broken_carrier_costs_only_its_own_rates() {
    let (broken, handle) = MockCarrier::pair_with_id("broken");
    let carriers: Vec<Arc<dyn Carrier>> = vec![
        Arc::new(broken),
        Arc::new(TableCarrier::example_with_id("ok")),
    ];
    let req = request();
    let (quote, ()) = tokio::join!(quote_all(&req, &carriers, Duration::from_secs(2)), async {
        handle
            .next_call()
            .await
            .unwrap()
            .fail(Error::new(ErrorKind::Unavailable, "HTTP 503"));
    });
    assert_eq!(quote.rates().count(), 2);
    let err = quote.get(&id("broken")).unwrap().as_ref().unwrap_err();
    assert_eq!(
        (err.kind, err.carrier.clone()),
        (ErrorKind::Unavailable, Some(id("broken")))
    );
}

#[tokio::test(start_paused = true)]
async fn stragglers_may_finish_to_warm_the_cache() {
    let (slow, handle) = MockCarrier::pair_with_id("slow");
    let cache = Arc::new(QuoteCache::new(CacheOptions::default()));
    let cached: Arc<dyn Carrier> = Arc::new(CachedCarrier::new(Arc::new(slow), cache.clone(), ""));
    let carriers = vec![cached];
    let options = FanOutOptions {
        deadline: Duration::from_secs(1),
        stragglers: Stragglers::Finish,
    };
    let answer = tokio::spawn(async move {
        let call = handle.next_call().await.unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        let rate = Rate::new(
            id("slow"),
            "STD",
            "Mock Standard",
            Money::parse("9.99", "USD").unwrap(),
        );
        call.answer_quote(Ok(vec![rate]));
        handle
    });
    let first = quote_all_with(&request(), &carriers, options).await;
    assert_eq!(first.errors().next().unwrap().kind, ErrorKind::Timeout);
    let handle = answer.await.unwrap();
    tokio::task::yield_now().await;
    let second = quote_all_with(&request(), &carriers, options).await;
    assert_eq!(second.rates().count(), 1, "the straggler filled the cache");
    assert_eq!(handle.calls_made(), 1);
    assert_eq!(cache.stats().hits, 1);
}

#[tokio::test(start_paused = true)]
async fn cancelled_stragglers_are_dropped() {
    let (slow, handle) = MockCarrier::pair_with_id("slow");
    let carriers: Vec<Arc<dyn Carrier>> = vec![Arc::new(slow)];
    let quote = quote_all(&request(), &carriers, Duration::from_secs(1)).await;
    assert_eq!(quote.errors().count(), 1);
    let call = handle.next_call().await.unwrap();
    // The caller is gone: answering it reaches nobody, and nothing panics.
    call.answer_quote(Ok(vec![]));
}

#[tokio::test]
async fn identical_concurrent_quotes_make_one_upstream_call() {
    let a = Upstream::start().await;
    let b = Upstream::start().await;
    let driver = HttpDriver::new().unwrap();
    let cache = Arc::new(QuoteCache::new(CacheOptions::default()));
    let carriers: Vec<Arc<dyn Carrier>> = [("loop-a", &a), ("loop-b", &b)]
        .into_iter()
        .map(|(name, up)| {
            let http = HttpCarrier::new(LoopProtocol::new(name, &up.url), driver.clone());
            Arc::new(CachedCarrier::new(Arc::new(http), cache.clone(), "")) as Arc<dyn Carrier>
        })
        .collect();
    let carriers = Arc::new(carriers);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let carriers = carriers.clone();
            tokio::spawn(
                async move { quote_all(&request(), &carriers, Duration::from_secs(30)).await },
            )
        })
        .collect();
    for t in tasks {
        let quote = t.await.unwrap();
        assert_eq!(quote.errors().count(), 0, "{:?}", quote.errors().next());
        assert_eq!(quote.rates().count(), 4);
    }
    for up in [&a, &b] {
        assert_eq!(up.rate_calls(), 1, "one upstream rate call per carrier");
        assert_eq!(up.token_calls(), 1, "one token fetch per carrier");
    }
    let stats = cache.stats();
    assert_eq!(stats.misses, 2);
    assert_eq!(stats.hits + stats.coalesced, 1998);
}
