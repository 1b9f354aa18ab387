//! Rating: Shipping Options (price + commitment in one call, one call per parcel), the
//! prices APIs as fallback, and the parser for all three USPS price shapes
//! (docs/carriers/usps.md, "Rate").

mod request;
mod response;

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use shipmux_core::{
    CarrierId, Charge, ChargeKind, Currency, Error, Exchange, HttpRequest, HttpResponse,
    LengthUnit, Money, Parcel, Rate, RateRequest, Result, Step, Weight, WeightUnit,
};

use crate::codes::clean;
use crate::codes::{is_domestic, mail_class_name};
use crate::config::{RateApi, UspsConfig};
use crate::error::error_from_response;
use response::{PriceBody, RateItem, RateOption};
use shipmux_core::raw::json::{self, List, Text};
use shipmux_core::raw::time::date_part;

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

fn pricing_option(config: &UspsConfig) -> request::PricingOption<'_> {
    request::PricingOption {
        payment_account: config
            .payment_account
            .as_ref()
            .map(|account| request::PaymentAccount {
                account_number: &account.account_number,
                account_type: &account.account_type,
            }),
        price_type: config.price_type.as_str(),
    }
}

fn post(config: &UspsConfig, path: &str, body: &impl Serialize) -> Result<HttpRequest> {
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
            let mut body = request::ShippingOptionsSearch {
                destination_country_code: None,
                destination_entry_facility_type: None,
                destination_zip_code: None,
                foreign_postal_code: None,
                origin_zip_code: &origin,
                package_description: request::PackageDescription {
                    height: p.height.normalize(),
                    length: p.length.normalize(),
                    mail_class: "ALL",
                    mailing_date: request.ship_date.map(|date| date.to_string()),
                    weight: p.weight.normalize(),
                    width: p.width.normalize(),
                },
                pricing_options: [pricing_option(config)],
            };
            match &destination {
                Destination::Domestic { zip } => {
                    body.destination_zip_code = Some(zip);
                    body.destination_entry_facility_type = Some("NONE");
                }
                Destination::International {
                    country,
                    postal_code,
                } => {
                    body.destination_country_code = Some(country);
                    body.foreign_postal_code = postal_code.as_deref();
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
            let account = config.payment_account.as_ref();
            let mut body = request::TotalRatesSearch {
                account_number: account.map(|a| a.account_number.as_str()),
                account_type: account.map(|a| a.account_type.as_str()),
                destination_country_code: None,
                destination_zip_code: None,
                foreign_postal_code: None,
                height: p.height.normalize(),
                length: p.length.normalize(),
                mail_class: None,
                mail_classes: None,
                mailing_date: request.ship_date.map(|date| date.to_string()),
                origin_zip_code: &origin,
                price_type: config.price_type.as_str(),
                weight: p.weight.normalize(),
                width: p.width.normalize(),
            };
            let path = match &destination {
                Destination::Domestic { zip } => {
                    body.destination_zip_code = Some(zip);
                    body.mail_classes = Some(["ALL"]);
                    DOMESTIC_PRICES_PATH
                }
                Destination::International {
                    country,
                    postal_code,
                } => {
                    body.destination_country_code = Some(country);
                    body.foreign_postal_code = postal_code.as_deref();
                    body.mail_class = Some("ALL");
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

fn carrier_error(e: Error) -> Error {
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
fn charges(option: &RateOption<'_>) -> Result<Vec<Charge>> {
    let mut out = Vec::new();
    let mut push = |kind, code: &Text<'_>, amount: Option<Decimal>| {
        if let Some(amount) = amount.filter(|a| !a.is_zero()) {
            out.push(Charge {
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
