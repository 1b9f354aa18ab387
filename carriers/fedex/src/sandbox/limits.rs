//! FedEx's published limits, enforced on tokio's clock: a fixed window
//! of API transactions per project, and the OAuth endpoint's per-IP thresholds, whose breach
//! blocks the IP with 403s for ten minutes. The sandbox kit has neither, so they live here.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A fixed window: at most `limit` transactions per `window`, counted from the window's first
/// transaction; the counter restarts when the window ends.
#[derive(Debug)]
pub struct TransactionWindow {
    limit: u32,
    window: Duration,
    state: Mutex<(Option<Instant>, u32)>,
}

impl TransactionWindow {
    /// A window of `limit` transactions per `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        TransactionWindow {
            limit,
            window,
            state: Mutex::new((None, 0)),
        }
    }

    /// Counts one transaction; false when the window is already full.
    pub fn admit(&self) -> bool {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (start, count) = &mut *state;
        if start.is_none_or(|s| now.duration_since(s) >= self.window) {
            *start = Some(now);
            *count = 0;
        }
        if *count >= self.limit {
            return false;
        }
        *count += 1;
        true
    }
}

/// The OAuth endpoint's thresholds per public IP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenThrottle {
    /// Burst: more than this many hits in `burst_window` is a breach (FedEx: 3/s over 5 s).
    pub burst_hits: usize,
    /// The burst window.
    pub burst_window: Duration,
    /// Average: more than this many hits in `average_window` is a breach (FedEx: 1/s over
    /// 2 min).
    pub average_hits: usize,
    /// The average window.
    pub average_window: Duration,
    /// How long a breaching IP gets 403s, extended while the breach continues.
    pub block: Duration,
}

impl Default for TokenThrottle {
    fn default() -> Self {
        TokenThrottle {
            burst_hits: 15,
            burst_window: Duration::from_secs(5),
            average_hits: 120,
            average_window: Duration::from_secs(120),
            block: Duration::from_secs(600),
        }
    }
}

#[derive(Default)]
struct IpState {
    hits: VecDeque<Instant>,
    blocked_until: Option<Instant>,
}

/// Token-endpoint hits per IP.
pub struct TokenGuard {
    throttle: TokenThrottle,
    ips: Mutex<HashMap<IpAddr, IpState>>,
}

impl TokenGuard {
    /// A guard with these thresholds.
    pub fn new(throttle: TokenThrottle) -> Self {
        TokenGuard {
            throttle,
            ips: Mutex::new(HashMap::new()),
        }
    }

    /// Records a token request from `ip`; false when the IP is (now) blocked.
    pub fn admit(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let t = self.throttle;
        let mut ips = self.ips.lock().unwrap_or_else(|p| p.into_inner());
        let state = ips.entry(ip).or_default();
        state.hits.push_back(now);
        let keep = t.average_window.max(t.burst_window);
        while state
            .hits
            .front()
            .is_some_and(|h| now.duration_since(*h) > keep)
        {
            state.hits.pop_front();
        }
        let within = |window: Duration| {
            state
                .hits
                .iter()
                .filter(|h| now.duration_since(**h) <= window)
                .count()
        };
        if within(t.burst_window) > t.burst_hits || within(t.average_window) > t.average_hits {
            state.blocked_until = Some(now + t.block);
        }
        state.blocked_until.is_none_or(|until| now >= until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_window_refills_after_ten_seconds() {
        let w = TransactionWindow::new(3, Duration::from_secs(10));
        assert!((0..3).all(|_| w.admit()));
        assert!(!w.admit());
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(w.admit());
    }

    #[tokio::test(start_paused = true)]
    async fn token_spam_blocks_the_ip_for_ten_minutes() {
        let guard = TokenGuard::new(TokenThrottle::default());
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert!(
            (0..15).all(|_| guard.admit(ip)),
            "a burst up to 3/s for 5 s is fine"
        );
        assert!(!guard.admit(ip), "the 16th hit within 5 s breaches");
        tokio::time::advance(Duration::from_secs(300)).await;
        assert!(!guard.admit(ip), "still blocked after 5 minutes");
        tokio::time::advance(Duration::from_secs(301)).await;
        assert!(guard.admit(ip), "unblocked after 10 minutes");
        let other: IpAddr = [127, 0, 0, 2].into();
        assert!(guard.admit(other));
    }
}
