//! The rates answer (`supermodelIoLogisticsExpressRates`, the same for `GET` and `POST
//! /rates`) → [`Rate`]s (docs/carriers/dhlexpress.md, "Rate").

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::Value;
use shipmux_core::{
    CarrierId, Charge, ChargeKind, Currency, Error, Money, Rate, Result, Weight, WeightUnit,
};

use crate::json::{decimal, field, list, text};
use crate::{CARRIER_ID, codes, error};

/// Which `totalPrice` entry is the total, in order of preference.
const TOTAL_TYPES: [&str; 3] = ["BILLC", "PULCL", "BASEC"];

/// One [`Rate`] per priced product, in `products[]` order.
///
/// An answer without a `products` array is not a rates answer (a 200 with `{}`, `null`, an
/// HTML page read as JSON): a parse error, not an empty list.
pub fn parse(answer: &Value) -> Result<Vec<Rate>> {
    let Some(Value::Array(products)) = field(answer, "products") else {
        return Err(bad("the answer has no products list"));
    };
    let mut rates = Vec::new();
    for product in products {
        if let Some(rate) = parse_product(product)? {
            rates.push(rate);
        }
    }
    Ok(rates)
}

fn parse_product(product: &Value) -> Result<Option<Rate>> {
    let Some(service) = text(product, "productCode") else {
        return Err(bad("a product has no productCode"));
    };
    let Some((currency_type, total)) = total(product, &service)? else {
        return Ok(None);
    };
    let name = text(product, "productName")
        .or_else(|| codes::product_name(&service).map(str::to_string))
        .unwrap_or_else(|| service.clone());
    let mut rate = Rate::new(CarrierId::from_static(CARRIER_ID), &service, &name, total);
    rate.charges = charges(product, &currency_type, &rate.total.currency, &service)?;
    if let Some(delivery) = field(product, "deliveryCapabilities") {
        rate.transit_days = match decimal(delivery, "totalTransitDays").map_err(|t| {
            bad(&format!(
                "{service}: totalTransitDays `{t}` is not a number"
            ))
        })? {
            Some(days) => Some(days.trunc().to_u32().ok_or_else(|| {
                bad(&format!(
                    "{service}: totalTransitDays `{days}` is out of range"
                ))
            })?),
            None => None,
        };
        rate.estimated_delivery = match text(delivery, "estimatedDeliveryDateAndTime") {
            Some(t) => Some(shipmux_core::raw::time::date_part(&t).ok_or_else(|| {
                bad(&format!(
                    "{service}: estimatedDeliveryDateAndTime `{t}` is not a date"
                ))
            })?),
            None => None,
        };
    }
    rate.billed_weight = billed_weight(product, &service)?;
    Ok(Some(rate))
}

/// The `totalPrice` entry that is the total: BILLC, else PULCL, else BASEC, each usable only
/// with a non-zero price and a currency. `None` for a product with no usable entry.
fn total(product: &Value, service: &str) -> Result<Option<(String, Money)>> {
    let entries = list(product, "totalPrice");
    for wanted in TOTAL_TYPES {
        for entry in entries {
            if text(entry, "currencyType").as_deref() != Some(wanted) {
                continue;
            }
            let Some(price) = amount(entry, "price", service)? else {
                continue;
            };
            let Some(currency) = text(entry, "priceCurrency") else {
                continue;
            };
            if price.is_zero() {
                continue;
            }
            let currency = Currency::new(&currency).map_err(|_| {
                bad(&format!(
                    "{service}: priceCurrency `{currency}` is not a currency"
                ))
            })?;
            return Ok(Some((
                wanted.to_string(),
                Money::new(cents(price), currency),
            )));
        }
    }
    Ok(None)
}

/// The `detailedPriceBreakdown` block of the total's currency type, row by row.
fn charges(
    product: &Value,
    currency_type: &str,
    currency: &Currency,
    service: &str,
) -> Result<Vec<Charge>> {
    let blocks = list(product, "detailedPriceBreakdown");
    let block = blocks
        .iter()
        .find(|b| text(b, "currencyType").as_deref() == Some(currency_type))
        .or_else(|| {
            blocks.iter().find(|b| {
                text(b, "currencyType").is_none()
                    && text(b, "priceCurrency").as_deref() == Some(currency.as_str())
            })
        });
    let Some(block) = block else {
        return Ok(Vec::new());
    };
    let currency = match text(block, "priceCurrency") {
        Some(c) => Currency::new(&c)
            .map_err(|_| bad(&format!("{service}: priceCurrency `{c}` is not a currency")))?,
        None => currency.clone(),
    };
    let mut charges = Vec::new();
    let mut push = |kind, code: Option<String>, amount: Decimal| {
        if !amount.is_zero() {
            charges.push(Charge {
                kind,
                code,
                amount: Money::new(cents(amount), currency.clone()),
            });
        }
    };
    for row in list(block, "breakdown") {
        let Some(price) = amount(row, "price", service)? else {
            continue;
        };
        if price.is_zero() {
            continue;
        }
        let (kind, code) = match text(row, "serviceCode") {
            None => (ChargeKind::Base, None),
            Some(c) if c == "FF" => (ChargeKind::Fuel, Some(c)),
            Some(c) => (ChargeKind::Surcharge, Some(c)),
        };
        let mut taxes = Vec::new();
        let mut net = None;
        for part in list(row, "priceBreakdown") {
            if text(part, "priceType").as_deref() != Some("TAX") {
                continue;
            }
            let Some(tax) = amount(part, "price", service)?.filter(|t| !t.is_zero()) else {
                continue;
            };
            if taxes.is_empty() {
                net = Some(amount(part, "basePrice", service)?);
            }
            taxes.push((text(part, "typeCode"), tax));
        }
        let row_amount = match net {
            Some(Some(base)) => base,
            Some(None) => price - taxes.iter().map(|(_, t)| *t).sum::<Decimal>(),
            None => price,
        };
        push(kind, code, row_amount);
        for (code, tax) in taxes {
            push(ChargeKind::Tax, code, tax);
        }
    }
    Ok(charges)
}

/// The larger of `weight.provided` and `weight.volumetric` as written (`provided` on a tie).
fn billed_weight(product: &Value, service: &str) -> Result<Option<Weight>> {
    let Some(weight) = field(product, "weight") else {
        return Ok(None);
    };
    let read = |key| {
        decimal(weight, key)
            .map_err(|t| bad(&format!("{service}: weight.{key} `{t}` is not a number")))
            .map(|v| v.filter(|v| !v.is_zero()))
    };
    let provided = read("provided")?;
    let volumetric = read("volumetric")?;
    let value = match (provided, volumetric) {
        (Some(p), Some(v)) if v > p => v,
        (Some(p), _) => p,
        (None, Some(v)) => v,
        (None, None) => return Ok(None),
    };
    let unit = match text(weight, "unitOfMeasurement").as_deref() {
        Some("imperial") => WeightUnit::Lb,
        _ => WeightUnit::Kg,
    };
    Ok(Some(Weight::new(value, unit)))
}

fn amount(value: &Value, key: &str, service: &str) -> Result<Option<Decimal>> {
    decimal(value, key).map_err(|t| bad(&format!("{service}: {key} `{t}` is not an amount")))
}

fn bad(message: &str) -> Error {
    error::carrier(Error::parse(format!("DHL Express rates: {message}")))
}

/// DHL writes prices as JSON numbers (`88.2`); as money they carry at least two decimals
/// (`88.20`), exactly, like the other carriers' amounts.
fn cents(mut amount: rust_decimal::Decimal) -> rust_decimal::Decimal {
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    amount
}
