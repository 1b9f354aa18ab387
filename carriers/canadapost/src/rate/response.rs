//! The `<price-quotes>` answers → [`Rate`]s: one per `price-quote`, and for several parcels
//! the services quoted for every parcel with their amounts added up.

use shipmux_core::{CarrierId, Charge, ChargeKind, Error, Exchange, Money, Rate, Result};

use crate::CARRIER_ID;
use crate::error;
use crate::xml::Element;

/// The rates in a round of answers: one per `price-quote` when there is one parcel; with
/// several parcels, the services quoted for every parcel, with amounts added up.
pub fn parse(exchange: &Exchange) -> Result<Vec<Rate>> {
    let mut per_parcel = Vec::with_capacity(exchange.responses.len());
    for response in &exchange.responses {
        let root = error::read(response, &["price-quotes"])?;
        per_parcel.push(parse_quotes(&root)?);
    }
    let mut parcels = per_parcel.into_iter();
    let Some(first) = parcels.next() else {
        return Err(Error::parse("Canada Post: no rate answer to read"));
    };
    parcels.try_fold(first, combine)
}

/// One [`Rate`] per `price-quote`, in document order.
pub fn parse_quotes(root: &Element) -> Result<Vec<Rate>> {
    root.children("price-quote").map(parse_quote).collect()
}

fn parse_quote(quote: &Element) -> Result<Rate> {
    let service = quote
        .child_text("service-code")
        .ok_or_else(|| Error::parse("Canada Post price-quote has no service-code"))?;
    let details = quote
        .child("price-details")
        .ok_or_else(|| Error::parse(format!("Canada Post quote {service} has no price-details")))?;
    let due = amount(details.child_text("due"), service, "due")?
        .ok_or_else(|| Error::parse(format!("Canada Post quote {service} has no due")))?;
    let name = quote
        .child_text("service-name")
        .map(str::to_string)
        .or_else(|| crate::codes::service_name(service).map(str::to_string))
        .unwrap_or_else(|| service.to_string());
    let mut rate = Rate::new(carrier(), service, &name, due);
    rate.charges = charges(details, service)?;
    if let Some(standard) = quote.child("service-standard") {
        rate.guaranteed = standard.child_text("guaranteed-delivery") == Some("true");
        rate.transit_days = match standard.child_text("expected-transit-time") {
            Some(t) => Some(t.parse::<u32>().map_err(|_| {
                Error::parse(format!(
                    "Canada Post quote {service}: transit time `{t}` is not a number"
                ))
            })?),
            None => None,
        };
        rate.estimated_delivery = match standard.child_text("expected-delivery-date") {
            Some(d) => Some(shipmux_core::raw::time::ymd(d).ok_or_else(|| {
                Error::parse(format!("Canada Post quote {service}: `{d}` is not a date"))
            })?),
            None => None,
        };
    }
    if let Some(cubed) = quote
        .child("weight-details")
        .and_then(|w| w.child_text("cubed-weight"))
    {
        let value = shipmux_core::parse_decimal(cubed).ok_or_else(|| {
            Error::parse(format!(
                "Canada Post cubed-weight `{cubed}` is not a number"
            ))
        })?;
        rate.billed_weight = Some(shipmux_core::Weight::kg(value));
    }
    Ok(rate)
}

/// base, options, adjustments, taxes — in that order, zero amounts dropped.
fn charges(details: &Element, service: &str) -> Result<Vec<Charge>> {
    let mut charges = Vec::new();
    let mut push = |kind, code: Option<&str>, value: Option<Money>| {
        if let Some(amount) = value.filter(|m| !m.amount.is_zero()) {
            charges.push(Charge {
                kind,
                code: code.map(str::to_string),
                amount,
            });
        }
    };
    push(
        ChargeKind::Base,
        None,
        amount(details.child_text("base"), service, "base")?,
    );
    for option in details
        .child("options")
        .into_iter()
        .flat_map(|o| o.children("option"))
    {
        let value = amount(option.child_text("option-price"), service, "option-price")?;
        push(
            ChargeKind::Surcharge,
            option.child_text("option-code"),
            value,
        );
    }
    for adjustment in details
        .child("adjustments")
        .into_iter()
        .flat_map(|a| a.children("adjustment"))
    {
        let code = adjustment.child_text("adjustment-code");
        let kind = if code == Some("FUELSC") {
            ChargeKind::Fuel
        } else {
            ChargeKind::Other
        };
        let value = amount(
            adjustment.child_text("adjustment-cost"),
            service,
            "adjustment-cost",
        )?;
        push(kind, code, value);
    }
    if let Some(taxes) = details.child("taxes") {
        for (element, code) in [("gst", "GST"), ("pst", "PST"), ("hst", "HST")] {
            let value = amount(taxes.child_text(element), service, element)?;
            push(ChargeKind::Tax, Some(code), value);
        }
    }
    Ok(charges)
}

/// CAD amount from decimal text, kept as written.
fn amount(text: Option<&str>, service: &str, field: &str) -> Result<Option<Money>> {
    match text {
        None => Ok(None),
        Some(t) => shipmux_core::parse_decimal(t)
            .map(|d| Some(Money::new(d, shipmux_core::Currency::cad())))
            .ok_or_else(|| {
                Error::parse(format!(
                    "Canada Post quote {service}: {field} `{t}` is not an amount"
                ))
            }),
    }
}

fn carrier() -> CarrierId {
    CarrierId::from_static(CARRIER_ID)
}

/// Adds the next parcel's quotes to the running totals, keeping only services both have.
fn combine(sum: Vec<Rate>, next: Vec<Rate>) -> Result<Vec<Rate>> {
    let mut out = Vec::with_capacity(sum.len());
    for mut rate in sum {
        let Some(other) = next.iter().find(|r| r.service == rate.service) else {
            continue;
        };
        rate.total = rate.total.checked_add(&other.total)?;
        for charge in &other.charges {
            match rate
                .charges
                .iter_mut()
                .find(|c| c.kind == charge.kind && c.code == charge.code)
            {
                Some(c) => c.amount = c.amount.checked_add(&charge.amount)?,
                None => rate.charges.push(charge.clone()),
            }
        }
        rate.transit_days = rate.transit_days.max(other.transit_days);
        rate.estimated_delivery = rate.estimated_delivery.max(other.estimated_delivery);
        rate.guaranteed &= other.guaranteed;
        rate.billed_weight = match (rate.billed_weight, other.billed_weight) {
            (Some(a), Some(b)) => Some(a.add(&b)),
            _ => None,
        };
        out.push(rate);
    }
    Ok(out)
}
