//! Reading and validating a rate-quote request the way FedEx does: every problem is listed,
//! each with a FedEx-style code. Numbers may arrive as JSON numbers or numeric strings, as in
//! FedEx's own samples.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::model::country::is_iso_country;
use shipmux_core::{Dimensions, LengthUnit, Weight, WeightUnit};
use shipmux_sandbox::price::Package;

use super::reply::FedexError;
use super::services;
use crate::config::PICKUP_TYPES;
use shipmux_core::raw::json::value::decimal as decimal_of;

/// Rate types a request may ask for.
const RATE_TYPES: [&str; 5] = ["LIST", "ACCOUNT", "INCENTIVE", "PREFERRED", "NONE"];

/// The most packages FedEx rates at once.
const MAX_PACKAGES: u32 = 100;

/// Heaviest package a parcel service takes, in pounds.
pub const PARCEL_LIMIT_LB: i64 = 150;

/// One end of the shipment.
#[derive(Clone, Debug)]
pub struct Party {
    /// ISO country.
    pub country: String,
    /// Postal code as sent (may be empty where none is used).
    pub postal_code: String,
    /// State or province, if sent.
    pub region: Option<String>,
    /// Residential flag.
    pub residential: bool,
}

/// A request FedEx would rate.
#[derive(Clone, Debug)]
pub struct QuoteRequest {
    /// The paying account.
    pub account: String,
    /// Shipper.
    pub shipper: Party,
    /// Recipient.
    pub recipient: Party,
    /// The one service asked for, by its current name.
    pub service_type: Option<String>,
    /// `packagingType` (default YOUR_PACKAGING).
    pub packaging: String,
    /// Rate types asked for (ACCOUNT when none).
    pub rate_types: Vec<String>,
    /// `preferredCurrency`.
    pub preferred_currency: Option<String>,
    /// `shipDateStamp`.
    pub ship_date: Option<NaiveDate>,
    /// Packages, one per piece (`groupPackageCount` expanded).
    pub packages: Vec<Package>,
    /// The request's weight unit (of the first package).
    pub weight_unit: WeightUnit,
    /// Declared value of all packages.
    pub declared_value: Decimal,
    /// `returnTransitTimes`.
    pub return_transit_times: bool,
    /// `rateSortOrder`.
    pub sort: Option<String>,
    /// `carrierCodes`.
    pub carrier_codes: Vec<String>,
}

/// Text of a string or number field, trimmed; `None` when absent or blank.
pub fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn party(v: &Value, role: &'static str, errors: &mut Vec<FedexError>) -> Party {
    let address = &v["address"];
    let (country_code, postal_code_required) = match role {
        "SHIPPER" => ("SHIPPER.COUNTRYCODE.INVALID", "SHIPPER.POSTALCODE.REQUIRED"),
        _ => (
            "RECIPIENT.COUNTRYCODE.INVALID",
            "RECIPIENT.POSTALCODE.REQUIRED",
        ),
    };
    let country = text_of(&address["countryCode"])
        .unwrap_or_default()
        .to_ascii_uppercase();
    if !is_iso_country(&country) {
        errors.push(FedexError::new(
            country_code,
            format!("{role} countryCode `{country}` is not a valid country code."),
        ));
    }
    let postal_code = text_of(&address["postalCode"]).unwrap_or_default();
    if postal_code.is_empty() && matches!(country.as_str(), "US" | "CA" | "PR" | "MX") {
        errors.push(FedexError::new(
            postal_code_required,
            format!("{role} postalCode is required for {country}."),
        ));
    }
    Party {
        country,
        postal_code,
        region: text_of(&address["stateOrProvinceCode"]),
        residential: address["residential"].as_bool().unwrap_or(false),
    }
}

fn package(
    index: usize,
    item: &Value,
    errors: &mut Vec<FedexError>,
) -> Option<(Vec<Package>, WeightUnit, Decimal)> {
    let weight_units = text_of(&item["weight"]["units"]).unwrap_or_default();
    let unit = match weight_units.to_ascii_uppercase().as_str() {
        "LB" => WeightUnit::Lb,
        "KG" => WeightUnit::Kg,
        _ => {
            errors.push(FedexError::new(
                "PACKAGE.WEIGHT.UNITS.INVALID",
                format!("requestedPackageLineItems[{index}].weight.units must be LB or KG."),
            ));
            return None;
        }
    };
    let value = decimal_of(&item["weight"]["value"]).filter(|w| *w > Decimal::ZERO);
    let Some(value) = value else {
        errors.push(FedexError::new(
            "PACKAGE.WEIGHT.INVALID",
            format!("requestedPackageLineItems[{index}].weight.value must be a positive number."),
        ));
        return None;
    };
    let weight = Weight::new(value, unit);
    if weight.to(WeightUnit::Lb).value > Decimal::from(2_200) {
        errors.push(FedexError::new(
            "PACKAGE.WEIGHT.INVALID",
            format!("requestedPackageLineItems[{index}] weighs more than 2,200 LB."),
        ));
        return None;
    }
    let dims = &item["dimensions"];
    let dimensions = if dims.is_object() {
        let side = |name: &str| {
            decimal_of(&dims[name]).filter(|s| *s > Decimal::ZERO && *s <= Decimal::from(999))
        };
        let unit = match text_of(&dims["units"])
            .map(|u| u.to_ascii_uppercase())
            .as_deref()
        {
            Some("IN") => Some(LengthUnit::In),
            Some("CM") => Some(LengthUnit::Cm),
            _ => None,
        };
        match (side("length"), side("width"), side("height"), unit) {
            (Some(l), Some(w), Some(h), Some(u)) => Some(Dimensions::new(l, w, h, u)),
            _ => {
                errors.push(FedexError::new(
                    "PACKAGE.DIMENSIONS.INVALID",
                    format!(
                        "requestedPackageLineItems[{index}].dimensions needs length, width and height from 1 to 999 and units IN or CM."
                    ),
                ));
                return None;
            }
        }
    } else {
        None
    };
    let count = item["groupPackageCount"]
        .as_u64()
        .or_else(|| text_of(&item["groupPackageCount"]).and_then(|c| c.parse().ok()))
        .unwrap_or(1)
        .clamp(1, u64::from(MAX_PACKAGES) + 1);
    let declared = decimal_of(&item["declaredValue"]["amount"]).unwrap_or_default();
    let pieces = (0..count).map(|_| Package { weight, dimensions }).collect();
    Some((pieces, unit, declared * Decimal::from(count)))
}

/// Reads `body` as FedEx would, or lists what is wrong with it.
pub fn read(body: &Value) -> Result<QuoteRequest, Vec<FedexError>> {
    let mut errors = Vec::new();
    let shipment = &body["requestedShipment"];
    if !shipment.is_object() {
        return Err(vec![FedexError::new(
            "REQUESTEDSHIPMENT.REQUIRED",
            "requestedShipment is required.",
        )]);
    }
    // FedEx's own intra-Europe sample names the account on the shipper only.
    let account = text_of(&body["accountNumber"]["value"])
        .or_else(|| text_of(&shipment["shipper"]["accountNumber"]["value"]))
        .unwrap_or_default();
    if account.is_empty() {
        errors.push(FedexError::new(
            "ACCOUNT.NUMBER.REQUIRED",
            "accountNumber.value is required.",
        ));
    }
    let shipper = party(&shipment["shipper"], "SHIPPER", &mut errors);
    let recipient = party(&shipment["recipient"], "RECIPIENT", &mut errors);
    let pickup = text_of(&shipment["pickupType"]).unwrap_or_default();
    if !PICKUP_TYPES.contains(&pickup.as_str()) {
        errors.push(FedexError::new(
            "PICKUPTYPE.INVALID",
            format!("pickupType must be one of {}.", PICKUP_TYPES.join(", ")),
        ));
    }
    let service_type = text_of(&shipment["serviceType"]);
    if let Some(s) = &service_type
        && !services::is_known(s)
    {
        errors.push(FedexError::new(
            "SERVICETYPE.INVALID",
            format!("serviceType `{s}` is not a valid service type."),
        ));
    }
    let rate_types: Vec<String> = match &shipment["rateRequestType"] {
        Value::Array(list) => list.iter().filter_map(text_of).collect(),
        Value::Null => Vec::new(),
        other => text_of(other).into_iter().collect(),
    };
    if let Some(bad) = rate_types
        .iter()
        .find(|t| !RATE_TYPES.contains(&t.as_str()))
    {
        errors.push(FedexError::new(
            "RATEREQUESTTYPE.INVALID",
            format!(
                "rateRequestType `{bad}` is not one of {}.",
                RATE_TYPES.join(", ")
            ),
        ));
    }
    let preferred_currency = text_of(&shipment["preferredCurrency"]);
    if let Some(c) = &preferred_currency
        && !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        errors.push(FedexError::new(
            "PREFERREDCURRENCY.INVALID",
            format!("preferredCurrency `{c}` is not a currency code."),
        ));
    }
    let ship_date = match text_of(&shipment["shipDateStamp"]) {
        None => None,
        Some(d) => match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FedexError::new(
                    "SHIPDATESTAMP.INVALID",
                    format!("shipDateStamp `{d}` must be YYYY-MM-DD."),
                ));
                None
            }
        },
    };
    let items = shipment["requestedPackageLineItems"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if items.is_empty() {
        errors.push(FedexError::new(
            "PACKAGE.REQUIRED",
            "At least one requestedPackageLineItems entry is required.",
        ));
    }
    let mut packages = Vec::new();
    let mut weight_unit = None;
    let mut declared_value = Decimal::ZERO;
    for (i, item) in items.iter().enumerate() {
        if let Some((pieces, unit, declared)) = package(i, item, &mut errors) {
            packages.extend(pieces);
            weight_unit.get_or_insert(unit);
            declared_value += declared;
        }
    }
    if packages.len() > MAX_PACKAGES as usize {
        errors.push(FedexError::new(
            "PACKAGE.COUNT.EXCEEDED",
            format!("A rate request takes at most {MAX_PACKAGES} packages."),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let controls = &body["rateRequestControlParameters"];
    Ok(QuoteRequest {
        account,
        shipper,
        recipient,
        service_type: service_type.map(|s| services::current_name(&s).to_string()),
        packaging: text_of(&shipment["packagingType"])
            .unwrap_or_else(|| "YOUR_PACKAGING".to_string()),
        rate_types: if rate_types.is_empty() {
            vec!["ACCOUNT".to_string()]
        } else {
            rate_types
        },
        preferred_currency,
        ship_date,
        packages,
        weight_unit: weight_unit.unwrap_or(WeightUnit::Lb),
        declared_value,
        return_transit_times: controls["returnTransitTimes"].as_bool().unwrap_or(false),
        sort: text_of(&controls["rateSortOrder"]),
        carrier_codes: body["carrierCodes"]
            .as_array()
            .map(|l| l.iter().filter_map(text_of).collect())
            .unwrap_or_default(),
    })
}
