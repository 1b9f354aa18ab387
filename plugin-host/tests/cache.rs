//! The quote cache: TTL, capacity, coalescing, errors never cached, stale on error.

use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use shipmux_core::testkit::{MockCarrier, TableCarrier};
use shipmux_core::{Carrier, CarrierId, Error, ErrorKind, Money, Rate, RateRequest, Weight};
use shipmux_host::{CacheOptions, CacheSource, CachedCarrier, QuoteCache};

fn request() -> RateRequest {
    TableCarrier::example_request()
}

fn cached(inner: Arc<dyn Carrier>, options: CacheOptions) -> (CachedCarrier, Arc<QuoteCache>) {
    let cache = Arc::new(QuoteCache::new(options));
    (
        CachedCarrier::new(inner, cache.clone(), "zone/method"),
        cache,
    )
}

#[tokio::test(start_paused = true)]
async fn entries_expire_after_the_ttl() {
    let req = request();
    let table = Arc::new(TableCarrier::example());
    let (c, cache) = cached(table.clone(), CacheOptions::default());
    c.quote(&req).await.unwrap();
    tokio::time::advance(Duration::from_secs(599)).await;
    c.quote(&req).await.unwrap();
    assert_eq!(table.quote_calls(), 1, "fresh for 10 minutes");
    tokio::time::advance(Duration::from_secs(1)).await;
    c.quote(&req).await.unwrap();
    assert_eq!(table.quote_calls(), 2, "expired at 10 minutes");
    let s = cache.stats();
    assert_eq!((s.hits, s.misses), (1, 2));
}

#[tokio::test(start_paused = true)]
async fn a_carrier_may_have_its_own_ttl() {
    let req = request();
    let table = Arc::new(TableCarrier::example());
    let mut options = CacheOptions::default();
    options
        .ttl_per_carrier
        .insert(CarrierId::new("table").unwrap(), Duration::from_secs(30));
    let (c, _) = cached(table.clone(), options);
    c.quote(&req).await.unwrap();
    tokio::time::advance(Duration::from_secs(30)).await;
    c.quote(&req).await.unwrap();
    assert_eq!(table.quote_calls(), 2);
}

#[tokio::test]
async fn the_cache_is_bounded_by_capacity() {
    let table = Arc::new(TableCarrier::example());
    let (c, cache) = cached(
        table.clone(),
        CacheOptions {
            capacity: 10,
            ..CacheOptions::default()
        },
    );
    for lb in 1..=100 {
        let mut r = request();
        r.parcels[0].weight = Weight::lb(Decimal::from(lb));
        c.quote(&r).await.unwrap();
    }
    assert!(
        cache.entry_count().await <= 10,
        "{}",
        cache.entry_count().await
    );
}

#[tokio::test]
async fn shipments_that_bill_the_same_share_an_entry() {
    let table = Arc::new(TableCarrier::example());
    let (c, _) = cached(table.clone(), CacheOptions::default());
    let mut a = request();
    a.parcels[0].weight = Weight::lb(Decimal::new(201, 2));
    let mut b = request();
    b.parcels[0].weight = Weight::lb(Decimal::new(205, 2));
    let mut other_zip = request();
    other_zip.destination.postal_code = Some("94105".into());
    c.quote(&a).await.unwrap();
    c.quote(&b).await.unwrap();
    c.quote(&other_zip).await.unwrap();
    assert_eq!(table.quote_calls(), 2);
}

#[tokio::test]
async fn errors_are_never_cached() {
    let req = request();
    let (mock, handle) = MockCarrier::pair();
    let (c, cache) = cached(Arc::new(mock), CacheOptions::default());
    let (first, ()) = tokio::join!(c.quote(&req), async {
        handle
            .next_call()
            .await
            .unwrap()
            .fail(Error::new(ErrorKind::Unavailable, "HTTP 503"));
    });
    assert_eq!(first.unwrap_err().kind, ErrorKind::Unavailable);
    let (second, ()) = tokio::join!(c.quote(&req), async {
        handle
            .next_call()
            .await
            .unwrap()
            .answer_quote(Ok(vec![rate("5.00")]));
    });
    assert_eq!(second.unwrap().len(), 1);
    assert_eq!(handle.calls_made(), 2);
    assert_eq!(cache.stats().errors, 1);
}

fn rate(total: &str) -> Rate {
    Rate::new(
        CarrierId::new("mock").unwrap(),
        "STD",
        "Mock Standard",
        Money::parse(total, "USD").unwrap(),
    )
}

#[tokio::test(start_paused = true)]
async fn stale_rates_are_served_when_the_carrier_fails_if_enabled() {
    let req = request();
    let (mock, handle) = MockCarrier::pair();
    let mock: Arc<dyn Carrier> = Arc::new(mock);
    let options = CacheOptions {
        serve_stale_on_error: true,
        ..CacheOptions::default()
    };
    let cache = Arc::new(QuoteCache::new(options));
    let scope: Arc<str> = "z/m".into();
    let key = || cache.key(&mock.info().id, &scope, &req);
    let (first, ()) = tokio::join!(cache.get_or_load(key(), || mock.quote(&req)), async {
        handle
            .next_call()
            .await
            .unwrap()
            .answer_quote(Ok(vec![rate("5.00")]));
    });
    assert_eq!(first.unwrap().1, CacheSource::Miss);
    tokio::time::advance(Duration::from_secs(601)).await;
    let (second, ()) = tokio::join!(cache.get_or_load(key(), || mock.quote(&req)), async {
        handle
            .next_call()
            .await
            .unwrap()
            .fail(Error::new(ErrorKind::Timeout, "no answer"));
    });
    let (rates, source) = second.unwrap();
    assert_eq!(source, CacheSource::Stale);
    assert_eq!(rates[0].total.amount.to_string(), "5.00");
    assert_eq!(cache.stats().stale, 1);
}

#[tokio::test(start_paused = true)]
async fn without_stale_serving_the_error_comes_through() {
    let req = request();
    let (mock, handle) = MockCarrier::pair();
    let (c, _) = cached(Arc::new(mock), CacheOptions::default());
    let (_, ()) = tokio::join!(c.quote(&req), async {
        handle
            .next_call()
            .await
            .unwrap()
            .answer_quote(Ok(vec![rate("5.00")]));
    });
    tokio::time::advance(Duration::from_secs(601)).await;
    let (second, ()) = tokio::join!(c.quote(&req), async {
        handle
            .next_call()
            .await
            .unwrap()
            .fail(Error::new(ErrorKind::Timeout, "no answer"));
    });
    let err = second.unwrap_err();
    assert_eq!(
        (err.kind, err.carrier.unwrap().as_str()),
        (ErrorKind::Timeout, "mock")
    );
}

#[tokio::test]
async fn concurrent_identical_misses_coalesce() {
    let req = request();
    let (mock, handle) = MockCarrier::pair();
    let (c, cache) = cached(Arc::new(mock), CacheOptions::default());
    let quotes = futures::future::join_all((0..50).map(|_| c.quote(&req)));
    let (results, ()) = tokio::join!(quotes, async {
        let call = handle.next_call().await.unwrap();
        // Let every other caller reach the cache and wait on this one call.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        call.answer_quote(Ok(vec![rate("5.00")]));
    });
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(handle.calls_made(), 1);
    let s = cache.stats();
    assert_eq!((s.misses, s.coalesced + s.hits), (1, 49));
}

#[tokio::test]
async fn concurrent_identical_misses_share_one_failure() {
    // A failing carrier is asked once, not once per waiting caller, and every caller gets
    // its error; the next quote asks again (errors are not stored).
    let req = request();
    let (mock, handle) = MockCarrier::pair();
    let (c, cache) = cached(Arc::new(mock), CacheOptions::default());
    let quotes = futures::future::join_all((0..20).map(|_| c.quote(&req)));
    let (results, ()) = tokio::join!(quotes, async {
        let call = handle.next_call().await.unwrap();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        call.fail(Error::new(ErrorKind::Unavailable, "HTTP 503"));
    });
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap_err().kind == ErrorKind::Unavailable)
    );
    assert_eq!(handle.calls_made(), 1);
    let s = cache.stats();
    assert_eq!((s.misses, s.errors, s.coalesced), (1, 1, 19));
    let (again, ()) = tokio::join!(c.quote(&req), async {
        handle
            .next_call()
            .await
            .unwrap()
            .answer_quote(Ok(vec![rate("5.00")]));
    });
    assert_eq!(again.unwrap().len(), 1);
    assert_eq!(handle.calls_made(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_waiter_loads_when_the_loading_caller_gives_up() {
    // The first caller is dropped mid-load (its own caller timed out): the one waiting on it
    // is not left hanging, it asks the carrier itself.
    let req = request();
    let (mock, handle) = MockCarrier::pair();
    let (c, cache) = cached(Arc::new(mock), CacheOptions::default());
    let first = c.quote(&req);
    let second = c.quote(&req);
    let (gave_up, answered, ()) = tokio::join!(
        tokio::time::timeout(Duration::from_millis(50), first),
        second,
        async {
            // The first call reaches the carrier and is never answered; once it is dropped,
            // the second caller's call comes in.
            let _unanswered = handle.next_call().await.unwrap();
            handle
                .next_call()
                .await
                .unwrap()
                .answer_quote(Ok(vec![rate("5.00")]));
        }
    );
    assert!(gave_up.is_err());
    assert_eq!(answered.unwrap().len(), 1);
    assert_eq!(handle.calls_made(), 2);
    assert_eq!(cache.stats().misses, 1);
}

#[tokio::test]
async fn the_cache_is_bounded_by_bytes_when_asked() {
    // Every weight from 1 to 400 lb is its own entry with its own rates (the table prices by
    // weight); a 64 KiB budget holds only some of them, whatever the entry capacity.
    let table = Arc::new(TableCarrier::example());
    let budget = 64 * 1024;
    let (c, cache) = cached(
        table.clone(),
        CacheOptions {
            capacity: 100_000,
            max_bytes: Some(budget),
            ..CacheOptions::default()
        },
    );
    for lb in 1..=400 {
        let mut r = request();
        r.parcels[0].weight = Weight::lb(Decimal::from(lb));
        c.quote(&r).await.unwrap();
    }
    let entries = cache.entry_count().await;
    let bytes = cache.weighted_size().await;
    assert!(bytes <= budget, "{bytes} bytes held");
    assert!(entries > 10 && entries < 400, "{entries} entries held");
    assert_eq!(table.quote_calls(), 400);
}

#[tokio::test]
async fn with_a_byte_budget_the_entry_capacity_still_holds() {
    let table = Arc::new(TableCarrier::example());
    let (c, cache) = cached(
        table.clone(),
        CacheOptions {
            capacity: 10,
            max_bytes: Some(1 << 30),
            ..CacheOptions::default()
        },
    );
    for lb in 1..=100 {
        let mut r = request();
        r.parcels[0].weight = Weight::lb(Decimal::from(lb));
        c.quote(&r).await.unwrap();
    }
    let entries = cache.entry_count().await;
    assert!(entries <= 10, "{entries}");
}

#[tokio::test]
async fn destinations_with_the_same_rates_share_one_list() {
    // The table carrier prices by weight only, so every postcode gets the same rates: each
    // postcode is its own entry, and all of them point at one stored list.
    let table = Arc::new(TableCarrier::example());
    let cache = Arc::new(QuoteCache::new(CacheOptions::default()));
    let scope: Arc<str> = "z/m".into();
    let mut lists = Vec::new();
    for zip in 10_000..10_050 {
        let mut r = request();
        r.destination.postal_code = Some(zip.to_string());
        let key = cache.key(&table.info().id, &scope, &r);
        let (rates, source) = cache.get_or_load(key, || table.quote(&r)).await.unwrap();
        assert_eq!(source, CacheSource::Miss);
        lists.push(rates);
    }
    assert_eq!(table.quote_calls(), 50);
    assert_eq!(cache.entry_count().await, 50);
    assert!(lists.iter().all(|l| Arc::ptr_eq(l, &lists[0])));
}

#[tokio::test]
async fn with_the_cache_off_every_quote_asks_the_carrier() {
    let req = request();
    let table = Arc::new(TableCarrier::example());
    let (c, cache) = cached(table.clone(), CacheOptions::off());
    assert!(!cache.enabled());
    for _ in 0..3 {
        assert!(!c.quote(&req).await.unwrap().is_empty());
    }
    assert_eq!(table.quote_calls(), 3);
    assert_eq!(cache.entry_count().await, 0);
    let s = cache.stats();
    assert_eq!((s.hits, s.misses, s.coalesced), (0, 3, 0));
}

#[tokio::test]
async fn with_the_cache_off_identical_concurrent_quotes_are_not_shared() {
    let req = request();
    let (mock, handle) = MockCarrier::pair();
    let (c, _) = cached(Arc::new(mock), CacheOptions::off());
    let (a, b, ()) = tokio::join!(c.quote(&req), c.quote(&req), async {
        for _ in 0..2 {
            handle
                .next_call()
                .await
                .unwrap()
                .answer_quote(Ok(vec![rate("5.00")]));
        }
    });
    assert_eq!((a.unwrap().len(), b.unwrap().len()), (1, 1));
    assert_eq!(handle.calls_made(), 2);
}
