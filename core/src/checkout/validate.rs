//! Checkout validation: every field checked at the edge, errors naming the field
//! (`consignments[1].line_items[0].item_id: …`).
//!
//! The invariants (ours, BigCommerce implies them): each line item's quantities across consignments
//! add up to its cart quantity; no quantity is ≤ 0; every `item_id` exists; no consignment is
//! empty; ids are unique; fixed shipping costs are in the checkout currency.
//!
//! The limits (ours): what one checkout may ask for is capped ([`MAX_LINE_ITEMS`],
//! [`MAX_CONSIGNMENTS`], [`MAX_CONSIGNMENT_LINES`], [`MAX_UNITS`]; packing adds
//! [`MAX_PARCELS`](super::MAX_PARCELS)), the counts checked before anything else, so that a
//! checkout too large to quote is refused at once, not after the work. A large B2B cart
//! (thousands of line items) is well inside them.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::Checkout;
use crate::error::Error;
use crate::model::{Dimensions, Weight};

/// The largest quantity one line may hold; more is a typo or an attack on the packer.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// The most line items one checkout may hold.
pub const MAX_LINE_ITEMS: usize = 10_000;

/// The most consignments (destinations) one checkout may have; each is quoted on its own,
/// with its own carrier requests.
pub const MAX_CONSIGNMENTS: usize = 100;

/// The most consignment lines, all consignments together: each line item split, on average,
/// between two destinations.
pub const MAX_CONSIGNMENT_LINES: usize = 2 * MAX_LINE_ITEMS;

/// The most units one checkout may hold, all line items together (one line may hold
/// [`MAX_QUANTITY`]); combined packing refuses more units too.
pub const MAX_UNITS: u64 = 1_000_000;

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
        self.check_counts()?;
        let mut ids = HashSet::with_capacity(self.line_items.len());
        let mut units: u64 = 0;
        for (i, item) in self.line_items.iter().enumerate() {
            // Named only on failure: formatting every item's field names cost more than the checks.
            let field = |name: &str| format!("line_items[{i}].{name}");
            if item.id.trim().is_empty() {
                return Err(Error::invalid_request(&field("id"), "must not be empty"));
            }
            if !ids.insert(item.id.as_str()) {
                return Err(Error::invalid_request(
                    &field("id"),
                    format!("`{}` appears twice in the cart", item.id),
                ));
            }
            check_quantity(|| field("quantity"), item.quantity)?;
            units = units.saturating_add(item.quantity.unsigned_abs());
            if item.unit_price < Decimal::ZERO || item.unit_price > MAX_AMOUNT {
                return Err(Error::invalid_request(
                    &field("unit_price"),
                    format!(
                        "must be between 0 and {MAX_AMOUNT}, got {}",
                        item.unit_price
                    ),
                ));
            }
            named(|| field("weight"), |f| check_weight(f, &item.weight))?;
            if let Some(dimensions) = &item.dimensions {
                named(|| field("dimensions"), |f| check_dimensions(f, dimensions))?;
            }
            if let Some(cost) = &item.fixed_shipping_cost {
                let field = field("fixed_shipping_cost");
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
        if units > MAX_UNITS {
            return Err(Error::invalid_request(
                "line_items[*].quantity",
                format!("{units} units in all, at most {MAX_UNITS}"),
            ));
        }
        self.validate_consignments(&ids)
    }

    /// The caps on how many line items, consignments and consignment lines there are.
    fn check_counts(&self) -> Result<(), Error> {
        let items = self.line_items.len();
        if items > MAX_LINE_ITEMS {
            return Err(Error::invalid_request(
                "line_items",
                format!("{items} items, at most {MAX_LINE_ITEMS}"),
            ));
        }
        let consignments = self.consignments.len();
        if consignments > MAX_CONSIGNMENTS {
            return Err(Error::invalid_request(
                "consignments",
                format!("{consignments} consignments, at most {MAX_CONSIGNMENTS}"),
            ));
        }
        let lines: usize = self.consignments.iter().map(|c| c.line_items.len()).sum();
        if lines > MAX_CONSIGNMENT_LINES {
            return Err(Error::invalid_request(
                "consignments[*].line_items",
                format!("{lines} lines in all, at most {MAX_CONSIGNMENT_LINES}"),
            ));
        }
        Ok(())
    }

    /// Checks the consignments against the cart; `item_ids` are the cart's line item ids.
    fn validate_consignments(&self, item_ids: &HashSet<&str>) -> Result<(), Error> {
        if self.consignments.is_empty() {
            return Err(Error::invalid_request(
                "consignments",
                "a checkout with physical items needs at least one consignment",
            ));
        }
        let mut ids = HashSet::with_capacity(self.consignments.len());
        let mut shipped: HashMap<&str, i64> = HashMap::with_capacity(self.line_items.len());
        for (c, consignment) in self.consignments.iter().enumerate() {
            // Named only on failure, as the line items are.
            let field = |name: &str| format!("consignments[{c}].{name}");
            if consignment.id.trim().is_empty() {
                return Err(Error::invalid_request(&field("id"), "must not be empty"));
            }
            if !ids.insert(consignment.id.as_str()) {
                return Err(Error::invalid_request(
                    &field("id"),
                    format!("`{}` appears twice", consignment.id),
                ));
            }
            named(|| field("address"), |f| consignment.address.validate(f))?;
            if consignment.line_items.is_empty() {
                return Err(Error::invalid_request(
                    &field("line_items"),
                    "a consignment must carry at least one item",
                ));
            }
            for (l, line) in consignment.line_items.iter().enumerate() {
                let field = |name: &str| field(&format!("line_items[{l}].{name}"));
                if !item_ids.contains(line.item_id.as_str()) {
                    return Err(Error::invalid_request(
                        &field("item_id"),
                        format!("`{}` is not a line item of this checkout", line.item_id),
                    ));
                }
                check_quantity(|| field("quantity"), line.quantity)?;
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

fn check_quantity(field: impl FnOnce() -> String, quantity: i64) -> Result<(), Error> {
    if quantity <= 0 {
        return Err(Error::invalid_request(
            &field(),
            format!("must be at least 1, got {quantity}"),
        ));
    }
    if quantity > MAX_QUANTITY {
        return Err(Error::invalid_request(
            &field(),
            format!("{quantity} is absurd (over {MAX_QUANTITY})"),
        ));
    }
    Ok(())
}

/// Runs `check` unnamed, and again naming `field` only when it fails (checks are pure), so
/// that a valid item costs no formatting.
fn named(
    field: impl FnOnce() -> String,
    check: impl Fn(&str) -> Result<(), Error>,
) -> Result<(), Error> {
    check("").or_else(|_| check(&field()))
}

/// [`Weight::validate`], but a value too large to convert to grams is absurd, not a panic.
fn check_weight(field: &str, weight: &Weight) -> Result<(), Error> {
    // Over 100 t in any unit, and small enough to convert.
    if weight.value > MAX_AMOUNT {
        return Err(Error::invalid_request(
            field,
            format!(
                "weight {} {:?} is absurd (over 100 t)",
                weight.value, weight.unit
            ),
        ));
    }
    weight.validate(field)
}

/// [`Dimensions::validate`], but a side too large to convert to millimetres is absurd, not a
/// panic. The sides are checked in the same order, with the same messages.
pub(super) fn check_dimensions(field: &str, dimensions: &Dimensions) -> Result<(), Error> {
    let mut sides = [
        ("length", dimensions.length),
        ("width", dimensions.width),
        ("height", dimensions.height),
    ];
    // Over 10 m in any unit, and small enough to convert.
    let Some(huge) = sides.iter().position(|(_, side)| *side > MAX_AMOUNT) else {
        return dimensions.validate(field);
    };
    let (name, side) = sides[huge];
    for (_, later) in &mut sides[huge..] {
        *later = Decimal::ONE;
    }
    let [(_, length), (_, width), (_, height)] = sides;
    Dimensions::new(length, width, height, dimensions.unit).validate(field)?;
    Err(Error::invalid_request(
        &format!("{field}.{name}"),
        format!("{side} {:?} is absurd (over 10 m)", dimensions.unit),
    ))
}
