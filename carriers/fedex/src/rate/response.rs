//! FedEx's rate answer → our [`Rate`]s ([`parse_rate`]). The answer (`RatcResponseVO` in
//! FedEx's Rate API schema) is mirrored only as far as our rate mapping reads
//! (docs/carriers/fedex.md), with the toolkit's tolerance ([`shipmux_core::raw::json`]):
//! [`Text`] borrows from the body (owned only when FedEx escaped something), unknown fields
//! are skipped by the parser, a [`List`] may be `null` or a bare object; amounts are [`Dec`],
//! the decimal text as written.

use rust_decimal::Decimal;
use serde::Deserialize;
use shipmux_core::raw::json::{self, Dec, List, Text};
use shipmux_core::raw::time::date_part;
use shipmux_core::{Charge, ChargeKind, Currency, Error, HttpResponse, Money, Rate};

use crate::codes;
use crate::error::{self, Call, ErrorItem};

/// The whole body: `output` on success, `errors` when FedEx refused (`RatcResponseVO`).
#[derive(Deserialize)]
pub(crate) struct RateReply<'a> {
    #[serde(default, borrow)]
    pub output: Option<RateOutput<'a>>,
    #[serde(default, borrow)]
    pub errors: List<ErrorItem<'a>>,
}

/// `output` (`RateOutputVO`): one reply detail per service.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateOutput<'a> {
    #[serde(default, borrow)]
    pub rate_reply_details: List<RateReplyDetail<'a>>,
}

/// One service's quote (`RateReplyDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateReplyDetail<'a> {
    #[serde(default, borrow)]
    pub service_type: Text<'a>,
    #[serde(default, borrow)]
    pub service_name: Text<'a>,
    #[serde(default, borrow)]
    pub rated_shipment_details: List<RatedShipmentDetail<'a>>,
    #[serde(default, borrow)]
    pub commit: Option<Commit<'a>>,
    #[serde(default, borrow)]
    pub operational_detail: Option<OperationalDetail<'a>>,
}

/// One rate type's prices for the service (`RatedShipmentDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RatedShipmentDetail<'a> {
    #[serde(default, borrow)]
    pub rate_type: Text<'a>,
    #[serde(default)]
    pub total_net_charge: Option<Dec>,
    #[serde(default)]
    pub total_base_charge: Option<Dec>,
    #[serde(default)]
    pub total_discounts: Option<Dec>,
    #[serde(default, borrow)]
    pub currency: Text<'a>,
    #[serde(default, borrow)]
    pub shipment_rate_detail: Option<ShipmentRateDetail<'a>>,
}

/// The breakdown of a rated detail (`ShipmentRateDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShipmentRateDetail<'a> {
    #[serde(default, borrow)]
    pub currency: Text<'a>,
    #[serde(default, borrow)]
    pub sur_charges: List<ChargeItem<'a>>,
    #[serde(default, borrow)]
    pub taxes: List<ChargeItem<'a>>,
    #[serde(default, borrow)]
    pub total_billing_weight: Option<WeightVo<'a>>,
}

/// A surcharge or tax (`Surcharge`, `Tax`): its type code and amount.
#[derive(Deserialize)]
pub(crate) struct ChargeItem<'a> {
    #[serde(default, borrow, rename = "type")]
    pub kind: Text<'a>,
    #[serde(default)]
    pub amount: Option<Dec>,
}

/// A weight (`Weight`): `{"units": "LB", "value": 162}`.
#[derive(Deserialize)]
pub(crate) struct WeightVo<'a> {
    #[serde(default, borrow)]
    pub units: Text<'a>,
    #[serde(default)]
    pub value: Option<Dec>,
}

/// The delivery commitment (`Commit`), present when transit times were asked for.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Commit<'a> {
    #[serde(default, borrow)]
    pub date_detail: Option<DateDetail<'a>>,
    #[serde(default, borrow)]
    pub transit_days: Option<TransitDays<'a>>,
    #[serde(default, borrow)]
    pub days_in_transit: Text<'a>,
    /// A guarantee code such as `GUARANTEED_DELIVERY`; any text names a guarantee.
    #[serde(default, borrow)]
    pub guaranteed_type: Text<'a>,
}

/// `commit.dateDetail`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DateDetail<'a> {
    #[serde(default, borrow)]
    pub day_format: Text<'a>,
}

/// `commit.transitDays`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TransitDays<'a> {
    #[serde(default, borrow)]
    pub minimum_transit_time: Text<'a>,
}

/// `operationalDetail` (`OperationalDetail`): the fallback for delivery date and transit.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OperationalDetail<'a> {
    #[serde(default, borrow)]
    pub delivery_date: Text<'a>,
    #[serde(default, borrow)]
    pub transit_time: Text<'a>,
}

/// Reads a quote answer of any status: one [`Rate`] per `rateReplyDetails` entry that has a
/// rated detail, in response order.
pub fn parse_rate(response: &HttpResponse) -> Result<Vec<Rate>, Error> {
    if !response.is_success() {
        return Err(error::from_response(Call::Rate, response));
    }
    let reply: RateReply<'_> = json::from_body(&response.body)
        .map_err(|e| error::parse(format!("FedEx rate answer is not the expected JSON ({e})")))?;
    let Some(output) = reply.output else {
        return Err(if reply.errors.is_empty() {
            error::parse("FedEx rate answer has no output")
        } else {
            error::from_response(Call::Rate, response)
        });
    };
    let mut rates = Vec::with_capacity(output.rate_reply_details.len());
    for detail in &output.rate_reply_details {
        if let Some(rate) = rate_of(detail)? {
            rates.push(rate);
        }
    }
    Ok(rates)
}

/// The ACCOUNT detail, else LIST, else the first (PREFERRED_* and INCENTIVE never win).
fn rated_detail<'r, 'a>(
    details: &'r [RatedShipmentDetail<'a>],
) -> Option<&'r RatedShipmentDetail<'a>> {
    let of_type = |t: &str| details.iter().find(|d| d.rate_type.get() == Some(t));
    of_type("ACCOUNT")
        .or_else(|| of_type("LIST"))
        .or_else(|| details.first())
}

fn currency_of<'r>(detail: &'r RatedShipmentDetail<'_>) -> Option<&'r str> {
    detail.currency.get().or_else(|| {
        detail
            .shipment_rate_detail
            .as_ref()
            .and_then(|s| s.currency.get())
    })
}

fn total_of(detail: &RatedShipmentDetail<'_>, service: &str) -> Result<Money, Error> {
    let amount = detail
        .total_net_charge
        .ok_or_else(|| error::parse(format!("FedEx rate for {service} has no totalNetCharge")))?;
    let code = currency_of(detail)
        .ok_or_else(|| error::parse(format!("FedEx rate for {service} has no currency")))?;
    let currency = Currency::new(code)
        .map_err(|_| error::parse(format!("FedEx rate for {service} has currency `{code}`")))?;
    Ok(Money::new(amount.0, currency))
}

fn rate_of(reply: &RateReplyDetail<'_>) -> Result<Option<Rate>, Error> {
    let service = reply
        .service_type
        .to_owned_text()
        .ok_or_else(|| error::parse("FedEx rateReplyDetails entry has no serviceType"))?;
    let Some(detail) = rated_detail(&reply.rated_shipment_details) else {
        // FedEx lists services it could not rate (servicesNeededOnRateFailure) without
        // prices; there is nothing to quote for them.
        return Ok(None);
    };
    let total = total_of(detail, &service)?;
    let is_account = detail.rate_type.get() == Some("ACCOUNT");
    let list_total = match reply
        .rated_shipment_details
        .iter()
        .find(|d| d.rate_type.get() == Some("LIST"))
    {
        Some(list) if is_account => {
            let list = total_of(list, &service)?;
            (list.amount != total.amount || list.currency != total.currency).then_some(list)
        }
        _ => None,
    };
    let service_name = reply
        .service_name
        .to_owned_text()
        .or_else(|| codes::service_name(&service).map(str::to_string))
        .unwrap_or_else(|| service.clone());
    let mut rate = Rate::new(error::carrier(), &service, &service_name, total);
    rate.charges = charges_of(detail, &rate.total.currency);
    rate.list_total = list_total;
    let commit = reply.commit.as_ref();
    let operational = reply.operational_detail.as_ref();
    rate.transit_days = [
        commit
            .and_then(|c| c.transit_days.as_ref())
            .and_then(|t| t.minimum_transit_time.get()),
        commit.and_then(|c| c.days_in_transit.get()),
        operational.and_then(|o| o.transit_time.get()),
    ]
    .into_iter()
    .flatten()
    .find_map(codes::transit_days);
    rate.estimated_delivery = commit
        .and_then(|c| c.date_detail.as_ref())
        .and_then(|d| d.day_format.get())
        .and_then(date_part)
        .or_else(|| {
            operational
                .and_then(|o| o.delivery_date.get())
                .and_then(date_part)
        });
    rate.guaranteed = commit.is_some_and(|c| c.guaranteed_type.get().is_some());
    rate.billed_weight = detail
        .shipment_rate_detail
        .as_ref()
        .and_then(|s| s.total_billing_weight.as_ref())
        .and_then(|w| weight(w.units.get(), w.value));
    Ok(Some(rate))
}

/// base, then surcharges (FUEL is `fuel`), then taxes, then a discount as a negative
/// `other`; zero amounts dropped.
fn charges_of(detail: &RatedShipmentDetail<'_>, currency: &Currency) -> Vec<Charge> {
    let charge = |kind, code: Option<String>, amount: Decimal| Charge {
        kind,
        code,
        amount: Money::new(amount, currency.clone()),
    };
    let mut charges = Vec::new();
    if let Some(base) = detail.total_base_charge {
        charges.push(charge(ChargeKind::Base, None, base.0));
    }
    if let Some(rated) = &detail.shipment_rate_detail {
        for s in &rated.sur_charges {
            let code = s.kind.to_owned_text();
            let kind = if code.as_deref() == Some("FUEL") {
                ChargeKind::Fuel
            } else {
                ChargeKind::Surcharge
            };
            if let Some(amount) = s.amount {
                charges.push(charge(kind, code, amount.0));
            }
        }
        for t in &rated.taxes {
            if let Some(amount) = t.amount {
                charges.push(charge(ChargeKind::Tax, t.kind.to_owned_text(), amount.0));
            }
        }
    }
    if let Some(discount) = detail.total_discounts {
        let amount = if discount.0.is_sign_negative() {
            discount.0
        } else {
            -discount.0
        };
        charges.push(charge(ChargeKind::Other, Some("DISCOUNT".into()), amount));
    }
    charges.retain(|c| !c.amount.amount.is_zero());
    charges
}

/// A FedEx weight (`{"units": "LB", "value": 162}`) as ours; unknown units give `None`.
fn weight(units: Option<&str>, value: Option<Dec>) -> Option<shipmux_core::Weight> {
    let unit = shipmux_core::WeightUnit::parse(units?)?;
    Some(shipmux_core::Weight::new(value?.0, unit))
}
