//! The quote request body FedEx takes (`Full_Schema_Quote_Rate` in FedEx's Rate API schema),
//! only the fields we send. Optional fields are left out when we have nothing to say, never
//! sent as `null`; amounts and measures are JSON numbers with the decimal's own text.

use serde::Serialize;

use shipmux_core::raw::json::Dec;

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
