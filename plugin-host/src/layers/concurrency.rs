//! `ConcurrencyLimitLayer`: at most N calls in flight.

use std::future::Future;
use std::sync::Arc;

use shipmux_core::{Carrier, CarrierInfo, Error, ErrorKind, Result};
use tokio::sync::Semaphore;

use super::Layer;
use super::around::{Around, Layered};

/// Lets at most `max` calls run at once; the rest wait their turn (an outer timeout bounds
/// the wait).
#[derive(Clone, Debug)]
pub struct ConcurrencyLimitLayer {
    max: usize,
}

impl ConcurrencyLimitLayer {
    /// At most `max` calls at once (each wrapped carrier gets its own limit).
    pub fn new(max: usize) -> Self {
        ConcurrencyLimitLayer { max: max.max(1) }
    }
}

impl Layer for ConcurrencyLimitLayer {
    fn layer(&self, inner: Arc<dyn Carrier>) -> Arc<dyn Carrier> {
        Layered::wrap(inner, Semaphore::new(self.max))
    }
}

impl Around for Semaphore {
    async fn around<'a, T, F, Fut>(&'a self, info: &'a CarrierInfo, attempt: F) -> Result<T>
    where
        T: Send + 'a,
        F: Fn() -> Fut + Send + Sync + 'a,
        Fut: Future<Output = Result<T>> + Send + 'a,
    {
        let _permit = self.acquire().await.map_err(|_| {
            Error::new(ErrorKind::Unavailable, "concurrency limiter closed").with_carrier(&info.id)
        })?;
        attempt().await
    }
}
