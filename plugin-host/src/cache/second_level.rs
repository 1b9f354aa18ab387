//! The quote cache's second level: a store shared by every replica (Redis, in
//! `crate::redis`), under the in-process map.
//!
//! On a local miss the cache asks the second level before the carrier; an answer found there
//! fills the local cache for the time the shared entry has left, so a quote one replica paid
//! for is a hit on the others. An answer from the carrier is written to both before the quote
//! is answered. Errors are never stored. Cold misses coalesce across processes: the first to
//! miss takes a short fetch lease and asks the carrier; the others look again until its answer
//! is there, or the lease lapses (its holder died or is slow) and one of them takes over
//! (`crate::fetch_lease`). The second level is best effort by contract: a store that fails or
//! is slow answers `None` (and says so in its own counters and log), and the quote goes on
//! without it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use shipmux_core::Rate;

use super::QuoteKey;
use crate::fetch_lease::{self, LeaseTiming, Lookup};

/// A shared store for cached answers. Implementations bound every call by a short timeout and
/// never fail a quote: a failure is `None` / nothing written.
#[async_trait]
pub trait SecondLevel: Send + Sync + fmt::Debug {
    /// The entry under `key` and how long it stays fresh, if there is one.
    async fn get(&self, key: &[u8]) -> Option<(Vec<u8>, Duration)>;

    /// Stores `value` under `key` for `ttl`, and ends `key`'s fetch lease.
    async fn put(&self, key: &[u8], value: Vec<u8>, ttl: Duration);

    /// Takes `key`'s fetch lease for `lease` unless another process holds it: `Some(true)` —
    /// ask the carrier; `Some(false)` — another process is asking; `None` — unavailable.
    async fn lease(&self, key: &[u8], lease: Duration) -> Option<bool>;

    /// Ends `key`'s fetch lease without an answer (the carrier failed).
    async fn release(&self, key: &[u8]);

    /// How its calls went so far (for metrics).
    fn health(&self) -> SecondLevelHealth;
}

/// A second level's calls so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SecondLevelHealth {
    /// Calls that answered.
    pub calls: u64,
    /// Calls that failed or timed out.
    pub errors: u64,
    /// Calls not made because the store was marked down (the local cache served alone).
    pub skipped: u64,
    /// Whether the store is marked down now.
    pub down: bool,
}

/// The version of the entries' encoding, part of every shared key: a replica that encodes
/// differently never reads another's entries.
pub const ENCODING_VERSION: &str = "q1";

/// `key` as the shared store's key: versioned, and holding the carrier, the scope (zone and
/// method, or a store's own account) and the shipment.
pub fn shared_key(key: &QuoteKey) -> Vec<u8> {
    let bytes = key.as_bytes();
    let mut out = Vec::with_capacity(ENCODING_VERSION.len() + 1 + bytes.len());
    out.extend_from_slice(ENCODING_VERSION.as_bytes());
    out.push(b':');
    out.extend_from_slice(bytes);
    out
}

/// `rates` as stored: compact JSON (the same `Rate` JSON as everywhere, amounts as text, so
/// money survives exactly).
pub fn encode(rates: &[Rate]) -> Option<Vec<u8>> {
    serde_json::to_vec(rates).ok()
}

/// The rates of a stored entry; `None` for one this version cannot read.
pub fn decode(bytes: &[u8]) -> Option<Vec<Rate>> {
    serde_json::from_slice(bytes).ok()
}

/// How long one process may ask a carrier for a key before another takes over, and how often
/// the others look for its answer.
pub const FETCH_LEASE: LeaseTiming = LeaseTiming {
    lease: Duration::from_secs(3),
    poll: Duration::from_millis(20),
};

/// The shared answer for `key` and how long it stays fresh — waiting while another process
/// holds the key's fetch lease — or `None` when this process must ask the carrier (it now holds
/// the lease, or the store is unavailable). The caller's deadline bounds the wait (the host
/// drops the future).
pub async fn found_or_leased(
    second: &dyn SecondLevel,
    key: &[u8],
) -> Option<(Vec<Rate>, Duration)> {
    let look = || async {
        match second.get(key).await {
            Some((bytes, left)) => match decode(&bytes) {
                Some(rates) => Lookup::Found((rates, left)),
                // An entry this version cannot read: as if there were none.
                None => Lookup::Missing,
            },
            // (`get` folds "unavailable" into "none"; `lease` tells them apart.)
            None => Lookup::Missing,
        }
    };
    let take = |lease| second.lease(key, lease);
    let release = || second.release(key);
    // No deadline of our own: waiting ends when the quote's future is dropped.
    fetch_lease::found_or_leased(FETCH_LEASE, None, look, take, release)
        .await
        .unwrap_or(None)
}

/// A second level shared by the caches of one process (and, through it, by other processes).
pub type SharedSecondLevel = Arc<dyn SecondLevel>;
