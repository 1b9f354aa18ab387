//! The `Carrier` trait: what the host fans out over and what layers wrap.

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::model::{CarrierInfo, Rate, RateRequest, Tracking, TrackingNumber};

/// A shipping carrier that quotes and tracks.
///
/// Object safe: the host holds carriers as `Arc<dyn Carrier>`, and layers (timeout, retry,
/// rate limit, …) wrap one `Arc<dyn Carrier>` in another. Most carriers are not written
/// against this trait directly but as a [`CarrierProtocol`](crate::protocol::CarrierProtocol)
/// that the host's `HttpCarrier` drives; implement `Carrier` yourself for carriers with no
/// HTTP API (an in-memory rate table, say).
#[async_trait]
pub trait Carrier: Send + Sync {
    /// Id, name, services and capabilities.
    fn info(&self) -> &CarrierInfo;

    /// Checks that the carrier can be reached with the configured credentials.
    async fn connect(&self) -> Result<()>;

    /// Rates for every service that can carry `request`'s parcels (only `request.services`
    /// when given). The request has been validated by the caller.
    async fn quote(&self, request: &RateRequest) -> Result<Vec<Rate>>;

    /// What the carrier knows about one tracking number.
    async fn track(&self, number: &TrackingNumber) -> Result<Tracking>;

    /// Tracks several numbers; one result per number, in order. Carriers that take batches
    /// override this; the default tracks each number concurrently.
    async fn track_many(&self, numbers: &[TrackingNumber]) -> Vec<Result<Tracking>> {
        futures::future::join_all(numbers.iter().map(|n| self.track(n))).await
    }
}

/// Helpers on every [`Carrier`] that implementors never write.
#[async_trait]
pub trait CarrierExt: Carrier {
    /// Validates the request, then quotes.
    async fn quote_checked(&self, request: &RateRequest) -> Result<Vec<Rate>> {
        request.validate()?;
        self.quote(request).await
    }

    /// Quotes only the given services.
    async fn quote_services(&self, request: &RateRequest, services: &[&str]) -> Result<Vec<Rate>> {
        let request = request.clone().with_services(services.iter().copied());
        self.quote(&request).await
    }

    /// The cheapest rate (by `total`, same-currency comparison), if any was quoted.
    async fn cheapest(&self, request: &RateRequest) -> Result<Option<Rate>> {
        Ok(cheapest(self.quote(request).await?))
    }

    /// The fastest rate (fewest transit days; unknown transit last; price breaks ties).
    async fn fastest(&self, request: &RateRequest) -> Result<Option<Rate>> {
        Ok(fastest(self.quote(request).await?))
    }

    /// The rate for exactly one service, or `not_found` when the carrier did not offer it.
    async fn quote_service(&self, request: &RateRequest, service: &str) -> Result<Rate> {
        let rates = self.quote_services(request, &[service]).await?;
        rates
            .into_iter()
            .find(|r| r.service == service)
            .ok_or_else(|| {
                Error::new(
                    crate::error::ErrorKind::NotFound,
                    format!("service `{service}` was not offered for this shipment"),
                )
                .with_carrier(&self.info().id)
            })
    }
}

impl<C: Carrier + ?Sized> CarrierExt for C {}

/// The cheapest of some rates.
pub fn cheapest(rates: Vec<Rate>) -> Option<Rate> {
    rates
        .into_iter()
        .min_by(|a, b| a.total.amount.cmp(&b.total.amount))
}

/// The fastest of some rates (unknown transit last, price breaks ties).
pub fn fastest(rates: Vec<Rate>) -> Option<Rate> {
    rates.into_iter().min_by(|a, b| {
        let ta = a.transit_days.unwrap_or(u32::MAX);
        let tb = b.transit_days.unwrap_or(u32::MAX);
        ta.cmp(&tb).then(a.total.amount.cmp(&b.total.amount))
    })
}
