//! The JSON bodies of the USPS v3 rate searches, borrowing from the quote being built.
//!
//! Fields are declared in alphabetical order of their JSON names, so the bytes sent are
//! exactly those of the earlier `serde_json::Value` bodies (whose maps sort their keys);
//! absent options are omitted, never `null`. Numbers are written with exactly their digits.

use rust_decimal::Decimal;
use serde::Serialize;

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
