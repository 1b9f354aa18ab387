//! The answer to a checkout: shipping options per consignment. JSON:
//! `CheckoutQuote` in docs/design.md.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{CarrierId, Money, Rate};

/// Shipping options for every consignment of a checkout. JSON: `{"consignments": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutQuote {
    /// One entry per consignment, in the checkout's order.
    pub consignments: Vec<ConsignmentQuote>,
}

/// Options for one consignment. JSON:
/// `{"id": "c1", "zone": "US West" | null, "options": [ShippingOption], "errors": [Error]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsignmentQuote {
    /// The consignment's id.
    pub id: String,
    /// The name of the zone that matched, `null` when none did.
    pub zone: Option<String>,
    /// What the shopper may choose, cheapest first is the host's choice of order.
    pub options: Vec<ShippingOption>,
    /// Why options are missing: no zone, or a carrier that failed (one error per carrier).
    pub errors: Vec<Error>,
}

impl ConsignmentQuote {
    /// An empty quote for a consignment.
    pub fn new(id: &str, zone: Option<&str>) -> Self {
        ConsignmentQuote {
            id: id.to_string(),
            zone: zone.map(str::to_string),
            options: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// One choice the shopper sees. JSON: `{"method": "m1", "carrier": "ups" | null,
/// "service": "03" | null, "description": "…", "cost": Money, "transit_days": 3 | null}`,
/// plus `"carrier_total": Money` when the carrier answered in another currency than the
/// store's (its amount as it answered, beside the converted `cost`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingOption {
    /// The id of the method that offered it.
    pub method: String,
    /// The carrier, for real-time options.
    pub carrier: Option<CarrierId>,
    /// The carrier's service code, for real-time options.
    pub service: Option<String>,
    /// What the shopper reads.
    pub description: String,
    /// What the shopper pays for shipping (fees included).
    pub cost: Money,
    /// Business days in transit, when the carrier said.
    pub transit_days: Option<u32>,
    /// The carrier's own total, when it was in another currency and `cost` was converted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_total: Option<Money>,
}

impl ShippingOption {
    /// An option of a rate-table or free method.
    pub fn flat(method: &str, description: &str, cost: Money) -> Self {
        ShippingOption {
            method: method.to_string(),
            carrier: None,
            service: None,
            description: description.to_string(),
            cost,
            transit_days: None,
            carrier_total: None,
        }
    }

    /// An option from a carrier's rate, at `cost` (the rate priced with markup and fees).
    pub fn from_rate(method: &str, rate: &Rate, cost: Money) -> Self {
        ShippingOption {
            method: method.to_string(),
            carrier: Some(rate.carrier.clone()),
            service: Some(rate.service.clone()),
            description: rate.service_name.clone(),
            transit_days: rate.transit_days,
            carrier_total: (rate.total.currency != cost.currency).then(|| rate.total.clone()),
            cost,
        }
    }
}
