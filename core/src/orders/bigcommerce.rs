//! BigCommerce Orders V2 objects, field for field, and their conversion to and from ours.
//!
//! [`BcShipment`] is the `orderShipment` object GET returns, [`BcShipmentPost`] and
//! [`BcShipmentPut`] are the POST and PUT bodies, [`BcOrderProduct`] and [`BcShippingAddress`]
//! the parts of an order a shipment refers to. BigCommerce ids are integers and ours are text:
//! importing writes the integers as text, exporting refuses ids that are not whole numbers.
//!
//! ```
//! use shipmux_core::orders::bigcommerce::BcShipmentPost;
//!
//! let post: BcShipmentPost = serde_json::from_str(r#"{
//!     "order_address_id": 20, "tracking_number": "", "shipping_provider": "ups",
//!     "items": [{"order_product_id": 16, "quantity": 2}]
//! }"#)?;
//! let new = post.to_new_shipment()?;
//! assert_eq!(new.order_address_id, "20");
//! assert_eq!(new.items[0].item_id, "16");
//! assert_eq!(new.tracking_number, None); // BigCommerce's "" is absent
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use super::order::{LineItem, Order, ShippingAddress};
use super::shipment::{NewShipment, Shipment, ShipmentItem, ShipmentUpdate};
use crate::checkout::ShippingOption;
use crate::error::{Error, Result};
use crate::model::{Address, Currency, Money, Weight, WeightUnit};

/// An item of a BigCommerce shipment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BcShipmentItem {
    /// The order product (line) id.
    pub order_product_id: u64,
    /// The catalogue product id (read-only in BigCommerce).
    #[serde(default)]
    pub product_id: u64,
    /// How many.
    pub quantity: u32,
}

/// An item of a shipment POST (no `product_id`: BigCommerce fills it in).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BcShipmentPostItem {
    /// The order product (line) id.
    pub order_product_id: u64,
    /// How many.
    pub quantity: u32,
}

/// BigCommerce's `shippingAddress_Base` / `billingAddress_Base`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BcAddress {
    /// First name.
    #[serde(default, deserialize_with = "text")]
    pub first_name: String,
    /// Last name.
    #[serde(default, deserialize_with = "text")]
    pub last_name: String,
    /// Company.
    #[serde(default, deserialize_with = "text")]
    pub company: String,
    /// Street line 1.
    #[serde(default, deserialize_with = "text")]
    pub street_1: String,
    /// Street line 2.
    #[serde(default, deserialize_with = "text")]
    pub street_2: String,
    /// City.
    #[serde(default, deserialize_with = "text")]
    pub city: String,
    /// State or province name (`Texas`).
    #[serde(default, deserialize_with = "text")]
    pub state: String,
    /// Postal code.
    #[serde(default, deserialize_with = "text")]
    pub zip: String,
    /// Country name (`United States`).
    #[serde(default, deserialize_with = "text")]
    pub country: String,
    /// ISO 3166 country code.
    #[serde(default, deserialize_with = "text")]
    pub country_iso2: String,
    /// Phone.
    #[serde(default, deserialize_with = "text")]
    pub phone: String,
    /// E-mail.
    #[serde(default, deserialize_with = "text")]
    pub email: String,
}

/// BigCommerce's `orderShipment`: a shipment as `GET /orders/{id}/shipments` returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BcShipment {
    /// Shipment id.
    #[serde(default)]
    pub id: u64,
    /// The order's id.
    #[serde(default)]
    pub order_id: u64,
    /// The order's customer.
    #[serde(default)]
    pub customer_id: u64,
    /// The shipping address it goes to.
    pub order_address_id: u64,
    /// RFC 2822 creation time (`Tue, 20 Nov 2012 00:00:00 +0000`).
    #[serde(default, deserialize_with = "text")]
    pub date_created: String,
    /// Tracking number (≤ 50 characters).
    #[serde(default, deserialize_with = "text")]
    pub tracking_number: String,
    /// Decimal text (`"1.0000"`).
    #[serde(default, deserialize_with = "text")]
    pub merchant_shipping_cost: String,
    /// Free-text method.
    #[serde(default, deserialize_with = "text")]
    pub shipping_method: String,
    /// `ups`, `fedex`, `usps`, `canadapost`, …, `carrier_{id}` or empty.
    #[serde(default, deserialize_with = "text")]
    pub shipping_provider: String,
    /// An AfterShip courier slug or empty.
    #[serde(default, deserialize_with = "text")]
    pub tracking_carrier: String,
    /// Custom tracking link.
    #[serde(default, deserialize_with = "text")]
    pub tracking_link: String,
    /// Comments.
    #[serde(default, deserialize_with = "text")]
    pub comments: String,
    /// The order's billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<BcAddress>,
    /// The shipment's shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<BcAddress>,
    /// What it carries.
    pub items: Vec<BcShipmentItem>,
    /// Human name of the provider (read-only).
    #[serde(default, deserialize_with = "text")]
    pub shipping_provider_display_name: String,
    /// The carrier's tracking link, empty when a custom link was given (read-only).
    #[serde(default, deserialize_with = "text")]
    pub generated_tracking_link: String,
}

/// The body of `POST /orders/{id}/shipments` (`orderShipment_Post`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BcShipmentPost {
    /// The shipping address it goes to.
    pub order_address_id: u64,
    /// Tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// Custom tracking link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_link: Option<String>,
    /// Decimal text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_shipping_cost: Option<String>,
    /// Free-text method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_method: Option<String>,
    /// Provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_provider: Option<String>,
    /// AfterShip slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_carrier: Option<String>,
    /// Comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// What it carries.
    pub items: Vec<BcShipmentPostItem>,
}

/// The body of `PUT /orders/{id}/shipments/{sid}` (`orderShipment_Put`): no items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BcShipmentPut {
    /// Moves the shipment to another address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_address_id: Option<u64>,
    /// Tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// Decimal text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_shipping_cost: Option<String>,
    /// Free-text method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_method: Option<String>,
    /// Provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_provider: Option<String>,
    /// AfterShip slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_carrier: Option<String>,
    /// Custom tracking link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_link: Option<String>,
    /// Comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
}

/// The parts of BigCommerce's `orderProducts` a shipment needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BcOrderProduct {
    /// Order product (line) id.
    pub id: u64,
    /// Catalogue product id.
    #[serde(default)]
    pub product_id: u64,
    /// The shipping address this line goes to.
    #[serde(default)]
    pub order_address_id: u64,
    /// Name.
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    /// `physical` or `digital`.
    #[serde(default, rename = "type", deserialize_with = "text")]
    pub kind: String,
    /// Quantity ordered.
    pub quantity: u32,
    /// Unit price excluding tax, decimal text.
    #[serde(default, deserialize_with = "text")]
    pub price_ex_tax: String,
    /// Unit weight in the store's unit; BigCommerce sends a number or a string.
    #[serde(default, deserialize_with = "text")]
    pub weight: String,
}

/// The parts of BigCommerce's `orderShippingAddress` a shipment needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BcShippingAddress {
    /// Address id (`order_address_id` elsewhere).
    pub id: u64,
    /// The address.
    #[serde(flatten)]
    pub address: BcAddress,
    /// Text code of the shipping module the shopper chose.
    #[serde(default, deserialize_with = "text")]
    pub shipping_method: String,
    /// Shipping cost excluding tax, decimal text.
    #[serde(default, deserialize_with = "text")]
    pub cost_ex_tax: String,
}

/// BigCommerce's `tracking_carrier` is an AfterShip courier slug; a known carrier whose slug
/// is not its id says so in its descriptor (`canada-post`).
fn carrier_from_slug(slug: &str) -> String {
    crate::descriptor::known()
        .into_iter()
        .find(|d| d.bigcommerce.tracking_slug == Some(slug))
        .map_or_else(|| slug.to_string(), |d| d.id.to_string())
}

fn slug_from_carrier(carrier: &str) -> String {
    crate::descriptor::find_known(carrier)
        .and_then(|d| d.bigcommerce.tracking_slug)
        .unwrap_or(carrier)
        .to_string()
}

/// The human name BigCommerce shows for a provider: its own name for the integrations it
/// names itself (Endicia ships USPS, but BigCommerce shows "Endicia"), else a known carrier's
/// name, else the provider as written.
fn provider_display_name(provider: &str) -> String {
    match provider {
        "endicia" => "Endicia".into(),
        "auspost" => "Australia Post".into(),
        "royalmail" => "Royal Mail".into(),
        "shipperhq" => "ShipperHQ".into(),
        other => crate::descriptor::known()
            .into_iter()
            .find(|d| d.is_bigcommerce_name(other))
            .map_or_else(|| other.to_string(), |d| d.name.to_string()),
    }
}

impl BcShipment {
    /// The shipment to create from a BigCommerce shipment (keeping its id and time). Errors
    /// name the BigCommerce field that cannot be read.
    pub fn to_new_shipment(&self) -> Result<NewShipment> {
        Ok(NewShipment {
            id: (self.id != 0).then(|| self.id.to_string()),
            created_at: parse_date(&self.date_created)?,
            merchant_shipping_cost: parse_decimal(
                "merchant_shipping_cost",
                &self.merchant_shipping_cost,
            )?,
            ..post_fields(
                self.order_address_id,
                self.items
                    .iter()
                    .map(|i| (i.order_product_id, i.quantity))
                    .collect(),
                [
                    &self.tracking_number,
                    &self.tracking_link,
                    &self.shipping_method,
                    &self.shipping_provider,
                    &self.tracking_carrier,
                    &self.comments,
                ],
            )
        })
    }

    /// The BigCommerce object for one of `order`'s shipments, with `product_id`, the shipping
    /// address and the generated tracking link filled in. Refused when an id is not a whole
    /// number.
    pub fn from_shipment(order: &Order, shipment: &Shipment) -> Result<BcShipment> {
        let mut items = Vec::new();
        for (i, item) in shipment.items.iter().enumerate() {
            let product_id = order.line_item(&item.item_id).map_or(Ok(0), |l| {
                bc_id(&format!("items[{i}].product_id"), &l.product_id)
            })?;
            items.push(BcShipmentItem {
                order_product_id: bc_id(&format!("items[{i}].item_id"), &item.item_id)?,
                product_id,
                quantity: item.quantity,
            });
        }
        let provider = shipment.shipping_provider.clone().unwrap_or_default();
        Ok(BcShipment {
            id: bc_id("id", &shipment.id)?,
            order_id: bc_id("order_id", order.id())?,
            customer_id: 0,
            order_address_id: bc_id("order_address_id", &shipment.order_address_id)?,
            date_created: shipment.created_at.to_rfc2822(),
            tracking_number: shipment
                .tracking_number
                .as_ref()
                .map(|n| n.as_str().to_string())
                .unwrap_or_default(),
            merchant_shipping_cost: shipment
                .merchant_shipping_cost
                .map(|c| c.to_string())
                .unwrap_or_default(),
            shipping_method: shipment.shipping_method.clone().unwrap_or_default(),
            shipping_provider_display_name: provider_display_name(&provider),
            shipping_provider: provider,
            tracking_carrier: shipment
                .tracking_carrier
                .as_ref()
                .map(|c| slug_from_carrier(c.as_str()))
                .unwrap_or_default(),
            tracking_link: shipment.tracking_link.clone().unwrap_or_default(),
            comments: shipment.comments.clone().unwrap_or_default(),
            billing_address: None,
            shipping_address: order
                .shipping_address(&shipment.order_address_id)
                .map(|a| BcAddress::from_address(&a.address)),
            items,
            generated_tracking_link: if shipment.tracking_link.is_some() {
                String::new()
            } else {
                shipment.tracking_link().unwrap_or_default()
            },
        })
    }
}

impl BcShipmentPost {
    /// The shipment to create from a POST body.
    pub fn to_new_shipment(&self) -> Result<NewShipment> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(NewShipment {
            merchant_shipping_cost: match &self.merchant_shipping_cost {
                Some(c) => parse_decimal("merchant_shipping_cost", c)?,
                None => None,
            },
            ..post_fields(
                self.order_address_id,
                self.items
                    .iter()
                    .map(|i| (i.order_product_id, i.quantity))
                    .collect(),
                [
                    &text(&self.tracking_number),
                    &text(&self.tracking_link),
                    &text(&self.shipping_method),
                    &text(&self.shipping_provider),
                    &text(&self.tracking_carrier),
                    &text(&self.comments),
                ],
            )
        })
    }

    /// The POST body for a shipment to create. Refused when an id is not a whole number.
    pub fn from_new_shipment(new: &NewShipment) -> Result<BcShipmentPost> {
        let mut items = Vec::new();
        for (i, item) in new.items.iter().enumerate() {
            items.push(BcShipmentPostItem {
                order_product_id: bc_id(&format!("items[{i}].item_id"), &item.item_id)?,
                quantity: item.quantity,
            });
        }
        Ok(BcShipmentPost {
            order_address_id: bc_id("order_address_id", &new.order_address_id)?,
            tracking_number: new.tracking_number.clone(),
            tracking_link: new.tracking_link.clone(),
            merchant_shipping_cost: new.merchant_shipping_cost.map(|c| c.to_string()),
            shipping_method: new.shipping_method.clone(),
            shipping_provider: new.shipping_provider.clone(),
            tracking_carrier: new.tracking_carrier.as_deref().map(slug_from_carrier),
            comments: new.comments.clone(),
            items,
        })
    }
}

impl BcShipmentPut {
    /// The update a PUT body asks for.
    pub fn to_update(&self) -> Result<ShipmentUpdate> {
        Ok(ShipmentUpdate {
            order_address_id: self.order_address_id.map(|id| id.to_string()),
            items: None,
            shipping_provider: self.shipping_provider.clone(),
            tracking_carrier: self.tracking_carrier.as_deref().map(carrier_from_slug),
            tracking_number: self.tracking_number.clone(),
            tracking_link: self.tracking_link.clone(),
            shipping_method: self.shipping_method.clone(),
            merchant_shipping_cost: match &self.merchant_shipping_cost {
                Some(c) => parse_decimal("merchant_shipping_cost", c)?,
                None => None,
            },
            comments: self.comments.clone(),
        })
    }

    /// The PUT body for an update. Refused when it changes items (BigCommerce's PUT cannot)
    /// or an id is not a whole number.
    pub fn from_update(update: &ShipmentUpdate) -> Result<BcShipmentPut> {
        if update.items.is_some() {
            return Err(Error::invalid_request(
                "items",
                "BigCommerce's shipment PUT cannot change items",
            ));
        }
        Ok(BcShipmentPut {
            order_address_id: update
                .order_address_id
                .as_deref()
                .map(|id| bc_id("order_address_id", id))
                .transpose()?,
            tracking_number: update.tracking_number.clone(),
            merchant_shipping_cost: update.merchant_shipping_cost.map(|c| c.to_string()),
            shipping_method: update.shipping_method.clone(),
            shipping_provider: update.shipping_provider.clone(),
            tracking_carrier: update.tracking_carrier.as_deref().map(slug_from_carrier),
            tracking_link: update.tracking_link.clone(),
            comments: update.comments.clone(),
        })
    }
}

impl BcAddress {
    /// Our address in BigCommerce's words (the name goes to `first_name`).
    pub fn from_address(a: &Address) -> BcAddress {
        let line = |i: usize| a.lines.get(i).cloned().unwrap_or_default();
        BcAddress {
            first_name: a.name.clone().unwrap_or_default(),
            company: a.company.clone().unwrap_or_default(),
            street_1: line(0),
            street_2: a.lines.get(1..).map(|l| l.join(", ")).unwrap_or_default(),
            city: a.city.clone().unwrap_or_default(),
            state: a.region.clone().unwrap_or_default(),
            zip: a.postal_code.clone().unwrap_or_default(),
            country_iso2: a.country.clone(),
            ..BcAddress::default()
        }
    }

    /// BigCommerce's address as ours.
    pub fn to_address(&self) -> Address {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let name = format!("{} {}", self.first_name.trim(), self.last_name.trim());
        Address {
            country: self.country_iso2.trim().to_ascii_uppercase(),
            postal_code: some(&self.zip),
            region: some(&self.state),
            city: some(&self.city),
            lines: [&self.street_1, &self.street_2]
                .into_iter()
                .filter_map(|l| some(l))
                .collect(),
            residential: None,
            name: some(&name),
            company: some(&self.company),
        }
    }
}

/// Builds an [`Order`] from BigCommerce's order products, shipping addresses and shipments.
/// Weights are in the store's `weight_unit`; each product goes to its `order_address_id`;
/// shipments are checked by the same rules as new ones.
pub fn import_order(
    order_id: u64,
    currency: Currency,
    weight_unit: WeightUnit,
    products: &[BcOrderProduct],
    addresses: &[BcShippingAddress],
    shipments: &[BcShipment],
) -> Result<Order> {
    let mut line_items = Vec::new();
    for (i, p) in products.iter().enumerate() {
        let field = format!("products[{i}]");
        let price = parse_decimal(&format!("{field}.price_ex_tax"), &p.price_ex_tax)?
            .unwrap_or(Decimal::ZERO);
        let weight = parse_decimal(&format!("{field}.weight"), &p.weight)?.unwrap_or(Decimal::ZERO);
        let mut line = LineItem::new(
            &p.id.to_string(),
            &p.product_id.to_string(),
            p.quantity,
            Weight::new(weight, weight_unit),
            price,
        );
        line.name = (!p.name.is_empty()).then(|| p.name.clone());
        line.digital = p.kind == "digital";
        line_items.push(line);
    }
    let mut shipping_addresses = Vec::new();
    for (a, bc) in addresses.iter().enumerate() {
        let items: Vec<(String, u32)> = products
            .iter()
            .filter(|p| p.order_address_id == bc.id && p.kind != "digital")
            .map(|p| (p.id.to_string(), p.quantity))
            .collect();
        let refs: Vec<(&str, u32)> = items.iter().map(|(id, q)| (id.as_str(), *q)).collect();
        let mut address = ShippingAddress::new(&bc.id.to_string(), bc.address.to_address(), &refs);
        if !bc.shipping_method.trim().is_empty() {
            let cost = parse_decimal(
                &format!("shipping_addresses[{a}].cost_ex_tax"),
                &bc.cost_ex_tax,
            )?
            .unwrap_or(Decimal::ZERO);
            let method = bc.shipping_method.trim();
            address.shipping = Some(ShippingOption::flat(
                method,
                method,
                Money::new(cost, currency.clone()),
            ));
        }
        shipping_addresses.push(address);
    }
    let mut order = Order::new(
        &order_id.to_string(),
        currency,
        line_items,
        shipping_addresses,
    )?;
    for (i, s) in shipments.iter().enumerate() {
        let new = s.to_new_shipment().map_err(|e| within(e, i))?;
        order.create_shipment(new).map_err(|e| within(e, i))?;
    }
    Ok(order)
}

fn within(mut e: Error, i: usize) -> Error {
    e.message = format!("shipments[{i}].{}", e.message);
    e
}

/// The fields a POST and a GET share, from BigCommerce's texts (`""` means absent):
/// tracking number, tracking link, method, provider, tracking carrier, comments.
fn post_fields(address_id: u64, items: Vec<(u64, u32)>, texts: [&String; 6]) -> NewShipment {
    let some = |s: &String| (!s.trim().is_empty()).then(|| s.trim().to_string());
    NewShipment {
        id: None,
        order_address_id: address_id.to_string(),
        items: items
            .into_iter()
            .map(|(id, quantity)| ShipmentItem {
                item_id: id.to_string(),
                quantity,
            })
            .collect(),
        tracking_number: some(texts[0]),
        tracking_link: some(texts[1]),
        shipping_method: some(texts[2]),
        shipping_provider: some(texts[3]),
        tracking_carrier: some(texts[4]).map(|s| carrier_from_slug(&s)),
        comments: some(texts[5]),
        merchant_shipping_cost: None,
        created_at: None,
    }
}

fn bc_id(field: &str, id: &str) -> Result<u64> {
    id.trim().parse().map_err(|_| {
        Error::invalid_request(
            field,
            format!("`{id}` is not a BigCommerce id (a whole number)"),
        )
    })
}

fn parse_decimal(field: &str, text: &str) -> Result<Option<Decimal>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    crate::model::parse_decimal(text)
        .map(Some)
        .ok_or_else(|| Error::invalid_request(field, format!("`{text}` is not a decimal number")))
}

fn parse_date(text: &str) -> Result<Option<DateTime<FixedOffset>>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    DateTime::parse_from_rfc2822(text)
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .map(Some)
        .map_err(|_| {
            Error::invalid_request(
                "date_created",
                format!("`{text}` is not an RFC 2822 date (`Tue, 20 Nov 2012 00:00:00 +0000`)"),
            )
        })
}

/// Reads a BigCommerce text field that may also arrive as a number or `null`.
fn text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected text, got {other}"
            )));
        }
    })
}
