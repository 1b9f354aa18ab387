//! The parts of a UPS Rating `RateResponse` (v2409 schema, and the bare-object shapes of
//! older versions) that our rate mapping reads (docs/carriers/ups.md), as borrowing typed structs. Everything
//! else in the answer is skipped unread, with the toolkit's tolerance
//! ([`shipmux_core::raw::json`]): a missing, `null` or odd-typed field reads as absent.

use serde::de::IgnoredAny;
use shipmux_core::{Currency, Error, Money};

use shipmux_core::raw::json::{List, Text};
use shipmux_core::tolerant_object;

tolerant_object! {
    /// The whole answer: a `RateResponse`, or UPS's error shape (`response.errors`).
    pub(crate) struct RateAnswer<'de> {
        rate_response: Option<RateResponse<'de>> = "RateResponse",
        response: Option<ErrorResponse<'de>> = "response",
    }
}

tolerant_object! {
    /// `RateResponse`.
    pub(crate) struct RateResponse<'de> {
        rated_shipments: List<RatedShipment<'de>> = "RatedShipment",
    }
}

tolerant_object! {
    /// `response` of UPS's error shape; only whether it holds an error matters here.
    pub(crate) struct ErrorResponse<'de> {
        errors: List<IgnoredAny> = "errors",
    }
}

tolerant_object! {
    /// `RateResponse.RatedShipment` (`RateResponse_RatedShipment`): one service's quote.
    pub(crate) struct RatedShipment<'de> {
        service: Option<CodeDescription<'de>> = "Service",
        time_in_transit: Option<TimeInTransit<'de>> = "TimeInTransit",
        guaranteed_delivery: Option<GuaranteedDelivery<'de>> = "GuaranteedDelivery",
        billing_weight: Option<BillingWeight<'de>> = "BillingWeight",
        total_charges: Option<Amount<'de>> = "TotalCharges",
        total_charges_with_taxes: Option<Amount<'de>> = "TotalChargesWithTaxes",
        negotiated: Option<NegotiatedRateCharges<'de>> = "NegotiatedRateCharges",
        base_service_charge: List<Amount<'de>> = "BaseServiceCharge",
        itemized_charges: List<Amount<'de>> = "ItemizedCharges",
        tax_charges: List<Amount<'de>> = "TaxCharges",
        service_options_charges: Option<Amount<'de>> = "ServiceOptionsCharges",
    }
}

tolerant_object! {
    /// `RatedShipment.NegotiatedRateCharges`: the account's own prices.
    pub(crate) struct NegotiatedRateCharges<'de> {
        total_charge: Option<Amount<'de>> = "TotalCharge",
        total_charges_with_taxes: Option<Amount<'de>> = "TotalChargesWithTaxes",
        base_service_charge: List<Amount<'de>> = "BaseServiceCharge",
        itemized_charges: List<Amount<'de>> = "ItemizedCharges",
        tax_charges: List<Amount<'de>> = "TaxCharges",
        service_options_charges: Option<Amount<'de>> = "ServiceOptionsCharges",
    }
}

tolerant_object! {
    /// A `{Code, Description}` pair (`Service`, `UnitOfMeasurement`).
    pub(crate) struct CodeDescription<'de> {
        code: Text<'de> = "Code",
        description: Text<'de> = "Description",
    }
}

tolerant_object! {
    /// A charge or a total: `{CurrencyCode, MonetaryValue}`, with `Code` on itemized
    /// charges and `Type` on taxes.
    pub(crate) struct Amount<'de> {
        currency_code: Text<'de> = "CurrencyCode",
        monetary_value: Text<'de> = "MonetaryValue",
        code: Text<'de> = "Code",
        tax_type: Text<'de> = "Type",
    }
}

tolerant_object! {
    /// `RatedShipment.TimeInTransit`.
    pub(crate) struct TimeInTransit<'de> {
        service_summary: List<ServiceSummary<'de>> = "ServiceSummary",
    }
}

tolerant_object! {
    /// `TimeInTransit.ServiceSummary`.
    pub(crate) struct ServiceSummary<'de> {
        service: Option<CodeDescription<'de>> = "Service",
        estimated_arrival: Option<EstimatedArrival<'de>> = "EstimatedArrival",
        /// A presence flag whose value is `""`.
        guaranteed_indicator: Option<IgnoredAny> = "GuaranteedIndicator",
    }
}

tolerant_object! {
    /// `ServiceSummary.EstimatedArrival`.
    pub(crate) struct EstimatedArrival<'de> {
        arrival: Option<DateOnly<'de>> = "Arrival",
        business_days_in_transit: Text<'de> = "BusinessDaysInTransit",
    }
}

tolerant_object! {
    /// `EstimatedArrival.Arrival` (its `Time` is not read).
    pub(crate) struct DateOnly<'de> {
        date: Text<'de> = "Date",
    }
}

tolerant_object! {
    /// `RatedShipment.GuaranteedDelivery`.
    pub(crate) struct GuaranteedDelivery<'de> {
        business_days_in_transit: Text<'de> = "BusinessDaysInTransit",
        scheduled_delivery_date: Text<'de> = "ScheduledDeliveryDate",
    }
}

tolerant_object! {
    /// `RatedShipment.BillingWeight`.
    pub(crate) struct BillingWeight<'de> {
        unit_of_measurement: Option<CodeDescription<'de>> = "UnitOfMeasurement",
        weight: Text<'de> = "Weight",
    }
}

impl ErrorResponse<'_> {
    /// Whether this is UPS's error shape with at least one error (as `error::first_error`).
    pub(crate) fn has_error(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// A decimal as written (`"118.20"` keeps two places); `what` names it in the error.
pub(crate) fn decimal(text: &Text<'_>, what: &str) -> Result<Option<rust_decimal::Decimal>, Error> {
    match text.get() {
        None => Ok(None),
        Some(s) => shipmux_core::parse_decimal(s)
            .map(Some)
            .ok_or_else(|| Error::parse(format!("{what}: `{s}` is not a decimal number"))),
    }
}

/// A currency code as UPS sends it; `what` names it in the error.
pub(crate) fn currency(code: &str, what: &str) -> Result<Currency, Error> {
    Currency::new(code)
        .map_err(|_| Error::parse(format!("{what}: `{code}` is not a currency code")))
}

impl Amount<'_> {
    /// The money of a `{CurrencyCode, MonetaryValue}` container; `None` without a value.
    pub(crate) fn money(&self, what: &str) -> Result<Option<Money>, Error> {
        let Some(amount) = decimal(&self.monetary_value, what)? else {
            return Ok(None);
        };
        let code = self
            .currency_code
            .get()
            .ok_or_else(|| Error::parse(format!("{what}: MonetaryValue without CurrencyCode")))?;
        Ok(Some(Money::new(amount, currency(code, what)?)))
    }
}

/// The money of an optional container.
pub(crate) fn money(container: Option<&Amount<'_>>, what: &str) -> Result<Option<Money>, Error> {
    match container {
        Some(c) => c.money(what),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(json: &str) -> Result<Option<Money>, Error> {
        let a: Amount = serde_json::from_str(json).unwrap();
        a.money("TotalCharges")
    }

    #[test]
    fn money_is_kept_as_written_and_checked() {
        let m = amount(r#"{"CurrencyCode": "USD", "MonetaryValue": "118.20"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(m.amount.to_string(), "118.20");
        let m = amount(r#"{"CurrencyCode": "cad", "MonetaryValue": 7.50}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            (m.amount.to_string().as_str(), m.currency.as_str()),
            ("7.50", "CAD")
        );
        assert_eq!(amount(r#"{"CurrencyCode": "USD"}"#).unwrap(), None);
        let e = amount(r#"{"CurrencyCode": "USD", "MonetaryValue": "abc"}"#).unwrap_err();
        assert_eq!(e.message, "TotalCharges: `abc` is not a decimal number");
        let e = amount(r#"{"MonetaryValue": "1.00"}"#).unwrap_err();
        assert_eq!(
            e.message,
            "TotalCharges: MonetaryValue without CurrencyCode"
        );
        let e = amount(r#"{"CurrencyCode": "US$", "MonetaryValue": "1.00"}"#).unwrap_err();
        assert_eq!(e.message, "TotalCharges: `US$` is not a currency code");
    }
}
