//! The UPS Rating `RateResponse` the simulator answers (v2409 schema `RATEResponseWrapper`,
//! with the bare-object lists of older versions), as serializable structs.
//!
//! Fields are declared in byte order of their JSON names, so answers come out with their keys
//! sorted, exactly as the sandbox wrote them when it built `serde_json::Value`s; optional
//! fields are left out, never `null`.

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

pub(crate) use crate::rate::AsText;

/// A `YYYYMMDD` date, as UPS writes dates.
pub(crate) type Day = AsText<chrono::format::DelayedFormat<chrono::format::StrftimeItems<'static>>>;

/// A date as UPS writes it.
pub(crate) fn day(date: chrono::NaiveDate) -> Day {
    AsText(date.format("%Y%m%d"))
}

/// A UPS list: an array, or — in versions before v2403/v2409 — one element written bare.
pub(crate) struct OneOrMany<T> {
    items: Vec<T>,
    arrays: bool,
}

impl<T> OneOrMany<T> {
    /// `items`, written as an array when `arrays` (or when there is not exactly one).
    pub fn new(items: Vec<T>, arrays: bool) -> Self {
        OneOrMany { items, arrays }
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.items.as_slice() {
            [one] if !self.arrays => one.serialize(serializer),
            items => items.serialize(serializer),
        }
    }
}

/// The document: `{"RateResponse": …}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RateResponseWrapper<'a> {
    pub rate_response: RateResponse<'a>,
}

/// `RateResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RateResponse<'a> {
    pub rated_shipment: OneOrMany<RatedShipment>,
    pub response: Response<'a>,
}

/// `RateResponse.Response`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Response<'a> {
    pub alert: OneOrMany<CodeDescription>,
    pub response_status: CodeDescription,
    pub transaction_reference: TransactionReference<'a>,
}

/// `Response.TransactionReference`: the client's `CustomerContext` echoed back.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TransactionReference<'a> {
    pub customer_context: std::borrow::Cow<'a, str>,
}

/// `{Code, Description}` (alerts, statuses, services, units).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CodeDescription {
    pub code: &'static str,
    pub description: &'static str,
}

/// `RateResponse.RatedShipment`: one service's quote.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RatedShipment {
    pub base_service_charge: Amount,
    pub billing_weight: BillingWeight,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guaranteed_delivery: Option<GuaranteedDelivery>,
    pub itemized_charges: OneOrMany<ItemizedCharge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negotiated_rate_charges: Option<NegotiatedRateCharges>,
    pub rated_package: OneOrMany<RatedPackage>,
    pub rated_shipment_alert: OneOrMany<CodeDescription>,
    pub service: CodeDescription,
    pub service_options_charges: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_charges: Option<OneOrMany<TaxCharge>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_in_transit: Option<TimeInTransit>,
    pub total_charges: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_charges_with_taxes: Option<Amount>,
    pub transportation_charges: Amount,
    /// Sent from v2409 on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

/// `{CurrencyCode, MonetaryValue}` with the value in cents.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Amount {
    pub currency_code: &'static str,
    pub monetary_value: AsText<Decimal>,
}

/// `ItemizedCharges[]`: fuel (375), residential (270).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ItemizedCharge {
    pub code: &'static str,
    pub currency_code: &'static str,
    pub monetary_value: AsText<Decimal>,
}

/// `TaxCharges[]`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TaxCharge {
    pub monetary_value: AsText<Decimal>,
    #[serde(rename = "Type")]
    pub tax_type: &'static str,
}

/// `BillingWeight` (shipment and package).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BillingWeight {
    pub unit_of_measurement: CodeDescription,
    pub weight: AsText<Decimal>,
}

/// `RatedShipment.GuaranteedDelivery`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GuaranteedDelivery {
    pub business_days_in_transit: AsText<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_by_time: Option<&'static str>,
}

/// `RatedShipment.NegotiatedRateCharges`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NegotiatedRateCharges {
    pub base_service_charge: Amount,
    pub itemized_charges: OneOrMany<ItemizedCharge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_charges: Option<OneOrMany<TaxCharge>>,
    pub total_charge: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_charges_with_taxes: Option<Amount>,
}

/// `RatedShipment.RatedPackage[]`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RatedPackage {
    pub base_service_charge: Amount,
    pub billing_weight: BillingWeight,
    pub itemized_charges: OneOrMany<ItemizedCharge>,
    pub service_options_charges: Amount,
    pub total_charges: Amount,
    pub transportation_charges: Amount,
    pub weight: AsText<Decimal>,
}

/// `RatedShipment.TimeInTransit`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TimeInTransit {
    pub disclaimer: &'static str,
    pub package_bill_type: &'static str,
    pub pickup_date: Day,
    pub service_summary: ServiceSummary,
}

/// `TimeInTransit.ServiceSummary`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ServiceSummary {
    pub estimated_arrival: EstimatedArrival,
    /// A presence flag whose value is `""`, on guaranteed services.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guaranteed_indicator: Option<&'static str>,
    pub saturday_delivery: &'static str,
    pub service: Description,
    pub sunday_delivery: &'static str,
}

/// `{Description}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Description {
    pub description: &'static str,
}

/// `ServiceSummary.EstimatedArrival`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EstimatedArrival {
    pub arrival: DateTime,
    pub business_days_in_transit: AsText<u32>,
    pub customer_center_cutoff: &'static str,
    /// `MON` … `SUN`.
    pub day_of_week: &'static str,
    pub pickup: DateTime,
    pub total_transit_days: AsText<i64>,
}

/// `{Date, Time}` (`YYYYMMDD`, `HHMMSS`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DateTime {
    pub date: Day,
    pub time: &'static str,
}
