//! A checkout: line items split into consignments, each going to one address.
//! JSON: `Checkout` in docs/design.md.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{Address, Currency, Dimensions, Money, Weight};

/// A checkout to quote. JSON:
/// `{"origin": Address, "currency": "USD", "line_items": [LineItem], "consignments": [Consignment]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkout {
    /// Where everything ships from.
    pub origin: Address,
    /// The store currency: prices, rate tables and option costs are in it.
    pub currency: Currency,
    /// The cart's physical items.
    pub line_items: Vec<LineItem>,
    /// How the items are split between destinations.
    pub consignments: Vec<Consignment>,
}

/// One physical product line of the cart. JSON:
/// `{"id": "li-1", "quantity": 2, "unit_price": "19.99", "weight": Weight,
///   "dimensions": Dimensions | null, "ships_separately": false, "fixed_shipping_cost": Money | null}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineItem {
    /// The cart's id for the line (`item_id` in consignments).
    pub id: String,
    /// How many units are in the cart. Signed so that a bad value is refused by validation,
    /// naming the field, rather than by the JSON reader.
    pub quantity: i64,
    /// Price of one unit in the checkout currency.
    #[serde(with = "crate::model::decimal_str")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::model::DecimalSchema))]
    pub unit_price: Decimal,
    /// Weight of one unit.
    pub weight: Weight,
    /// Dimensions of one unit, if known.
    #[serde(default)]
    pub dimensions: Option<Dimensions>,
    /// The unit must travel in its own parcel (already boxed, fragile, oversized).
    #[serde(default)]
    pub ships_separately: bool,
    /// A product-level shipping cost per unit: the unit is left out of what carriers rate and
    /// this cost is added instead, as BigCommerce does (docs/bigcommerce.md).
    #[serde(default)]
    pub fixed_shipping_cost: Option<Money>,
}

impl LineItem {
    /// A line item with no dimensions, no special handling.
    pub fn new(id: &str, quantity: i64, unit_price: Decimal, weight: Weight) -> Self {
        LineItem {
            id: id.to_string(),
            quantity,
            unit_price,
            weight,
            dimensions: None,
            ships_separately: false,
            fixed_shipping_cost: None,
        }
    }

    /// Sets the unit's dimensions.
    pub fn with_dimensions(mut self, dimensions: Dimensions) -> Self {
        self.dimensions = Some(dimensions);
        self
    }

    /// Makes each unit travel alone.
    pub fn ships_separately(mut self, alone: bool) -> Self {
        self.ships_separately = alone;
        self
    }

    /// Sets a fixed shipping cost per unit.
    pub fn with_fixed_shipping_cost(mut self, cost: Money) -> Self {
        self.fixed_shipping_cost = Some(cost);
        self
    }
}

/// Items travelling together to one address. JSON:
/// `{"id": "c1", "address": Address, "line_items": [{"item_id": "li-1", "quantity": 2}]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consignment {
    /// Its id, unique in the checkout.
    pub id: String,
    /// Where it goes.
    pub address: Address,
    /// Which items, how many of each.
    pub line_items: Vec<ConsignmentLine>,
}

impl Consignment {
    /// A consignment of some lines to an address.
    pub fn new(id: &str, address: Address, line_items: Vec<ConsignmentLine>) -> Self {
        Consignment {
            id: id.to_string(),
            address,
            line_items,
        }
    }
}

/// A quantity of one line item inside a consignment. JSON: `{"item_id": "li-1", "quantity": 2}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsignmentLine {
    /// The line item's id.
    pub item_id: String,
    /// Units of it in this consignment.
    pub quantity: i64,
}

impl ConsignmentLine {
    /// `quantity` units of `item_id`.
    pub fn new(item_id: &str, quantity: i64) -> Self {
        ConsignmentLine {
            item_id: item_id.to_string(),
            quantity,
        }
    }
}

impl Checkout {
    /// A validated checkout (see [`Checkout::validate`]).
    pub fn new(
        origin: Address,
        currency: Currency,
        line_items: Vec<LineItem>,
        consignments: Vec<Consignment>,
    ) -> Result<Self, Error> {
        let checkout = Checkout {
            origin,
            currency,
            line_items,
            consignments,
        };
        checkout.validate()?;
        Ok(checkout)
    }

    /// Reads a checkout from its JSON and validates it; unreadable JSON is `invalid_request`.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let checkout: Checkout = serde_json::from_str(json)
            .map_err(|e| Error::invalid_request("checkout", format!("unreadable JSON: {e}")))?;
        checkout.validate()?;
        Ok(checkout)
    }

    /// The line item with this id.
    pub fn line_item(&self, id: &str) -> Option<&LineItem> {
        self.line_items.iter().find(|item| item.id == id)
    }

    /// The consignment with this id.
    pub fn consignment(&self, id: &str) -> Option<&Consignment> {
        self.consignments.iter().find(|c| c.id == id)
    }
}
