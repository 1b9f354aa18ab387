//! `ShipFromLayer`: one carrier account ships from its own warehouse.

use std::sync::Arc;

use async_trait::async_trait;
use shipmux_core::{
    Address, Carrier, CarrierInfo, Rate, RateRequest, Result, Tracking, TrackingNumber,
};

use super::Layer;

/// Quotes every shipment of the wrapped carrier from `origin` instead of the request's origin,
/// for an account that ships from a warehouse of its own — e.g. Canada Post from a Canadian
/// warehouse beside UPS, FedEx and USPS shipping from the store in the US. Tracking and
/// `connect` pass through unchanged.
///
/// Everything else in the request (destination, parcels, services, date) is kept. The quote
/// cache sits outside the carrier, so its key still holds the request's origin; that is
/// sound because this layer always puts the same origin in its place.
#[derive(Clone, Debug)]
pub struct ShipFromLayer {
    origin: Address,
}

impl ShipFromLayer {
    /// Ships from `origin`; refuses an address that could not be quoted from (its error names
    /// the field as `ship_from.<field>`).
    pub fn new(origin: Address) -> Result<Self> {
        origin.validate("ship_from")?;
        Ok(ShipFromLayer { origin })
    }

    /// The warehouse this layer ships from.
    pub fn origin(&self) -> &Address {
        &self.origin
    }
}

impl Layer for ShipFromLayer {
    fn layer(&self, inner: Arc<dyn Carrier>) -> Arc<dyn Carrier> {
        // Whatever origin a request names, this account ships from its own warehouse: the
        // route check is the inner carrier's, on the rewritten request.
        let mut info = inner.info().clone();
        info.capabilities.origin_countries.clear();
        info.capabilities.international = true;
        Arc::new(ShipsFrom {
            inner,
            origin: self.origin.clone(),
            info,
        })
    }
}

struct ShipsFrom {
    inner: Arc<dyn Carrier>,
    origin: Address,
    info: CarrierInfo,
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl Carrier for ShipsFrom {
    fn info(&self) -> &CarrierInfo {
        &self.info
    }

    async fn connect(&self) -> Result<()> {
        self.inner.connect().await
    }

    async fn quote(&self, request: &RateRequest) -> Result<Vec<Rate>> {
        let request = RateRequest {
            origin: self.origin.clone(),
            ..request.clone()
        };
        self.inner.quote(&request).await
    }

    async fn track(&self, number: &TrackingNumber) -> Result<Tracking> {
        self.inner.track(number).await
    }

    async fn track_many(&self, numbers: &[TrackingNumber]) -> Vec<Result<Tracking>> {
        self.inner.track_many(numbers).await
    }
}

#[cfg(test)]
mod tests {
    use shipmux_core::testkit::MockCarrier;
    use shipmux_core::{ErrorKind, Parcel, Weight};

    use super::*;

    fn request() -> RateRequest {
        RateRequest::new(
            Address::new("US", "90210"),
            Address::new("CA", "M5V 3L9"),
            vec![Parcel::new(Weight::kg(2.into()))],
        )
        .unwrap()
    }

    #[tokio::test]
    async fn the_carrier_is_asked_from_its_own_warehouse_and_the_rest_is_kept() {
        let (mock, handle) = MockCarrier::pair_with_id("canadapost");
        let warehouse = Address::new("CA", "K1G 3H7").with_city("Ottawa");
        let carrier = ShipFromLayer::new(warehouse.clone())
            .unwrap()
            .layer(Arc::new(mock));
        let asked = request();
        let answer = async {
            let call = handle.next_call().await.expect("the carrier is asked");
            let seen = call.quote_request().expect("a quote").clone();
            call.answer_quote(Ok(vec![]));
            seen
        };
        let (quoted, seen) = tokio::join!(carrier.quote(&asked), answer);
        quoted.unwrap();
        assert_eq!(seen.origin, warehouse);
        assert_eq!(seen.destination, asked.destination);
        assert_eq!(seen.parcels, asked.parcels);
    }

    #[test]
    fn a_warehouse_that_cannot_be_quoted_from_is_refused_by_name() {
        let e = ShipFromLayer::new(Address::new("CA", "90210")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest);
        assert!(e.message.contains("ship_from.postal_code"), "{e}");
    }
}
