//! `TimeoutLayer`: a deadline on every call.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use shipmux_core::{Carrier, CarrierInfo, Error, Result};

use super::Layer;
use super::around::{Around, Layered};

/// Fails a call that takes longer than `timeout` with a retryable `timeout` error naming the
/// carrier; the inner call is dropped (cancelled).
#[derive(Clone, Debug)]
pub struct TimeoutLayer {
    timeout: Duration,
}

impl TimeoutLayer {
    /// A deadline of `timeout` per call.
    pub fn new(timeout: Duration) -> Self {
        TimeoutLayer { timeout }
    }
}

impl Layer for TimeoutLayer {
    fn layer(&self, inner: Arc<dyn Carrier>) -> Arc<dyn Carrier> {
        Layered::wrap(inner, self.clone())
    }
}

impl Around for TimeoutLayer {
    async fn around<'a, T, F, Fut>(&'a self, info: &'a CarrierInfo, attempt: F) -> Result<T>
    where
        T: Send + 'a,
        F: Fn() -> Fut + Send + Sync + 'a,
        Fut: Future<Output = Result<T>> + Send + 'a,
    {
        match tokio::time::timeout(self.timeout, attempt()).await {
            Ok(result) => result,
            Err(_) => Err(Error::timeout(format!(
                "no answer within {} ms",
                self.timeout.as_millis()
            ))
            .with_carrier(&info.id)),
        }
    }
}
