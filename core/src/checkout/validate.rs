//! Checkout validation: every field checked at the edge, errors naming the field
//! (`consignments[1].line_items[0].item_id: …`).
//!
//! The invariants (ours, BigCommerce implies them): each line item's quantities across consignments
//! add up to its cart quantity; no quantity is ≤ 0; every `item_id` exists; no consignment is
//! empty; ids are unique; fixed shipping costs are in the checkout currency.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::Checkout;
use crate::error::Error;

/// The largest quantity one line may hold; more is a typo or an attack on the packer.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// The largest unit price or fixed shipping cost (a trillion in the checkout currency).
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

impl Checkout {
    /// Checks the whole checkout and returns the first problem, naming its field.
    pub fn validate(&self) -> Result<(), Error> {
        self.origin.validate("origin")?;
        if self.line_items.is_empty() {
            return Err(Error::invalid_request(
                "line_items",
                "a checkout needs at least one physical line item",
            ));
        }
        let mut ids = HashSet::new();
        for (i, item) in self.line_items.iter().enumerate() {
            let field = format!("line_items[{i}]");
            if item.id.trim().is_empty() {
                return Err(Error::invalid_request(
                    &format!("{field}.id"),
                    "must not be empty",
                ));
            }
            if !ids.insert(item.id.as_str()) {
                return Err(Error::invalid_request(
                    &format!("{field}.id"),
                    format!("`{}` appears twice in the cart", item.id),
                ));
            }
            check_quantity(&format!("{field}.quantity"), item.quantity)?;
            if item.unit_price < Decimal::ZERO || item.unit_price > MAX_AMOUNT {
                return Err(Error::invalid_request(
                    &format!("{field}.unit_price"),
                    format!(
                        "must be between 0 and {MAX_AMOUNT}, got {}",
                        item.unit_price
                    ),
                ));
            }
            item.weight.validate(&format!("{field}.weight"))?;
            if let Some(dimensions) = &item.dimensions {
                dimensions.validate(&format!("{field}.dimensions"))?;
            }
            if let Some(cost) = &item.fixed_shipping_cost {
                let field = format!("{field}.fixed_shipping_cost");
                if cost.currency != self.currency {
                    return Err(Error::invalid_request(
                        &field,
                        format!(
                            "is in {}, the checkout is in {}",
                            cost.currency, self.currency
                        ),
                    ));
                }
                if cost.amount < Decimal::ZERO || cost.amount > MAX_AMOUNT {
                    return Err(Error::invalid_request(
                        &field,
                        format!("must be between 0 and {MAX_AMOUNT}, got {cost}"),
                    ));
                }
            }
        }
        self.validate_consignments(&ids)
    }

    /// Checks the consignments against the cart; `item_ids` are the cart's line item ids.
    fn validate_consignments(&self, item_ids: &HashSet<&str>) -> Result<(), Error> {
        if self.consignments.is_empty() {
            return Err(Error::invalid_request(
                "consignments",
                "a checkout with physical items needs at least one consignment",
            ));
        }
        let mut ids = HashSet::new();
        let mut shipped: HashMap<&str, i64> = HashMap::new();
        for (c, consignment) in self.consignments.iter().enumerate() {
            let field = format!("consignments[{c}]");
            if consignment.id.trim().is_empty() {
                return Err(Error::invalid_request(
                    &format!("{field}.id"),
                    "must not be empty",
                ));
            }
            if !ids.insert(consignment.id.as_str()) {
                return Err(Error::invalid_request(
                    &format!("{field}.id"),
                    format!("`{}` appears twice", consignment.id),
                ));
            }
            consignment.address.validate(&format!("{field}.address"))?;
            if consignment.line_items.is_empty() {
                return Err(Error::invalid_request(
                    &format!("{field}.line_items"),
                    "a consignment must carry at least one item",
                ));
            }
            for (l, line) in consignment.line_items.iter().enumerate() {
                let field = format!("{field}.line_items[{l}]");
                if !item_ids.contains(line.item_id.as_str()) {
                    return Err(Error::invalid_request(
                        &format!("{field}.item_id"),
                        format!("`{}` is not a line item of this checkout", line.item_id),
                    ));
                }
                check_quantity(&format!("{field}.quantity"), line.quantity)?;
                *shipped.entry(line.item_id.as_str()).or_default() += line.quantity;
            }
        }
        for (i, item) in self.line_items.iter().enumerate() {
            let carried = shipped.get(item.id.as_str()).copied().unwrap_or(0);
            if carried != item.quantity {
                return Err(Error::invalid_request(
                    &format!("line_items[{i}].quantity"),
                    format!(
                        "the cart has {} of `{}` but the consignments carry {carried}",
                        item.quantity, item.id
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn check_quantity(field: &str, quantity: i64) -> Result<(), Error> {
    if quantity <= 0 {
        return Err(Error::invalid_request(
            field,
            format!("must be at least 1, got {quantity}"),
        ));
    }
    if quantity > MAX_QUANTITY {
        return Err(Error::invalid_request(
            field,
            format!("{quantity} is absurd (over {MAX_QUANTITY})"),
        ));
    }
    Ok(())
}
