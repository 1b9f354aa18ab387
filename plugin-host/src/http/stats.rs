//! What the carriers on one [`HttpDriver`](super::HttpDriver) asked of the outside world:
//! HTTP attempts sent, attempts that failed (by kind), token fetches, and waits for and
//! refusals of rate-limit permits — per carrier, summed over every account of that carrier
//! (a store's own account counts under its carrier, so labels stay few). Read by `serve`'s
//! `/metrics` at each scrape.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use shipmux_core::{CarrierId, ErrorKind};

/// Counters of every carrier on one driver.
#[derive(Debug, Default)]
pub struct UpstreamStats {
    carriers: Mutex<BTreeMap<CarrierId, Arc<CarrierCounters>>>,
}

impl UpstreamStats {
    /// The counters of `carrier` (made on first use; every account of it shares them).
    pub fn carrier(&self, carrier: &CarrierId) -> Arc<CarrierCounters> {
        self.carriers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(carrier.clone())
            .or_default()
            .clone()
    }

    /// Each carrier's counters now, in carrier order.
    pub fn snapshot(&self) -> Vec<(CarrierId, UpstreamSnapshot)> {
        self.carriers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(id, c)| (id.clone(), c.snapshot()))
            .collect()
    }
}

/// One carrier's counters. Cheap to bump: relaxed atomics, a lock only on a failure.
#[derive(Debug, Default)]
pub struct CarrierCounters {
    attempts: AtomicU64,
    token_fetches: AtomicU64,
    limit_waits: AtomicU64,
    limit_wait_micros: AtomicU64,
    limit_refusals: AtomicU64,
    failures: Mutex<BTreeMap<&'static str, u64>>,
}

impl CarrierCounters {
    /// One HTTP attempt sent (a retry is another attempt; token requests count too).
    pub fn attempt(&self) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
    }

    /// One attempt failed: no answer (`timeout`, `unavailable`) or an error status, by the
    /// kind that status means (`rate_limited` for 429, `auth` for 401, …).
    pub fn failure(&self, kind: ErrorKind) {
        *self
            .failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(kind.as_str())
            .or_default() += 1;
    }

    /// One token fetch started.
    pub fn token_fetch(&self) {
        self.token_fetches.fetch_add(1, Ordering::Relaxed);
    }

    /// A permit of the account's rate limit that was not free at once, after `waited`.
    pub fn limit_wait(&self, waited: Duration) {
        self.limit_waits.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
        self.limit_wait_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// A call refused because no permit could come before its deadline.
    pub fn limit_refusal(&self) {
        self.limit_refusals.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters now.
    pub fn snapshot(&self) -> UpstreamSnapshot {
        UpstreamSnapshot {
            attempts: self.attempts.load(Ordering::Relaxed),
            token_fetches: self.token_fetches.load(Ordering::Relaxed),
            limit_waits: self.limit_waits.load(Ordering::Relaxed),
            limit_wait: Duration::from_micros(self.limit_wait_micros.load(Ordering::Relaxed)),
            limit_refusals: self.limit_refusals.load(Ordering::Relaxed),
            failures: self
                .failures
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}

/// One carrier's counters at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpstreamSnapshot {
    /// HTTP attempts sent.
    pub attempts: u64,
    /// Token fetches started.
    pub token_fetches: u64,
    /// Calls that waited for a rate-limit permit.
    pub limit_waits: u64,
    /// Their waits, summed.
    pub limit_wait: Duration,
    /// Calls refused for want of a permit before their deadline.
    pub limit_refusals: u64,
    /// Failed attempts by error kind.
    pub failures: BTreeMap<&'static str, u64>,
}
