//! Shipping rules: zones, methods, rate tables, markups and handling fees (docs/bigcommerce.md),
//! and a loader for a BigCommerce store's existing setup.
//!
//! For each consignment the host:
//! 1. finds the zone — [`ZoneMatcher::zone_for`] (most specific wins; no zone is a typed
//!    [`NoShippingZone`], which converts into the consignment's `not_found` error);
//! 2. asks the zone what it offers for the consignment's totals — [`Zone::offers`], which
//!    leaves out disabled and absent methods and includes every handling fee;
//! 3. shows each [`MethodOutcome::Static`] cost as is, and for each
//!    [`MethodOutcome::RealTime`] packs the parcels with the query's
//!    [`PackingStrategy`](crate::checkout::PackingStrategy), asks the carrier for the allowed
//!    services, and prices each rate with [`RatePricing::cost`].
//!
//! ```
//! use std::str::FromStr;
//! use rust_decimal::Decimal;
//! use shipmux_core::rules::{MethodOutcome, ZoneMatcher};
//! use shipmux_core::checkout::ConsignmentSummary;
//! use shipmux_core::{Address, CarrierId, Money, Rate, Weight};
//!
//! let rules: ZoneMatcher = serde_json::from_str(r#"{"zones": [
//!   {"id": "us", "name": "United States", "type": "country",
//!    "locations": [{"country": "US"}],
//!    "handling_fee": {"fixed": "1.00"},
//!    "methods": [
//!      {"id": "flat", "name": "Flat Rate", "type": "per_order", "rate": "8.00"},
//!      {"id": "ups", "name": "UPS", "type": "real_time", "carrier": "ups",
//!       "services": ["03"], "markup": {"percent": "10"}}
//!    ]}
//! ]}"#)?;
//!
//! let zone = rules.zone_for(&Address::new("US", "10001"))?;
//! let summary = ConsignmentSummary::new(
//!     Weight::lb(Decimal::from(3)), 2, Money::parse("40.00", "USD")?);
//! let offers = zone.offers(&summary);
//!
//! // Flat rate 8.00 plus the zone's 1.00 handling fee.
//! assert_eq!(offers[0].outcome.static_cost().unwrap().amount, Decimal::from_str("9.00")?);
//!
//! // The real-time method says whom to ask, and prices what comes back.
//! let MethodOutcome::RealTime(query) = &offers[1].outcome else { unreachable!() };
//! assert_eq!(query.carrier.as_str(), "ups");
//! assert_eq!(query.services.as_deref(), Some(&["03".to_string()][..]));
//! let rate = Rate::new(CarrierId::from_static("ups"), "03", "UPS Ground",
//!                      Money::parse("12.00", "USD")?);
//! // 12.00 + 10 % = 13.20, + 1.00 zone handling = 14.20
//! assert_eq!(query.pricing.cost(&rate)?.amount, Decimal::from_str("14.20")?);
//!
//! // No zone covers Canada: a typed "no shipping to this address".
//! let none = rules.zone_for(&Address::new("CA", "K1A 0B1")).unwrap_err();
//! assert!(none.to_string().starts_with("no shipping to this address"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod bigcommerce;
pub(crate) mod decimal_text;
mod fees;
mod method;
mod postcode;
mod zone;

pub use bigcommerce::BigCommerceImport;
pub use fees::{Adjustment, FeeSchedule, FeeStep, FeeStepKind, HandlingFee, Markup, PricedCost};
pub use method::{
    DefaultCost, Method, MethodKind, MethodOutcome, RatePricing, RateRange, RateTable,
    RealTimeMethod, RealTimeQuery, Unavailable, WeightTable,
};
pub use postcode::{PostcodePattern, is_partial_postcode};
pub use zone::{
    NoShippingZone, Offer, Zone, ZoneFreeShipping, ZoneKind, ZoneLocation, ZoneMatcher,
};
