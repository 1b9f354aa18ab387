//! `ChaosLayer`: injected latency and failures for load tests and demos.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use shipmux_core::{Carrier, CarrierInfo, Error, ErrorKind, Result};

use super::Layer;
use super::around::{Around, Layered};

/// Adds a random latency in `latency` to every call and fails a fraction `error_rate` of
/// calls with a retryable `unavailable` error. Not for production.
#[derive(Clone, Debug, Default)]
pub struct ChaosLayer {
    min_latency: Duration,
    max_latency: Duration,
    error_rate: f64,
}

impl ChaosLayer {
    /// Latency uniformly between `min` and `max`; `error_rate` in 0..=1.
    pub fn new(min: Duration, max: Duration, error_rate: f64) -> Self {
        ChaosLayer {
            min_latency: min,
            max_latency: max.max(min),
            error_rate: error_rate.clamp(0.0, 1.0),
        }
    }
}

impl Layer for ChaosLayer {
    fn layer(&self, inner: Arc<dyn Carrier>) -> Arc<dyn Carrier> {
        Layered::wrap(inner, self.clone())
    }
}

impl Around for ChaosLayer {
    async fn around<'a, T, F, Fut>(&'a self, info: &'a CarrierInfo, attempt: F) -> Result<T>
    where
        T: Send + 'a,
        F: Fn() -> Fut + Send + Sync + 'a,
        Fut: Future<Output = Result<T>> + Send + 'a,
    {
        let (delay, fail) = {
            let mut rng = rand::rng();
            let delay = if self.max_latency > self.min_latency {
                rng.random_range(self.min_latency..=self.max_latency)
            } else {
                self.min_latency
            };
            (delay, rng.random_bool(self.error_rate))
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if fail {
            return Err(
                Error::new(ErrorKind::Unavailable, "chaos: injected failure")
                    .with_carrier(&info.id),
            );
        }
        attempt().await
    }
}
