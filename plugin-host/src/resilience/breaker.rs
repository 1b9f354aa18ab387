//! Circuit breaker: after repeated failures a carrier is short-circuited for a while, then
//! probed with one call before it is trusted again.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// When to open and for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakerOptions {
    /// Consecutive failures that open the circuit.
    pub failure_threshold: u32,
    /// How long the circuit stays open before one probe call is let through.
    pub open_for: Duration,
}

impl Default for BreakerOptions {
    fn default() -> Self {
        BreakerOptions {
            failure_threshold: 5,
            open_for: Duration::from_secs(30),
        }
    }
}

#[derive(Debug)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

/// A circuit breaker. Only failures that say the carrier is unwell (`unavailable`, `timeout`)
/// count; a refused request or an unknown tracking number is the carrier working.
#[derive(Debug)]
pub struct CircuitBreaker {
    options: BreakerOptions,
    state: Mutex<State>,
}

/// Permission to make one call; report how it went with [`record`](Self::record). Dropping
/// a probe permit unrecorded (a cancelled call) lets the next call probe.
#[must_use]
#[derive(Debug)]
pub struct BreakerPermit<'a> {
    breaker: &'a CircuitBreaker,
    probe: bool,
    recorded: bool,
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(options: BreakerOptions) -> Self {
        CircuitBreaker {
            options,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    /// A permit, or how long the circuit stays open.
    pub fn acquire(&self) -> Result<BreakerPermit<'_>, Duration> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let probe = match *state {
            State::Closed { .. } => false,
            State::Open { until } if now >= until => {
                *state = State::HalfOpen;
                true
            }
            State::Open { until } => return Err(until - now),
            State::HalfOpen => return Err(Duration::ZERO),
        };
        Ok(BreakerPermit {
            breaker: self,
            probe,
            recorded: false,
        })
    }

    /// Whether the circuit is open right now (for listings and metrics).
    pub fn is_open(&self) -> bool {
        !matches!(
            *self.state.lock().unwrap_or_else(|e| e.into_inner()),
            State::Closed { .. }
        )
    }

    fn on_result(&self, failed: bool) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let open = State::Open {
            until: Instant::now() + self.options.open_for,
        };
        *state = match (&*state, failed) {
            (_, false) => State::Closed { failures: 0 },
            (State::Closed { failures }, true) if failures + 1 < self.options.failure_threshold => {
                State::Closed {
                    failures: failures + 1,
                }
            }
            (_, true) => {
                tracing::warn!(
                    open_for_ms = self.options.open_for.as_millis() as u64,
                    "circuit opened"
                );
                open
            }
        };
    }
}

impl BreakerPermit<'_> {
    /// Reports the call's outcome; `failed` for errors that say the carrier is unwell.
    pub fn record(mut self, failed: bool) {
        self.recorded = true;
        self.breaker.on_result(failed);
    }
}

impl Drop for BreakerPermit<'_> {
    fn drop(&mut self) {
        if self.probe && !self.recorded {
            let mut state = self.breaker.state.lock().unwrap_or_else(|e| e.into_inner());
            *state = State::Open {
                until: Instant::now(),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn opens_after_repeated_failures_and_probes_later() {
        let b = CircuitBreaker::new(BreakerOptions {
            failure_threshold: 2,
            open_for: Duration::from_secs(10),
        });
        b.acquire().unwrap().record(true);
        b.acquire().unwrap().record(false);
        b.acquire().unwrap().record(true);
        b.acquire().unwrap().record(true);
        assert_eq!(b.acquire().unwrap_err(), Duration::from_secs(10));
        tokio::time::advance(Duration::from_secs(10)).await;
        let probe = b.acquire().unwrap();
        assert!(b.acquire().is_err(), "only one probe at a time");
        probe.record(false);
        assert!(!b.is_open());
        b.acquire().unwrap().record(false);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_probe_lets_the_next_call_probe() {
        let b = CircuitBreaker::new(BreakerOptions {
            failure_threshold: 1,
            open_for: Duration::from_secs(1),
        });
        b.acquire().unwrap().record(true);
        tokio::time::advance(Duration::from_secs(1)).await;
        drop(b.acquire().unwrap());
        b.acquire().unwrap().record(true);
        assert!(b.is_open());
    }
}
