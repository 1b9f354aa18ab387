//! Per-account rate limits on governor, with a clock that follows tokio's (so tests with
//! `tokio::time::pause` see the limiter move with virtual time).

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
#[cfg(test)]
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use shipmux_core::{Error, ErrorKind};
use tokio::time::Instant;

/// A rate: `requests` per `per`, with bursts of up to `burst` (default: `requests`).
/// Written `"10/s"`, `"1400/10s"`, `"600/min"`, `"10/s burst 20"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RateLimit {
    /// Requests allowed per period.
    pub requests: u32,
    /// The period.
    pub per: Duration,
    /// Largest burst.
    pub burst: Option<u32>,
}

impl RateLimit {
    /// `requests` per `per`.
    pub fn new(requests: u32, per: Duration) -> Self {
        RateLimit {
            requests,
            per,
            burst: None,
        }
    }

    /// `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        RateLimit::new(requests, Duration::from_secs(1))
    }

    /// Sets the burst size.
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = Some(burst);
        self
    }

    /// The time between two permits at the sustained rate (never zero).
    /// The time between two permits at the sustained rate.
    pub fn interval(&self) -> Duration {
        let requests = self.requests.max(1);
        self.per.max(Duration::from_nanos(u64::from(requests))) / requests
    }

    /// How many permits may be taken at once after a quiet spell (`requests` when not set).
    pub fn burst_size(&self) -> u32 {
        self.burst.unwrap_or(self.requests).max(1)
    }

    /// This limit divided among `replicas` processes (each gets at least one permit per
    /// period): what one replica may use when the replicas cannot share one limit.
    pub fn share(&self, replicas: u32) -> RateLimit {
        let replicas = replicas.max(1);
        RateLimit {
            requests: (self.requests / replicas).max(1),
            per: self.per,
            burst: self.burst.map(|b| (b / replicas).max(1)),
        }
    }

    fn quota(&self) -> Quota {
        let burst = NonZeroU32::new(self.burst.unwrap_or(self.requests).max(1)).expect("max(1)");
        Quota::with_period(self.interval())
            .expect("period is positive")
            .allow_burst(burst)
    }
}

impl FromStr for RateLimit {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || {
            Error::config(format!(
                "rate limit `{s}` is not like `10/s`, `1400/10s` or `10/s burst 20`"
            ))
        };
        let mut words = s.split_whitespace();
        let rate = words.next().ok_or_else(bad)?;
        let burst = match (words.next(), words.next(), words.next()) {
            (None, _, _) => None,
            (Some("burst"), Some(n), None) => Some(n.parse::<u32>().map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        let (n, period) = rate.split_once('/').ok_or_else(bad)?;
        let requests: u32 = n.parse().map_err(|_| bad())?;
        let split = period
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(bad)?;
        let (count, unit) = period.split_at(split);
        let count: u64 = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| bad())?
        };
        let unit = match unit {
            "ms" => Duration::from_millis(1),
            "s" | "sec" => Duration::from_secs(1),
            "m" | "min" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            _ => return Err(bad()),
        };
        if requests == 0 || count == 0 || burst == Some(0) {
            return Err(bad());
        }
        Ok(RateLimit {
            requests,
            per: unit * count as u32,
            burst,
        })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = self.per;
        if per.subsec_nanos() == 0 && per.as_secs() > 0 {
            let secs = per.as_secs();
            match secs {
                1 => write!(f, "{}/s", self.requests)?,
                _ => write!(f, "{}/{}s", self.requests, secs)?,
            }
        } else {
            write!(f, "{}/{}ms", self.requests, per.as_millis())?;
        }
        if let Some(b) = self.burst {
            write!(f, " burst {b}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for RateLimit {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

impl From<RateLimit> for String {
    fn from(r: RateLimit) -> String {
        r.to_string()
    }
}

/// governor's clock reading tokio's time (virtual under `tokio::time::pause`).
#[derive(Clone, Debug)]
struct TokioClock {
    start: Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;
    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

/// A rate limit kept by a store several processes share (Redis, in `crate::redis`), as a
/// GCRA on the store's clock: permits are reserved in the order the store receives them.
#[async_trait::async_trait]
pub trait SharedLimit: Send + Sync + fmt::Debug {
    /// Reserves `account`'s next permit under `limit`: `Ok(wait)` — take it after `wait`
    /// (zero: now); `Err(wait)` — it would come only after `wait`, longer than `max_wait`, and
    /// nothing was reserved; `None` — the store is unavailable (the caller limits alone).
    async fn reserve(
        &self,
        account: &str,
        limit: RateLimit,
        max_wait: Duration,
    ) -> Option<Result<Duration, Duration>>;

    /// No permit of `account` before `after` from now (a carrier's `Retry-After`).
    async fn push_back(&self, account: &str, after: Duration);
}

/// A shared limit store and how many processes share each limit (for the fallback share).
#[derive(Clone, Debug)]
pub struct SharedLimits {
    /// The store.
    pub backend: std::sync::Arc<dyn SharedLimit>,
    /// How many replicas share each account's limit; while the store is unavailable each
    /// keeps to `limit ÷ replicas` on its own.
    pub replicas: u32,
}

/// One carrier account's rate limiter. Shared (in an `Arc`) by everything that calls that
/// account, so the account's limit holds however many carriers or layers use it.
///
/// Callers that must wait are served in arrival order (a FIFO queue in front of the
/// limiter): without it, every waiter wakes when it computed a permit would be free, all race
/// for it, and an unlucky caller can lose that race for seconds.
pub struct AccountLimiter {
    limit: RateLimit,
    /// A limit shared with other processes, and this account's name there.
    shared: Option<(SharedLimits, String)>,
    /// Until when (ms on `clock`) this process holds permits reserved in the shared limit: if
    /// the store goes away, the local share starts after them, not on top of them.
    shared_until_ms: AtomicU64,
    /// Whether the last call found the shared store unavailable (it limited alone).
    alone: AtomicBool,
    clock: TokioClock,
    limiter: RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>,
    /// Held by the caller whose turn it is; tokio's mutex queues the others fairly.
    turn: tokio::sync::Mutex<()>,
    /// Callers queued or holding the turn.
    waiting: AtomicUsize,
}

impl fmt::Debug for AccountLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountLimiter")
            .field("limit", &self.limit)
            .finish()
    }
}

impl AccountLimiter {
    /// A limiter for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        let clock = TokioClock {
            start: Instant::now(),
        };
        AccountLimiter {
            limit,
            shared: None,
            shared_until_ms: AtomicU64::new(0),
            alone: AtomicBool::new(false),
            limiter: RateLimiter::direct_with_clock(limit.quota(), clock.clone()),
            clock,
            turn: tokio::sync::Mutex::new(()),
            waiting: AtomicUsize::new(0),
        }
    }

    /// A limiter for `limit` shared through `shared` by every process that names `account`
    /// the same way; while the shared store is unavailable, this process keeps to its share
    /// of the limit (`limit` ÷ replicas) on its own.
    pub fn shared(limit: RateLimit, shared: SharedLimits, account: String) -> Self {
        let mut limiter = AccountLimiter::new(limit.share(shared.replicas));
        limiter.limit = limit;
        limiter.shared = Some((shared, account));
        limiter
    }

    /// The configured limit.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Tells the shared limit (if any) that the carrier asked to wait `after` (a 429's
    /// `Retry-After`), so every process sharing it backs off.
    pub async fn push_back(&self, after: Duration) {
        if let Some((shared, account)) = &self.shared {
            shared.backend.push_back(account, after).await;
        }
    }

    /// Waits for a permit, but not past `deadline`: a call that cannot get one in time gets a
    /// `rate_limited` error — at once when the permits it would need are already spoken for,
    /// not a late permit. Waiting callers get their permits in arrival order. Answers how long
    /// this call waited (zero when a permit was free at once).
    pub async fn acquire(&self, deadline: Option<Instant>) -> Result<Duration, Error> {
        if let Some((shared, account)) = &self.shared {
            let max_wait = deadline.map_or(Duration::from_secs(3600), |d| {
                d.saturating_duration_since(Instant::now())
            });
            match shared.backend.reserve(account, self.limit, max_wait).await {
                Some(reserved) => {
                    if self.alone.swap(false, Ordering::Relaxed) {
                        // Back from limiting alone: the permits still queued here come first
                        // (the store had no word of them), for every process sharing it.
                        let backlog = self
                            .local_interval()
                            .saturating_mul(self.waiting.load(Ordering::Relaxed) as u32);
                        if !backlog.is_zero() {
                            shared.backend.push_back(account, backlog).await;
                        }
                    }
                    let wait = reserved.map_err(|wait| self.refusal(wait))?;
                    let until = self.clock.now() + wait;
                    self.shared_until_ms
                        .fetch_max(until.as_millis() as u64, Ordering::Relaxed);
                    if !wait.is_zero() {
                        tokio::time::sleep(wait).await;
                    }
                    return Ok(wait);
                }
                // The shared store is unavailable: this process's share, kept here — after
                // the permits it reserved there, which still go out at their times.
                None => {
                    self.alone.store(true, Ordering::Relaxed);
                    let until = Duration::from_millis(self.shared_until_ms.load(Ordering::Relaxed));
                    let hold = until.saturating_sub(self.clock.now());
                    if !hold.is_zero() {
                        if deadline.is_some_and(|d| Instant::now() + hold > d) {
                            return Err(self.refusal(hold));
                        }
                        tokio::time::sleep(hold).await;
                    }
                }
            }
        }
        let (_in_line, ahead) = InLine::join(&self.waiting);
        if ahead == 0 && self.limiter.check().is_ok() {
            return Ok(Duration::ZERO);
        }
        let started = Instant::now();
        // The queue ahead needs about one emission interval per caller.
        let queue_wait = self.local_interval().saturating_mul(ahead as u32);
        if let Some(deadline) = deadline
            && Instant::now() + queue_wait > deadline
        {
            return Err(self.refusal(queue_wait));
        }
        let _turn = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, self.turn.lock())
                .await
                .map_err(|_| self.refusal(self.limit.interval()))?,
            None => self.turn.lock().await,
        };
        loop {
            let wait = match self.limiter.check() {
                Ok(()) => return Ok(started.elapsed()),
                Err(not_until) => not_until.wait_time_from(self.clock.now()),
            };
            if let Some(deadline) = deadline
                && Instant::now() + wait > deadline
            {
                return Err(self.refusal(wait));
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// The interval of the limit this process keeps alone: its share when the limit is shared.
    fn local_interval(&self) -> Duration {
        match &self.shared {
            Some((shared, _)) => self.limit.share(shared.replicas).interval(),
            None => self.limit.interval(),
        }
    }

    fn refusal(&self, wait: Duration) -> Error {
        Error::new(
            ErrorKind::RateLimited,
            format!(
                "local rate limit {} reached; no permit before the deadline",
                self.limit
            ),
        )
        .with_retry_after(Some(wait))
    }
}

/// A caller counted in [`AccountLimiter::waiting`] for as long as it lives (also when its
/// future is dropped while it waits).
struct InLine<'a>(&'a AtomicUsize);

impl<'a> InLine<'a> {
    /// Joins the line; also says how many callers were in it already.
    fn join(waiting: &'a AtomicUsize) -> (Self, usize) {
        let ahead = waiting.fetch_add(1, Ordering::Relaxed);
        (InLine(waiting), ahead)
    }
}

impl Drop for InLine<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shared GCRA in memory (burst 1) that can be switched off.
    #[derive(Debug)]
    struct FakeShared {
        tat: std::sync::Mutex<Instant>,
        up: AtomicBool,
        pushed: std::sync::Mutex<Vec<Duration>>,
    }

    #[async_trait::async_trait]
    impl SharedLimit for FakeShared {
        async fn reserve(
            &self,
            _: &str,
            limit: RateLimit,
            _: Duration,
        ) -> Option<Result<Duration, Duration>> {
            if !self.up.load(Ordering::Relaxed) {
                return None;
            }
            let now = Instant::now();
            let mut tat = self.tat.lock().unwrap();
            let at = (*tat).max(now);
            *tat = at + limit.interval();
            Some(Ok(at - now))
        }

        async fn push_back(&self, _: &str, after: Duration) {
            self.pushed.lock().unwrap().push(after);
            let mut tat = self.tat.lock().unwrap();
            *tat = (*tat).max(Instant::now() + after);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn limiting_alone_starts_after_the_shared_permits_and_hands_its_queue_back() {
        let backend = Arc::new(FakeShared {
            tat: std::sync::Mutex::new(Instant::now()),
            up: AtomicBool::new(true),
            pushed: Default::default(),
        });
        let shared = SharedLimits {
            backend: backend.clone(),
            replicas: 2,
        };
        let limit: RateLimit = "10/s burst 1".parse().unwrap();
        let limiter = Arc::new(AccountLimiter::shared(limit, shared, "ups:a".into()));
        let start = Instant::now();
        // Ten permits reserved in the shared limit: the last one goes out at 0.9 s.
        let reserved: Vec<_> = (0..10)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move { l.acquire(None).await })
            })
            .collect();
        tokio::task::yield_now().await;
        backend.up.store(false, Ordering::Relaxed);
        // The store is gone: this process's share (5/s) starts after its last shared permit.
        limiter.acquire(None).await.unwrap();
        assert!(
            start.elapsed() >= Duration::from_millis(900),
            "{:?}",
            start.elapsed()
        );
        for r in reserved {
            r.await.unwrap().unwrap();
        }
        // Two callers queue alone; the store comes back; the next caller tells it about them.
        let queued: Vec<_> = (0..2)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move { l.acquire(None).await })
            })
            .collect();
        tokio::task::yield_now().await;
        backend.up.store(true, Ordering::Relaxed);
        limiter.acquire(None).await.unwrap();
        let pushed = backend.pushed.lock().unwrap().clone();
        assert_eq!(pushed.len(), 1, "{pushed:?}");
        assert!(pushed[0] >= Duration::from_millis(200), "{pushed:?}");
        for q in queued {
            q.await.unwrap().unwrap();
        }
    }

    #[test]
    fn parses_rates() {
        let r: RateLimit = "1400/10s".parse().unwrap();
        assert_eq!(
            (r.requests, r.per, r.burst),
            (1400, Duration::from_secs(10), None)
        );
        let r: RateLimit = "10/s burst 20".parse().unwrap();
        assert_eq!(
            (r.requests, r.per, r.burst),
            (10, Duration::from_secs(1), Some(20))
        );
        assert_eq!(r.to_string(), "10/s burst 20");
        assert_eq!(
            "600/min".parse::<RateLimit>().unwrap().per,
            Duration::from_secs(60)
        );
        for bad in ["", "10", "0/s", "10/fortnight", "10/s burst", "x/s"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_a_permit_within_the_deadline_only() {
        let l = AccountLimiter::new(RateLimit::per_second(2));
        assert_eq!(
            l.acquire(None).await.unwrap(),
            Duration::ZERO,
            "free at once"
        );
        l.acquire(None).await.unwrap();
        let start = Instant::now();
        let err = l
            .acquire(Some(start + Duration::from_millis(100)))
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::RateLimited);
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "refused at once, not at the deadline"
        );
        let waited = l
            .acquire(Some(start + Duration::from_secs(1)))
            .await
            .unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(500));
        assert_eq!(
            waited,
            Duration::from_millis(500),
            "says how long it waited"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_get_their_permits_in_turn_and_none_starves() {
        // 10/s, no burst: 40 callers at once need 4 s between them. Each must be served in
        // about its turn — none may wait much longer than the whole queue takes.
        let l = Arc::new(AccountLimiter::new(RateLimit::per_second(10).burst(1)));
        let start = Instant::now();
        let waiters: Vec<_> = (0..40)
            .map(|_| {
                let l = l.clone();
                tokio::spawn(async move {
                    l.acquire(Some(start + Duration::from_secs(30)))
                        .await
                        .unwrap();
                    start.elapsed()
                })
            })
            .collect();
        let mut waits = Vec::new();
        for w in waiters {
            waits.push(w.await.unwrap());
        }
        let longest = waits.iter().max().unwrap();
        assert!(
            *longest <= Duration::from_millis(4000),
            "a caller waited {longest:?} for a permit 40 callers at 10/s can all have by 3.9 s"
        );
    }
}
