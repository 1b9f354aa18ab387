//! What the shipping rules need to know about one consignment.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::lookup::LineItems;
use super::packing::PackItem;
use super::validate::{MAX_AMOUNT, MAX_QUANTITY};
use super::{Checkout, Consignment};
use crate::error::Error;
use crate::model::{Money, Weight};

/// The totals of one consignment that rate tables and thresholds read (our choice: BigCommerce
/// does not say): weight = Σ quantity × unit weight (actual weight, no dimensional weight),
/// item count = Σ quantities, subtotal = Σ quantity × unit price — over *all* its items.
///
/// Items with a product-level fixed shipping cost are left out of what real-time carriers rate
/// (`carrier_item_count`, the parcels) and their costs add up in `fixed_shipping_cost`, which
/// is added to every real-time option, as BigCommerce does (docs/bigcommerce.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsignmentSummary {
    /// Total actual weight, in the unit of the first item.
    pub weight: Weight,
    /// Number of units.
    pub item_count: u64,
    /// Value of the units, in the store currency.
    pub subtotal: Money,
    /// Units that real-time carriers rate (those without a fixed shipping cost).
    pub carrier_item_count: u64,
    /// Σ quantity × fixed shipping cost of the units that have one.
    pub fixed_shipping_cost: Money,
    /// Value of the units that have a fixed shipping cost (left out of a zone's free-shipping
    /// threshold when the zone says `exclude_fixed_shipping_products`).
    pub fixed_shipping_subtotal: Money,
}

impl ConsignmentSummary {
    /// A summary of items without fixed shipping costs (handy for tests and simple hosts).
    pub fn new(weight: Weight, item_count: u64, subtotal: Money) -> Self {
        let zero = Money::zero(subtotal.currency.clone());
        ConsignmentSummary {
            weight,
            item_count,
            subtotal,
            carrier_item_count: item_count,
            fixed_shipping_cost: zero.clone(),
            fixed_shipping_subtotal: zero,
        }
    }
}

impl Checkout {
    /// Totals for one of this checkout's consignments. Call [`Checkout::validate`] first; an
    /// unknown item id is an `invalid_request` error here too.
    pub fn summarize(&self, consignment: &Consignment) -> Result<ConsignmentSummary, Error> {
        let zero = Decimal::ZERO;
        let (mut subtotal, mut fixed_cost, mut fixed_subtotal) = (zero, zero, zero);
        let (mut count, mut carrier_count) = (0u64, 0u64);
        let mut weight: Option<Weight> = None;
        let items = LineItems::new(&self.line_items);
        for (l, line) in consignment.line_items.iter().enumerate() {
            let item = items.get(&line.item_id).ok_or_else(|| {
                Error::invalid_request(
                    &format!("consignment `{}`.line_items[{l}].item_id", consignment.id),
                    format!("`{}` is not a line item of this checkout", line.item_id),
                )
            })?;
            let field = || format!("consignment `{}`.line_items[{l}]", consignment.id);
            let too_large =
                || Error::invalid_request(&field(), "quantities, weights or prices are too large");
            if line.quantity <= 0 || line.quantity > MAX_QUANTITY {
                return Err(Error::invalid_request(
                    &format!("{}.quantity", field()),
                    format!(
                        "must be between 1 and {MAX_QUANTITY}, got {}",
                        line.quantity
                    ),
                ));
            }
            if item.weight.value.abs() > MAX_AMOUNT || item.unit_price.abs() > MAX_AMOUNT {
                return Err(too_large());
            }
            let qty = Decimal::from(line.quantity);
            let units = line.quantity.unsigned_abs();
            let line_weight = Weight::new(item.weight.value * qty, item.weight.unit);
            weight = Some(match weight {
                None => line_weight,
                Some(w) => w.add(&line_weight),
            });
            count += units;
            let value = item.unit_price * qty;
            subtotal = subtotal.checked_add(value).ok_or_else(too_large)?;
            match &item.fixed_shipping_cost {
                Some(cost) if cost.amount.abs() > MAX_AMOUNT => return Err(too_large()),
                Some(cost) => {
                    fixed_cost = fixed_cost
                        .checked_add(cost.amount * qty)
                        .ok_or_else(too_large)?;
                    fixed_subtotal = fixed_subtotal.checked_add(value).ok_or_else(too_large)?;
                }
                None => carrier_count += units,
            }
        }
        let weight = weight.ok_or_else(|| {
            Error::invalid_request(
                &format!("consignment `{}`.line_items", consignment.id),
                "a consignment must carry at least one item",
            )
        })?;
        let money = |amount| Money::new(amount, self.currency.clone());
        Ok(ConsignmentSummary {
            weight,
            item_count: count,
            subtotal: money(subtotal),
            carrier_item_count: carrier_count,
            fixed_shipping_cost: money(fixed_cost),
            fixed_shipping_subtotal: money(fixed_subtotal),
        })
    }

    /// The units real-time carriers rate for a consignment (items with a fixed shipping cost
    /// left out), ready for a [`PackingStrategy`](super::PackingStrategy).
    pub fn items_to_pack(&self, consignment: &Consignment) -> Vec<PackItem> {
        let items = LineItems::new(&self.line_items);
        consignment
            .line_items
            .iter()
            .filter_map(|line| {
                let item = items.get(&line.item_id)?;
                if item.fixed_shipping_cost.is_some() {
                    return None;
                }
                Some(PackItem {
                    id: item.id.clone(),
                    quantity: u64::try_from(line.quantity).ok()?,
                    weight: item.weight,
                    dimensions: item.dimensions,
                    ships_separately: item.ships_separately,
                })
            })
            .collect()
    }
}
