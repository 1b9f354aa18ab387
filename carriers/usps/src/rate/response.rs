//! A USPS v3 price answer → our [`Rate`]s ([`parse_rate_response`]), several parcels'
//! answers summed per mail class ([`combine_parcels`]). The answers are read as typed views
//! over the response body: only the keys
//! our rate mapping reads (docs/carriers/usps.md), strings borrowed from the body, each read with the toolkit's
//! tolerance ([`shipmux_core::raw::json`]). One struct per USPS schema; the key names are
//! USPS's.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::de::IgnoredAny;
use shipmux_core::raw::json::{self, DecimalField, Flag, List, Text};
use shipmux_core::raw::time::date_part;
use shipmux_core::tolerant_object;
use shipmux_core::{
    CarrierId, ChargeKind, Currency, Error, HttpResponse, Money, Rate, Result, Weight,
};

use crate::codes::{clean, mail_class_name};
use crate::error::error_from_response;

tolerant_object! {
    /// Any of the three price bodies (`ShippingOptionsResponse`, `TotalRatesResponse` /
    /// international `TotalRatesResponse`, `BaseRateOption`), told apart by which keys are
    /// present and not null. A base-rates body is itself a rate option, hence its option keys.
    pub struct PriceBody<'a> {
        /// `error`: present and not null when the body is an error document.
        error: Option<IgnoredAny> = "error",
        /// Shipping Options: `pricingOptions[]`.
        pricing_options: Option<List<PricingOption<'a>>> = "pricingOptions",
        /// Total rates: `rateOptions[]`.
        rate_options: Option<List<RateOption<'a>>> = "rateOptions",
        /// Base rates: `totalBasePrice`.
        total_base_price: DecimalField<'a> = "totalBasePrice",
        /// Base rates: `rates[]`.
        rates: Option<List<RateItem<'a>>> = "rates",
        /// `totalPrice` (base rates carry none, but a base body is read as an option).
        total_price: DecimalField<'a> = "totalPrice",
        /// `extraServices[]`.
        extra_services: List<Charge<'a>> = "extraServices",
        /// `commitment`.
        commitment: Commitment<'a> = "commitment",
    }
}

impl<'a> PriceBody<'a> {
    /// Whether the body is an error document (`error` present and not null).
    pub fn has_error(&self) -> bool {
        self.error.is_some()
    }

    /// A base-rates body as the one rate option it is.
    pub fn into_rate_option(self) -> RateOption<'a> {
        RateOption {
            total_price: self.total_price,
            total_base_price: self.total_base_price,
            rates: self.rates.unwrap_or_default(),
            extra_services: self.extra_services,
            commitment: self.commitment,
            _borrows: std::marker::PhantomData,
        }
    }
}

tolerant_object! {
    /// Shipping Options `pricingOptions[]`: one price type's answer.
    pub struct PricingOption<'a> {
        /// `shippingOptions[]`, one per mail class.
        shipping_options: List<ShippingOption<'a>> = "shippingOptions",
    }
}

tolerant_object! {
    /// Shipping Options `shippingOptions[]`: a mail class and its rate options (whose rates
    /// name no class of their own).
    pub struct ShippingOption<'a> {
        /// `mailClass`.
        mail_class: Text<'a> = "mailClass",
        /// `rateOptions[]`.
        rate_options: List<RateOption<'a>> = "rateOptions",
    }
}

tolerant_object! {
    /// `RateOption`: one priced option — totals, its rates, extra services and (Shipping
    /// Options only) the delivery commitment.
    pub struct RateOption<'a> {
        /// `totalPrice`: base plus extra services, only when extra services were asked for.
        total_price: DecimalField<'a> = "totalPrice",
        /// `totalBasePrice`.
        total_base_price: DecimalField<'a> = "totalBasePrice",
        /// `rates[]`.
        rates: List<RateItem<'a>> = "rates",
        /// `extraServices[]`.
        extra_services: List<Charge<'a>> = "extraServices",
        /// `commitment`.
        commitment: Commitment<'a> = "commitment",
    }
}

tolerant_object! {
    /// `Rate` (in `rates[]`): one priced SKU with its fees and weights.
    pub struct RateItem<'a> {
        /// `mailClass` (absent in Shipping Options).
        mail_class: Text<'a> = "mailClass",
        /// `productName`.
        product_name: Text<'a> = "productName",
        /// `description`.
        description: Text<'a> = "description",
        /// `SKU`.
        sku: Text<'a> = "SKU",
        /// `price`.
        price: DecimalField<'a> = "price",
        /// `fees[]`.
        fees: List<Charge<'a>> = "fees",
        /// `weight`, pounds.
        weight: DecimalField<'a> = "weight",
        /// `dimWeight`, pounds.
        dim_weight: DecimalField<'a> = "dimWeight",
        /// `dimensionalWeight`: the deprecated name of `dimWeight`.
        dimensional_weight: DecimalField<'a> = "dimensionalWeight",
    }
}

tolerant_object! {
    /// `Fee` (in `rates[].fees[]`) and `ExtraService` (in `extraServices[]`): a SKU and a price.
    pub struct Charge<'a> {
        /// `SKU`.
        sku: Text<'a> = "SKU",
        /// `price`.
        price: DecimalField<'a> = "price",
    }
}

tolerant_object! {
    /// Shipping Options `commitment`: the delivery promise of a rate option.
    pub struct Commitment<'a> {
        /// `name`: "1-Day", "3 Days".
        name: Text<'a> = "name",
        /// `scheduleDeliveryDate`.
        schedule_delivery_date: Text<'a> = "scheduleDeliveryDate",
        /// `guaranteedDelivery`.
        guaranteed_delivery: Flag = "guaranteedDelivery",
    }
}

/// Parses one USPS price answer of any status: errors become `Error`s, a 2xx body any of the
/// three price shapes.
pub fn parse_rate_response(response: &HttpResponse) -> Result<Vec<Rate>> {
    if !response.is_success() {
        return Err(error_from_response(response, "rate"));
    }
    let body = read_price_body(&response.body)
        .map_err(|e| carrier_error(unreadable(&e, Some(response.status))))?;
    if body.has_error() {
        return Err(error_from_response(response, "rate"));
    }
    rates_from_body(body).map_err(carrier_error)
}

/// The rates in a USPS price body (not an error body), told apart by their keys: Shipping
/// Options (`pricingOptions[].shippingOptions[].rateOptions[]`), total rates
/// (`rateOptions[]`), base rates (`totalBasePrice` + `rates`). One Rate per rate option, in
/// response order.
pub fn parse_rate_body(body: &[u8]) -> Result<Vec<Rate>> {
    let body = read_price_body(body).map_err(|e| unreadable(&e, None))?;
    rates_from_body(body)
}

fn read_price_body(body: &[u8]) -> serde_json::Result<PriceBody<'_>> {
    json::from_body(body)
}

/// The `parse` error for a body that is not JSON.
fn unreadable(e: &serde_json::Error, status: Option<u16>) -> Error {
    match status {
        Some(status) => Error::parse(format!(
            "USPS rate response: body is not the expected JSON ({e}); status {status}"
        )),
        None => Error::parse(format!(
            "USPS rate response: body is not the expected JSON ({e})"
        )),
    }
}

fn rates_from_body(body: PriceBody<'_>) -> Result<Vec<Rate>> {
    let mut rates = Vec::new();
    if let Some(List(pricing_options)) = &body.pricing_options {
        for pricing in pricing_options {
            for option in &pricing.shipping_options.0 {
                let class = option.mail_class.get();
                for rate_option in &option.rate_options.0 {
                    rates.push(rate_from_option(rate_option, class)?);
                }
            }
        }
    } else if let Some(List(rate_options)) = &body.rate_options {
        for rate_option in rate_options {
            rates.push(rate_from_option(rate_option, None)?);
        }
    } else if body.total_base_price.is_present() && body.rates.is_some() {
        rates.push(rate_from_option(&body.into_rate_option(), None)?);
    } else {
        return Err(Error::parse(
            "USPS rate response is none of the price shapes (pricingOptions, rateOptions, totalBasePrice + rates)",
        ));
    }
    Ok(rates)
}

fn usd(amount: Decimal) -> Money {
    Money::new(amount, Currency::usd())
}

fn carrier() -> CarrierId {
    CarrierId::from_static(crate::CARRIER_ID)
}

pub(crate) fn carrier_error(e: Error) -> Error {
    e.with_carrier(&carrier())
}

/// One rate option → one Rate. `class` is the Shipping Options mail class (its rates carry
/// none); otherwise `rates[0].mailClass`.
fn rate_from_option(option: &RateOption<'_>, class: Option<&str>) -> Result<Rate> {
    let what = "rateOption";
    let first = option.rates.0.first();
    let service = class
        .or_else(|| first.and_then(|r| r.mail_class.get()))
        .ok_or_else(|| Error::parse("USPS rate option names no mail class"))?;
    let total = match option.total_price.read("totalPrice", what)? {
        Some(t) => t,
        None => option
            .total_base_price
            .read("totalBasePrice", what)?
            .ok_or_else(|| {
                Error::parse(format!(
                    "USPS rate option for {service} has neither totalPrice nor totalBasePrice"
                ))
            })?,
    };
    let name = first
        .and_then(|r| r.product_name.get().and_then(clean))
        .or_else(|| first.and_then(|r| r.description.get().and_then(clean)))
        .or_else(|| mail_class_name(service).map(str::to_string))
        .unwrap_or_else(|| service.to_string());
    let mut rate = Rate::new(carrier(), service, &name, usd(total));
    rate.charges = charges(option)?;
    let commitment = &option.commitment;
    rate.transit_days = commitment.name.get().and_then(leading_days);
    rate.estimated_delivery = commitment.schedule_delivery_date.get().and_then(date_part);
    rate.guaranteed = commitment.guaranteed_delivery.0.unwrap_or(false);
    if let Some(r) = first {
        rate.billed_weight = billed_weight(r)?;
    }
    Ok(rate)
}

/// Base per rate (code = SKU), each fee, each non-zero extra service; zero amounts dropped.
fn charges(option: &RateOption<'_>) -> Result<Vec<shipmux_core::Charge>> {
    let mut out = Vec::new();
    let mut push = |kind, code: &Text<'_>, amount: Option<Decimal>| {
        if let Some(amount) = amount.filter(|a| !a.is_zero()) {
            out.push(shipmux_core::Charge {
                kind,
                code: code.get().map(str::to_string),
                amount: usd(amount),
            });
        }
    };
    for rate in &option.rates.0 {
        push(
            ChargeKind::Base,
            &rate.sku,
            rate.price.read("price", "rates[]")?,
        );
        for fee in &rate.fees.0 {
            push(
                ChargeKind::Surcharge,
                &fee.sku,
                fee.price.read("price", "fees[]")?,
            );
        }
    }
    for extra in &option.extra_services.0 {
        push(
            ChargeKind::Surcharge,
            &extra.sku,
            extra.price.read("price", "extraServices[]")?,
        );
    }
    Ok(out)
}

/// The larger of `weight` and `dimWeight` (or the deprecated `dimensionalWeight`), in lb,
/// as written.
fn billed_weight(rate: &RateItem<'_>) -> Result<Option<Weight>> {
    let weight = rate.weight.read("weight", "rates[]")?;
    let dim = match rate.dim_weight.read("dimWeight", "rates[]")? {
        Some(d) => Some(d),
        None => rate
            .dimensional_weight
            .read("dimensionalWeight", "rates[]")?,
    };
    let billed = match (weight, dim) {
        (Some(w), Some(d)) => Some(if d > w { d } else { w }),
        (w, d) => w.or(d),
    };
    Ok(billed.filter(|b| *b > Decimal::ZERO).map(Weight::lb))
}

/// `1-Day` → 1, `3 Days` → 3, `Military` → none.
fn leading_days(name: &str) -> Option<u32> {
    let digits: String = name
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Sums several parcels' quotes per mail class. A class is offered only when every parcel
/// has it; for each parcel its cheapest option of that class counts. Transit is the slowest
/// parcel's, the delivery date the latest, guaranteed only when every parcel is, and charges
/// are summed per kind and code. One parcel's quote is returned as parsed.
pub fn combine_parcels(per_parcel: Vec<Vec<Rate>>) -> Vec<Rate> {
    if per_parcel.len() <= 1 {
        return per_parcel.into_iter().next().unwrap_or_default();
    }
    let cheapest: Vec<HashMap<&str, &Rate>> = per_parcel
        .iter()
        .map(|rates| {
            let mut best: HashMap<&str, &Rate> = HashMap::new();
            for rate in rates {
                best.entry(rate.service.as_str())
                    .and_modify(|b| {
                        if rate.total.amount < b.total.amount {
                            *b = rate;
                        }
                    })
                    .or_insert(rate);
            }
            best
        })
        .collect();
    let mut classes: Vec<&str> = Vec::new();
    for rate in per_parcel.first().into_iter().flatten() {
        if !classes.contains(&rate.service.as_str()) {
            classes.push(&rate.service);
        }
    }
    classes
        .into_iter()
        .filter_map(|class| {
            let picks: Vec<&Rate> = cheapest
                .iter()
                .map(|m| m.get(class).copied())
                .collect::<Option<_>>()?;
            Some(sum_rates(class, &picks))
        })
        .collect()
}

fn sum_rates(class: &str, picks: &[&Rate]) -> Rate {
    let name = mail_class_name(class)
        .map(str::to_string)
        .or_else(|| picks.first().map(|r| r.service_name.clone()))
        .unwrap_or_else(|| class.to_string());
    let total = picks.iter().map(|r| r.total.amount).sum();
    let mut rate = Rate::new(carrier(), class, &name, usd(total));
    for pick in picks {
        for charge in &pick.charges {
            match rate
                .charges
                .iter_mut()
                .find(|c| c.kind == charge.kind && c.code == charge.code)
            {
                Some(c) => c.amount.amount += charge.amount.amount,
                None => rate.charges.push(charge.clone()),
            }
        }
    }
    rate.transit_days = picks
        .iter()
        .map(|r| r.transit_days)
        .collect::<Option<Vec<_>>>()
        .and_then(|d| d.into_iter().max());
    rate.estimated_delivery = picks
        .iter()
        .map(|r| r.estimated_delivery)
        .collect::<Option<Vec<_>>>()
        .and_then(|d| d.into_iter().max());
    rate.guaranteed = picks.iter().all(|r| r.guaranteed);
    rate.billed_weight = picks
        .iter()
        .map(|r| r.billed_weight.map(|w| w.value))
        .collect::<Option<Vec<_>>>()
        .map(|w| Weight::lb(w.into_iter().sum()));
    rate
}
