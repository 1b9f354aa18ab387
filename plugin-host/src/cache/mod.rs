//! `QuoteCache`: rates per (carrier, zone/method scope, normalized shipment), on quick_cache.
//!
//! - bounded by entries and, optionally, by an approximate memory budget (`max_bytes`); TTL
//!   per entry (default 10 min, per-carrier override);
//! - concurrent identical misses coalesce into one upstream call (`in_flight`), whose answer
//!   or error every waiter gets;
//! - errors are never cached;
//! - optionally, when the carrier fails, the last good answer is served (stale) instead;
//! - compact: keys are inline bytes and identical rate lists are stored once (carriers price
//!   by zone, so most destinations share their answers);
//! - can be switched off ([`CacheOptions::off`]): every quote then goes to its carrier;
//! - optionally backed by a second level shared by several processes
//!   ([`QuoteCache::with_second_level`], Redis in `crate::redis`): a local miss asks it before
//!   the carrier, and an answer from the carrier is written there too.
//!
//! Freshness is judged with tokio's clock, so tests under `tokio::time::pause` control expiry;
//! an expired entry is replaced when its key is next loaded, or evicted by the bounds like any
//! other.

mod carrier;
mod in_flight;
mod key;
pub mod second_level;
mod shared;
mod striped;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use quick_cache::Weighter;
use quick_cache::sync::Cache;
use shipmux_core::{CarrierId, Error, Rate, RateRequest, Result};
use tokio::time::Instant;

use in_flight::{InFlight, Turn};
use second_level::SharedSecondLevel;
use shared::{SharedRates, rates_size};
use striped::StripedCounter;

pub use carrier::CachedCarrier;
pub(crate) use key::Shipment;
pub use key::{FingerprintSteps, QuoteKey, ShipmentFingerprint};

/// Cache settings.
#[derive(Clone, Debug)]
pub struct CacheOptions {
    /// Whether answers are cached at all. Off, every quote asks its carrier (no lookups, no
    /// coalescing); the counters still count the calls as misses.
    pub enabled: bool,
    /// Most entries kept.
    pub capacity: u64,
    /// Approximate memory bound of the entries, in bytes (keys, bookkeeping and rate lists —
    /// a list shared by several entries counted once); `None` for a bound by entries only.
    /// Least valuable entries are evicted to stay within both bounds.
    pub max_bytes: Option<u64>,
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
            enabled: true,
            capacity: 10_000,
            max_bytes: None,
            ttl: Duration::from_secs(600),
            ttl_per_carrier: HashMap::new(),
            serve_stale_on_error: false,
            max_stale: Duration::from_secs(3600),
            steps: FingerprintSteps::default(),
        }
    }
}

impl CacheOptions {
    /// No cache: every quote goes to its carrier.
    pub fn off() -> Self {
        CacheOptions {
            enabled: false,
            ..CacheOptions::default()
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
    /// Not in this process's cache, but in the shared second level (another replica, or this
    /// one before a restart, paid for it).
    Shared,
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
    /// Local misses answered by the shared second level.
    pub shared_hits: u64,
    /// Calls that shared another call's upstream request.
    pub coalesced: u64,
    /// Stale answers served because the carrier failed.
    pub stale: u64,
    /// Upstream failures (never cached).
    pub errors: u64,
}

#[derive(Clone, Debug)]
struct Entry {
    rates: Arc<Vec<Rate>>,
    /// Until when it may be served (fresh, or in the last-good map stale).
    fresh_until: Instant,
    /// What this entry adds to memory, for the `max_bytes` bound (0 without one).
    weight: u32,
}

impl Entry {
    fn fresh(&self, now: Instant) -> bool {
        now < self.fresh_until
    }
}

/// Bookkeeping per entry besides key and rates (the map's slot and index, the value).
const ENTRY_OVERHEAD: usize = 64;

/// An entry's weight against the map's bound: its bytes under a byte budget, else 1.
#[derive(Clone, Copy)]
struct EntryWeight {
    by_bytes: bool,
}

impl Weighter<QuoteKey, Entry> for EntryWeight {
    fn weight(&self, _: &QuoteKey, entry: &Entry) -> u64 {
        if self.by_bytes {
            u64::from(entry.weight)
        } else {
            1
        }
    }
}

type Map = Cache<QuoteKey, Entry, EntryWeight>;

#[derive(Default)]
struct Counters {
    /// Counted on every hit, by every thread: striped.
    hits: StripedCounter,
    misses: AtomicU64,
    shared_hits: AtomicU64,
    coalesced: AtomicU64,
    stale: AtomicU64,
    errors: AtomicU64,
}

/// The quote cache. Share it in an `Arc`.
pub struct QuoteCache {
    options: CacheOptions,
    /// `None` when the cache is off.
    fresh: Option<Map>,
    last_good: Option<Map>,
    /// Misses being loaded, which identical misses wait for.
    in_flight: InFlight,
    shared: SharedRates,
    /// Least weight of an entry, so that `capacity` holds under `max_bytes` too.
    min_weight: u32,
    counters: Counters,
    /// The shared store under this cache, if any.
    second: Option<SharedSecondLevel>,
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
        // With a byte budget the map bounds total weight; every entry weighs at least
        // budget / capacity, so the entry bound holds as well.
        let (max_weight, min_weight) = match options.max_bytes {
            Some(bytes) => {
                let min = bytes.div_ceil(options.capacity.max(1));
                (bytes, u32::try_from(min).unwrap_or(u32::MAX))
            }
            None => (options.capacity, 0),
        };
        let weight = EntryWeight {
            by_bytes: options.max_bytes.is_some(),
        };
        let items = usize::try_from(options.capacity).unwrap_or(usize::MAX);
        // Freshness is judged by `fresh_until` (tokio's clock), so the maps need no expiry of
        // their own: an expired entry is replaced when next loaded, or evicted by the bounds
        // like any other.
        let map = || Map::with_weighter(items, max_weight.max(1), weight);
        let fresh = options.enabled.then(map);
        let last_good = (options.enabled && options.serve_stale_on_error).then(map);
        QuoteCache {
            options,
            fresh,
            last_good,
            in_flight: InFlight::default(),
            shared: SharedRates::default(),
            min_weight,
            counters: Counters::default(),
            second: None,
        }
    }

    /// This cache over `second`, a store shared with other processes (ignored when the cache
    /// is off).
    pub fn with_second_level(mut self, second: SharedSecondLevel) -> Self {
        self.second = Some(second);
        self
    }

    /// The shared second level, if any.
    pub fn second_level(&self) -> Option<&SharedSecondLevel> {
        self.second.as_ref()
    }

    /// Whether answers are cached (see [`CacheOptions::enabled`]).
    pub fn enabled(&self) -> bool {
        self.fresh.is_some()
    }

    /// The options in use.
    pub fn options(&self) -> &CacheOptions {
        &self.options
    }

    /// The key for `carrier`'s quote of `request` in `scope`.
    pub fn key(&self, carrier: &CarrierId, scope: &Arc<str>, request: &RateRequest) -> QuoteKey {
        QuoteKey::new(carrier.as_str(), scope, request, &self.options.steps)
    }

    /// The key for `carrier`'s quote of borrowed `shipment`, the scope given in pieces.
    pub(crate) fn key_of(
        &self,
        carrier: &str,
        scope: &[&str],
        shipment: &Shipment<'_>,
    ) -> QuoteKey {
        QuoteKey::of_parts(carrier, scope, shipment, &self.options.steps)
    }

    /// A fresh cached answer for `key`, counted as a hit; `None` (nothing counted) when there
    /// is none or the cache is off. Cheaper than [`get_or_load`](Self::get_or_load) when the
    /// caller would have to prepare the load first.
    pub fn fresh(&self, key: &QuoteKey) -> Option<Arc<Vec<Rate>>> {
        let entry = self.fresh_entry(self.fresh.as_ref()?, key)?;
        self.counters.hits.increment();
        Some(entry.rates)
    }

    /// The TTL for `carrier`.
    pub fn ttl_for(&self, carrier: &CarrierId) -> Duration {
        self.ttl_of(carrier.as_str())
    }

    fn ttl_of(&self, carrier: &str) -> Duration {
        self.options
            .ttl_per_carrier
            .iter()
            .find(|(c, _)| c.as_str() == carrier)
            .map_or(self.options.ttl, |(_, ttl)| *ttl)
    }

    /// A new entry for `rates`, sharing an identical list already held.
    fn entry(&self, key: &QuoteKey, rates: Vec<Rate>, ttl: Duration) -> Entry {
        let (rates, new) = self.shared.share(rates);
        let weight = if self.options.max_bytes.is_some() {
            let list = if new { rates_size(&rates) } else { 0 };
            let bytes = key.size() + ENTRY_OVERHEAD + list;
            u32::try_from(bytes)
                .unwrap_or(u32::MAX)
                .max(self.min_weight)
        } else {
            0
        };
        Entry {
            rates,
            fresh_until: Instant::now() + ttl,
            weight,
        }
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
        let Some(fresh) = &self.fresh else {
            return self.bypass(load).await;
        };
        if let Some(rates) = self.fresh(&key) {
            return Ok((rates, CacheSource::Hit));
        }
        let loader = loop {
            match self.in_flight.join(&key) {
                Turn::Load(loader) => break loader,
                Turn::Wait(load) => {
                    // `None`: the loading call was dropped unfinished; join again.
                    if let Some(result) = in_flight::wait(load).await {
                        self.counters.coalesced.fetch_add(1, Ordering::Relaxed);
                        return match result {
                            Ok(entry) => Ok((entry.rates, CacheSource::Coalesced)),
                            Err(e) => self.stale_or(&key, e),
                        };
                    }
                }
            }
        };
        // A second look: a load may have been stored between the first look and the join.
        if let Some(entry) = self.fresh_entry(fresh, &key) {
            loader.finish(&Ok(entry.clone()));
            self.counters.coalesced.fetch_add(1, Ordering::Relaxed);
            return Ok((entry.rates, CacheSource::Coalesced));
        }
        let (result, source) = self.load(&key, load).await;
        if let Ok(entry) = &result {
            fresh.insert(key.clone(), entry.clone());
        }
        loader.finish(&result);
        match result {
            Ok(entry) if source == CacheSource::Shared => {
                self.counters.shared_hits.fetch_add(1, Ordering::Relaxed);
                Ok((entry.rates, source))
            }
            Ok(entry) => {
                self.counters.misses.fetch_add(1, Ordering::Relaxed);
                if let Some(last) = &self.last_good {
                    let until = Instant::now() + self.options.max_stale;
                    last.insert(
                        key,
                        Entry {
                            fresh_until: until,
                            ..entry.clone()
                        },
                    );
                }
                Ok((entry.rates, source))
            }
            Err(e) => {
                self.counters.misses.fetch_add(1, Ordering::Relaxed);
                self.counters.errors.fetch_add(1, Ordering::Relaxed);
                self.stale_or(&key, e)
            }
        }
    }

    /// `key`'s entry in `map` if it may still be served.
    fn fresh_entry(&self, map: &Map, key: &QuoteKey) -> Option<Entry> {
        map.get(key).filter(|e| e.fresh(Instant::now()))
    }

    /// A new entry for `key` from the shared second level or, failing that, from `load` (its
    /// answer then written to the second level); where it came from.
    async fn load<F, Fut>(&self, key: &QuoteKey, load: F) -> (Result<Entry>, CacheSource)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Rate>>>,
    {
        let ttl = self.ttl_of(key.carrier());
        let Some(second) = &self.second else {
            return (
                load().await.map(|rates| self.entry(key, rates, ttl)),
                CacheSource::Miss,
            );
        };
        let shared_key = second_level::shared_key(key);
        if let Some((rates, left)) =
            second_level::found_or_leased(second.as_ref(), &shared_key).await
        {
            return (
                Ok(self.entry(key, rates, left.min(ttl))),
                CacheSource::Shared,
            );
        }
        let loaded = load().await;
        match loaded.as_ref().ok().and_then(|r| second_level::encode(r)) {
            // Written before answering (bounded by the store's timeout), so that once a quote
            // is answered every replica can find it; this also ends the fetch lease.
            Some(bytes) => second.put(&shared_key, bytes, ttl).await,
            // The carrier failed: let the next replica try at once.
            None => second.release(&shared_key).await,
        }
        (
            loaded.map(|rates| self.entry(key, rates, ttl)),
            CacheSource::Miss,
        )
    }

    /// The last good answer for `key` instead of `error`, when stale answers are served and
    /// there is one.
    fn stale_or(&self, key: &QuoteKey, error: Error) -> Result<(Arc<Vec<Rate>>, CacheSource)> {
        if let Some(last) = &self.last_good
            && let Some(entry) = self.fresh_entry(last, key)
        {
            self.counters.stale.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(carrier = key.carrier(), error = %error, "serving stale rates");
            return Ok((entry.rates, CacheSource::Stale));
        }
        Err(error)
    }

    /// The result of `load`, not cached and not shared with identical calls (what
    /// [`get_or_load`](Self::get_or_load) does when the cache is off); counted as a miss.
    pub async fn bypass<F, Fut>(&self, load: F) -> Result<(Arc<Vec<Rate>>, CacheSource)>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Rate>>>,
    {
        self.counters.misses.fetch_add(1, Ordering::Relaxed);
        match load().await {
            Ok(rates) => Ok((Arc::new(rates), CacheSource::Miss)),
            Err(e) => {
                self.counters.errors.fetch_add(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.counters.hits.get(),
            misses: self.counters.misses.load(Ordering::Relaxed),
            shared_hits: self.counters.shared_hits.load(Ordering::Relaxed),
            coalesced: self.counters.coalesced.load(Ordering::Relaxed),
            stale: self.counters.stale.load(Ordering::Relaxed),
            errors: self.counters.errors.load(Ordering::Relaxed),
        }
    }

    /// Entries currently held.
    pub async fn entry_count(&self) -> u64 {
        self.fresh.as_ref().map_or(0, |f| f.len() as u64)
    }

    /// The entries' approximate memory (see [`CacheOptions::max_bytes`]; 0 without a budget).
    pub async fn weighted_size(&self) -> u64 {
        match (&self.fresh, self.options.max_bytes) {
            (Some(fresh), Some(_)) => fresh.weight(),
            _ => 0,
        }
    }

    /// Drops every entry (fresh and last good).
    pub fn clear(&self) {
        if let Some(fresh) = &self.fresh {
            fresh.clear();
        }
        if let Some(l) = &self.last_good {
            l.clear();
        }
    }
}
