//! `CachedCarrier`: a carrier whose quotes go through a [`QuoteCache`].

use std::sync::Arc;

use async_trait::async_trait;
use shipmux_core::{Carrier, CarrierInfo, Rate, RateRequest, Result, Tracking, TrackingNumber};

use super::QuoteCache;

/// Wraps a carrier so that `quote` is answered from the cache when it can be; every other
/// method goes straight through. `scope` separates entries (checkout uses zone and method).
pub struct CachedCarrier {
    inner: Arc<dyn Carrier>,
    cache: Arc<QuoteCache>,
    scope: Arc<str>,
}

impl CachedCarrier {
    /// `inner` cached in `cache` under `scope`.
    pub fn new(inner: Arc<dyn Carrier>, cache: Arc<QuoteCache>, scope: &str) -> Self {
        CachedCarrier {
            inner,
            cache,
            scope: scope.into(),
        }
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl Carrier for CachedCarrier {
    fn info(&self) -> &CarrierInfo {
        self.inner.info()
    }

    async fn connect(&self) -> Result<()> {
        self.inner.connect().await
    }

    async fn quote(&self, request: &RateRequest) -> Result<Vec<Rate>> {
        if !self.cache.enabled() {
            let (rates, _) = self.cache.bypass(|| self.inner.quote(request)).await?;
            return Ok(Arc::unwrap_or_clone(rates));
        }
        let key = self.cache.key(&self.inner.info().id, &self.scope, request);
        let (rates, _) = self
            .cache
            .get_or_load(key, || self.inner.quote(request))
            .await?;
        Ok(Arc::unwrap_or_clone(rates))
    }

    async fn track(&self, number: &TrackingNumber) -> Result<Tracking> {
        self.inner.track(number).await
    }

    async fn track_many(&self, numbers: &[TrackingNumber]) -> Vec<Result<Tracking>> {
        self.inner.track_many(numbers).await
    }
}
