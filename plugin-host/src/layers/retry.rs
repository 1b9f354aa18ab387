//! `RetryLayer`: retries retryable failures of whole calls.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use shipmux_core::{Carrier, CarrierInfo, Result};

use super::Layer;
use super::around::{Around, Layered};
use crate::resilience::RetryPolicy;

/// Retries calls that failed with a retryable error (timeouts, unavailable, rate limited) by
/// `policy`: jittered backoff, `retry_after` honoured, the policy's budget shared by all calls.
/// Errors returned after the last attempt are marked not retryable.
#[derive(Clone, Debug)]
pub struct RetryLayer {
    policy: RetryPolicy,
}

impl RetryLayer {
    /// Retries by `policy`.
    pub fn new(policy: RetryPolicy) -> Self {
        RetryLayer { policy }
    }
}

impl Layer for RetryLayer {
    fn layer(&self, inner: Arc<dyn Carrier>) -> Arc<dyn Carrier> {
        Layered::wrap(inner, self.clone())
    }
}

impl Around for RetryLayer {
    async fn around<'a, T, F, Fut>(&'a self, info: &'a CarrierInfo, attempt: F) -> Result<T>
    where
        T: Send + 'a,
        F: Fn() -> Fut + Send + Sync + 'a,
        Fut: Future<Output = Result<T>> + Send + 'a,
    {
        self.policy.budget.deposit();
        let mut n = 0;
        loop {
            n += 1;
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    // Layers have no call deadline of their own; an outer timeout bounds us.
                    match self.policy.delay_before_retry(n, &e, Duration::MAX) {
                        Some(wait) => {
                            tracing::debug!(carrier = %info.id, attempt = n, error = %e, "retrying");
                            tokio::time::sleep(wait).await;
                        }
                        None => {
                            let e = e.with_carrier(&info.id);
                            return Err(if self.policy.max_attempts > 1 {
                                e.retryable(false)
                            } else {
                                e
                            });
                        }
                    }
                }
            }
        }
    }
}
