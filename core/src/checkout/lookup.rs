//! Finding a consignment's line items in the cart by id, in constant time.
//!
//! [`Checkout::line_item`](super::Checkout::line_item) scans the cart; called once per
//! consignment line that made summaries and packing quadratic in the number of line items.

use std::collections::HashMap;

use super::LineItem;

/// Up to this many line items, scanning the cart is cheaper than hashing it.
const SCAN_UP_TO: usize = 16;

/// A cart's line items by id. The first of two items with the same id wins, as with
/// [`Checkout::line_item`](super::Checkout::line_item) (validation refuses such carts).
pub(super) enum LineItems<'a> {
    /// A small cart, scanned.
    Few(&'a [LineItem]),
    /// A larger cart, indexed once.
    Many(HashMap<&'a str, &'a LineItem>),
}

impl<'a> LineItems<'a> {
    /// Indexes `items` (one pass; none for a small cart).
    pub(super) fn new(items: &'a [LineItem]) -> Self {
        if items.len() <= SCAN_UP_TO {
            return LineItems::Few(items);
        }
        let mut index = HashMap::with_capacity(items.len());
        for item in items {
            index.entry(item.id.as_str()).or_insert(item);
        }
        LineItems::Many(index)
    }

    /// The line item with this id.
    pub(super) fn get(&self, id: &str) -> Option<&'a LineItem> {
        match self {
            LineItems::Few(items) => items.iter().find(|item| item.id == id),
            LineItems::Many(index) => index.get(id).copied(),
        }
    }
}
