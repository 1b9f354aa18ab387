//! A UPS Rating answer → our [`Rate`]s ([`parse_rate`]), through the parts of the
//! `RateResponse` (v2409 schema, and the bare-object shapes of older versions) that our rate
//! mapping reads (docs/carriers/ups.md), as borrowing typed structs. Everything else in the
//! answer is skipped unread, with the toolkit's tolerance ([`shipmux_core::raw::json`]): a
//! missing, `null` or odd-typed field reads as absent.

use serde::de::IgnoredAny;
use shipmux_core::raw::json::{self, List, Text};
use shipmux_core::raw::time::{ymd, yyyymmdd};
use shipmux_core::tolerant_object;
use shipmux_core::{
    Charge, ChargeKind, Currency, Error, HttpResponse, Money, Rate, Weight, WeightUnit,
};

use crate::codes;
use crate::error;

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

/// Reads a rating answer (any status) into rates, in response order.
pub fn parse_rate(response: &HttpResponse) -> Result<Vec<Rate>, Error> {
    if !response.is_success() {
        return Err(error::from_response(response, "rating"));
    }
    let answer = read_answer(&response.body).map_err(|e| {
        Error::parse(format!("ups rating: body is not JSON ({e})"))
            .with_carrier(&crate::carrier_id())
    })?;
    let Some(rate_response) = &answer.rate_response else {
        if answer
            .response
            .as_ref()
            .is_some_and(ErrorResponse::has_error)
        {
            return Err(error::from_response(response, "rating"));
        }
        return Err(Error::parse("ups rating: the answer has no RateResponse")
            .with_carrier(&crate::carrier_id()));
    };
    rate_response
        .rated_shipments
        .iter()
        .enumerate()
        .map(|(i, shipment)| {
            rated_shipment(shipment)
                .map_err(|e| Error::parse(format!("ups rating: RatedShipment[{i}]: {}", e.message)))
                .map_err(|e| e.with_carrier(&crate::carrier_id()))
        })
        .collect()
}

/// The typed answer, refusing exactly the bodies a `serde_json::Value` refuses.
fn read_answer(body: &[u8]) -> Result<RateAnswer<'_>, serde_json::Error> {
    json::from_body(body)
}

/// One `RatedShipment` → one [`Rate`].
fn rated_shipment(s: &RatedShipment<'_>) -> Result<Rate, Error> {
    let service = s
        .service
        .as_ref()
        .and_then(|v| v.code.get())
        .ok_or_else(|| Error::parse("Service.Code is missing"))?;
    let summary = s
        .time_in_transit
        .as_ref()
        .and_then(|t| t.service_summary.first());
    let service_name = s
        .service
        .as_ref()
        .and_then(|v| v.description.get())
        .or_else(|| {
            summary
                .and_then(|sum| sum.service.as_ref())
                .and_then(|v| v.description.get())
        })
        .map(str::to_string)
        .or_else(|| codes::service_name(service).map(str::to_string))
        .unwrap_or_else(|| format!("UPS service {service}"));

    let published_with_taxes = money(s.total_charges_with_taxes.as_ref(), "TotalChargesWithTaxes")?;
    let published_total = money(s.total_charges.as_ref(), "TotalCharges")?;
    let published = published_with_taxes.clone().or(published_total);
    let negotiated = s.negotiated.as_ref();

    let (total, charges) = match negotiated {
        Some(n) => {
            let with_taxes = money(
                n.total_charges_with_taxes.as_ref(),
                "NegotiatedRateCharges.TotalChargesWithTaxes",
            )?;
            let plain = money(n.total_charge.as_ref(), "NegotiatedRateCharges.TotalCharge")?;
            let includes_taxes = with_taxes.is_some();
            match with_taxes.or(plain) {
                Some(total) => {
                    let charges = charges_of(&Breakdown::negotiated(n), &total, includes_taxes)?;
                    (total, charges)
                }
                // A negotiated container without a total: fall back to the published price.
                None => published_total_and_charges(
                    s,
                    published.clone(),
                    published_with_taxes.is_some(),
                )?,
            }
        }
        None => published_total_and_charges(s, published.clone(), published_with_taxes.is_some())?,
    };
    let list_total = published.filter(|p| p.amount != total.amount || p.currency != total.currency);
    let list_total = if negotiated.is_some() {
        list_total
    } else {
        None
    };

    let arrival = summary.and_then(|sum| sum.estimated_arrival.as_ref());
    let guaranteed_delivery = s.guaranteed_delivery.as_ref();
    let transit_days = arrival
        .and_then(|a| a.business_days_in_transit.get())
        .or_else(|| guaranteed_delivery.and_then(|g| g.business_days_in_transit.get()))
        .and_then(|d| d.parse::<u32>().ok());
    let estimated_delivery = arrival
        .and_then(|a| a.arrival.as_ref().and_then(|d| d.date.get()))
        .and_then(yyyymmdd)
        .or_else(|| {
            guaranteed_delivery
                .and_then(|g| g.scheduled_delivery_date.get())
                .and_then(|d| yyyymmdd(d).or_else(|| ymd(d)))
        });
    let guaranteed = guaranteed_delivery
        .is_some_and(|g| g.business_days_in_transit.get().is_some())
        || summary.is_some_and(|sum| sum.guaranteed_indicator.is_some());

    let billed_weight = match &s.billing_weight {
        Some(bw) => {
            let value = decimal(&bw.weight, "BillingWeight.Weight")?;
            let unit = bw
                .unit_of_measurement
                .as_ref()
                .and_then(|u| u.code.get())
                .and_then(WeightUnit::parse);
            value.zip(unit).map(|(v, u)| Weight::new(v, u))
        }
        None => None,
    };

    let mut rate = Rate::new(crate::carrier_id(), service, &service_name, total);
    rate.list_total = list_total;
    rate.charges = charges;
    rate.transit_days = transit_days;
    rate.estimated_delivery = estimated_delivery;
    rate.guaranteed = guaranteed;
    rate.billed_weight = billed_weight;
    Ok(rate)
}

fn published_total_and_charges(
    s: &RatedShipment<'_>,
    published: Option<Money>,
    includes_taxes: bool,
) -> Result<(Money, Vec<Charge>), Error> {
    let total = published.ok_or_else(|| Error::parse("TotalCharges is missing"))?;
    let charges = charges_of(&Breakdown::published(s), &total, includes_taxes)?;
    Ok((total, charges))
}

/// The charge lists of one container: a `RatedShipment` (published prices) or its
/// `NegotiatedRateCharges`.
struct Breakdown<'a, 'de> {
    base: &'a List<Amount<'de>>,
    itemized: &'a List<Amount<'de>>,
    taxes: &'a List<Amount<'de>>,
    service_options: Option<&'a Amount<'de>>,
}

impl<'a, 'de> Breakdown<'a, 'de> {
    fn published(s: &'a RatedShipment<'de>) -> Self {
        Breakdown {
            base: &s.base_service_charge,
            itemized: &s.itemized_charges,
            taxes: &s.tax_charges,
            service_options: s.service_options_charges.as_ref(),
        }
    }

    fn negotiated(n: &'a NegotiatedRateCharges<'de>) -> Self {
        Breakdown {
            base: &n.base_service_charge,
            itemized: &n.itemized_charges,
            taxes: &n.tax_charges,
            service_options: n.service_options_charges.as_ref(),
        }
    }
}

/// The components of `total` in one container, zero amounts dropped. Taxes count only when
/// `total` includes them.
fn charges_of(
    c: &Breakdown<'_, '_>,
    total: &Money,
    includes_taxes: bool,
) -> Result<Vec<Charge>, Error> {
    let mut charges = Vec::new();
    let mut push = |kind: ChargeKind,
                    code: Option<&str>,
                    item: &Amount<'_>,
                    what: &str|
     -> Result<(), Error> {
        let Some(amount) = decimal(&item.monetary_value, what)? else {
            return Ok(());
        };
        if amount.is_zero() {
            return Ok(());
        }
        let currency = match item.currency_code.get() {
            Some(code) => currency(code, what)?,
            None => total.currency.clone(),
        };
        charges.push(Charge {
            kind,
            code: code.map(str::to_string),
            amount: Money::new(amount, currency),
        });
        Ok(())
    };
    for base in c.base.iter() {
        push(ChargeKind::Base, None, base, "BaseServiceCharge")?;
    }
    for item in c.itemized.iter() {
        let code = item.code.get();
        let kind = if code == Some("375") {
            ChargeKind::Fuel
        } else {
            ChargeKind::Surcharge
        };
        push(kind, code, item, "ItemizedCharges")?;
    }
    if includes_taxes {
        for tax in c.taxes.iter() {
            push(ChargeKind::Tax, tax.tax_type.get(), tax, "TaxCharges")?;
        }
    }
    if let Some(options) = c.service_options {
        push(
            ChargeKind::Surcharge,
            None,
            options,
            "ServiceOptionsCharges",
        )?;
    }
    Ok(charges)
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
