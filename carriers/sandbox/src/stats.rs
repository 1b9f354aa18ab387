//! Request counters per endpoint, read by tests, load tests and `GET /_sandbox/stats`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// A snapshot of the counters. JSON:
/// `{"total": 12, "faults": 2, "tokens_issued": 1,
///   "endpoints": {"POST /api/rating/{version}/{requestoption}": {"requests": 9, "faults": 2}},
///   "fault_kinds": {"status500": 2}}`.
///
/// Endpoints are named by method and route pattern (the path as the carrier router declares
/// it), so `/track/v1/details/1Z…` and `/track/v1/details/1Z…2` count together; requests that
/// match no route count under `"unmatched"`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Every request to the carrier's API (control requests under `/_sandbox` are not counted).
    pub total: u64,
    /// Requests answered with a fault.
    pub faults: u64,
    /// Tokens issued.
    pub tokens_issued: u64,
    /// Per endpoint.
    pub endpoints: BTreeMap<String, EndpointStats>,
    /// Faults thrown, by kind name (`status503`, `connection_reset`, …).
    pub fault_kinds: BTreeMap<String, u64>,
}

/// Counters of one endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointStats {
    /// Requests received.
    pub requests: u64,
    /// Of which answered with a fault.
    pub faults: u64,
}

impl Stats {
    /// Requests to one endpoint (`"POST /security/v1/oauth/token"`), 0 if never called.
    pub fn requests(&self, endpoint: &str) -> u64 {
        self.endpoints.get(endpoint).map_or(0, |e| e.requests)
    }

    /// Requests to every endpoint whose key contains `fragment` (e.g. `"/rating/"`).
    pub fn requests_matching(&self, fragment: &str) -> u64 {
        self.endpoints
            .iter()
            .filter(|(k, _)| k.contains(fragment))
            .map(|(_, e)| e.requests)
            .sum()
    }
}

/// The live counters.
#[derive(Default)]
pub(crate) struct Counters {
    stats: Mutex<Stats>,
}

impl Counters {
    pub(crate) fn request(&self, endpoint: &str) {
        let mut s = self.lock();
        s.total += 1;
        s.endpoints
            .entry(endpoint.to_string())
            .or_default()
            .requests += 1;
    }

    pub(crate) fn fault(&self, endpoint: &str, kind: &str) {
        let mut s = self.lock();
        s.faults += 1;
        s.endpoints.entry(endpoint.to_string()).or_default().faults += 1;
        *s.fault_kinds.entry(kind.to_string()).or_default() += 1;
    }

    pub(crate) fn snapshot(&self, tokens_issued: u64) -> Stats {
        let mut s = self.lock().clone();
        s.tokens_issued = tokens_issued;
        s
    }

    pub(crate) fn reset(&self) {
        *self.lock() = Stats::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }
}
