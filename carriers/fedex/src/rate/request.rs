//! The quote request: [`build_rate`] and the body FedEx takes (`Full_Schema_Quote_Rate` in
//! FedEx's Rate API schema), only the fields we send. Optional fields are left out when we have nothing to say, never
//! sent as `null`; amounts and measures are JSON numbers with the decimal's own text.

use rust_decimal::Decimal;
use serde::Serialize;
use shipmux_core::{Error, HttpRequest, LengthUnit, Parcel, RateRequest, WeightUnit};

use shipmux_core::raw::json::Dec;

use super::{MAX_PACKAGES, RATE_PATH};
use crate::config::FedexConfig;
use crate::error;

/// The whole body (`Full_Schema_Quote_Rate`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QuoteBody<'a> {
    pub account_number: AccountNumber<'a>,
    pub rate_request_control_parameters: ControlParameters,
    pub requested_shipment: RequestedShipment<'a>,
}

/// `accountNumber` (`AccountNumber`).
#[derive(Serialize)]
pub(crate) struct AccountNumber<'a> {
    pub value: &'a str,
}

/// `rateRequestControlParameters` (`RateRequestControlParameters`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ControlParameters {
    pub return_transit_times: bool,
}

/// `requestedShipment` (`RequestedShipment`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestedShipment<'a> {
    pub shipper: Party,
    pub recipient: Party,
    pub pickup_type: &'a str,
    pub packaging_type: &'a str,
    pub rate_request_type: [&'static str; 2],
    pub total_package_count: usize,
    pub requested_package_line_items: Vec<LineItem<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_date_stamp: Option<String>,
}

/// `shipper` / `recipient` (`RateParty`).
#[derive(Serialize)]
pub(crate) struct Party {
    pub address: Address,
}

/// An address (`RateAddress`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Address {
    pub country_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_or_province_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub street_lines: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residential: Option<bool>,
}

/// One `requestedPackageLineItems` entry (`RequestedPackageLineItem`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LineItem<'a> {
    pub group_package_count: u32,
    pub weight: Weight,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Dimensions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_value: Option<Money<'a>>,
}

/// A package weight (`Weight`).
#[derive(Serialize)]
pub(crate) struct Weight {
    pub units: &'static str,
    pub value: Dec,
}

/// A package's sides (`Dimensions`).
#[derive(Serialize)]
pub(crate) struct Dimensions {
    pub length: Dec,
    pub width: Dec,
    pub height: Dec,
    pub units: &'static str,
}

/// An amount (`Money`).
#[derive(Serialize)]
pub(crate) struct Money<'a> {
    pub amount: Dec,
    pub currency: &'a str,
}

/// FedEx's limit on each package side, in whole inches or centimetres.
const MAX_SIDE: u32 = 999;

/// The quote request: account number, shipper and recipient, pickup and packaging, ACCOUNT
/// and LIST rates, one line item per parcel, transit times, and the service when the caller
/// asked for exactly one (with several, FedEx is asked for all and the host filters).
pub fn build_rate(config: &FedexConfig, request: &RateRequest) -> Result<HttpRequest, Error> {
    request
        .validate()
        .map_err(|e| e.with_carrier(&error::carrier()))?;
    if request.parcels.len() > MAX_PACKAGES {
        return Err(Error::invalid_request(
            "parcels",
            format!(
                "FedEx rates at most {MAX_PACKAGES} packages per request, got {}",
                request.parcels.len()
            ),
        ));
    }
    let metric = request
        .parcels
        .first()
        .is_some_and(|p| matches!(p.weight.unit, WeightUnit::Kg | WeightUnit::G));
    let items = request
        .parcels
        .iter()
        .enumerate()
        .map(|(i, parcel)| line_item(i, parcel, metric))
        .collect::<Result<Vec<_>, _>>()?;
    let service_type = match request.services.as_deref() {
        Some([service]) => Some(service.trim()),
        _ => None,
    };
    let body = QuoteBody {
        account_number: AccountNumber {
            value: config.account_number.trim(),
        },
        rate_request_control_parameters: ControlParameters {
            return_transit_times: true,
        },
        requested_shipment: RequestedShipment {
            shipper: Party {
                address: address(&request.origin),
            },
            recipient: Party {
                address: address(&request.destination),
            },
            pickup_type: &config.pickup_type,
            packaging_type: &config.packaging_type,
            rate_request_type: ["ACCOUNT", "LIST"],
            total_package_count: items.len(),
            requested_package_line_items: items,
            service_type,
            ship_date_stamp: request
                .ship_date
                .map(|date| date.format("%Y-%m-%d").to_string()),
        },
    };
    HttpRequest::post(format!("{}{RATE_PATH}", config.base()))
        .header("Accept", "application/json")
        .header("X-locale", "en_US")
        .json(&body)
}

fn address(a: &shipmux_core::Address) -> Address {
    Address {
        country_code: a.country.trim().to_ascii_uppercase(),
        postal_code: a.normalized_postal_code(),
        state_or_province_code: text(a.region.as_deref()).map(|r| r.to_ascii_uppercase()),
        city: text(a.city.as_deref()),
        street_lines: a.lines.iter().filter_map(|l| text(Some(l))).collect(),
        residential: a.residential,
    }
}

/// One `requestedPackageLineItems` entry. Weights round up to 0.1 LB/KG; sides round up to
/// whole IN/CM (FedEx takes integers) in the same system as the weight.
fn line_item(index: usize, parcel: &Parcel, metric: bool) -> Result<LineItem<'_>, Error> {
    let tenth = Decimal::new(1, 1);
    let (weight_unit, units, length_unit, dim_units) = if metric {
        (WeightUnit::Kg, "KG", LengthUnit::Cm, "CM")
    } else {
        (WeightUnit::Lb, "LB", LengthUnit::In, "IN")
    };
    let dimensions = match &parcel.dimensions {
        None => None,
        Some(dims) => {
            let sides = dims.ceil_to(length_unit, Decimal::ONE);
            if let Some(side) = sides.iter().find(|s| **s > Decimal::from(MAX_SIDE)) {
                return Err(Error::invalid_request(
                    &format!("parcels[{index}].dimensions"),
                    format!("FedEx takes sides up to {MAX_SIDE} {dim_units}, got {side}"),
                ));
            }
            let [length, width, height] = sides.map(Dec);
            Some(Dimensions {
                length,
                width,
                height,
                units: dim_units,
            })
        }
    };
    Ok(LineItem {
        group_package_count: 1,
        weight: Weight {
            units,
            value: Dec(parcel.weight.ceil_to(weight_unit, tenth)),
        },
        dimensions,
        declared_value: parcel.declared_value.as_ref().map(|value| Money {
            amount: Dec(value.amount),
            currency: value.currency.as_str(),
        }),
    })
}

/// Trimmed text, `None` when absent or blank.
fn text(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
