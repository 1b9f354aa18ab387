//! Rates: what a carrier quotes for a service.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{CarrierId, Money, Weight};

/// The kind of a charge inside a rate's total.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ChargeKind {
    /// The transport base.
    Base,
    /// The carrier's fuel surcharge.
    Fuel,
    /// Other surcharges, accessorial and option fees.
    Surcharge,
    /// Transport taxes.
    Tax,
    /// Anything else (adjustments, discounts).
    Other,
}

/// One component of a rate's total. JSON: `{"kind": "fuel", "code": "…" | null, "amount": Money}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Charge {
    /// What the charge is for.
    pub kind: ChargeKind,
    /// The carrier's code for it, if any.
    pub code: Option<String>,
    /// How much.
    pub amount: Money,
}

/// A quoted price for one service. JSON: see docs/design.md.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rate {
    /// Which carrier quoted it.
    pub carrier: CarrierId,
    /// The carrier's own service code (UPS `03`, FedEx `FEDEX_GROUND`, …).
    pub service: String,
    /// A human name for the service.
    pub service_name: String,
    /// What the account will pay.
    pub total: Money,
    /// The published price, when it differs from `total`.
    pub list_total: Option<Money>,
    /// Components of `total`, in the carrier's order, zero amounts dropped.
    pub charges: Vec<Charge>,
    /// Business days in transit, if known.
    pub transit_days: Option<u32>,
    /// Estimated delivery date, if known.
    pub estimated_delivery: Option<NaiveDate>,
    /// Whether the carrier guarantees the delivery date.
    pub guaranteed: bool,
    /// The weight the carrier billed, if it said.
    pub billed_weight: Option<Weight>,
}

impl Rate {
    /// A rate with only the essentials; the rest empty.
    pub fn new(carrier: CarrierId, service: &str, service_name: &str, total: Money) -> Self {
        Rate {
            carrier,
            service: service.to_string(),
            service_name: service_name.to_string(),
            total,
            list_total: None,
            charges: Vec::new(),
            transit_days: None,
            estimated_delivery: None,
            guaranteed: false,
            billed_weight: None,
        }
    }
}
