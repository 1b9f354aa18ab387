//! The USPS v3 rate searches we send: Shipping Options ([`build_shipping_options`], one call
//! per parcel) and the prices APIs ([`build_prices`]), with their JSON bodies borrowing from
//! the quote being built.
//!
//! Fields are declared in alphabetical order of their JSON names, so the bytes sent are
//! exactly those of the earlier `serde_json::Value` bodies (whose maps sort their keys);
//! absent options are omitted, never `null`. Numbers are written with exactly their digits.

use rust_decimal::Decimal;
use serde::Serialize;
use shipmux_core::{Error, HttpRequest, LengthUnit, Parcel, RateRequest, Result, WeightUnit};

use super::{DOMESTIC_PRICES_PATH, INTERNATIONAL_PRICES_PATH, SHIPPING_OPTIONS_PATH};
use crate::codes::is_domestic;
use crate::config::UspsConfig;

/// `POST /shipments/v3/options/search` (`ShippingOptionsRequest`).
#[derive(Debug, Serialize)]
pub struct ShippingOptionsSearch<'a> {
    /// International only.
    #[serde(
        rename = "destinationCountryCode",
        skip_serializing_if = "Option::is_none"
    )]
    pub destination_country_code: Option<&'a str>,
    /// Domestic only: always `NONE` (retail drop-off).
    #[serde(
        rename = "destinationEntryFacilityType",
        skip_serializing_if = "Option::is_none"
    )]
    pub destination_entry_facility_type: Option<&'static str>,
    /// Domestic only.
    #[serde(rename = "destinationZIPCode", skip_serializing_if = "Option::is_none")]
    pub destination_zip_code: Option<&'a str>,
    /// International only, when known.
    #[serde(rename = "foreignPostalCode", skip_serializing_if = "Option::is_none")]
    pub foreign_postal_code: Option<&'a str>,
    /// Five digits.
    #[serde(rename = "originZIPCode")]
    pub origin_zip_code: &'a str,
    /// The parcel.
    #[serde(rename = "packageDescription")]
    pub package_description: PackageDescription,
    /// One price type (with its account for contract prices).
    #[serde(rename = "pricingOptions")]
    pub pricing_options: [PricingOption<'a>; 1],
}

/// `packageDescription` of a Shipping Options search.
#[derive(Debug, Serialize)]
pub struct PackageDescription {
    /// Inches.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub height: Decimal,
    /// Inches, the longest side.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub length: Decimal,
    /// `ALL`: every mail class.
    #[serde(rename = "mailClass")]
    pub mail_class: &'static str,
    /// `YYYY-MM-DD`.
    #[serde(rename = "mailingDate", skip_serializing_if = "Option::is_none")]
    pub mailing_date: Option<String>,
    /// Pounds.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub weight: Decimal,
    /// Inches.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub width: Decimal,
}

/// `pricingOptions[]` of a Shipping Options search.
#[derive(Debug, Serialize)]
pub struct PricingOption<'a> {
    /// Contract prices' account.
    #[serde(rename = "paymentAccount", skip_serializing_if = "Option::is_none")]
    pub payment_account: Option<PaymentAccount<'a>>,
    /// `RETAIL`, `COMMERCIAL` or `CONTRACT`.
    #[serde(rename = "priceType")]
    pub price_type: &'static str,
}

/// `paymentAccount`.
#[derive(Debug, Serialize)]
pub struct PaymentAccount<'a> {
    /// Digits.
    #[serde(rename = "accountNumber")]
    pub account_number: &'a str,
    /// `EPS`, `PERMIT` or `METER`.
    #[serde(rename = "accountType")]
    pub account_type: &'a str,
}

/// `POST /prices/v3/total-rates/search` and `POST /international-prices/v3/total-rates/search`
/// (`TotalRatesQuery`).
#[derive(Debug, Serialize)]
pub struct TotalRatesSearch<'a> {
    /// Contract prices' account number.
    #[serde(rename = "accountNumber", skip_serializing_if = "Option::is_none")]
    pub account_number: Option<&'a str>,
    /// Contract prices' account type.
    #[serde(rename = "accountType", skip_serializing_if = "Option::is_none")]
    pub account_type: Option<&'a str>,
    /// International only.
    #[serde(
        rename = "destinationCountryCode",
        skip_serializing_if = "Option::is_none"
    )]
    pub destination_country_code: Option<&'a str>,
    /// Domestic only.
    #[serde(rename = "destinationZIPCode", skip_serializing_if = "Option::is_none")]
    pub destination_zip_code: Option<&'a str>,
    /// International only, when known.
    #[serde(rename = "foreignPostalCode", skip_serializing_if = "Option::is_none")]
    pub foreign_postal_code: Option<&'a str>,
    /// Inches.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub height: Decimal,
    /// Inches, the longest side.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub length: Decimal,
    /// International only: `ALL`.
    #[serde(rename = "mailClass", skip_serializing_if = "Option::is_none")]
    pub mail_class: Option<&'static str>,
    /// Domestic only: `["ALL"]`.
    #[serde(rename = "mailClasses", skip_serializing_if = "Option::is_none")]
    pub mail_classes: Option<[&'static str; 1]>,
    /// `YYYY-MM-DD`.
    #[serde(rename = "mailingDate", skip_serializing_if = "Option::is_none")]
    pub mailing_date: Option<String>,
    /// Five digits.
    #[serde(rename = "originZIPCode")]
    pub origin_zip_code: &'a str,
    /// `RETAIL`, `COMMERCIAL` or `CONTRACT`.
    #[serde(rename = "priceType")]
    pub price_type: &'static str,
    /// Pounds.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub weight: Decimal,
    /// Inches.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub width: Decimal,
}

/// Weights go out in pounds rounded up to a hundredth: USPS takes decimal pounds, and a
/// 40 g parcel must never be sent as 0.
pub fn weight_step_lb() -> Decimal {
    Decimal::new(1, 2)
}

/// Sides go out in inches rounded up to a hundredth.
pub fn dimension_step_in() -> Decimal {
    Decimal::new(1, 2)
}

/// The side sent for a parcel without dimensions: USPS requires length, width and height;
/// a small box is priced by weight alone, which is what a dimensionless parcel means.
pub fn unknown_side_in() -> Decimal {
    Decimal::ONE
}

/// A parcel in USPS units: pounds, and inches with the longest side as `length`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// Pounds.
    pub weight: Decimal,
    /// Longest side, inches.
    pub length: Decimal,
    /// Middle side, inches.
    pub width: Decimal,
    /// Shortest side, inches.
    pub height: Decimal,
}

impl Package {
    /// Converts and rounds up a parcel.
    pub fn from_parcel(parcel: &Parcel) -> Package {
        let weight = parcel.weight.ceil_to(WeightUnit::Lb, weight_step_lb());
        let mut sides = parcel
            .dimensions
            .map(|d| d.ceil_to(LengthUnit::In, dimension_step_in()))
            .unwrap_or([unknown_side_in(); 3]);
        sides.sort_by(|a, b| b.cmp(a));
        let [length, width, height] = sides;
        Package {
            weight,
            length,
            width,
            height,
        }
    }
}

/// Where a shipment goes, as USPS wants it.
enum Destination {
    Domestic {
        zip: String,
    },
    International {
        country: String,
        postal_code: Option<String>,
    },
}

/// A US ZIP Code's five digits.
fn zip5(address: &shipmux_core::Address, field_name: &str) -> Result<String> {
    let digits: String = address
        .postal_code
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if digits.len() == 5 || digits.len() == 9 {
        Ok(digits[..5].to_string())
    } else {
        Err(Error::invalid_request(
            &format!("{field_name}.postal_code"),
            "USPS needs a 5-digit ZIP Code",
        ))
    }
}

fn route(request: &RateRequest) -> Result<(String, Destination)> {
    if !is_domestic(&request.origin.country) {
        return Err(Error::invalid_request(
            "origin.country",
            format!(
                "USPS ships from the United States and its territories, not `{}`",
                request.origin.country
            ),
        ));
    }
    let origin = zip5(&request.origin, "origin")?;
    let country = request.destination.country.trim().to_ascii_uppercase();
    let destination = if is_domestic(&country) {
        Destination::Domestic {
            zip: zip5(&request.destination, "destination")?,
        }
    } else {
        Destination::International {
            country,
            postal_code: request
                .destination
                .postal_code
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| p.chars().take(11).collect()),
        }
    };
    Ok((origin, destination))
}

fn pricing_option(config: &UspsConfig) -> PricingOption<'_> {
    PricingOption {
        payment_account: config
            .payment_account
            .as_ref()
            .map(|account| PaymentAccount {
                account_number: &account.account_number,
                account_type: &account.account_type,
            }),
        price_type: config.price_type.as_str(),
    }
}

fn post(config: &UspsConfig, path: &str, body: &impl Serialize) -> Result<HttpRequest> {
    HttpRequest::post(format!("{}{path}", config.base()))
        .header("Accept", "application/json")
        .json(body)
}

/// One Shipping Options search per parcel, every mail class (`"ALL"`).
pub fn build_shipping_options(
    config: &UspsConfig,
    request: &RateRequest,
) -> Result<Vec<HttpRequest>> {
    let (origin, destination) = route(request)?;
    request
        .parcels
        .iter()
        .map(|parcel| {
            let p = Package::from_parcel(parcel);
            let mut body = ShippingOptionsSearch {
                destination_country_code: None,
                destination_entry_facility_type: None,
                destination_zip_code: None,
                foreign_postal_code: None,
                origin_zip_code: &origin,
                package_description: PackageDescription {
                    height: p.height.normalize(),
                    length: p.length.normalize(),
                    mail_class: "ALL",
                    mailing_date: request.ship_date.map(|date| date.to_string()),
                    weight: p.weight.normalize(),
                    width: p.width.normalize(),
                },
                pricing_options: [pricing_option(config)],
            };
            match &destination {
                Destination::Domestic { zip } => {
                    body.destination_zip_code = Some(zip);
                    body.destination_entry_facility_type = Some("NONE");
                }
                Destination::International {
                    country,
                    postal_code,
                } => {
                    body.destination_country_code = Some(country);
                    body.foreign_postal_code = postal_code.as_deref();
                }
            }
            post(config, SHIPPING_OPTIONS_PATH, &body)
        })
        .collect()
}

/// One total-rates search per parcel on the domestic or international prices API.
pub fn build_prices(config: &UspsConfig, request: &RateRequest) -> Result<Vec<HttpRequest>> {
    let (origin, destination) = route(request)?;
    request
        .parcels
        .iter()
        .map(|parcel| {
            let p = Package::from_parcel(parcel);
            let account = config.payment_account.as_ref();
            let mut body = TotalRatesSearch {
                account_number: account.map(|a| a.account_number.as_str()),
                account_type: account.map(|a| a.account_type.as_str()),
                destination_country_code: None,
                destination_zip_code: None,
                foreign_postal_code: None,
                height: p.height.normalize(),
                length: p.length.normalize(),
                mail_class: None,
                mail_classes: None,
                mailing_date: request.ship_date.map(|date| date.to_string()),
                origin_zip_code: &origin,
                price_type: config.price_type.as_str(),
                weight: p.weight.normalize(),
                width: p.width.normalize(),
            };
            let path = match &destination {
                Destination::Domestic { zip } => {
                    body.destination_zip_code = Some(zip);
                    body.mail_classes = Some(["ALL"]);
                    DOMESTIC_PRICES_PATH
                }
                Destination::International {
                    country,
                    postal_code,
                } => {
                    body.destination_country_code = Some(country);
                    body.foreign_postal_code = postal_code.as_deref();
                    body.mail_class = Some("ALL");
                    INTERNATIONAL_PRICES_PATH
                }
            };
            post(config, path, &body)
        })
        .collect()
}
