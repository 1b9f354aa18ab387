//! `CircuitBreakerLayer`: stops calling a carrier that keeps failing.

use std::future::Future;
use std::sync::Arc;

use shipmux_core::{Carrier, CarrierInfo, Error, ErrorKind, Result};

use super::Layer;
use super::around::{Around, Layered};
use crate::resilience::{BreakerOptions, CircuitBreaker};

/// After `failure_threshold` consecutive `unavailable`/`timeout` failures, calls fail at once
/// with `unavailable` for `open_for`; then one probe call decides whether to close again.
#[derive(Clone, Debug, Default)]
pub struct CircuitBreakerLayer {
    options: BreakerOptions,
}

impl CircuitBreakerLayer {
    /// A breaker with `options` (each wrapped carrier gets its own).
    pub fn new(options: BreakerOptions) -> Self {
        CircuitBreakerLayer { options }
    }
}

impl Layer for CircuitBreakerLayer {
    fn layer(&self, inner: Arc<dyn Carrier>) -> Arc<dyn Carrier> {
        Layered::wrap(inner, CircuitBreaker::new(self.options.clone()))
    }
}

impl Around for CircuitBreaker {
    async fn around<'a, T, F, Fut>(&'a self, info: &'a CarrierInfo, attempt: F) -> Result<T>
    where
        T: Send + 'a,
        F: Fn() -> Fut + Send + Sync + 'a,
        Fut: Future<Output = Result<T>> + Send + 'a,
    {
        let permit = self.acquire().map_err(|wait| {
            Error::new(
                ErrorKind::Unavailable,
                "circuit open after repeated failures; not calling the carrier",
            )
            .with_retry_after(Some(wait))
            .with_carrier(&info.id)
        })?;
        let result = attempt().await;
        permit.record(
            matches!(&result, Err(e) if e.is(ErrorKind::Unavailable) || e.is(ErrorKind::Timeout)),
        );
        result
    }
}
