//! `POST /api/rating/{version}/{requestoption}`: validates a UPS `RateRequest` as UPS does
//! and answers a `RateResponse` shaped like UPS's samples, priced by the kit's model.

use std::collections::HashMap;
use std::str::FromStr;

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use shipmux_core::model::country::is_iso_country;
use shipmux_core::{Dimensions, LengthUnit, Weight, WeightUnit};
use shipmux_sandbox::price::{self, Package, Place, PriceQuote, Shipment};
use shipmux_sandbox::tracking::default_base_date;

use super::services::{self, SandboxService};
use super::ups_error;
use crate::json::{at, list, text, text_at};

/// Rating versions UPS lists (current and deprecated).
const VERSIONS: &[&str] = &[
    "v1", "v1601", "v1607", "1701", "1707", "v2108", "v2205", "v2403", "v2409",
];

/// A 400 in UPS's shape, kept small until it becomes a response.
struct Refusal {
    code: &'static str,
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        ups_error(StatusCode::BAD_REQUEST, self.code, &self.message)
    }
}

fn bad(code: &'static str, message: &str) -> Refusal {
    Refusal {
        code,
        message: message.to_string(),
    }
}

pub(crate) async fn rate(
    Path((version, option)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    answer_rate(
        &version,
        &option,
        query.get("additionalinfo").map(String::as_str),
        &body,
    )
}

/// The whole answer to `POST /api/rating/{version}/{option}?additionalinfo=…` with `body`,
/// once the bearer token has been accepted (public for the benchmark).
#[doc(hidden)]
pub fn answer_rate(
    version: &str,
    option: &str,
    additional_info: Option<&str>,
    body: &[u8],
) -> Response {
    if !VERSIONS.contains(&version) {
        return bad("111001", &format!("Invalid version: {version}")).into_response();
    }
    let option_lc = option.to_ascii_lowercase();
    let (shop, option_tnt) = match option_lc.as_str() {
        "rate" => (false, false),
        "shop" => (true, false),
        "ratetimeintransit" => (false, true),
        "shoptimeintransit" => (true, true),
        _ => return bad("111002", &format!("Invalid request option: {option}")).into_response(),
    };
    let time_in_transit =
        option_tnt || additional_info.is_some_and(|v| v.eq_ignore_ascii_case("timeintransit"));
    // Like UPS's JSON reader, take the first JSON value and ignore anything after it.
    let parsed = serde_json::Deserializer::from_slice(body)
        .into_iter::<Value>()
        .next();
    let Some(Ok(document)) = parsed else {
        return bad("111003", "The request body is not valid JSON.").into_response();
    };
    match answer(&document, version, shop, time_in_transit) {
        Ok(response) => Json(response).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// The UPS version whose response shape applies: `SubVersion` when sent, else the path's.
fn effective_version(request: &Value, path_version: &str) -> u32 {
    let digits = |s: &str| -> Option<u32> {
        let d: String = s.chars().filter(char::is_ascii_digit).collect();
        d.parse().ok()
    };
    text_at(request, &["Request", "SubVersion"])
        .and_then(|s| digits(&s))
        .filter(|v| *v >= 1000)
        .or_else(|| digits(path_version).filter(|v| *v >= 1000))
        .unwrap_or(1601)
}

struct Parsed {
    origin: Place,
    destination: Place,
    packages: Vec<Package>,
    weight_code: &'static str,
    residential: bool,
    negotiated: bool,
    taxes: bool,
    pickup: NaiveDate,
    service: Option<String>,
}

fn answer(document: &Value, version: &str, shop: bool, tnt: bool) -> Result<Value, Refusal> {
    let request =
        at(document, &["RateRequest"]).ok_or_else(|| bad("111004", "Missing RateRequest."))?;
    let parsed = parse_request(request, shop)?;
    let version = effective_version(request, version);
    let arrays = version >= 2409;
    let lists = version >= 2403;

    let offered = services::offered(&parsed.origin.country, &parsed.destination.country);
    let chosen: Vec<&SandboxService> = match &parsed.service {
        None => offered,
        Some(code) => {
            if !services::is_known(code) {
                return Err(bad(
                    "111100",
                    "The requested service is invalid from the selected origin.",
                ));
            }
            match offered.into_iter().find(|s| s.code == code) {
                Some(s) => vec![s],
                None => {
                    return Err(bad(
                        "111210",
                        "The requested service is unavailable between the selected locations.",
                    ));
                }
            }
        }
    };
    if chosen.is_empty() {
        return Err(bad(
            "111210",
            "No services are available between the selected locations.",
        ));
    }

    let currency = currency_for(&parsed.origin.country);
    let shipment = Shipment {
        origin: parsed.origin.clone(),
        destination: parsed.destination.clone(),
        packages: parsed.packages.clone(),
        residential: parsed.residential,
    };
    let rated: Vec<Value> = chosen
        .iter()
        .map(|service| rated_shipment(service, &shipment, &parsed, currency, tnt, version, lists))
        .collect();
    let alert = json!({"Code": "110971", "Description": "Your invoice may vary from the displayed reference rates"});
    Ok(json!({
        "RateResponse": {
            "Response": {
                "ResponseStatus": {"Code": "1", "Description": "Success"},
                "Alert": one_or_many(vec![alert], lists),
                "TransactionReference": {
                    "CustomerContext": text_at(request, &["Request", "TransactionReference", "CustomerContext"]).unwrap_or_default(),
                },
            },
            "RatedShipment": one_or_many(rated, arrays),
        }
    }))
}

/// UPS sends one-element lists as bare objects in older versions.
fn one_or_many(mut items: Vec<Value>, arrays: bool) -> Value {
    if !arrays && items.len() == 1 {
        items.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(items)
    }
}

fn parse_request(request: &Value, shop: bool) -> Result<Parsed, Refusal> {
    let shipment = at(request, &["Shipment"]).ok_or_else(|| bad("111005", "Missing Shipment."))?;
    let shipper = at(shipment, &["Shipper"]).ok_or_else(|| bad("120100", "Missing Shipper."))?;
    let ship_to = at(shipment, &["ShipTo"]).ok_or_else(|| bad("120200", "Missing ShipTo."))?;
    let shipper_country = text_at(shipper, &["Address", "CountryCode"])
        .ok_or_else(|| bad("120101", "Missing or invalid Shipper CountryCode."))?;
    let to_country = text_at(ship_to, &["Address", "CountryCode"])
        .ok_or_else(|| bad("120201", "Missing or invalid ShipTo CountryCode."))?;
    for (country, code, message) in [
        (
            &shipper_country,
            "120101",
            "Missing or invalid Shipper CountryCode.",
        ),
        (
            &to_country,
            "120201",
            "Missing or invalid ShipTo CountryCode.",
        ),
    ] {
        if !is_iso_country(&country.to_ascii_uppercase()) {
            return Err(bad(code, message));
        }
    }
    let from = at(shipment, &["ShipFrom", "Address"]).or_else(|| at(shipper, &["Address"]));
    let from_country = from
        .and_then(|a| text(a.get("CountryCode")))
        .unwrap_or(shipper_country.clone());
    let from_postal = from
        .and_then(|a| text(a.get("PostalCode")))
        .unwrap_or_default();
    let to_postal = text_at(ship_to, &["Address", "PostalCode"]).unwrap_or_default();
    if to_postal.is_empty()
        && matches!(to_country.to_ascii_uppercase().as_str(), "US" | "CA" | "PR")
    {
        return Err(bad("120202", "Missing or invalid ShipTo PostalCode."));
    }
    if from_postal.is_empty()
        && matches!(
            from_country.to_ascii_uppercase().as_str(),
            "US" | "CA" | "PR"
        )
    {
        return Err(bad("120102", "Missing or invalid ShipFrom PostalCode."));
    }
    for charge in list(at(shipment, &["PaymentDetails", "ShipmentCharge"])) {
        if let Some(bill) = at(charge, &["BillShipper"])
            && text(bill.get("AccountNumber")).is_none()
        {
            return Err(bad(
                "111600",
                "BillShipper payment method is not valid for this shipment.",
            ));
        }
    }

    let package_values = list(at(shipment, &["Package"]));
    if package_values.is_empty() {
        return Err(bad("111050", "Missing Package."));
    }
    if package_values.len() > 200 {
        return Err(bad(
            "111056",
            "A shipment may contain at most 200 packages.",
        ));
    }
    let mut packages = Vec::with_capacity(package_values.len());
    let mut weight_code = None;
    for p in package_values {
        let (weight, code) = package_weight(p)?;
        weight_code.get_or_insert(code);
        packages.push(Package {
            weight,
            dimensions: package_dimensions(p)?,
        });
    }

    let service = if shop {
        None
    } else {
        Some(
            text_at(shipment, &["Service", "Code"])
                .ok_or_else(|| bad("111100", "Missing or invalid Service Code for Rate."))?,
        )
    };
    let pickup = text_at(shipment, &["DeliveryTimeInformation", "Pickup", "Date"])
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y%m%d").ok())
        .unwrap_or_else(default_base_date);
    let pickup = next_business_day(pickup);
    Ok(Parsed {
        origin: Place::new(&from_country, &from_postal),
        destination: Place::new(&to_country, &to_postal),
        packages,
        weight_code: weight_code.unwrap_or("LBS"),
        residential: at(ship_to, &["Address", "ResidentialAddressIndicator"]).is_some(),
        negotiated: at(
            shipment,
            &["ShipmentRatingOptions", "NegotiatedRatesIndicator"],
        )
        .is_some()
            && text(shipper.get("ShipperNumber")).is_some(),
        taxes: at(shipment, &["TaxInformationIndicator"]).is_some()
            || at(request, &["TaxInformationIndicator"]).is_some(),
        pickup,
        service,
    })
}

fn package_weight(p: &Value) -> Result<(Weight, &'static str), Refusal> {
    let invalid = || bad("111035", "Missing or invalid package weight.");
    let value = text_at(p, &["PackageWeight", "Weight"])
        .and_then(|w| Decimal::from_str(&w).ok())
        .filter(|w| *w > Decimal::ZERO)
        .ok_or_else(invalid)?;
    let code =
        text_at(p, &["PackageWeight", "UnitOfMeasurement", "Code"]).unwrap_or_else(|| "LBS".into());
    let (unit, response_code) = match code.to_ascii_uppercase().as_str() {
        "LBS" => (WeightUnit::Lb, "LBS"),
        "KGS" => (WeightUnit::Kg, "KGS"),
        "OZS" => (WeightUnit::Oz, "LBS"),
        _ => return Err(bad("111036", "Invalid package weight unit of measurement.")),
    };
    let weight = Weight::new(value, unit);
    if weight.to(WeightUnit::Lb).value > Decimal::from(150) {
        return Err(bad(
            "111030",
            "Package exceeds the maximum weight of 150 LBS (70 KGS).",
        ));
    }
    Ok((weight, response_code))
}

fn package_dimensions(p: &Value) -> Result<Option<Dimensions>, Refusal> {
    let Some(d) = at(p, &["Dimensions"]) else {
        return Ok(None);
    };
    let side = |k: &str| {
        text(d.get(k))
            .and_then(|v| Decimal::from_str(&v).ok())
            .filter(|v| *v > Decimal::ZERO)
    };
    let (Some(l), Some(w), Some(h)) = (side("Length"), side("Width"), side("Height")) else {
        return Err(bad("111040", "Missing or invalid package dimensions."));
    };
    let unit = match text_at(d, &["UnitOfMeasurement", "Code"])
        .unwrap_or_else(|| "IN".into())
        .to_ascii_uppercase()
        .as_str()
    {
        "IN" => LengthUnit::In,
        "CM" => LengthUnit::Cm,
        _ => return Err(bad("111041", "Invalid dimensions unit of measurement.")),
    };
    Ok(Some(Dimensions::new(l, w, h, unit)))
}

fn next_business_day(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => date + chrono::Duration::days(2),
        Weekday::Sun => date + chrono::Duration::days(1),
        _ => date,
    }
}

fn currency_for(country: &str) -> &'static str {
    match country.to_ascii_uppercase().as_str() {
        "CA" => "CAD",
        "GB" => "GBP",
        "MX" => "MXN",
        "DE" | "FR" | "IT" | "ES" | "NL" | "BE" | "AT" | "IE" | "PT" | "FI" | "LU" => "EUR",
        _ => "USD",
    }
}

fn amount(currency: &str, value: Decimal) -> Value {
    let mut v = value;
    v.rescale(2);
    json!({"CurrencyCode": currency, "MonetaryValue": v.to_string()})
}

fn weight_text(lb: &Weight, code: &str) -> String {
    let unit = if code == "KGS" {
        WeightUnit::Kg
    } else {
        WeightUnit::Lb
    };
    let mut v = lb.ceil_to(unit, Decimal::new(1, 1));
    v.rescale(1);
    v.to_string()
}

fn billing_weight(billable: &Weight, code: &str) -> Value {
    let description = if code == "KGS" { "Kilograms" } else { "Pounds" };
    json!({
        "UnitOfMeasurement": {"Code": code, "Description": description},
        "Weight": weight_text(billable, code),
    })
}

/// Itemized charges: fuel (375) and, for homes, the residential surcharge (270).
fn itemized(currency: &str, q: &PriceQuote, lists: bool) -> Value {
    let mut items =
        vec![json!({"Code": "375", "CurrencyCode": currency, "MonetaryValue": with_cents(q.fuel)})];
    if !q.residential.is_zero() {
        items.push(json!({"Code": "270", "CurrencyCode": currency, "MonetaryValue": with_cents(q.residential)}));
    }
    one_or_many(items, lists)
}

fn with_cents(d: Decimal) -> String {
    let mut v = d;
    v.rescale(2);
    v.to_string()
}

fn rated_shipment(
    service: &SandboxService,
    shipment: &Shipment,
    parsed: &Parsed,
    currency: &str,
    tnt: bool,
    version: u32,
    lists: bool,
) -> Value {
    let q = price::quote(shipment, &service.level);
    let zero = Decimal::new(0, 2);
    let mut rated = json!({
        "Service": {"Code": service.code, "Description": ""},
        "RatedShipmentAlert": one_or_many(vec![json!({"Code": "110971", "Description": "Your invoice may vary from the displayed reference rates"})], lists),
        "BillingWeight": billing_weight(&q.billable_weight, parsed.weight_code),
        "TransportationCharges": amount(currency, q.total),
        "BaseServiceCharge": amount(currency, q.base),
        "ItemizedCharges": itemized(currency, &q, lists),
        "ServiceOptionsCharges": amount(currency, zero),
        "TotalCharges": amount(currency, q.total),
    });
    if version >= 2409 {
        rated["Zone"] = json!(format!("{:03}", q.zone));
    }
    let tax_rate = if currency == "CAD" {
        Decimal::new(5, 2)
    } else {
        Decimal::ZERO
    };
    if parsed.taxes {
        let tax = (q.total * tax_rate).round_dp(2);
        if !tax.is_zero() {
            rated["TaxCharges"] = one_or_many(
                vec![json!({"Type": "GST", "MonetaryValue": with_cents(tax)})],
                lists,
            );
        }
        rated["TotalChargesWithTaxes"] = amount(currency, q.total + tax);
    }
    if parsed.negotiated {
        let n = q.discounted(12);
        let mut negotiated = json!({
            "BaseServiceCharge": amount(currency, n.base),
            "ItemizedCharges": itemized(currency, &n, lists),
            "TotalCharge": amount(currency, n.total),
        });
        if parsed.taxes {
            let tax = (n.total * tax_rate).round_dp(2);
            if !tax.is_zero() {
                negotiated["TaxCharges"] = one_or_many(
                    vec![json!({"Type": "GST", "MonetaryValue": with_cents(tax)})],
                    lists,
                );
            }
            negotiated["TotalChargesWithTaxes"] = amount(currency, n.total + tax);
        }
        rated["NegotiatedRateCharges"] = negotiated;
    }
    let delivery = price::add_business_days(parsed.pickup, q.transit_days);
    if service.level.guaranteed {
        let mut guaranteed = json!({"BusinessDaysInTransit": q.transit_days.to_string()});
        if let Some(by) = service.delivery_by {
            guaranteed["DeliveryByTime"] = json!(by);
        }
        rated["GuaranteedDelivery"] = guaranteed;
    }
    let packages: Vec<Value> = shipment
        .packages
        .iter()
        .map(|p| {
            let alone = Shipment {
                origin: shipment.origin.clone(),
                destination: shipment.destination.clone(),
                packages: vec![p.clone()],
                residential: false,
            };
            let pq = price::quote(&alone, &service.level);
            json!({
                "TransportationCharges": amount(currency, pq.total),
                "BaseServiceCharge": amount(currency, pq.base),
                "ServiceOptionsCharges": amount(currency, zero),
                "ItemizedCharges": itemized(currency, &pq, lists),
                "TotalCharges": amount(currency, pq.total),
                "Weight": weight_text(&p.weight, parsed.weight_code),
                "BillingWeight": billing_weight(&pq.billable_weight, parsed.weight_code),
            })
        })
        .collect();
    rated["RatedPackage"] = one_or_many(packages, lists);
    if tnt {
        let day = |d: NaiveDate| d.format("%Y%m%d").to_string();
        let mut summary = json!({
            "Service": {"Description": service.name},
            "EstimatedArrival": {
                "Arrival": {"Date": day(delivery), "Time": if service.level.guaranteed { "103000" } else { "233000" }},
                "BusinessDaysInTransit": q.transit_days.to_string(),
                "Pickup": {"Date": day(parsed.pickup), "Time": "170000"},
                "DayOfWeek": delivery.format("%a").to_string().to_ascii_uppercase(),
                "CustomerCenterCutoff": "170000",
                "TotalTransitDays": (delivery - parsed.pickup).num_days().to_string(),
            },
            "SaturdayDelivery": "0",
            "SundayDelivery": "0",
        });
        if service.level.guaranteed {
            summary["GuaranteedIndicator"] = json!("");
        }
        rated["TimeInTransit"] = json!({
            "PickupDate": day(parsed.pickup),
            "PackageBillType": "03",
            "Disclaimer": "Services listed as guaranteed are backed by a money-back guarantee for transportation charges only. See Terms and Conditions in the Service Guide for details.",
            "ServiceSummary": summary,
        });
    }
    rated
}
