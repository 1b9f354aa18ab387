//! Shipments: some of an order's items going to one of its addresses, with tracking.
//!
//! The rules every create and update checks, each refused with `invalid_request` naming the
//! field and the rule (docs/bigcommerce.md; BigCommerce documents few, the rest are ours):
//!
//! - `order_address_id` is one of the order's shipping addresses;
//! - `items` is not empty, lists each line item once, each with `quantity` ≥ 1;
//! - every item is a physical line item of the order that goes to that address;
//! - shipped quantities, over all the order's shipments, never exceed what the address
//!   ordered of each line;
//! - a tracking number is valid (shape and check digit) for the tracking carrier: the named
//!   `tracking_carrier`, else the carrier the `shipping_provider` names, else the one
//!   detected from the number;
//! - an update never changes `items` (as BigCommerce's PUT); delete and re-create instead;
//! - `tracking_link` ≤ 500 and `comments` ≤ 65 535 characters, as BigCommerce allows.

use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::order::Order;
use super::tracking_number::{detect_one, validate};
use crate::error::{Error, Result};
use crate::model::{CarrierId, TrackingNumber};

/// How many of one line item a shipment carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ShipmentItem {
    /// The line item's id (BigCommerce's `order_product_id`).
    pub item_id: String,
    /// How many (at least 1).
    pub quantity: u32,
}

/// A shipment that passed the rules. Get one from [`Order::create_shipment`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// Its id within the order.
    pub id: String,
    /// The shipping address it goes to.
    pub order_address_id: String,
    /// What it carries.
    pub items: Vec<ShipmentItem>,
    /// Who ships it, in BigCommerce's words (`ups`, `upsready`, `carrier_12`, …).
    pub shipping_provider: Option<String>,
    /// The carrier that tracks it.
    pub tracking_carrier: Option<CarrierId>,
    /// The normalized tracking number.
    pub tracking_number: Option<TrackingNumber>,
    /// A custom tracking link, overriding the carrier's.
    pub tracking_link: Option<String>,
    /// The shipping method, free text (`UPS Ground`).
    pub shipping_method: Option<String>,
    /// What shipping cost the merchant.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub merchant_shipping_cost: Option<Decimal>,
    /// Notes from the shipper.
    pub comments: Option<String>,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
}

impl Shipment {
    /// The link to follow the shipment: the custom link when one was given, else the tracking
    /// carrier's page for the number.
    pub fn tracking_link(&self) -> Option<String> {
        if let Some(link) = &self.tracking_link {
            return Some(link.clone());
        }
        super::links::tracking_url(
            self.tracking_carrier.as_ref()?,
            self.tracking_number.as_ref()?,
        )
    }

    /// How many of `item_id` it carries.
    pub fn quantity_of(&self, item_id: &str) -> u32 {
        self.items
            .iter()
            .filter(|i| i.item_id == item_id)
            .map(|i| i.quantity)
            .sum()
    }
}

/// A shipment to create: what a BigCommerce POST carries. `id` and `created_at` are filled in
/// when absent; the tracking carrier is detected when neither it nor a known shipping provider
/// is named.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShipment {
    /// Its id; one more than the highest numeric id when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The shipping address it goes to.
    pub order_address_id: String,
    /// What it carries.
    pub items: Vec<ShipmentItem>,
    /// Who ships it, in BigCommerce's words.
    #[serde(default)]
    pub shipping_provider: Option<String>,
    /// The carrier that tracks it.
    #[serde(default)]
    pub tracking_carrier: Option<String>,
    /// The tracking number as written.
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// A custom tracking link.
    #[serde(default)]
    pub tracking_link: Option<String>,
    /// The shipping method, free text.
    #[serde(default)]
    pub shipping_method: Option<String>,
    /// What shipping cost the merchant.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub merchant_shipping_cost: Option<Decimal>,
    /// Notes from the shipper.
    #[serde(default)]
    pub comments: Option<String>,
    /// When it was created; now when absent.
    #[serde(default)]
    pub created_at: Option<DateTime<FixedOffset>>,
}

impl NewShipment {
    /// A shipment to the address `order_address_id`, with no items yet.
    pub fn to(order_address_id: &str) -> Self {
        NewShipment {
            order_address_id: order_address_id.into(),
            ..NewShipment::default()
        }
    }

    /// Adds `quantity` of line item `item_id`.
    pub fn item(mut self, item_id: &str, quantity: u32) -> Self {
        self.items.push(ShipmentItem {
            item_id: item_id.into(),
            quantity,
        });
        self
    }

    /// Sets the tracking number, and the tracking carrier when given (detected otherwise).
    pub fn tracking(mut self, carrier: Option<&str>, number: &str) -> Self {
        self.tracking_carrier = carrier.map(str::to_string);
        self.tracking_number = Some(number.to_string());
        self
    }

    /// Sets the shipping provider.
    pub fn provider(mut self, provider: &str) -> Self {
        self.shipping_provider = Some(provider.into());
        self
    }

    /// Sets the shipping method.
    pub fn method(mut self, method: &str) -> Self {
        self.shipping_method = Some(method.into());
        self
    }

    /// Sets the id.
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the creation time.
    pub fn created_at(mut self, at: DateTime<FixedOffset>) -> Self {
        self.created_at = Some(at);
        self
    }
}

impl From<Shipment> for NewShipment {
    fn from(s: Shipment) -> Self {
        NewShipment {
            id: Some(s.id),
            order_address_id: s.order_address_id,
            items: s.items,
            shipping_provider: s.shipping_provider,
            tracking_carrier: s.tracking_carrier.map(String::from),
            tracking_number: s.tracking_number.map(String::from),
            tracking_link: s.tracking_link,
            shipping_method: s.shipping_method,
            merchant_shipping_cost: s.merchant_shipping_cost,
            comments: s.comments,
            created_at: Some(s.created_at),
        }
    }
}

/// Changes to a shipment: what a BigCommerce PUT carries. Absent fields stay as they are; an
/// empty string clears a text field. `items` may only repeat the current items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentUpdate {
    /// Moves the shipment to another of the order's addresses (its items must go there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_address_id: Option<String>,
    /// Refused unless equal to the current items: an update cannot change them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ShipmentItem>>,
    /// New shipping provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_provider: Option<String>,
    /// New tracking carrier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_carrier: Option<String>,
    /// New tracking number, checked against the (new or current) tracking carrier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// New custom tracking link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_link: Option<String>,
    /// New shipping method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_method: Option<String>,
    /// New merchant shipping cost.
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub merchant_shipping_cost: Option<Decimal>,
    /// New comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
}

/// The longest custom tracking link BigCommerce stores.
const MAX_TRACKING_LINK: usize = 500;
/// The longest comment BigCommerce stores.
const MAX_COMMENTS: usize = 65_535;

/// How many of `item_id` the shipments send to `address_id`, leaving out shipment `except`.
pub(crate) fn shipped(
    shipments: &[Shipment],
    address_id: &str,
    item_id: &str,
    except: Option<&str>,
) -> u32 {
    shipments
        .iter()
        .filter(|s| s.order_address_id == address_id && Some(s.id.as_str()) != except)
        .map(|s| s.quantity_of(item_id))
        .sum()
}

/// Checks a new shipment against the order and returns it complete.
pub(crate) fn check_new(order: &Order, new: NewShipment) -> Result<Shipment> {
    check(order, new, None)
}

/// Checks `update` applied to `current`, and returns the updated shipment.
pub(crate) fn check_update(
    order: &Order,
    current: &Shipment,
    update: ShipmentUpdate,
) -> Result<Shipment> {
    if let Some(items) = &update.items
        && !same_items(items, &current.items)
    {
        return Err(Error::invalid_request(
            "items",
            format!(
                "the items of shipment `{}` cannot be changed by an update (as in BigCommerce); \
                 delete the shipment and create a new one",
                current.id
            ),
        ));
    }
    let mut merged = NewShipment::from(current.clone());
    if let Some(address) = update.order_address_id {
        merged.order_address_id = address;
    }
    let replace = |field: &mut Option<String>, value: Option<String>| {
        if let Some(value) = value {
            *field = Some(value);
        }
    };
    replace(&mut merged.shipping_provider, update.shipping_provider);
    replace(&mut merged.tracking_carrier, update.tracking_carrier);
    replace(&mut merged.tracking_number, update.tracking_number);
    replace(&mut merged.tracking_link, update.tracking_link);
    replace(&mut merged.shipping_method, update.shipping_method);
    replace(&mut merged.comments, update.comments);
    if let Some(cost) = update.merchant_shipping_cost {
        merged.merchant_shipping_cost = Some(cost);
    }
    check(order, merged, Some(&current.id))
}

fn same_items(a: &[ShipmentItem], b: &[ShipmentItem]) -> bool {
    let key = |items: &[ShipmentItem]| {
        let mut v: Vec<(String, u32)> = items
            .iter()
            .map(|i| (i.item_id.clone(), i.quantity))
            .collect();
        v.sort();
        v
    };
    key(a) == key(b)
}

/// Every rule, in the order a person would fix them. `replacing` is the id of the shipment
/// being updated: its own quantities do not count against it.
fn check(order: &Order, new: NewShipment, replacing: Option<&str>) -> Result<Shipment> {
    let id = shipment_id(order, new.id.as_deref(), replacing)?;

    let address_id = new.order_address_id.trim();
    let Some(address) = order.shipping_address(address_id) else {
        let known: Vec<&str> = order
            .shipping_addresses()
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        return Err(Error::invalid_request(
            "order_address_id",
            format!(
                "`{address_id}` is not a shipping address of order {} (its addresses: {})",
                order.id(),
                known.join(", ")
            ),
        ));
    };

    if new.items.is_empty() {
        return Err(Error::invalid_request(
            "items",
            "a shipment must carry at least one item",
        ));
    }
    for (i, item) in new.items.iter().enumerate() {
        let field = format!("items[{i}]");
        if item.quantity == 0 {
            return Err(Error::invalid_request(
                &format!("{field}.quantity"),
                "must be at least 1, got 0",
            ));
        }
        let Some(line) = order.line_item(&item.item_id) else {
            return Err(Error::invalid_request(
                &format!("{field}.item_id"),
                format!(
                    "`{}` is not a line item of order {}",
                    item.item_id,
                    order.id()
                ),
            ));
        };
        if line.digital {
            return Err(Error::invalid_request(
                &format!("{field}.item_id"),
                format!("line item `{}` is digital and cannot be shipped", line.id),
            ));
        }
        if new.items[..i].iter().any(|e| e.item_id == item.item_id) {
            return Err(Error::invalid_request(
                &format!("{field}.item_id"),
                format!("line item `{}` is listed twice", item.item_id),
            ));
        }
        let ordered = address.quantity_of(&item.item_id);
        if ordered == 0 {
            return Err(Error::invalid_request(
                &format!("{field}.item_id"),
                format!(
                    "line item `{}` does not go to shipping address `{}`",
                    item.item_id, address.id
                ),
            ));
        }
        let already = shipped(order.shipments(), &address.id, &item.item_id, replacing);
        if already + item.quantity > ordered {
            return Err(Error::invalid_request(
                &format!("{field}.quantity"),
                format!(
                    "shipping {} of line item `{}` to address `{}` would ship {} but {} {} \
                     ordered there ({} already shipped, {} left)",
                    item.quantity,
                    item.item_id,
                    address.id,
                    already + item.quantity,
                    ordered,
                    if ordered == 1 { "was" } else { "were" },
                    already,
                    ordered - already
                ),
            ));
        }
    }

    let provider = non_empty(new.shipping_provider);
    let (tracking_carrier, tracking_number) = resolve_tracking(
        provider.as_deref(),
        non_empty(new.tracking_carrier).as_deref(),
        non_empty(new.tracking_number).as_deref(),
    )?;

    let tracking_link = non_empty(new.tracking_link);
    if let Some(link) = &tracking_link
        && link.chars().count() > MAX_TRACKING_LINK
    {
        return Err(Error::invalid_request(
            "tracking_link",
            format!("is longer than {MAX_TRACKING_LINK} characters"),
        ));
    }
    let comments = non_empty(new.comments);
    if let Some(comments) = &comments
        && comments.chars().count() > MAX_COMMENTS
    {
        return Err(Error::invalid_request(
            "comments",
            format!("is longer than {MAX_COMMENTS} characters"),
        ));
    }
    if let Some(cost) = new.merchant_shipping_cost
        && cost.is_sign_negative()
    {
        return Err(Error::invalid_request(
            "merchant_shipping_cost",
            format!("must not be negative, got {cost}"),
        ));
    }

    Ok(Shipment {
        id,
        order_address_id: address.id.clone(),
        items: new.items,
        shipping_provider: provider,
        tracking_carrier,
        tracking_number,
        tracking_link,
        shipping_method: non_empty(new.shipping_method),
        merchant_shipping_cost: new.merchant_shipping_cost,
        comments,
        created_at: new.created_at.unwrap_or_else(|| Utc::now().fixed_offset()),
    })
}

/// The shipment's id: the one given (unique within the order), the one being updated, or one
/// more than the highest numeric id, as BigCommerce numbers them.
fn shipment_id(order: &Order, given: Option<&str>, replacing: Option<&str>) -> Result<String> {
    let taken = |id: &str| order.shipments().iter().any(|s| s.id == id) && Some(id) != replacing;
    match given.map(str::trim) {
        Some("") => Err(Error::invalid_request("id", "is empty")),
        Some(id) if taken(id) => Err(Error::invalid_request(
            "id",
            format!("order {} already has a shipment `{id}`", order.id()),
        )),
        Some(id) => Ok(id.to_string()),
        None => {
            let highest = order
                .shipments()
                .iter()
                .filter_map(|s| s.id.parse::<u64>().ok())
                .max()
                .unwrap_or(0);
            Ok((highest + 1).to_string())
        }
    }
}

/// The tracking carrier and number: the named carrier, else the one the provider names, else
/// the one detected from the number; the number must fit that carrier.
fn resolve_tracking(
    provider: Option<&str>,
    carrier: Option<&str>,
    number: Option<&str>,
) -> Result<(Option<CarrierId>, Option<TrackingNumber>)> {
    let named = match carrier {
        Some(c) => Some(CarrierId::new(c).map_err(|_| {
            Error::invalid_request(
                "tracking_carrier",
                format!("`{c}` is not a carrier id (lower-case letters, digits, `_`, `-`)"),
            )
        })?),
        None => provider.and_then(provider_carrier),
    };
    let Some(number) = number else {
        return Ok((carrier.and(named), None));
    };
    let valid = match named {
        Some(carrier_id) => validate(&carrier_id, number)?,
        None => detect_one(number)?,
    };
    Ok((Some(valid.carrier), Some(valid.number)))
}

/// The tracking carrier a BigCommerce `shipping_provider` stands for, when a carrier known to
/// this process answers to that name ([`crate::descriptor::known`]).
pub fn provider_carrier(provider: &str) -> Option<CarrierId> {
    crate::descriptor::known()
        .into_iter()
        .find(|d| d.is_bigcommerce_name(provider))
        .map(|d| d.carrier_id())
}

fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}
