//! The sandbox's rate answer as FedEx writes it: `output` of `RatcResponseVO` in FedEx's Rate
//! API schema, down to the fields FedEx's samples carry. Serialized once, straight to bytes.
//! Optional parts are left out when absent (as FedEx does); `stateOrProvinceCode` is the
//! one field written as `null` when the request had none. Amounts are [`Dec`]: JSON numbers
//! with the decimal's own text (`16.00`).

use serde::Serialize;

use shipmux_core::raw::json::Dec;

/// `output` (`RateOutputVO`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateOutput<'a> {
    pub alerts: Vec<Alert>,
    pub rate_reply_details: Vec<RateReplyDetail<'a>>,
    pub quote_date: String,
    pub encoded: bool,
}

/// A note about the whole answer (`Alert`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub code: &'static str,
    pub message: &'static str,
    pub alert_type: &'static str,
}

/// One service's quote (`RateReplyDetail`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateReplyDetail<'a> {
    pub service_type: &'static str,
    pub service_name: &'static str,
    pub packaging_type: &'a str,
    pub rated_shipment_details: Vec<RatedShipmentDetail<'a>>,
    pub signature_option_type: &'static str,
    pub service_description: ServiceDescription,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<Commit<'a>>,
    pub operational_detail: OperationalDetail<'a>,
}

/// `serviceDescription` (`ServiceDescription`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDescription {
    pub service_type: &'static str,
    pub code: &'static str,
    pub names: [ProductName; 1],
    pub service_category: &'static str,
    pub description: &'static str,
}

/// One of `serviceDescription.names` (`ProductName`).
#[derive(Serialize)]
pub struct ProductName {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub encoding: &'static str,
    pub value: &'static str,
}

/// `commit` (`Commit`): when it arrives, present when transit times were asked for.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Commit<'a> {
    pub derived_origin_detail: DerivedLocation<'a>,
    pub derived_destination_detail: DerivedLocation<'a>,
    pub saturday_delivery: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_in_transit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_detail: Option<DateDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_days: Option<TransitDays>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guaranteed_type: Option<&'static str>,
}

/// `commit.derivedOriginDetail` / `derivedDestinationDetail`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DerivedLocation<'a> {
    pub country_code: &'a str,
    /// `null` when the request named no state or province.
    pub state_or_province_code: Option<&'a str>,
    pub postal_code: &'a str,
}

/// `commit.dateDetail`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DateDetail {
    pub day_of_week: &'static str,
    pub day_format: String,
}

/// `commit.transitDays`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitDays {
    pub description: String,
    pub minimum_transit_time: String,
}

/// `operationalDetail` (`OperationalDetail`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationalDetail<'a> {
    pub ineligible_for_money_back_guarantee: bool,
    pub origin_service_areas: [&'static str; 1],
    pub destination_service_areas: [&'static str; 1],
    pub country_codes: [&'a str; 1],
    pub service_code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_day: Option<&'static str>,
}

/// One rate type's prices for the service (`RatedShipmentDetail`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RatedShipmentDetail<'a> {
    pub rate_type: &'static str,
    pub rated_weight_method: &'static str,
    pub total_discounts: Dec,
    pub total_base_charge: Dec,
    pub total_net_charge: Dec,
    pub total_vat_charge: u32,
    pub total_net_fed_ex_charge: Dec,
    pub total_duties_and_taxes: Dec,
    pub total_net_charge_with_duties_and_taxes: Dec,
    pub total_duties_taxes_and_fees: Dec,
    pub total_ancillary_fees_and_taxes: Dec,
    pub shipment_rate_detail: ShipmentRateDetail<'a>,
    pub rated_packages: Vec<RatedPackage<'a>>,
    pub currency: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ancillary_fees_and_taxes: Vec<Charge>,
}

/// `shipmentRateDetail` (`ShipmentRateDetail`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentRateDetail<'a> {
    pub rate_zone: String,
    pub dim_divisor: u32,
    pub fuel_surcharge_percent: Dec,
    pub total_surcharges: Dec,
    pub total_freight_discount: Dec,
    pub sur_charges: Vec<Surcharge>,
    pub taxes: Vec<Charge>,
    pub total_billing_weight: Weight,
    pub currency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_exchange_rate: Option<CurrencyExchangeRate<'a>>,
}

/// A surcharge (`Surcharge`).
#[derive(Serialize)]
pub struct Surcharge {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
    pub level: &'static str,
    pub amount: Dec,
}

/// A tax or an ancillary fee (`Tax`, `AncillaryFeesAndTaxes`).
#[derive(Serialize)]
pub struct Charge {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
    pub amount: Dec,
}

/// A weight (`Weight`).
#[derive(Serialize)]
pub struct Weight {
    pub units: &'static str,
    pub value: Dec,
}

/// `currencyExchangeRate` (`CurrencyExchangeRate`), on PREFERRED_CURRENCY details.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyExchangeRate<'a> {
    pub from_currency: &'a str,
    pub into_currency: &'a str,
    pub rate: Dec,
}

/// One package's share (`RatedPackageDetail`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RatedPackage<'a> {
    pub group_number: u32,
    pub sequence_number: usize,
    pub package_rate_detail: PackageRateDetail<'a>,
}

/// `packageRateDetail` (`PackageRateDetail`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageRateDetail<'a> {
    pub rate_type: &'static str,
    pub rated_weight_method: &'static str,
    pub base_charge: Dec,
    pub total_freight_discounts: Dec,
    pub total_surcharges: Dec,
    pub net_charge: Dec,
    pub billing_weight: Weight,
    pub currency: &'a str,
}
