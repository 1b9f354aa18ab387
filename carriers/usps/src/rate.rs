//! Rating: Shipping Options (price + commitment in one call, one call per parcel), the
//! prices APIs as fallback, and the parser for all three USPS price shapes
//! (NORMALIZATION.md §3).

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use shipmux_core::{
    CarrierId, Charge, ChargeKind, Currency, Error, Exchange, HttpRequest, HttpResponse,
    LengthUnit, Money, Parcel, Rate, RateRequest, Result, Step, Weight, WeightUnit,
};

use crate::codes::{is_domestic, mail_class_name};
use crate::config::{RateApi, UspsConfig};
use crate::error::error_from_response;
use crate::json::{boolean, decimal, field, list, number, text};
use crate::text::{clean, date_part};

/// Shipping Options API.
pub const SHIPPING_OPTIONS_PATH: &str = "/shipments/v3/options/search";
/// Domestic prices, every mail class with extra services.
pub const DOMESTIC_PRICES_PATH: &str = "/prices/v3/total-rates/search";
/// International prices, every mail class with extra services.
pub const INTERNATIONAL_PRICES_PATH: &str = "/international-prices/v3/total-rates/search";

/// Weights go out in pounds rounded up to a hundredth: USPS takes decimal pounds, and a
/// 40 g parcel must never be sent as 0.
pub fn weight_step_lb() -> Decimal {
    Decimal::new(1, 2)
}

/// Sides go out in inches rounded up to a hundredth.
pub fn dimension_step_in() -> Decimal {
    Decimal::new(1, 2)
}

/// The side sent for a parcel without dimensions: USPS requires length, width and height;
/// a small box is priced by weight alone, which is what a dimensionless parcel means.
pub fn unknown_side_in() -> Decimal {
    Decimal::ONE
}

/// A parcel in USPS units: pounds, and inches with the longest side as `length`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// Pounds.
    pub weight: Decimal,
    /// Longest side, inches.
    pub length: Decimal,
    /// Middle side, inches.
    pub width: Decimal,
    /// Shortest side, inches.
    pub height: Decimal,
}

impl Package {
    /// Converts and rounds up a parcel.
    pub fn from_parcel(parcel: &Parcel) -> Package {
        let weight = parcel.weight.ceil_to(WeightUnit::Lb, weight_step_lb());
        let mut sides = parcel
            .dimensions
            .map(|d| d.ceil_to(LengthUnit::In, dimension_step_in()))
            .unwrap_or([unknown_side_in(); 3]);
        sides.sort_by(|a, b| b.cmp(a));
        let [length, width, height] = sides;
        Package {
            weight,
            length,
            width,
            height,
        }
    }
}

/// Where a shipment goes, as USPS wants it.
enum Destination {
    Domestic {
        zip: String,
    },
    International {
        country: String,
        postal_code: Option<String>,
    },
}

/// A US ZIP Code's five digits.
fn zip5(address: &shipmux_core::Address, field_name: &str) -> Result<String> {
    let digits: String = address
        .postal_code
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if digits.len() == 5 || digits.len() == 9 {
        Ok(digits[..5].to_string())
    } else {
        Err(Error::invalid_request(
            &format!("{field_name}.postal_code"),
            "USPS needs a 5-digit ZIP Code",
        ))
    }
}

fn route(request: &RateRequest) -> Result<(String, Destination)> {
    if !is_domestic(&request.origin.country) {
        return Err(Error::invalid_request(
            "origin.country",
            format!(
                "USPS ships from the United States and its territories, not `{}`",
                request.origin.country
            ),
        ));
    }
    let origin = zip5(&request.origin, "origin")?;
    let country = request.destination.country.trim().to_ascii_uppercase();
    let destination = if is_domestic(&country) {
        Destination::Domestic {
            zip: zip5(&request.destination, "destination")?,
        }
    } else {
        Destination::International {
            country,
            postal_code: request
                .destination
                .postal_code
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| p.chars().take(11).collect()),
        }
    };
    Ok((origin, destination))
}

fn pricing_option(config: &UspsConfig) -> Value {
    let mut option = json!({ "priceType": config.price_type.as_str() });
    if let Some(account) = &config.payment_account {
        option["paymentAccount"] = json!({
            "accountType": account.account_type,
            "accountNumber": account.account_number,
        });
    }
    option
}

fn post(config: &UspsConfig, path: &str, body: &Value) -> Result<HttpRequest> {
    HttpRequest::post(format!("{}{path}", config.base()))
        .header("Accept", "application/json")
        .json(body)
}

/// One Shipping Options search per parcel, every mail class (`"ALL"`).
pub fn build_shipping_options(
    config: &UspsConfig,
    request: &RateRequest,
) -> Result<Vec<HttpRequest>> {
    let (origin, destination) = route(request)?;
    request
        .parcels
        .iter()
        .map(|parcel| {
            let p = Package::from_parcel(parcel);
            let mut package = json!({
                "weight": number(p.weight),
                "length": number(p.length),
                "width": number(p.width),
                "height": number(p.height),
                "mailClass": "ALL",
            });
            if let Some(date) = request.ship_date {
                package["mailingDate"] = Value::String(date.to_string());
            }
            let mut body = json!({
                "pricingOptions": [pricing_option(config)],
                "originZIPCode": origin,
                "packageDescription": package,
            });
            match &destination {
                Destination::Domestic { zip } => {
                    body["destinationZIPCode"] = json!(zip);
                    body["destinationEntryFacilityType"] = json!("NONE");
                }
                Destination::International {
                    country,
                    postal_code,
                } => {
                    body["destinationCountryCode"] = json!(country);
                    if let Some(p) = postal_code {
                        body["foreignPostalCode"] = json!(p);
                    }
                }
            }
            post(config, SHIPPING_OPTIONS_PATH, &body)
        })
        .collect()
}

/// One total-rates search per parcel on the domestic or international prices API.
pub fn build_prices(config: &UspsConfig, request: &RateRequest) -> Result<Vec<HttpRequest>> {
    let (origin, destination) = route(request)?;
    request
        .parcels
        .iter()
        .map(|parcel| {
            let p = Package::from_parcel(parcel);
            let mut body = json!({
                "originZIPCode": origin,
                "weight": number(p.weight),
                "length": number(p.length),
                "width": number(p.width),
                "height": number(p.height),
                "priceType": config.price_type.as_str(),
            });
            if let Some(date) = request.ship_date {
                body["mailingDate"] = Value::String(date.to_string());
            }
            if let Some(account) = &config.payment_account {
                body["accountType"] = json!(account.account_type);
                body["accountNumber"] = json!(account.account_number);
            }
            let path = match &destination {
                Destination::Domestic { zip } => {
                    body["destinationZIPCode"] = json!(zip);
                    body["mailClasses"] = json!(["ALL"]);
                    DOMESTIC_PRICES_PATH
                }
                Destination::International {
                    country,
                    postal_code,
                } => {
                    body["destinationCountryCode"] = json!(country);
                    if let Some(p) = postal_code {
                        body["foreignPostalCode"] = json!(p);
                    }
                    body["mailClass"] = json!("ALL");
                    INTERNATIONAL_PRICES_PATH
                }
            };
            post(config, path, &body)
        })
        .collect()
}

/// The first round of a quote: Shipping Options, or the prices APIs when configured.
pub fn build_rate(config: &UspsConfig, request: &RateRequest) -> Result<Vec<HttpRequest>> {
    request.validate()?;
    match config.rate_api {
        RateApi::ShippingOptions => build_shipping_options(config, request),
        RateApi::Prices => build_prices(config, request),
    }
}

fn is_shipping_options(request: &HttpRequest) -> bool {
    let path = request.url.split(['?', '#']).next().unwrap_or("");
    path.ends_with(SHIPPING_OPTIONS_PATH)
}

/// Reads a round. Shipping Options answering 403/404 (not enabled for this account) asks
/// for a second round on the prices APIs; otherwise every parcel's answer is parsed and,
/// for several parcels, summed per mail class (see [`combine_parcels`]).
pub fn parse_rate(
    config: &UspsConfig,
    request: &RateRequest,
    exchange: &Exchange,
) -> Result<Step<Vec<Rate>>> {
    if exchange.requests.len() != exchange.responses.len() {
        return Err(carrier_error(Error::parse(format!(
            "USPS rate round {} has {} requests but {} responses",
            exchange.round,
            exchange.requests.len(),
            exchange.responses.len()
        ))));
    }
    let not_enabled = exchange
        .pairs()
        .any(|(req, resp)| is_shipping_options(req) && matches!(resp.status, 403 | 404));
    if not_enabled {
        return Ok(Step::Next(build_prices(config, request)?));
    }
    let mut per_parcel = Vec::with_capacity(exchange.responses.len());
    for response in &exchange.responses {
        per_parcel.push(parse_rate_response(response)?);
    }
    Ok(Step::Done(combine_parcels(per_parcel)))
}

/// Parses one USPS price answer of any status: errors become `Error`s, a 2xx body any of the
/// three price shapes.
pub fn parse_rate_response(response: &HttpResponse) -> Result<Vec<Rate>> {
    if !response.is_success() {
        return Err(error_from_response(response, "rate"));
    }
    let body: Value = response.json("USPS rate response").map_err(carrier_error)?;
    if body.get("error").is_some_and(|e| !e.is_null()) {
        return Err(error_from_response(response, "rate"));
    }
    parse_rate_body(&body).map_err(carrier_error)
}

/// The rates in a USPS price body, told apart by their keys: Shipping Options
/// (`pricingOptions[].shippingOptions[].rateOptions[]`), total rates (`rateOptions[]`), base
/// rates (`totalBasePrice` + `rates`). One Rate per rate option, in response order.
pub fn parse_rate_body(body: &Value) -> Result<Vec<Rate>> {
    let mut rates = Vec::new();
    if field(body, "pricingOptions").is_some() {
        for pricing in list(body, "pricingOptions") {
            for option in list(pricing, "shippingOptions") {
                let class = text(option, "mailClass");
                for rate_option in list(option, "rateOptions") {
                    rates.push(rate_from_option(rate_option, class.as_deref())?);
                }
            }
        }
    } else if field(body, "rateOptions").is_some() {
        for rate_option in list(body, "rateOptions") {
            rates.push(rate_from_option(rate_option, None)?);
        }
    } else if field(body, "totalBasePrice").is_some() && field(body, "rates").is_some() {
        rates.push(rate_from_option(body, None)?);
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

fn carrier_error(e: Error) -> Error {
    e.with_carrier(&carrier())
}

/// One rate option → one Rate. `class` is the Shipping Options mail class (its rates carry
/// none); otherwise `rates[0].mailClass`.
fn rate_from_option(option: &Value, class: Option<&str>) -> Result<Rate> {
    let what = "rateOption";
    let rates = list(option, "rates");
    let first = rates.first().copied();
    let service = class
        .map(str::to_string)
        .or_else(|| first.and_then(|r| text(r, "mailClass")))
        .ok_or_else(|| Error::parse("USPS rate option names no mail class"))?;
    let total = match decimal(option, "totalPrice", what)? {
        Some(t) => t,
        None => decimal(option, "totalBasePrice", what)?.ok_or_else(|| {
            Error::parse(format!(
                "USPS rate option for {service} has neither totalPrice nor totalBasePrice"
            ))
        })?,
    };
    let name = first
        .and_then(|r| text(r, "productName").as_deref().and_then(clean))
        .or_else(|| first.and_then(|r| text(r, "description").as_deref().and_then(clean)))
        .or_else(|| mail_class_name(&service).map(str::to_string))
        .unwrap_or_else(|| service.clone());
    let mut rate = Rate::new(carrier(), &service, &name, usd(total));
    rate.charges = charges(option, &rates)?;
    if let Some(commitment) = field(option, "commitment") {
        rate.transit_days = text(commitment, "name").and_then(|n| leading_days(&n));
        rate.estimated_delivery =
            text(commitment, "scheduleDeliveryDate").and_then(|d| date_part(&d));
        rate.guaranteed = boolean(commitment, "guaranteedDelivery").unwrap_or(false);
    }
    if let Some(r) = first {
        rate.billed_weight = billed_weight(r)?;
    }
    Ok(rate)
}

/// Base per rate (code = SKU), each fee, each non-zero extra service; zero amounts dropped.
fn charges(option: &Value, rates: &[&Value]) -> Result<Vec<Charge>> {
    let mut out = Vec::new();
    let mut push = |kind, code: Option<String>, amount: Option<Decimal>| {
        if let Some(amount) = amount.filter(|a| !a.is_zero()) {
            out.push(Charge {
                kind,
                code,
                amount: usd(amount),
            });
        }
    };
    for rate in rates {
        push(
            ChargeKind::Base,
            text(rate, "SKU"),
            decimal(rate, "price", "rates[]")?,
        );
        for fee in list(rate, "fees") {
            push(
                ChargeKind::Surcharge,
                text(fee, "SKU"),
                decimal(fee, "price", "fees[]")?,
            );
        }
    }
    for extra in list(option, "extraServices") {
        push(
            ChargeKind::Surcharge,
            text(extra, "SKU"),
            decimal(extra, "price", "extraServices[]")?,
        );
    }
    Ok(out)
}

/// The larger of `weight` and `dimWeight` (or the deprecated `dimensionalWeight`), in lb,
/// as written.
fn billed_weight(rate: &Value) -> Result<Option<Weight>> {
    let weight = decimal(rate, "weight", "rates[]")?;
    let dim = match decimal(rate, "dimWeight", "rates[]")? {
        Some(d) => Some(d),
        None => decimal(rate, "dimensionalWeight", "rates[]")?,
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
