//! An order: line items, the shipping addresses they go to, and the shipments sent so far.
//!
//! The order keeps its invariants: every shipment it holds passed the rules of
//! [`shipment`], so shipped quantities never exceed ordered ones. Reading an
//! order from JSON replays its shipments through the same rules.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::fulfilment::Fulfilment;
use super::shipment::{self, NewShipment, Shipment, ShipmentUpdate};
use crate::checkout::{Checkout, ShippingOption};
use crate::error::{Error, ErrorKind, Result};
use crate::model::country::is_iso_country;
use crate::model::{Address, Currency, Weight};

/// One line of an order: a product and how many of it were bought.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    /// The order line's id (BigCommerce's order product id); shipments refer to it.
    pub id: String,
    /// The catalogue product.
    pub product_id: String,
    /// Product name, for people.
    #[serde(default)]
    pub name: Option<String>,
    /// How many were ordered (at least 1).
    pub quantity: u32,
    /// Weight of one unit.
    pub weight: Weight,
    /// Price of one unit, in the order's currency.
    #[serde(with = "crate::model::decimal_str")]
    pub price: Decimal,
    /// Digital lines are not shipped.
    #[serde(default)]
    pub digital: bool,
}

impl LineItem {
    /// A physical line item.
    pub fn new(id: &str, product_id: &str, quantity: u32, weight: Weight, price: Decimal) -> Self {
        LineItem {
            id: id.into(),
            product_id: product_id.into(),
            name: None,
            quantity,
            weight,
            price,
            digital: false,
        }
    }
}

/// How many of one line item go to one shipping address. Same shape as a checkout
/// consignment's line item.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AddressItem {
    /// The line item's id.
    pub item_id: String,
    /// How many of it go to this address.
    pub quantity: u32,
}

/// One of an order's shipping addresses with the items going there. A checkout's consignment
/// becomes one of these (its `line_items` are read as `items`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingAddress {
    /// The address's id within the order (BigCommerce's `order_address_id`).
    pub id: String,
    /// Where to.
    pub address: Address,
    /// Which line items, and how many of each, go here.
    #[serde(alias = "line_items")]
    pub items: Vec<AddressItem>,
    /// The shipping option the shopper chose at checkout for this address.
    #[serde(default)]
    pub shipping: Option<ShippingOption>,
}

impl ShippingAddress {
    /// An address receiving `items` (line item id, quantity).
    pub fn new(id: &str, address: Address, items: &[(&str, u32)]) -> Self {
        ShippingAddress {
            id: id.into(),
            address,
            items: items
                .iter()
                .map(|(item_id, quantity)| AddressItem {
                    item_id: (*item_id).into(),
                    quantity: *quantity,
                })
                .collect(),
            shipping: None,
        }
    }

    /// Sets the shipping option chosen at checkout.
    pub fn with_shipping(mut self, shipping: ShippingOption) -> Self {
        self.shipping = Some(shipping);
        self
    }

    /// How many of `item_id` go to this address (0 when none).
    pub fn quantity_of(&self, item_id: &str) -> u32 {
        self.items
            .iter()
            .filter(|i| i.item_id == item_id)
            .map(|i| i.quantity)
            .sum()
    }
}

/// An order with its shipments. JSON:
/// `{"id", "currency", "line_items": [LineItem], "shipping_addresses": [ShippingAddress],
///   "shipments": [Shipment]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OrderData")]
pub struct Order {
    id: String,
    currency: Currency,
    line_items: Vec<LineItem>,
    shipping_addresses: Vec<ShippingAddress>,
    shipments: Vec<Shipment>,
}

/// An order as written, before its rules are checked.
#[derive(Deserialize)]
struct OrderData {
    id: String,
    currency: Currency,
    line_items: Vec<LineItem>,
    shipping_addresses: Vec<ShippingAddress>,
    #[serde(default)]
    shipments: Vec<NewShipment>,
}

impl TryFrom<OrderData> for Order {
    type Error = Error;
    fn try_from(data: OrderData) -> Result<Order> {
        let mut order = Order::new(
            &data.id,
            data.currency,
            data.line_items,
            data.shipping_addresses,
        )?;
        for (i, shipment) in data.shipments.into_iter().enumerate() {
            order
                .create_shipment(shipment)
                .map_err(|e| prefixed(e, &format!("shipments[{i}]")))?;
        }
        Ok(order)
    }
}

impl Order {
    /// An order without shipments. Checks that ids are unique, quantities at least 1, each
    /// address's items exist and are physical, and that each physical line's quantity is
    /// split exactly over the addresses (as a checkout's consignments must).
    pub fn new(
        id: &str,
        currency: Currency,
        line_items: Vec<LineItem>,
        shipping_addresses: Vec<ShippingAddress>,
    ) -> Result<Order> {
        if id.trim().is_empty() {
            return Err(Error::invalid_request("id", "an order needs an id"));
        }
        let mut seen = HashSet::new();
        for (i, line) in line_items.iter().enumerate() {
            let field = format!("line_items[{i}]");
            if line.id.trim().is_empty() {
                return Err(Error::invalid_request(&format!("{field}.id"), "is empty"));
            }
            if !seen.insert(line.id.as_str()) {
                return Err(Error::invalid_request(
                    &format!("{field}.id"),
                    format!("line item `{}` is listed twice", line.id),
                ));
            }
            if line.quantity == 0 {
                return Err(Error::invalid_request(
                    &format!("{field}.quantity"),
                    "must be at least 1, got 0",
                ));
            }
            if line.price.is_sign_negative() {
                return Err(Error::invalid_request(
                    &format!("{field}.price"),
                    format!("must not be negative, got {}", line.price),
                ));
            }
            // Zero is allowed: digital lines and products without a recorded weight.
            if line.weight.value.is_sign_negative() {
                return Err(Error::invalid_request(
                    &format!("{field}.weight"),
                    format!("must not be negative, got {}", line.weight.value),
                ));
            }
        }
        let lines: HashMap<&str, &LineItem> =
            line_items.iter().map(|l| (l.id.as_str(), l)).collect();
        let mut allocated: HashMap<&str, u32> = HashMap::new();
        let mut address_ids = HashSet::new();
        for (a, address) in shipping_addresses.iter().enumerate() {
            let field = format!("shipping_addresses[{a}]");
            if address.id.trim().is_empty() {
                return Err(Error::invalid_request(&format!("{field}.id"), "is empty"));
            }
            if !address_ids.insert(address.id.as_str()) {
                return Err(Error::invalid_request(
                    &format!("{field}.id"),
                    format!("shipping address `{}` is listed twice", address.id),
                ));
            }
            // Only the country is checked: an order records where goods go, as the store
            // accepted it (BigCommerce writes state names, not codes, for instance).
            if !is_iso_country(address.address.country.trim()) {
                return Err(Error::invalid_request(
                    &format!("{field}.address.country"),
                    format!(
                        "`{}` is not an ISO 3166-1 alpha-2 country code",
                        address.address.country
                    ),
                ));
            }
            if address.items.is_empty() {
                return Err(Error::invalid_request(
                    &format!("{field}.items"),
                    "a shipping address must receive at least one item",
                ));
            }
            let mut here = HashSet::new();
            for (i, item) in address.items.iter().enumerate() {
                let field = format!("{field}.items[{i}]");
                let Some(line) = lines.get(item.item_id.as_str()) else {
                    return Err(Error::invalid_request(
                        &format!("{field}.item_id"),
                        format!("`{}` is not a line item of order {id}", item.item_id),
                    ));
                };
                if line.digital {
                    return Err(Error::invalid_request(
                        &format!("{field}.item_id"),
                        format!("line item `{}` is digital and is not shipped", line.id),
                    ));
                }
                if !here.insert(item.item_id.as_str()) {
                    return Err(Error::invalid_request(
                        &format!("{field}.item_id"),
                        format!("line item `{}` is listed twice", item.item_id),
                    ));
                }
                if item.quantity == 0 {
                    return Err(Error::invalid_request(
                        &format!("{field}.quantity"),
                        "must be at least 1, got 0",
                    ));
                }
                *allocated.entry(line.id.as_str()).or_default() += item.quantity;
            }
        }
        for (i, line) in line_items.iter().enumerate() {
            let to_addresses = allocated.get(line.id.as_str()).copied().unwrap_or(0);
            if !line.digital && to_addresses != line.quantity {
                return Err(Error::invalid_request(
                    &format!("line_items[{i}].quantity"),
                    format!(
                        "line item `{}` ordered {} but the shipping addresses receive {}",
                        line.id, line.quantity, to_addresses
                    ),
                ));
            }
        }
        Ok(Order {
            id: id.to_string(),
            currency,
            line_items,
            shipping_addresses,
            shipments: Vec::new(),
        })
    }

    /// The order a checkout becomes: its line items (product id = line id, as a checkout
    /// knows no products), and one shipping address per consignment with the option the
    /// shopper selected. As in BigCommerce, every consignment needs a selected option.
    pub fn from_checkout(
        id: &str,
        checkout: &Checkout,
        selected: &[(&str, ShippingOption)],
    ) -> Result<Order> {
        checkout.validate()?;
        let count = |field: &str, quantity: i64| {
            u32::try_from(quantity).map_err(|_| {
                Error::invalid_request(field, format!("quantity {quantity} is out of range"))
            })
        };
        let mut line_items = Vec::new();
        for (i, line) in checkout.line_items.iter().enumerate() {
            line_items.push(LineItem::new(
                &line.id,
                &line.id,
                count(&format!("line_items[{i}].quantity"), line.quantity)?,
                line.weight,
                line.unit_price,
            ));
        }
        let mut shipping_addresses = Vec::new();
        for (c, consignment) in checkout.consignments.iter().enumerate() {
            let Some((_, option)) = selected.iter().find(|(cid, _)| *cid == consignment.id) else {
                return Err(Error::invalid_request(
                    &format!("consignments[{c}]"),
                    format!(
                        "consignment `{}` has no selected shipping option; a checkout becomes \
                         an order only when every consignment has one",
                        consignment.id
                    ),
                ));
            };
            let mut items = Vec::new();
            for (i, line) in consignment.line_items.iter().enumerate() {
                items.push(AddressItem {
                    item_id: line.item_id.clone(),
                    quantity: count(
                        &format!("consignments[{c}].line_items[{i}].quantity"),
                        line.quantity,
                    )?,
                });
            }
            shipping_addresses.push(ShippingAddress {
                id: consignment.id.clone(),
                address: consignment.address.clone(),
                items,
                shipping: Some(option.clone()),
            });
        }
        Order::new(
            id,
            checkout.currency.clone(),
            line_items,
            shipping_addresses,
        )
    }

    /// The order's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The currency of prices and shipping costs.
    pub fn currency(&self) -> &Currency {
        &self.currency
    }

    /// The order's lines.
    pub fn line_items(&self) -> &[LineItem] {
        &self.line_items
    }

    /// Where the order ships.
    pub fn shipping_addresses(&self) -> &[ShippingAddress] {
        &self.shipping_addresses
    }

    /// The shipments so far, in the order they were created.
    pub fn shipments(&self) -> &[Shipment] {
        &self.shipments
    }

    /// One line item by id.
    pub fn line_item(&self, id: &str) -> Option<&LineItem> {
        self.line_items.iter().find(|l| l.id == id)
    }

    /// One shipping address by id.
    pub fn shipping_address(&self, id: &str) -> Option<&ShippingAddress> {
        self.shipping_addresses.iter().find(|a| a.id == id)
    }

    /// One shipment by id.
    pub fn shipment(&self, id: &str) -> Option<&Shipment> {
        self.shipments.iter().find(|s| s.id == id)
    }

    /// How many of `item_id` the shipments so far send to `address_id`.
    pub fn shipped_quantity(&self, address_id: &str, item_id: &str) -> u32 {
        shipment::shipped(&self.shipments, address_id, item_id, None)
    }

    /// How many of `item_id` are still to be shipped to `address_id`.
    pub fn unshipped_quantity(&self, address_id: &str, item_id: &str) -> u32 {
        let ordered = self
            .shipping_address(address_id)
            .map_or(0, |a| a.quantity_of(item_id));
        ordered.saturating_sub(self.shipped_quantity(address_id, item_id))
    }

    /// Creates a shipment after checking every rule (see [`NewShipment`]); returns it with its
    /// id, its detected tracking carrier and normalized tracking number filled in.
    pub fn create_shipment(&mut self, new: NewShipment) -> Result<&Shipment> {
        let shipment = shipment::check_new(self, new)?;
        self.shipments.push(shipment);
        Ok(self.shipments.last().expect("just pushed"))
    }

    /// Updates a shipment's address, tracking, method or comments (never its items), checking
    /// the rules again. `not_found` when the order has no such shipment.
    pub fn update_shipment(&mut self, id: &str, update: ShipmentUpdate) -> Result<&Shipment> {
        let index = self.shipment_index(id)?;
        let updated = shipment::check_update(self, &self.shipments[index], update)?;
        self.shipments[index] = updated;
        Ok(&self.shipments[index])
    }

    /// Deletes a shipment, freeing its quantities to be shipped again. `not_found` when the
    /// order has no such shipment.
    pub fn delete_shipment(&mut self, id: &str) -> Result<Shipment> {
        let index = self.shipment_index(id)?;
        Ok(self.shipments.remove(index))
    }

    /// The order's fulfilment from its shipments alone (no tracking: never `delivered`).
    pub fn fulfilment(&self) -> Fulfilment {
        Fulfilment::of(self, |_| None)
    }

    fn shipment_index(&self, id: &str) -> Result<usize> {
        self.shipments
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("shipment `{id}` is not a shipment of order {}", self.id),
                )
            })
    }
}

/// Puts `prefix.` in front of an error's field path.
fn prefixed(mut error: Error, prefix: &str) -> Error {
    error.message = format!("{prefix}.{}", error.message);
    error
}
