//! Retry policy: which errors are retried, how long to wait, and a budget so that a failing
//! carrier is not hammered (tower's retry budget idea: retries are a fraction of calls).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use rand::Rng;
use shipmux_core::Error;

/// Limits retries to a fraction of recent calls plus a small reserve.
///
/// Every first attempt deposits `ratio` of a retry; every retry withdraws one. A carrier that
/// fails everything therefore sees at most `1 + ratio` requests per call once the reserve is
/// spent, instead of `max_attempts` per call.
#[derive(Debug)]
pub struct RetryBudget {
    balance_milli: AtomicI64,
    deposit_milli: i64,
    max_milli: i64,
}

impl RetryBudget {
    /// A budget allowing `ratio` retries per call (e.g. 0.2), starting with `reserve` retries
    /// and never holding more than `reserve` + 100 × ratio.
    pub fn new(ratio: f32, reserve: u32) -> Self {
        let deposit_milli = (ratio.clamp(0.0, 10.0) * 1000.0) as i64;
        let reserve_milli = i64::from(reserve) * 1000;
        RetryBudget {
            balance_milli: AtomicI64::new(reserve_milli),
            deposit_milli,
            max_milli: reserve_milli + deposit_milli * 100,
        }
    }

    /// Records a first attempt.
    pub fn deposit(&self) {
        let max = self.max_milli;
        let d = self.deposit_milli;
        let _ = self
            .balance_milli
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |b| {
                Some((b + d).min(max))
            });
    }

    /// Takes one retry from the budget; false when it is spent.
    pub fn try_withdraw(&self) -> bool {
        self.balance_milli
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |b| {
                (b >= 1000).then_some(b - 1000)
            })
            .is_ok()
    }
}

impl Default for RetryBudget {
    /// 20 % extra load, 10 retries in reserve.
    fn default() -> Self {
        RetryBudget::new(0.2, 10)
    }
}

/// When and how to retry: only errors marked retryable (timeouts, 5xx, 429, broken
/// connections), at most `max_attempts` attempts, jittered exponential backoff, the carrier's
/// `Retry-After` honoured, and a shared [`RetryBudget`].
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts including the first (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry (doubles each retry, jittered to 50–100 %).
    pub base_delay: Duration,
    /// Longest backoff.
    pub max_delay: Duration,
    /// Longest `Retry-After` we honour; a longer one is not retried.
    pub max_retry_after: Duration,
    /// The budget shared by all calls of one carrier.
    pub budget: Arc<RetryBudget>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            budget: Arc::new(RetryBudget::default()),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The jittered backoff before retry number `retry` (1 for the first retry).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.max_delay);
        let nanos = exp.as_nanos() as u64;
        if nanos < 2 {
            return exp;
        }
        Duration::from_nanos(rand::rng().random_range(nanos / 2..=nanos))
    }

    /// How long to wait before retrying after `error` on attempt `attempt` (1-based), or `None`
    /// when it must not be retried: not retryable, attempts used up, a `Retry-After` longer
    /// than we accept, the wait would pass `remaining`, or the budget is spent.
    pub fn delay_before_retry(
        &self,
        attempt: u32,
        error: &Error,
        remaining: Duration,
    ) -> Option<Duration> {
        if !error.retryable || attempt >= self.max_attempts {
            return None;
        }
        let wait = match error.retry_after_ms {
            Some(ms) => {
                let wait = Duration::from_millis(ms);
                if wait > self.max_retry_after {
                    return None;
                }
                wait
            }
            None => self.backoff(attempt),
        };
        if wait >= remaining {
            return None;
        }
        self.budget.try_withdraw().then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use shipmux_core::ErrorKind;

    use super::*;

    #[test]
    fn budget_limits_retries_to_a_fraction_of_calls() {
        let budget = RetryBudget::new(0.5, 1);
        assert!(budget.try_withdraw());
        assert!(!budget.try_withdraw());
        budget.deposit();
        assert!(!budget.try_withdraw());
        budget.deposit();
        assert!(budget.try_withdraw());
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for retry in 1..10 {
            let d = p.backoff(retry);
            let full = (p.base_delay * (1 << (retry - 1))).min(p.max_delay);
            assert!(d >= full / 2 && d <= full, "{retry}: {d:?}");
        }
    }

    #[test]
    fn only_retryable_errors_within_limits_are_retried() {
        let p = RetryPolicy::default();
        let long = Duration::from_secs(60);
        let rejected = Error::from_status(400, "bad");
        assert_eq!(p.delay_before_retry(1, &rejected, long), None);
        let busy =
            Error::from_status(429, "slow down").with_retry_after(Some(Duration::from_secs(2)));
        assert_eq!(
            p.delay_before_retry(1, &busy, long),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.delay_before_retry(1, &busy, Duration::from_secs(1)), None);
        assert_eq!(p.delay_before_retry(3, &busy, long), None);
        let down = Error::new(ErrorKind::Unavailable, "503");
        assert!(p.delay_before_retry(1, &down, long).is_some());
    }
}
