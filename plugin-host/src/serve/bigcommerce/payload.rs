//! BigCommerce's Shipping Provider API payloads (its `shipping_provider.yml`), as it sends
//! and expects them. Reading is strict where the spec is (units, amounts ≥ 0, field lengths)
//! and lenient where BigCommerce's own examples disagree with it (`address_type` in lower
//! case; `store_id` absent; numbers sent as strings).

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use shipmux_core::{Address, Dimensions, Error, LengthUnit, Weight, WeightUnit};

/// `POST /rate`'s body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RateRequestPayload {
    /// The shipment.
    pub base_options: BaseOptions,
    /// The zone's settings for this app (`carriers`, `services`: which to offer).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub zone_options: Option<serde_json::Map<String, serde_json::Value>>,
    /// The store's connection settings (its own carrier accounts, its shared secret).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub connection_options: Option<serde_json::Map<String, serde_json::Value>>,
}

/// What is shipped, from where, to where.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BaseOptions {
    /// The store's warehouse.
    pub origin: ShippingAddress,
    /// The shopper's address.
    pub destination: ShippingAddress,
    /// The cart's items.
    pub items: Vec<RateRequestItem>,
    /// The store asking.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(schema_with = crate::serve::openapi::optional_text_or_number)]
    pub store_id: Option<String>,
    /// The shopper (unused for pricing).
    #[serde(default)]
    pub customer: Option<serde_json::Value>,
    /// Cart and channel ids (unused for pricing).
    #[serde(default)]
    pub request_context: Option<serde_json::Value>,
}

/// An origin or destination.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ShippingAddress {
    /// Street line 1.
    #[serde(default)]
    pub street_1: Option<String>,
    /// Street line 2.
    #[serde(default)]
    pub street_2: Option<String>,
    /// Postal code (wallets may send only its first part: `SW1A`, `K1A`).
    #[serde(deserialize_with = "text")]
    #[schema(schema_with = crate::serve::openapi::text_or_number)]
    pub zip: String,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State or province, ISO 3166-2 subdivision code.
    #[serde(default)]
    pub state_iso2: Option<String>,
    /// Country, ISO 3166-1 alpha-2.
    pub country_iso2: String,
    /// `RESIDENTIAL` (the default) or `COMMERCIAL`, in any case.
    #[serde(default)]
    pub address_type: Option<String>,
    /// The shopper's answers to the store's address form fields.
    #[serde(default)]
    pub form_fields: Option<serde_json::Value>,
}

/// A cart item.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RateRequestItem {
    /// The variant's SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// The variant.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(schema_with = crate::serve::openapi::optional_text_or_number)]
    pub variant_id: Option<String>,
    /// The product.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(schema_with = crate::serve::openapi::optional_text_or_number)]
    pub product_id: Option<String>,
    /// The product's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Length of one unit.
    #[serde(default)]
    pub length: Option<DimensionValue>,
    /// Width of one unit.
    #[serde(default)]
    pub width: Option<DimensionValue>,
    /// Height of one unit.
    #[serde(default)]
    pub height: Option<DimensionValue>,
    /// Weight of one unit (required to quote).
    #[serde(default)]
    pub weight: Option<WeightValue>,
    /// Price paid per unit after discounts.
    #[serde(default)]
    pub discounted_price: Option<MoneyValue>,
    /// Declared value per unit.
    #[serde(default)]
    pub declared_value: Option<MoneyValue>,
    /// How many units (absent: 1).
    #[serde(default)]
    pub quantity: Option<i64>,
    /// Product and variant metafields for this app.
    #[serde(default)]
    pub attributes: Option<Vec<serde_json::Value>>,
}

/// A length.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DimensionValue {
    /// `cm` or `in`.
    pub units: LengthUnits,
    /// ≥ 0.
    #[schema(schema_with = crate::serve::openapi::json_decimal)]
    pub value: Decimal,
}

/// BigCommerce's length units.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub enum LengthUnits {
    /// Centimetres.
    #[serde(rename = "cm")]
    Cm,
    /// Inches.
    #[serde(rename = "in")]
    In,
}

/// A weight.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WeightValue {
    /// `oz` or `g`.
    pub units: WeightUnits,
    /// ≥ 0.
    #[schema(schema_with = crate::serve::openapi::json_decimal)]
    pub value: Decimal,
}

/// BigCommerce's weight units.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub enum WeightUnits {
    /// Ounces.
    #[serde(rename = "oz")]
    Oz,
    /// Grams.
    #[serde(rename = "g")]
    G,
}

/// An amount of money.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct MoneyValue {
    /// ISO 4217, three capitals.
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: String,
    /// ≥ 0 (a JSON number).
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    #[schema(schema_with = crate::serve::openapi::json_decimal)]
    pub amount: Decimal,
}

/// `POST /check_connection_options`'s body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CheckConnectionOptionsRequest {
    /// The store's connection settings.
    #[schema(value_type = Object)]
    pub connection_options: serde_json::Map<String, serde_json::Value>,
}

/// `POST /check_connection_options`'s answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckConnectionOptionsResponse {
    /// Whether the settings work.
    pub valid: bool,
    /// What the merchant should know, per carrier.
    pub messages: Vec<Message>,
}

/// `POST /rate`'s answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RateResponsePayload {
    /// This answer's id (≤ 50 characters).
    pub quote_id: String,
    /// How long BigCommerce may cache this answer, in seconds.
    pub ttl: u32,
    /// What the merchant should know (a carrier that failed, a rate in another currency).
    pub messages: Vec<Message>,
    /// One entry per carrier with quotes, each carrier's quotes cheapest first.
    pub carrier_quotes: Vec<CarrierQuote>,
}

/// One carrier's quotes.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CarrierQuote {
    /// The carrier.
    pub carrier_info: CarrierInfo,
    /// Its quotes.
    pub quotes: Vec<Quote>,
}

/// A carrier as BigCommerce shows it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = BigCommerceCarrierInfo)]
pub struct CarrierInfo {
    /// Its id (≤ 50).
    pub code: String,
    /// Its name (1–100).
    pub display_name: String,
}

/// One shipping option.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Quote {
    /// The service code (1–50).
    pub code: String,
    /// The service's name (≤ 100).
    pub display_name: String,
    /// What the shopper pays.
    pub cost: MoneyValue,
    /// What the carrier listed, when our price is a discount on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discounted_cost: Option<MoneyValue>,
    /// In words (≤ 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which carrier and service (≤ 50).
    pub rate_id: String,
    /// How long it takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_time: Option<TransitTime>,
}

/// How long a service takes.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransitTime {
    /// `BUSINESS_DAYS`, `DAYS` or `HOURS`.
    pub units: String,
    /// 1–90.
    pub duration: u32,
}

/// A message to the merchant.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    /// 1–500 characters.
    pub text: String,
    /// `INFO`, `WARNING` or `ERROR`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl Message {
    /// A message of `kind` (`INFO`, `WARNING`, `ERROR`), cut to the spec's 500 characters.
    pub fn new(kind: &str, text: impl Into<String>) -> Self {
        Message {
            text: clip(&text.into(), 500),
            kind: kind.to_string(),
        }
    }
}

/// `text` cut to at most `max` characters.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => text[..i].to_string(),
        None => text.to_string(),
    }
}

/// A string field BigCommerce may also send as a number.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected text, found {}",
            kind_of(&other)
        ))),
    }
}

/// An optional string field BigCommerce may also send as a number.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => Ok(Some(s)),
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(serde::de::Error::custom(format!(
            "expected text, found {}",
            kind_of(&other)
        ))),
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "text",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

fn too_long(field: &str, value: &Option<String>, max: usize) -> Result<(), Error> {
    match value {
        Some(v) if v.chars().count() > max => Err(Error::invalid_request(
            field,
            format!("at most {max} characters"),
        )),
        _ => Ok(()),
    }
}

impl ShippingAddress {
    /// Our address, checked against the spec's limits and our rules; `field` names it in
    /// errors (`base_options.destination`), with BigCommerce's field names.
    pub fn to_address(&self, field: &str) -> Result<Address, Error> {
        too_long(&format!("{field}.street_1"), &self.street_1, 255)?;
        too_long(&format!("{field}.street_2"), &self.street_2, 255)?;
        too_long(&format!("{field}.city"), &self.city, 50)?;
        too_long(&format!("{field}.state_iso2"), &self.state_iso2, 3)?;
        if self.zip.chars().count() > 20 {
            return Err(Error::invalid_request(
                &format!("{field}.zip"),
                "at most 20 characters",
            ));
        }
        let country = self.country_iso2.trim().to_ascii_uppercase();
        let residential = match self.address_type.as_deref().map(str::trim) {
            None | Some("") => true,
            Some(t) if t.eq_ignore_ascii_case("residential") => true,
            Some(t) if t.eq_ignore_ascii_case("commercial") => false,
            Some(t) => {
                return Err(Error::invalid_request(
                    &format!("{field}.address_type"),
                    format!("`{t}` is neither RESIDENTIAL nor COMMERCIAL"),
                ));
            }
        };
        let mut address = Address::new(&country, self.zip.trim()).residential(residential);
        if let Some(city) = self
            .city
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            address = address.with_city(city);
        }
        if let Some(state) = self
            .state_iso2
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            address = address.with_region(&state.to_ascii_uppercase());
        }
        address.validate(field).map_err(|e| Error {
            message: bigcommerce_names(&e.message),
            ..e
        })?;
        Ok(address)
    }
}

/// Our address field names in a message, as BigCommerce names them.
fn bigcommerce_names(message: &str) -> String {
    let Some((path, rest)) = message.split_once(": ") else {
        return message.to_string();
    };
    let path = path
        .replace(".postal_code", ".zip")
        .replace(".country", ".country_iso2")
        .replace(".region", ".state_iso2");
    format!("{path}: {rest}")
}

impl RateRequestItem {
    /// How many units (absent: 1); negative is an error.
    pub fn units(&self, field: &str) -> Result<u64, Error> {
        match self.quantity {
            None => Ok(1),
            Some(q) if q < 0 => Err(Error::invalid_request(
                &format!("{field}.quantity"),
                "must not be negative",
            )),
            Some(q) if q > i64::from(i32::MAX) => Err(Error::invalid_request(
                &format!("{field}.quantity"),
                "must fit in 32 bits",
            )),
            Some(q) => Ok(q as u64),
        }
    }

    /// One unit's weight; absent is an error (nothing can be quoted without it).
    pub fn unit_weight(&self, field: &str) -> Result<Weight, Error> {
        let Some(w) = &self.weight else {
            return Err(Error::invalid_request(
                &format!("{field}.weight"),
                "is required to quote",
            ));
        };
        let unit = match w.units {
            WeightUnits::Oz => WeightUnit::Oz,
            WeightUnits::G => WeightUnit::G,
        };
        let weight = Weight::new(w.value, unit);
        weight.validate(&format!("{field}.weight.value"))?;
        Ok(weight)
    }

    /// One unit's dimensions, when all three are given (in any mix of units).
    pub fn unit_dimensions(&self, field: &str) -> Result<Option<Dimensions>, Error> {
        let (Some(l), Some(w), Some(h)) = (&self.length, &self.width, &self.height) else {
            return Ok(None);
        };
        let cm = |d: &DimensionValue, name: &str| -> Result<Decimal, Error> {
            if d.value < Decimal::ZERO {
                return Err(Error::invalid_request(
                    &format!("{field}.{name}.value"),
                    "must not be negative",
                ));
            }
            Ok(match d.units {
                LengthUnits::Cm => d.value,
                LengthUnits::In => d.value * Decimal::new(254, 2),
            })
        };
        let dims = Dimensions::new(
            cm(l, "length")?,
            cm(w, "width")?,
            cm(h, "height")?,
            LengthUnit::Cm,
        );
        if dims.length.is_zero() || dims.width.is_zero() || dims.height.is_zero() {
            // BigCommerce sends 0 for "not set".
            return Ok(None);
        }
        dims.validate(&format!("{field}.dimensions"))?;
        Ok(Some(dims))
    }

    /// An id for errors and packing: the SKU, else the product (and variant), else the index.
    pub fn label(&self, index: usize) -> String {
        self.sku
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| {
                self.product_id.as_ref().map(|p| match &self.variant_id {
                    Some(v) => format!("{p}/{v}"),
                    None => p.clone(),
                })
            })
            .unwrap_or_else(|| format!("item {index}"))
    }
}

impl MoneyValue {
    /// Checks the currency's shape and that the amount is not negative.
    pub fn check(&self, field: &str) -> Result<(), Error> {
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::invalid_request(
                &format!("{field}.currency"),
                format!("`{}` is not three capital letters", self.currency),
            ));
        }
        if self.amount < Decimal::ZERO {
            return Err(Error::invalid_request(
                &format!("{field}.amount"),
                "must not be negative",
            ));
        }
        Ok(())
    }
}

/// Zone settings this app reads: which carriers and services a zone offers.
#[derive(Debug, Default)]
pub struct ZoneFilter {
    /// Only these carriers (empty: all).
    pub carriers: Vec<String>,
    /// Only these services, as `carrier:code` or a bare code (empty: all).
    pub services: Vec<String>,
}

impl ZoneFilter {
    /// Reads `zone_options.carriers` and `zone_options.services`: a list of text, or one text
    /// with commas.
    pub fn read(
        options: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Result<Self, Error> {
        let Some(options) = options else {
            return Ok(ZoneFilter::default());
        };
        let list = |key: &str| -> Result<Vec<String>, Error> {
            match options.get(key) {
                None | Some(serde_json::Value::Null) => Ok(Vec::new()),
                Some(serde_json::Value::String(s)) => Ok(s
                    .split(',')
                    .map(|p| p.trim().to_ascii_lowercase())
                    .filter(|p| !p.is_empty())
                    .collect()),
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => Ok(s.trim().to_ascii_lowercase()),
                        _ => Err(Error::invalid_request(
                            &format!("zone_options.{key}"),
                            "must be a list of text",
                        )),
                    })
                    .collect(),
                Some(_) => Err(Error::invalid_request(
                    &format!("zone_options.{key}"),
                    "must be a list of text",
                )),
            }
        };
        Ok(ZoneFilter {
            carriers: list("carriers")?,
            services: list("services")?,
        })
    }

    /// Whether `carrier` is offered.
    pub fn allows_carrier(&self, carrier: &str) -> bool {
        self.carriers.is_empty() || self.carriers.iter().any(|c| c == carrier)
    }

    /// Whether `carrier`'s `service` is offered.
    pub fn allows_service(&self, carrier: &str, service: &str) -> bool {
        self.services.is_empty()
            || self.services.iter().any(|s| match s.split_once(':') {
                Some((c, code)) => c == carrier && code.eq_ignore_ascii_case(service),
                None => s.eq_ignore_ascii_case(service),
            })
    }
}
