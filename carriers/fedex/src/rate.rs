//! Rate quotes: `POST /rate/v1/rates/quotes` (CONTRACTS.md §2.3), read per NORMALIZATION.md §2.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use shipmux_core::{
    Charge, ChargeKind, Currency, Error, HttpRequest, HttpResponse, LengthUnit, Money, Parcel,
    Rate, RateRequest, WeightUnit,
};

use crate::codes;
use crate::config::FedexConfig;
use crate::error::{self, Call, ErrorItem};
use crate::json::{Dec, date_part, null_as_default, number, text, weight};

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
    let mut shipment = json!({
        "shipper": {"address": address(&request.origin)},
        "recipient": {"address": address(&request.destination)},
        "pickupType": config.pickup_type,
        "packagingType": config.packaging_type,
        "rateRequestType": ["ACCOUNT", "LIST"],
        "totalPackageCount": items.len(),
        "requestedPackageLineItems": items,
    });
    if let Some([service]) = request.services.as_deref() {
        shipment["serviceType"] = Value::String(service.trim().to_string());
    }
    if let Some(date) = request.ship_date {
        shipment["shipDateStamp"] = Value::String(date.format("%Y-%m-%d").to_string());
    }
    let body = json!({
        "accountNumber": {"value": config.account_number.trim()},
        "rateRequestControlParameters": {"returnTransitTimes": true},
        "requestedShipment": shipment,
    });
    HttpRequest::post(format!("{}{RATE_PATH}", config.base()))
        .header("Accept", "application/json")
        .header("X-locale", "en_US")
        .json(&body)
}

fn address(a: &shipmux_core::Address) -> Value {
    let mut out = json!({"countryCode": a.country.trim().to_ascii_uppercase()});
    if let Some(postal) = a.normalized_postal_code() {
        out["postalCode"] = Value::String(postal);
    }
    if let Some(region) = text(a.region.as_deref()) {
        out["stateOrProvinceCode"] = Value::String(region.to_ascii_uppercase());
    }
    if let Some(city) = text(a.city.as_deref()) {
        out["city"] = Value::String(city);
    }
    let lines: Vec<String> = a.lines.iter().filter_map(|l| text(Some(l))).collect();
    if !lines.is_empty() {
        out["streetLines"] = json!(lines);
    }
    if let Some(residential) = a.residential {
        out["residential"] = Value::Bool(residential);
    }
    out
}

/// One `requestedPackageLineItems` entry. Weights round up to 0.1 LB/KG; sides round up to
/// whole IN/CM (FedEx takes integers) in the same system as the weight.
fn line_item(index: usize, parcel: &Parcel, metric: bool) -> Result<Value, Error> {
    let tenth = Decimal::new(1, 1);
    let (weight_unit, units, length_unit, dim_units) = if metric {
        (WeightUnit::Kg, "KG", LengthUnit::Cm, "CM")
    } else {
        (WeightUnit::Lb, "LB", LengthUnit::In, "IN")
    };
    let mut item = json!({
        "groupPackageCount": 1,
        "weight": {"units": units, "value": number(parcel.weight.ceil_to(weight_unit, tenth))},
    });
    if let Some(dims) = &parcel.dimensions {
        let sides = dims.ceil_to(length_unit, Decimal::ONE);
        if let Some(side) = sides.iter().find(|s| **s > Decimal::from(MAX_SIDE)) {
            return Err(Error::invalid_request(
                &format!("parcels[{index}].dimensions"),
                format!("FedEx takes sides up to {MAX_SIDE} {dim_units}, got {side}"),
            ));
        }
        let [length, width, height] = sides.map(number);
        item["dimensions"] =
            json!({"length": length, "width": width, "height": height, "units": dim_units});
    }
    if let Some(value) = &parcel.declared_value {
        item["declaredValue"] =
            json!({"amount": number(value.amount), "currency": value.currency.as_str()});
    }
    Ok(item)
}

#[derive(Deserialize)]
struct RateReply {
    #[serde(default)]
    output: Option<RateOutput>,
    #[serde(default, deserialize_with = "null_as_default")]
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RateOutput {
    #[serde(default, deserialize_with = "null_as_default")]
    rate_reply_details: Vec<RateReplyDetail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RateReplyDetail {
    #[serde(default)]
    service_type: Option<String>,
    #[serde(default)]
    service_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    rated_shipment_details: Vec<RatedShipmentDetail>,
    #[serde(default)]
    commit: Option<Commit>,
    #[serde(default)]
    operational_detail: Option<OperationalDetail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RatedShipmentDetail {
    #[serde(default)]
    rate_type: Option<String>,
    #[serde(default)]
    total_net_charge: Option<Dec>,
    #[serde(default)]
    total_base_charge: Option<Dec>,
    #[serde(default)]
    total_discounts: Option<Dec>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    shipment_rate_detail: Option<ShipmentRateDetail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShipmentRateDetail {
    #[serde(default)]
    currency: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    sur_charges: Vec<ChargeItem>,
    #[serde(default, deserialize_with = "null_as_default")]
    taxes: Vec<ChargeItem>,
    #[serde(default)]
    total_billing_weight: Option<WeightVo>,
}

#[derive(Deserialize)]
struct ChargeItem {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    amount: Option<Dec>,
}

#[derive(Deserialize)]
struct WeightVo {
    #[serde(default)]
    units: Option<String>,
    #[serde(default)]
    value: Option<Dec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Commit {
    #[serde(default)]
    date_detail: Option<DateDetail>,
    #[serde(default)]
    transit_days: Option<TransitDays>,
    #[serde(default)]
    days_in_transit: Option<String>,
    #[serde(default)]
    guaranteed_type: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DateDetail {
    #[serde(default)]
    day_format: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransitDays {
    #[serde(default)]
    minimum_transit_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OperationalDetail {
    #[serde(default)]
    delivery_date: Option<String>,
    #[serde(default)]
    transit_time: Option<String>,
}

/// Reads a quote answer of any status: one [`Rate`] per `rateReplyDetails` entry that has a
/// rated detail, in response order.
pub fn parse_rate(response: &HttpResponse) -> Result<Vec<Rate>, Error> {
    if !response.is_success() {
        return Err(error::from_response(Call::Rate, response));
    }
    let reply: RateReply = serde_json::from_slice(&response.body)
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
fn rated_detail(details: &[RatedShipmentDetail]) -> Option<&RatedShipmentDetail> {
    let of_type = |t: &str| details.iter().find(|d| d.rate_type.as_deref() == Some(t));
    of_type("ACCOUNT")
        .or_else(|| of_type("LIST"))
        .or_else(|| details.first())
}

fn currency_of(detail: &RatedShipmentDetail) -> Option<&str> {
    text_ref(detail.currency.as_deref()).or_else(|| {
        detail
            .shipment_rate_detail
            .as_ref()
            .and_then(|s| text_ref(s.currency.as_deref()))
    })
}

fn text_ref(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn total_of(detail: &RatedShipmentDetail, service: &str) -> Result<Money, Error> {
    let amount = detail
        .total_net_charge
        .ok_or_else(|| error::parse(format!("FedEx rate for {service} has no totalNetCharge")))?;
    let code = currency_of(detail)
        .ok_or_else(|| error::parse(format!("FedEx rate for {service} has no currency")))?;
    let currency = Currency::new(code)
        .map_err(|_| error::parse(format!("FedEx rate for {service} has currency `{code}`")))?;
    Ok(Money::new(amount.0, currency))
}

fn rate_of(reply: &RateReplyDetail) -> Result<Option<Rate>, Error> {
    let service = text(reply.service_type.as_deref())
        .ok_or_else(|| error::parse("FedEx rateReplyDetails entry has no serviceType"))?;
    let Some(detail) = rated_detail(&reply.rated_shipment_details) else {
        // FedEx lists services it could not rate (servicesNeededOnRateFailure) without
        // prices; there is nothing to quote for them.
        return Ok(None);
    };
    let total = total_of(detail, &service)?;
    let is_account = detail.rate_type.as_deref() == Some("ACCOUNT");
    let list_total = match reply
        .rated_shipment_details
        .iter()
        .find(|d| d.rate_type.as_deref() == Some("LIST"))
    {
        Some(list) if is_account => {
            let list = total_of(list, &service)?;
            (list.amount != total.amount || list.currency != total.currency).then_some(list)
        }
        _ => None,
    };
    let service_name = text(reply.service_name.as_deref())
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
            .and_then(|t| t.minimum_transit_time.as_deref()),
        commit.and_then(|c| c.days_in_transit.as_deref()),
        operational.and_then(|o| o.transit_time.as_deref()),
    ]
    .into_iter()
    .flatten()
    .find_map(codes::transit_days);
    rate.estimated_delivery = date_part(
        commit
            .and_then(|c| c.date_detail.as_ref())
            .and_then(|d| d.day_format.as_deref()),
    )
    .or_else(|| date_part(operational.and_then(|o| o.delivery_date.as_deref())));
    rate.guaranteed = commit
        .and_then(|c| c.guaranteed_type.as_ref())
        .is_some_and(|g| !g.is_null() && g.as_str().is_none_or(|s| !s.trim().is_empty()));
    rate.billed_weight = detail
        .shipment_rate_detail
        .as_ref()
        .and_then(|s| s.total_billing_weight.as_ref())
        .and_then(|w| weight(w.units.as_deref(), w.value));
    Ok(Some(rate))
}

/// base, then surcharges (FUEL is `fuel`), then taxes, then a discount as a negative
/// `other`; zero amounts dropped.
fn charges_of(detail: &RatedShipmentDetail, currency: &Currency) -> Vec<Charge> {
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
            let code = text(s.kind.as_deref());
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
                charges.push(charge(ChargeKind::Tax, text(t.kind.as_deref()), amount.0));
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
