//! Rate quotes: `POST /rate/v1/rates/quotes`, read as docs/carriers/fedex.md says.

mod request;
mod response;

use rust_decimal::Decimal;
use shipmux_core::{
    Charge, ChargeKind, Currency, Error, HttpRequest, HttpResponse, LengthUnit, Money, Parcel,
    Rate, RateRequest, WeightUnit,
};

use self::request as wire;
use self::response::{RateReply, RateReplyDetail, RatedShipmentDetail};
use crate::codes;
use crate::config::FedexConfig;
use crate::error::{self, Call};
use shipmux_core::raw::json::{self, Dec};
use shipmux_core::raw::time::date_part;

/// The rate path.
pub const RATE_PATH: &str = "/rate/v1/rates/quotes";

/// FedEx's limit on packages in one rate request.
pub const MAX_PACKAGES: usize = 100;

/// FedEx's limit on each package side, in whole inches or centimetres.
const MAX_SIDE: u32 = 999;

/// The quote request: account number, shipper and recipient, pickup and packaging, ACCOUNT
/// and LIST rates, one line item per parcel, transit times, and the service when the caller
/// asked for exactly one (with several, FedEx is asked for all and the host filters).
pub fn build_rate(config: &FedexConfig, request: &RateRequest) -> Result<HttpRequest, Error> {
    request
        .validate()
        .map_err(|e| e.with_carrier(&error::carrier()))?;
    if request.parcels.len() > MAX_PACKAGES {
        return Err(Error::invalid_request(
            "parcels",
            format!(
                "FedEx rates at most {MAX_PACKAGES} packages per request, got {}",
                request.parcels.len()
            ),
        ));
    }
    let metric = request
        .parcels
        .first()
        .is_some_and(|p| matches!(p.weight.unit, WeightUnit::Kg | WeightUnit::G));
    let items = request
        .parcels
        .iter()
        .enumerate()
        .map(|(i, parcel)| line_item(i, parcel, metric))
        .collect::<Result<Vec<_>, _>>()?;
    let service_type = match request.services.as_deref() {
        Some([service]) => Some(service.trim()),
        _ => None,
    };
    let body = wire::QuoteBody {
        account_number: wire::AccountNumber {
            value: config.account_number.trim(),
        },
        rate_request_control_parameters: wire::ControlParameters {
            return_transit_times: true,
        },
        requested_shipment: wire::RequestedShipment {
            shipper: wire::Party {
                address: address(&request.origin),
            },
            recipient: wire::Party {
                address: address(&request.destination),
            },
            pickup_type: &config.pickup_type,
            packaging_type: &config.packaging_type,
            rate_request_type: ["ACCOUNT", "LIST"],
            total_package_count: items.len(),
            requested_package_line_items: items,
            service_type,
            ship_date_stamp: request
                .ship_date
                .map(|date| date.format("%Y-%m-%d").to_string()),
        },
    };
    HttpRequest::post(format!("{}{RATE_PATH}", config.base()))
        .header("Accept", "application/json")
        .header("X-locale", "en_US")
        .json(&body)
}

fn address(a: &shipmux_core::Address) -> wire::Address {
    wire::Address {
        country_code: a.country.trim().to_ascii_uppercase(),
        postal_code: a.normalized_postal_code(),
        state_or_province_code: text(a.region.as_deref()).map(|r| r.to_ascii_uppercase()),
        city: text(a.city.as_deref()),
        street_lines: a.lines.iter().filter_map(|l| text(Some(l))).collect(),
        residential: a.residential,
    }
}

/// One `requestedPackageLineItems` entry. Weights round up to 0.1 LB/KG; sides round up to
/// whole IN/CM (FedEx takes integers) in the same system as the weight.
fn line_item(index: usize, parcel: &Parcel, metric: bool) -> Result<wire::LineItem<'_>, Error> {
    let tenth = Decimal::new(1, 1);
    let (weight_unit, units, length_unit, dim_units) = if metric {
        (WeightUnit::Kg, "KG", LengthUnit::Cm, "CM")
    } else {
        (WeightUnit::Lb, "LB", LengthUnit::In, "IN")
    };
    let dimensions = match &parcel.dimensions {
        None => None,
        Some(dims) => {
            let sides = dims.ceil_to(length_unit, Decimal::ONE);
            if let Some(side) = sides.iter().find(|s| **s > Decimal::from(MAX_SIDE)) {
                return Err(Error::invalid_request(
                    &format!("parcels[{index}].dimensions"),
                    format!("FedEx takes sides up to {MAX_SIDE} {dim_units}, got {side}"),
                ));
            }
            let [length, width, height] = sides.map(Dec);
            Some(wire::Dimensions {
                length,
                width,
                height,
                units: dim_units,
            })
        }
    };
    Ok(wire::LineItem {
        group_package_count: 1,
        weight: wire::Weight {
            units,
            value: Dec(parcel.weight.ceil_to(weight_unit, tenth)),
        },
        dimensions,
        declared_value: parcel.declared_value.as_ref().map(|value| wire::Money {
            amount: Dec(value.amount),
            currency: value.currency.as_str(),
        }),
    })
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

/// Trimmed text, `None` when absent or blank.
fn text(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A FedEx weight (`{"units": "LB", "value": 162}`) as ours; unknown units give `None`.
fn weight(units: Option<&str>, value: Option<Dec>) -> Option<shipmux_core::Weight> {
    let unit = shipmux_core::WeightUnit::parse(units?)?;
    Some(shipmux_core::Weight::new(value?.0, unit))
}
