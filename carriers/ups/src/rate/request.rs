//! The UPS Rating `RateRequest` body we send (v2409 schema `RATERequestWrapper`), as
//! serializable structs borrowing from our [`RateRequest`](shipmux_core::RateRequest).
//!
//! Fields are declared in byte order of their JSON names, so the body comes out exactly as
//! a sorted `serde_json::Map` wrote it before (and its `transId` is unchanged); optional
//! fields are left out, never `null`.

use std::fmt::Display;

use serde::{Serialize, Serializer};

/// Writes a value through its `Display` (a decimal, a count, a date) as a JSON string,
/// without building a `String` first.
pub(crate) struct AsText<T>(pub T);

impl<T: Display> Serialize for AsText<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// The document: `{"RateRequest": …}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RateRequestWrapper<'a> {
    pub rate_request: RateRequestBody<'a>,
}

/// `RateRequest`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RateRequestBody<'a> {
    /// Sent with an account number for imperial origins: `{"Code": "00"}` (rates for the
    /// shipper's account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_classification: Option<Code<'a>>,
    pub request: Request,
    pub shipment: Shipment<'a>,
}

/// `RateRequest.Request`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Request {
    /// `Rate` or `Shop`.
    pub request_option: &'static str,
    pub sub_version: &'static str,
    pub transaction_reference: TransactionReference,
}

/// `Request.TransactionReference`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TransactionReference {
    pub customer_context: &'static str,
}

/// `RateRequest.Shipment`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Shipment<'a> {
    pub delivery_time_information: DeliveryTimeInformation,
    pub num_of_pieces: AsText<usize>,
    pub package: Vec<Package<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_details: Option<PaymentDetails<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<CodeDescription<'a>>,
    pub ship_from: Party<'a>,
    pub ship_to: Party<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment_rating_options: Option<ShipmentRatingOptions>,
    pub shipment_total_weight: WeightValue<'a>,
    pub shipper: Party<'a>,
}

/// `Shipment.DeliveryTimeInformation`: what time in transit needs.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeliveryTimeInformation {
    /// `03`: non-document packages.
    pub package_bill_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pickup: Option<Pickup>,
}

/// `DeliveryTimeInformation.Pickup`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Pickup {
    /// `YYYYMMDD`.
    pub date: AsText<chrono::format::DelayedFormat<chrono::format::StrftimeItems<'static>>>,
}

/// `Shipment.Package[]`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Package<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Dimensions<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_service_options: Option<PackageServiceOptions<'a>>,
    pub package_weight: WeightValue<'a>,
    pub packaging_type: CodeDescription<'a>,
}

/// `Package.Dimensions`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Dimensions<'a> {
    pub height: AsText<rust_decimal::Decimal>,
    pub length: AsText<rust_decimal::Decimal>,
    pub unit_of_measurement: Code<'a>,
    pub width: AsText<rust_decimal::Decimal>,
}

/// `Package.PackageServiceOptions`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PackageServiceOptions<'a> {
    pub declared_value: MonetaryValue<'a>,
}

/// `{CurrencyCode, MonetaryValue}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MonetaryValue<'a> {
    pub currency_code: &'a str,
    pub monetary_value: AsText<rust_decimal::Decimal>,
}

/// `PackageWeight` and `ShipmentTotalWeight`: `{UnitOfMeasurement, Weight}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WeightValue<'a> {
    pub unit_of_measurement: Code<'a>,
    pub weight: AsText<rust_decimal::Decimal>,
}

/// `{Code}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Code<'a> {
    pub code: &'a str,
}

/// `{Code, Description}` (`PackagingType`, `Service`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CodeDescription<'a> {
    pub code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
}

/// `Shipment.PaymentDetails`: bill the shipper's account (needed for negotiated rates).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PaymentDetails<'a> {
    pub shipment_charge: [ShipmentCharge<'a>; 1],
}

/// `PaymentDetails.ShipmentCharge[]`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ShipmentCharge<'a> {
    pub bill_shipper: BillShipper<'a>,
    /// `01`: transportation.
    #[serde(rename = "Type")]
    pub charge_type: &'static str,
}

/// `ShipmentCharge.BillShipper`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BillShipper<'a> {
    pub account_number: &'a str,
}

/// `Shipment.ShipmentRatingOptions`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ShipmentRatingOptions {
    pub negotiated_rates_indicator: &'static str,
}

/// `Shipper`, `ShipTo`, `ShipFrom`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Party<'a> {
    pub address: PartyAddress<'a>,
    pub name: &'a str,
    /// The account, on `Shipper` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipper_number: Option<&'a str>,
}

/// A party's `Address`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PartyAddress<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub address_line: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<&'a str>,
    pub country_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// `Y` for a home; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residential_address_indicator: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_province_code: Option<&'a str>,
}
