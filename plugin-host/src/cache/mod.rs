//! `QuoteCache`: rates per (carrier, zone/method scope, normalized shipment), on moka.
//!
//! - bounded by entries, TTL per entry (default 10 min, per-carrier override);
//! - concurrent identical misses coalesce into one upstream call (`try_get_with`);
//! - errors are never cached;
//! - optionally, when the carrier fails, the last good answer is served (stale) instead.
//!
//! Freshness is judged with tokio's clock, so tests under `tokio::time::pause` control expiry;
//! moka's own expiry (same TTL, wall clock) only reclaims memory.

mod carrier;
mod key;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use moka::Expiry;
use moka::future::Cache;
use moka::ops::compute::Op;
use shipmux_core::{CarrierId, Error, Rate, RateRequest, Result};
use tokio::time::Instant;

pub use carrier::CachedCarrier;
pub use key::{FingerprintSteps, QuoteKey, ShipmentFingerprint};

/// Cache settings.
#[derive(Clone, Debug)]
pub struct CacheOptions {
    /// Most entries kept.
    pub capacity: u64,
    /// How long an answer stays fresh.
    pub ttl: Duration,
    /// Per-carrier TTLs overriding `ttl`.
    pub ttl_per_carrier: HashMap<CarrierId, Duration>,
    /// Serve the last good answer when the carrier fails.
    pub serve_stale_on_error: bool,
    /// How long a last good answer may be served stale.
    pub max_stale: Duration,
    /// Rounding of weights and dimensions in keys.
    pub steps: FingerprintSteps,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            capacity: 10_000,
            ttl: Duration::from_secs(600),
            ttl_per_carrier: HashMap::new(),
            serve_stale_on_error: false,
            max_stale: Duration::from_secs(3600),
            steps: FingerprintSteps::default(),
        }
    }
}

/// Where an answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheSource {
    /// A fresh cached answer.
    Hit,
    /// This call asked the carrier.
    Miss,
    /// Another identical call asked the carrier; this one waited for it.
    Coalesced,
    /// The carrier failed; this is the last good answer, older than the TTL.
    Stale,
}

/// Cache counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Fresh answers served from the cache.
    pub hits: u64,
    /// Calls that went to the carrier.
    pub misses: u64,
    /// Calls that shared another call's upstream request.
    pub coalesced: u64,
    /// Stale answers served because the carrier failed.
    pub stale: u64,
    /// Upstream failures (never cached).
    pub errors: u64,
}

#[derive(Debug)]
struct Entry {
    rates: Arc<Vec<Rate>>,
    stored_at: Instant,
    ttl: Duration,
}

impl Entry {
    fn fresh(&self, now: Instant) -> bool {
        now < self.stored_at + self.ttl
    }
}

struct EntryTtl;

impl Expiry<QuoteKey, Arc<Entry>> for EntryTtl {
    fn expire_after_create(
        &self,
        _key: &QuoteKey,
        value: &Arc<Entry>,
        _created_at: std::time::Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    coalesced: AtomicU64,
    stale: AtomicU64,
    errors: AtomicU64,
}

/// The quote cache. Share it in an `Arc`.
pub struct QuoteCache {
    options: CacheOptions,
    fresh: Cache<QuoteKey, Arc<Entry>>,
    last_good: Option<Cache<QuoteKey, Arc<Entry>>>,
    counters: Counters,
}

impl std::fmt::Debug for QuoteCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuoteCache")
            .field("options", &self.options)
            .field("stats", &self.stats())
            .finish()
    }
}

impl QuoteCache {
    /// A cache with `options`.
    pub fn new(options: CacheOptions) -> Self {
        let fresh = Cache::builder()
            .max_capacity(options.capacity)
            .expire_after(EntryTtl)
            .build();
        let last_good = options.serve_stale_on_error.then(|| {
            Cache::builder()
                .max_capacity(options.capacity)
                .time_to_live(options.max_stale)
                .build()
        });
        QuoteCache {
            options,
            fresh,
            last_good,
            counters: Counters::default(),
        }
    }

    /// The options in use.
    pub fn options(&self) -> &CacheOptions {
        &self.options
    }

    /// The key for `carrier`'s quote of `request` in `scope`.
    pub fn key(&self, carrier: &CarrierId, scope: &Arc<str>, request: &RateRequest) -> QuoteKey {
        QuoteKey {
            carrier: carrier.clone(),
            scope: scope.clone(),
            shipment: ShipmentFingerprint::of(request, &self.options.steps),
        }
    }

    /// The TTL for `carrier`.
    pub fn ttl_for(&self, carrier: &CarrierId) -> Duration {
        self.options
            .ttl_per_carrier
            .get(carrier)
            .copied()
            .unwrap_or(self.options.ttl)
    }

    /// The cached rates for `key`, or the result of `load` — run once however many identical
    /// calls wait. Errors are returned to every waiter and not cached; with
    /// `serve_stale_on_error` the last good answer is returned instead when there is one.
    pub async fn get_or_load<F, Fut>(
        &self,
        key: QuoteKey,
        load: F,
    ) -> Result<(Arc<Vec<Rate>>, CacheSource)>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Rate>>>,
    {
        let now = Instant::now();
        if let Some(entry) = self.fresh.get(&key).await {
            if entry.fresh(now) {
                self.counters.hits.fetch_add(1, Ordering::Relaxed);
                return Ok((entry.rates.clone(), CacheSource::Hit));
            }
            // Expired by our clock: drop it unless someone already replaced it.
            self.fresh
                .entry(key.clone())
                .and_compute_with(|e| async move {
                    match e {
                        Some(e) if !e.value().fresh(Instant::now()) => Op::Remove,
                        _ => Op::Nop,
                    }
                })
                .await;
        }
        let ran = AtomicBool::new(false);
        let ttl = self.ttl_for(&key.carrier);
        let result = self
            .fresh
            .try_get_with(key.clone(), async {
                ran.store(true, Ordering::Relaxed);
                let rates = load().await?;
                Ok::<_, Error>(Arc::new(Entry {
                    rates: Arc::new(rates),
                    stored_at: Instant::now(),
                    ttl,
                }))
            })
            .await;
        let ran = ran.load(Ordering::Relaxed);
        match result {
            Ok(entry) => {
                let source = if ran {
                    self.counters.misses.fetch_add(1, Ordering::Relaxed);
                    if let Some(last) = &self.last_good {
                        last.insert(key, entry.clone()).await;
                    }
                    CacheSource::Miss
                } else {
                    self.counters.coalesced.fetch_add(1, Ordering::Relaxed);
                    CacheSource::Coalesced
                };
                Ok((entry.rates.clone(), source))
            }
            Err(e) => {
                if ran {
                    self.counters.misses.fetch_add(1, Ordering::Relaxed);
                    self.counters.errors.fetch_add(1, Ordering::Relaxed);
                } else {
                    self.counters.coalesced.fetch_add(1, Ordering::Relaxed);
                }
                if let Some(last) = &self.last_good
                    && let Some(entry) = last.get(&key).await
                {
                    self.counters.stale.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(carrier = %key.carrier, error = %e, "serving stale rates");
                    return Ok((entry.rates.clone(), CacheSource::Stale));
                }
                Err(Error::clone(&e))
            }
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.counters.hits.load(Ordering::Relaxed),
            misses: self.counters.misses.load(Ordering::Relaxed),
            coalesced: self.counters.coalesced.load(Ordering::Relaxed),
            stale: self.counters.stale.load(Ordering::Relaxed),
            errors: self.counters.errors.load(Ordering::Relaxed),
        }
    }

    /// Entries currently held (after pending maintenance).
    pub async fn entry_count(&self) -> u64 {
        self.fresh.run_pending_tasks().await;
        self.fresh.entry_count()
    }

    /// Drops every entry (fresh and last good).
    pub fn clear(&self) {
        self.fresh.invalidate_all();
        if let Some(l) = &self.last_good {
            l.invalidate_all();
        }
    }
}
