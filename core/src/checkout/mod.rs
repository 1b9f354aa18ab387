//! Checkouts, consignments and packing line items into parcels.
//!
//! A [`Checkout`] is the cart's physical line items split into [`Consignment`]s, each going to
//! one address (docs/bigcommerce.md). [`Checkout::validate`] enforces that the quantities add up
//! and that the checkout is within the limits ([`MAX_LINE_ITEMS`], [`MAX_CONSIGNMENTS`],
//! [`MAX_CONSIGNMENT_LINES`], [`MAX_UNITS`]); [`Checkout::summarize`] gives the totals the
//! shipping [rules](crate::rules) read; a [`PackingStrategy`] turns the units carriers rate into
//! [`Parcel`](crate::Parcel)s, and a [`DimWeightRule`] says what a parcel bills as. The answer is
//! a [`CheckoutQuote`].
//!
//! ```
//! use std::str::FromStr;
//! use rust_decimal::Decimal;
//! use shipmux_core::checkout::{Checkout, Consignment, ConsignmentLine, LineItem, PackingStrategy};
//! use shipmux_core::{Address, Currency, Weight};
//!
//! let checkout = Checkout::new(
//!     Address::new("US", "90210").with_region("CA"),
//!     Currency::usd(),
//!     vec![LineItem::new("li-1", 3, Decimal::from_str("19.99")?, Weight::lb(Decimal::from(40)))],
//!     vec![Consignment::new("c1", Address::new("US", "10001"), vec![ConsignmentLine::new("li-1", 3)])],
//! )?;
//! let consignment = &checkout.consignments[0];
//! let summary = checkout.summarize(consignment)?;
//! assert_eq!(summary.weight, Weight::lb(Decimal::from(120)));
//! assert_eq!(summary.subtotal.amount, Decimal::from_str("59.97")?);
//!
//! // Three 40 lb units, at most 70 lb a parcel (USPS's limit, from its descriptor): one each.
//! shipmux_core::descriptor::install(&[&shipmux_usps::DESCRIPTOR]);
//! let parcels = PackingStrategy::combined_for("usps").pack(&checkout.items_to_pack(consignment))?;
//! assert_eq!(parcels.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cart;
mod dim_weight;
mod first_fit;
mod lookup;
mod packing;
mod quote;
mod summary;
mod validate;

pub use cart::{Checkout, Consignment, ConsignmentLine, LineItem};
pub use dim_weight::DimWeightRule;
pub use packing::{MAX_PARCELS, PackItem, PackingStrategy, carrier_max_weight};
pub use quote::{CheckoutQuote, ConsignmentQuote, ShippingOption};
pub use summary::ConsignmentSummary;
pub use validate::{
    MAX_CONSIGNMENT_LINES, MAX_CONSIGNMENTS, MAX_LINE_ITEMS, MAX_QUANTITY, MAX_UNITS,
};
