//! `RateLimitLayer`: a governor rate limit on calls.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use shipmux_core::{Carrier, CarrierInfo, Result};
use tokio::time::Instant;

use super::Layer;
use super::around::{Around, Layered};
use crate::resilience::{AccountLimiter, RateLimit};

/// Lets calls through at most at `limit`; a call that would wait longer than `max_wait` for a
/// permit fails at once with `rate_limited` instead of queueing forever.
#[derive(Clone, Debug)]
pub struct RateLimitLayer {
    limiter: Arc<AccountLimiter>,
    max_wait: Duration,
}

impl RateLimitLayer {
    /// A new limiter for `limit`, waiting at most `max_wait` for a permit.
    pub fn new(limit: RateLimit, max_wait: Duration) -> Self {
        Self::shared(Arc::new(AccountLimiter::new(limit)), max_wait)
    }

    /// An existing (shared) limiter: every carrier wrapped by this layer draws on it.
    pub fn shared(limiter: Arc<AccountLimiter>, max_wait: Duration) -> Self {
        RateLimitLayer { limiter, max_wait }
    }
}

impl Layer for RateLimitLayer {
    fn layer(&self, inner: Arc<dyn Carrier>) -> Arc<dyn Carrier> {
        Layered::wrap(inner, self.clone())
    }
}

impl Around for RateLimitLayer {
    async fn around<'a, T, F, Fut>(&'a self, info: &'a CarrierInfo, attempt: F) -> Result<T>
    where
        T: Send + 'a,
        F: Fn() -> Fut + Send + Sync + 'a,
        Fut: Future<Output = Result<T>> + Send + 'a,
    {
        let deadline = Instant::now().checked_add(self.max_wait);
        self.limiter
            .acquire(deadline)
            .await
            .map_err(|e| e.with_carrier(&info.id))?;
        attempt().await
    }
}
