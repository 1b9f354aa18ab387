//! Imports BigCommerce V2 shipping zones and methods exactly as its API returns them
//! (`GET /shipping/zones`, `GET /shipping/zones/{id}/methods`; docs/bigcommerce.md).
//!
//! The API is loose, so the reader is too: money and limits may be numbers, strings or null
//! (`"0.0000"`, `12`, `49.99`) and keep the digits as written; `type` is an open string;
//! unknown fields (`channel_ids`, `is_fallback`, …) are ignored.
//!
//! Mapping:
//! - zone `type` `zip`/`state`/`country`/`global` → [`ZoneKind`]; `locations[]` →
//!   [`ZoneLocation`]; `free_shipping` (when `enabled`) → [`ZoneFreeShipping`];
//!   `handling_fees` → [`HandlingFee`].
//! - method `perorder`, `peritem`, `weight` (limits in the store's weight unit, given to the
//!   importer), `total`, `freeshipping` → our rate methods; `default_cost_type`
//!   `percentage_of_total` | `fixed_amount`.
//! - carrier methods (`upsready`, `fedex`, `endicia`, `usps`, `canadapost`, `auspost`,
//!   `royalmail`, `zoom2u`, `carrier_{id}`, and any type whose settings hold `carrier_options`)
//!   → real-time methods. The carrier id is ours (`upsready` → `ups`, `endicia` → `usps`);
//!   BigCommerce's service names become our carriers' codes where we know them (UPS `Ground`
//!   → `03`, Endicia `Priority` → `PRIORITY_MAIL`) and stay as written otherwise;
//!   `packing_method` `separate`/`combined` (either case) → [`PackingStrategy`].
//! - any other type (`pickupinstore`, …) is kept as [`MethodKind::Other`] and offers nothing.
//!
//! Errors are `config` errors whose message starts with the path of the bad field.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use super::decimal_text;
use super::fees::{Adjustment, HandlingFee};
use super::method::{
    DefaultCost, Method, MethodKind, RateRange, RateTable, RealTimeMethod, WeightTable,
};
use super::zone::{Zone, ZoneFreeShipping, ZoneKind, ZoneLocation, ZoneMatcher};
use crate::checkout::PackingStrategy;
use crate::error::Error;
use crate::model::{CarrierId, WeightUnit};

/// Reads BigCommerce V2 shipping JSON into our zones and methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BigCommerceImport {
    /// The store's weight unit: the unit of `weight` methods' range limits.
    pub weight_unit: WeightUnit,
}

#[derive(Deserialize)]
struct BcZone {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    locations: Vec<BcLocation>,
    #[serde(default)]
    free_shipping: Option<BcFreeShipping>,
    #[serde(default)]
    handling_fees: Option<BcHandlingFees>,
    #[serde(default)]
    enabled: Option<bool>,
    /// Not in the API: lets one file carry a zone with its methods.
    #[serde(default)]
    methods: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct BcLocation {
    #[serde(default)]
    zip: Value,
    #[serde(default)]
    country_iso2: Option<String>,
    #[serde(default)]
    state_iso2: Option<String>,
}

#[derive(Deserialize)]
struct BcFreeShipping {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    minimum_sub_total: Value,
    #[serde(default)]
    exclude_fixed_shipping_products: Option<bool>,
}

#[derive(Deserialize)]
struct BcHandlingFees {
    #[serde(default)]
    fixed_surcharge: Value,
    #[serde(default)]
    percentage_surcharge: Value,
    #[serde(default)]
    display_separately: Option<bool>,
}

#[derive(Deserialize)]
struct BcMethod {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    settings: Value,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    handling_fees: Option<BcHandlingFees>,
}

fn config(field: &str, message: impl std::fmt::Display) -> Error {
    Error::config(format!("{field}: {message}"))
}

/// An id or zip that BigCommerce writes as a number or a string.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn decimal(field: &str, value: &Value) -> Result<Option<Decimal>, Error> {
    decimal_text::from_value(value).map_err(|e| config(field, e))
}

/// Parses JSON that is either one object or an array of them.
fn objects(json: &str, what: &str) -> Result<Vec<Value>, Error> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| config(what, format!("unreadable BigCommerce JSON: {e}")))?;
    match value {
        Value::Array(items) => Ok(items),
        object @ Value::Object(_) => Ok(vec![object]),
        other => Err(config(
            what,
            format!("expected an object or an array, got {other}"),
        )),
    }
}

impl BigCommerceImport {
    /// An importer for a store whose weight unit is `weight_unit`.
    pub fn new(weight_unit: WeightUnit) -> Self {
        BigCommerceImport { weight_unit }
    }

    /// Zones from `GET /shipping/zones` (an array, or one zone object). A zone object may
    /// also carry its `methods` array (not part of the API; for files that keep both).
    pub fn zones(&self, json: &str) -> Result<Vec<Zone>, Error> {
        objects(json, "zones")?
            .into_iter()
            .enumerate()
            .map(|(i, value)| self.zone_value(&format!("zones[{i}]"), value))
            .collect()
    }

    /// Methods from `GET /shipping/zones/{id}/methods` (an array, or one method object).
    pub fn methods(&self, json: &str) -> Result<Vec<Method>, Error> {
        objects(json, "methods")?
            .into_iter()
            .enumerate()
            .map(|(i, value)| self.method_value(&format!("methods[{i}]"), value, i))
            .collect()
    }

    /// A whole store: its zones, and for each zone id (as BigCommerce numbers it) the JSON of
    /// its methods. Zones and methods are validated together.
    pub fn rules<'a>(
        &self,
        zones_json: &str,
        methods_by_zone: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ZoneMatcher, Error> {
        let mut zones = self.zones(zones_json)?;
        for (zone_id, methods_json) in methods_by_zone {
            let zone = zones
                .iter_mut()
                .find(|z| z.id == zone_id)
                .ok_or_else(|| config("methods", format!("no zone has id `{zone_id}`")))?;
            zone.methods.extend(self.methods(methods_json)?);
        }
        ZoneMatcher::new(zones).map_err(|e| Error::config(e.message))
    }

    fn zone_value(&self, field: &str, value: Value) -> Result<Zone, Error> {
        let bc: BcZone = serde_json::from_value(value).map_err(|e| config(field, e))?;
        let kind = match bc.kind.as_deref().map(str::trim) {
            Some("zip") => ZoneKind::Zip,
            Some("state") => ZoneKind::State,
            Some("country") => ZoneKind::Country,
            Some("global") => ZoneKind::Global,
            Some(other) => {
                return Err(config(
                    &format!("{field}.type"),
                    format!("unknown zone type `{other}`"),
                ));
            }
            None => return Err(config(&format!("{field}.type"), "missing")),
        };
        let mut locations = Vec::new();
        for (i, loc) in bc.locations.iter().enumerate() {
            let field = format!("{field}.locations[{i}]");
            let country = loc
                .country_iso2
                .as_deref()
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .ok_or_else(|| config(&format!("{field}.country_iso2"), "missing"))?;
            let location = match kind {
                ZoneKind::Zip => {
                    let zip = text_of(&loc.zip)
                        .ok_or_else(|| config(&format!("{field}.zip"), "missing"))?;
                    ZoneLocation::postcode(&country, &zip)
                        .map_err(|e| config(&format!("{field}.zip"), e.message))?
                }
                ZoneKind::State => {
                    let state = loc
                        .state_iso2
                        .as_deref()
                        .filter(|s| !s.trim().is_empty())
                        .ok_or_else(|| config(&format!("{field}.state_iso2"), "missing"))?;
                    ZoneLocation::state(&country, state.trim())
                }
                ZoneKind::Country | ZoneKind::Global => ZoneLocation::country(&country),
            };
            locations.push(location);
        }
        let free_shipping = match &bc.free_shipping {
            Some(free) if free.enabled.unwrap_or(false) => Some(ZoneFreeShipping {
                minimum_subtotal: decimal(
                    &format!("{field}.free_shipping.minimum_sub_total"),
                    &free.minimum_sub_total,
                )?
                .unwrap_or_default(),
                exclude_fixed_shipping_products: free
                    .exclude_fixed_shipping_products
                    .unwrap_or(false),
            }),
            _ => None,
        };
        let handling_fee = match &bc.handling_fees {
            Some(fees) => handling_fee(&format!("{field}.handling_fees"), fees)?,
            None => None,
        };
        let name = bc.name.clone().unwrap_or_default();
        let id = text_of(&bc.id).unwrap_or_else(|| name.clone());
        let mut zone = Zone {
            id,
            name,
            kind,
            enabled: bc.enabled.unwrap_or(true),
            locations,
            free_shipping,
            handling_fee,
            methods: Vec::new(),
        };
        for (i, method) in bc.methods.into_iter().flatten().enumerate() {
            zone.methods
                .push(self.method_value(&format!("{field}.methods[{i}]"), method, i)?);
        }
        Ok(zone)
    }

    fn method_value(&self, field: &str, value: Value, index: usize) -> Result<Method, Error> {
        let bc: BcMethod = serde_json::from_value(value).map_err(|e| config(field, e))?;
        let source_type = bc
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| config(&format!("{field}.type"), "missing"))?
            .to_string();
        let settings = &bc.settings;
        let setting = |name: &str| settings.get(name).unwrap_or(&Value::Null);
        let rate = |name: &str| -> Result<Decimal, Error> {
            let path = format!("{field}.settings.{name}");
            decimal(&path, setting(name))?.ok_or_else(|| config(&path, "missing"))
        };
        let kind = match source_type.as_str() {
            "perorder" => MethodKind::PerOrder {
                rate: rate("rate")?,
            },
            "peritem" => MethodKind::PerItem {
                rate: rate("rate")?,
            },
            "freeshipping" => MethodKind::FreeShipping {
                minimum_subtotal: None,
            },
            "weight" => MethodKind::ByWeight(WeightTable {
                unit: self.weight_unit,
                table: rate_table(field, settings)?,
            }),
            "total" => MethodKind::ByTotal(rate_table(field, settings)?),
            other if is_carrier_type(other, settings) => {
                MethodKind::RealTime(real_time(field, other, settings)?)
            }
            other => MethodKind::Other {
                source_type: other.to_string(),
            },
        };
        let handling_fee = match &bc.handling_fees {
            Some(fees) => handling_fee(&format!("{field}.handling_fees"), fees)?.map(|h| h.fee),
            None => None,
        };
        let name = bc.name.clone().unwrap_or_else(|| source_type.clone());
        Ok(Method {
            id: text_of(&bc.id).unwrap_or_else(|| format!("{source_type}-{index}")),
            name,
            enabled: bc.enabled.unwrap_or(true),
            kind,
            handling_fee,
        })
    }
}

fn handling_fee(field: &str, fees: &BcHandlingFees) -> Result<Option<HandlingFee>, Error> {
    let fee =
        if let Some(fixed) = decimal(&format!("{field}.fixed_surcharge"), &fees.fixed_surcharge)? {
            Adjustment::Fixed(fixed)
        } else if let Some(percent) = decimal(
            &format!("{field}.percentage_surcharge"),
            &fees.percentage_surcharge,
        )? {
            Adjustment::Percent(percent)
        } else {
            return Ok(None);
        };
    Ok(Some(HandlingFee {
        fee,
        display_separately: fees.display_separately.unwrap_or(false),
    }))
}

fn rate_table(field: &str, settings: &Value) -> Result<RateTable, Error> {
    let get = |name: &str| settings.get(name).unwrap_or(&Value::Null);
    let default = decimal(
        &format!("{field}.settings.default_cost"),
        get("default_cost"),
    )?;
    let default_cost = match (default, get("default_cost_type").as_str().map(str::trim)) {
        (None, _) => None,
        (Some(v), Some("percentage_of_total")) => Some(DefaultCost::PercentOfTotal(v)),
        (Some(v), None | Some("fixed_amount")) => Some(DefaultCost::Fixed(v)),
        (Some(_), Some(other)) => {
            return Err(config(
                &format!("{field}.settings.default_cost_type"),
                format!("`{other}` is neither `percentage_of_total` nor `fixed_amount`"),
            ));
        }
    };
    let mut ranges = Vec::new();
    let listed = match get("range") {
        Value::Null => &[][..],
        Value::Array(items) => items.as_slice(),
        other => {
            return Err(config(
                &format!("{field}.settings.range"),
                format!("expected an array, got {other}"),
            ));
        }
    };
    for (i, range) in listed.iter().enumerate() {
        let path = format!("{field}.settings.range[{i}]");
        let value = |name: &str| -> Result<Decimal, Error> {
            let path = format!("{path}.{name}");
            decimal(&path, range.get(name).unwrap_or(&Value::Null))?
                .ok_or_else(|| config(&path, "missing"))
        };
        ranges.push(RateRange::new(
            value("lower_limit")?,
            value("upper_limit")?,
            value("shipping_cost")?,
        ));
    }
    Ok(RateTable {
        ranges,
        default_cost,
    })
}

/// Our id for a BigCommerce carrier method type: the known carrier that answers to that name
/// (`upsready` is UPS), else the type itself.
fn carrier_id_for(source_type: &str) -> String {
    crate::descriptor::known()
        .into_iter()
        .find(|d| d.is_bigcommerce_name(source_type))
        .map_or_else(|| source_type.to_ascii_lowercase(), |d| d.id.to_string())
}

/// Whether a method type is a real-time carrier: a known carrier's name, one of BigCommerce's
/// carriers shipmux has no adapter for, a third-party `carrier_…`, or any method with
/// `carrier_options`.
fn is_carrier_type(source_type: &str, settings: &Value) -> bool {
    matches!(source_type, "auspost" | "royalmail" | "zoom2u")
        || crate::descriptor::known()
            .iter()
            .any(|d| d.is_bigcommerce_name(source_type))
        || source_type.starts_with("carrier_")
        || settings.get("carrier_options").is_some()
}

fn real_time(field: &str, source_type: &str, settings: &Value) -> Result<RealTimeMethod, Error> {
    let carrier = CarrierId::new(&carrier_id_for(source_type))
        .map_err(|e| config(&format!("{field}.type"), e.message))?;
    let options = settings.get("carrier_options").unwrap_or(&Value::Null);
    let services = match options.get("delivery_services") {
        Some(Value::Array(names)) if !names.is_empty() => Some(
            names
                .iter()
                .filter_map(text_of)
                .map(|name| service_code(carrier.as_str(), &name))
                .collect(),
        ),
        _ => None,
    };
    let packing = match options.get("packing_method").and_then(Value::as_str) {
        Some(m) if m.eq_ignore_ascii_case("separate") => Some(PackingStrategy::Individual),
        Some(m) if m.eq_ignore_ascii_case("combined") => {
            Some(PackingStrategy::combined_for(carrier.as_str()))
        }
        _ => None,
    };
    Ok(RealTimeMethod {
        carrier,
        services,
        markup: None,
        packing,
    })
}

/// Our carrier's service code for a BigCommerce service name (the carrier's descriptor lists
/// BigCommerce's names), or the name as written.
fn service_code(carrier: &str, name: &str) -> String {
    crate::descriptor::known()
        .into_iter()
        .find(|d| d.id == carrier)
        .and_then(|d| {
            d.bigcommerce
                .services
                .iter()
                .find(|(bc, _)| *bc == name)
                .map(|(_, code)| code.to_string())
        })
        .unwrap_or_else(|| name.to_string())
}
