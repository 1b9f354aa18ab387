//! The shared shape of a layer: something that runs around each call of the inner carrier.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use shipmux_core::{Carrier, CarrierInfo, Rate, RateRequest, Result, Tracking, TrackingNumber};

/// Behaviour wrapped around every call. `call` may run `attempt` several times (retry) or not
/// at all (circuit open).
pub(crate) trait Around: Send + Sync + 'static {
    fn around<'a, T, F, Fut>(
        &'a self,
        info: &'a CarrierInfo,
        attempt: F,
    ) -> impl Future<Output = Result<T>> + Send + 'a
    where
        T: Send + 'a,
        F: Fn() -> Fut + Send + Sync + 'a,
        Fut: Future<Output = Result<T>> + Send + 'a;
}

/// A carrier wrapped in an [`Around`]; forwards every `Carrier` method through it.
pub(crate) struct Layered<A> {
    pub(crate) inner: Arc<dyn Carrier>,
    pub(crate) around: A,
}

impl<A: Around> Layered<A> {
    pub(crate) fn wrap(inner: Arc<dyn Carrier>, around: A) -> Arc<dyn Carrier> {
        Arc::new(Layered { inner, around })
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl<A: Around> Carrier for Layered<A> {
    fn info(&self) -> &CarrierInfo {
        self.inner.info()
    }

    async fn connect(&self) -> Result<()> {
        let inner = &self.inner;
        self.around.around(inner.info(), || inner.connect()).await
    }

    async fn quote(&self, request: &RateRequest) -> Result<Vec<Rate>> {
        let inner = &self.inner;
        self.around
            .around(inner.info(), || inner.quote(request))
            .await
    }

    async fn track(&self, number: &TrackingNumber) -> Result<Tracking> {
        let inner = &self.inner;
        self.around
            .around(inner.info(), || inner.track(number))
            .await
    }

    async fn track_many(&self, numbers: &[TrackingNumber]) -> Vec<Result<Tracking>> {
        let inner = &self.inner;
        let result = self
            .around
            .around(inner.info(), || async {
                Ok(inner.track_many(numbers).await)
            })
            .await;
        match result {
            Ok(results) => results,
            Err(e) => vec![Err(e); numbers.len()],
        }
    }
}
