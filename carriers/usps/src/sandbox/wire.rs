//! The sandbox's price answers as `Serialize` structs, written once to bytes.
//!
//! Each struct mirrors the USPS v3 schema it is named after. Fields are declared in
//! alphabetical order of their JSON names, so the bytes are exactly those of the earlier
//! `serde_json::Value` answers (whose maps sort their keys). Prices are written with two
//! decimals (`19.30`), weights with exactly their digits.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

/// `POST /shipments/v3/options/search` 200 (`ShippingOptionsResponse`).
#[derive(Debug, Serialize)]
pub struct ShippingOptionsResponse<'a> {
    /// International only.
    #[serde(
        rename = "destinationCountryCode",
        skip_serializing_if = "Option::is_none"
    )]
    pub destination_country_code: Option<&'a str>,
    /// Domestic only, as sent with a space turned into `-`.
    #[serde(rename = "destinationZIPCode", skip_serializing_if = "Option::is_none")]
    pub destination_zip_code: Option<String>,
    /// International only, when sent.
    #[serde(rename = "foreignPostalCode", skip_serializing_if = "Option::is_none")]
    pub foreign_postal_code: Option<&'a str>,
    /// As sent.
    #[serde(rename = "originZIPCode")]
    pub origin_zip_code: &'a str,
    /// One per pricing option asked for.
    #[serde(rename = "pricingOptions")]
    pub pricing_options: Vec<PricingOption<'a>>,
}

/// `pricingOptions[]` of a Shipping Options answer.
#[derive(Debug, Serialize)]
pub struct PricingOption<'a> {
    /// The request's `paymentAccount`, echoed as sent.
    #[serde(rename = "paymentAccount", skip_serializing_if = "Option::is_none")]
    pub payment_account: Option<&'a Value>,
    /// `RETAIL`, `COMMERCIAL`, `CONTRACT` …
    #[serde(rename = "priceType")]
    pub price_type: &'a str,
    /// One per mail class, in the order the classes were priced.
    #[serde(rename = "shippingOptions")]
    pub shipping_options: Vec<ShippingOption<'a>>,
}

/// `shippingOptions[]`: a mail class and its rate options.
#[derive(Debug, Serialize)]
pub struct ShippingOption<'a> {
    /// `USPS_GROUND_ADVANTAGE`, `PRIORITY_MAIL` …
    #[serde(rename = "mailClass")]
    pub mail_class: &'a str,
    /// The class's options.
    #[serde(rename = "rateOptions")]
    pub rate_options: Vec<RateOption<'a>>,
}

/// `POST …/total-rates/search` 200 (`TotalRatesResponse`).
#[derive(Debug, Serialize)]
pub struct TotalRatesResponse<'a> {
    /// One per option found.
    #[serde(rename = "rateOptions")]
    pub rate_options: Vec<RateOption<'a>>,
}

/// `RateOption` (and, without `extraServices`, the base-rates answer `BaseRateOption`).
#[derive(Debug, Serialize)]
pub struct RateOption<'a> {
    /// Shipping Options only, and only for domestic options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment: Option<Commitment>,
    /// Absent on base rates.
    #[serde(rename = "extraServices", skip_serializing_if = "Option::is_none")]
    pub extra_services: Option<Vec<ExtraService<'a>>>,
    /// The option's one rate.
    pub rates: [RateItem<'a>; 1],
    /// The base price.
    #[serde(
        rename = "totalBasePrice",
        with = "rust_decimal::serde::arbitrary_precision"
    )]
    pub total_base_price: Decimal,
    /// Base plus extra services, only when extra services were asked for.
    #[serde(
        rename = "totalPrice",
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::arbitrary_precision_option"
    )]
    pub total_price: Option<Decimal>,
}

/// `commitment` of a Shipping Options rate option.
#[derive(Debug, Serialize)]
pub struct Commitment {
    /// Priority Mail Express only.
    #[serde(rename = "guaranteedDelivery")]
    pub guaranteed_delivery: bool,
    /// `1-Day`, `3 Days`.
    pub name: String,
    /// `YYYY-MM-DD`.
    #[serde(rename = "scheduleDeliveryDate")]
    pub schedule_delivery_date: String,
}

/// `Rate` (in `rates[]`).
#[derive(Debug, Serialize)]
pub struct RateItem<'a> {
    /// The price's SKU.
    #[serde(rename = "SKU")]
    pub sku: &'a str,
    /// `USPS Ground Advantage Machinable Single-piece` …
    pub description: &'a str,
    /// `NONE`, or `INTERNATIONAL_SERVICE_CENTER` abroad.
    #[serde(rename = "destinationEntryFacilityType")]
    pub destination_entry_facility_type: &'static str,
    /// Pounds, exactly as computed.
    #[serde(
        rename = "dimWeight",
        with = "rust_decimal::serde::arbitrary_precision"
    )]
    pub dim_weight: Decimal,
    /// The deprecated name of `dimWeight`, still sent.
    #[serde(
        rename = "dimensionalWeight",
        with = "rust_decimal::serde::arbitrary_precision"
    )]
    pub dimensional_weight: Decimal,
    /// Always blank.
    #[serde(rename = "endDate")]
    pub end_date: &'static str,
    /// Always empty: the sandbox charges no fees.
    pub fees: &'static [Value],
    /// `USPS_GROUND_ADVANTAGE` …
    #[serde(rename = "mailClass")]
    pub mail_class: &'a str,
    /// Two decimals.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub price: Decimal,
    /// As asked.
    #[serde(rename = "priceType")]
    pub price_type: &'a str,
    /// `MACHINABLE` or `NONSTANDARD`.
    #[serde(rename = "processingCategory")]
    pub processing_category: &'static str,
    /// Always blank.
    #[serde(rename = "productDefinition")]
    pub product_definition: &'static str,
    /// `Priority Mail` …
    #[serde(rename = "productName")]
    pub product_name: &'a str,
    /// `SP`, `PA`, `FB`.
    #[serde(rename = "rateIndicator")]
    pub rate_indicator: &'static str,
    /// The price's effective date.
    #[serde(rename = "startDate")]
    pub start_date: &'static str,
    /// Pounds, as sent.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub weight: Decimal,
    /// Two digits (`08`); the price group abroad.
    pub zone: &'a str,
}

/// `ExtraService` (in `extraServices[]`).
#[derive(Debug, Serialize)]
pub struct ExtraService<'a> {
    /// The service's SKU.
    #[serde(rename = "SKU")]
    pub sku: &'static str,
    /// The code as text (`"920"`).
    #[serde(rename = "extraService")]
    pub extra_service: String,
    /// `Signature Confirmation` …
    pub name: &'static str,
    /// Two decimals.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub price: Decimal,
    /// As asked.
    #[serde(rename = "priceType")]
    pub price_type: &'a str,
    /// Always empty.
    pub warnings: &'static [Value],
}
