//! `POST /api/rating/{version}/{requestoption}`: validates a UPS `RateRequest` as UPS does
//! and answers a `RateResponse` shaped like UPS's samples, priced by the kit's model.

use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::model::country::is_iso_country;
use shipmux_core::{Dimensions, LengthUnit, Weight, WeightUnit};
use shipmux_sandbox::price::{self, Package, Place, PriceQuote, Shipment};
use shipmux_sandbox::tracking::default_base_date;

use super::request::{self, Address, Party, RateRequest, RateRequestDocument};
use super::services::{self, SandboxService};
use super::ups_error;
use super::wire::{self, AsText, OneOrMany};
use shipmux_core::raw::json::{List, Text};

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
    let Some(document) = first_json_value(body) else {
        return bad("111003", "The request body is not valid JSON.").into_response();
    };
    match answer(document, version, shop, time_in_transit) {
        Ok(response) => Json(response).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// Like UPS's JSON reader, the first JSON value of `body`, anything after it ignored; `None`
/// when there is none. The typed read skips the parts it does not need without decoding
/// their strings, so a value that is not UTF-8 or holds escapes is also checked by a full
/// `Value` parse: the same bodies are refused as when the sandbox read every request into
/// a `Value`.
fn first_json_value(body: &[u8]) -> Option<RateRequestDocument<'_>> {
    let mut values = serde_json::Deserializer::from_slice(body).into_iter::<RateRequestDocument>();
    let document = values.next()?.ok()?;
    let read = &body[..values.byte_offset()];
    let plain = std::str::from_utf8(read).is_ok() && !read.contains(&b'\\');
    let valid = plain
        || serde_json::Deserializer::from_slice(read)
            .into_iter::<Value>()
            .next()
            .is_some_and(|v| v.is_ok());
    valid.then_some(document)
}

/// The UPS version whose response shape applies: `SubVersion` when sent, else the path's.
fn effective_version(sub_version: Option<&str>, path_version: &str) -> u32 {
    let digits = |s: &str| -> Option<u32> {
        let d: String = s.chars().filter(char::is_ascii_digit).collect();
        d.parse().ok()
    };
    sub_version
        .and_then(digits)
        .filter(|v| *v >= 1000)
        .or_else(|| digits(path_version).filter(|v| *v >= 1000))
        .unwrap_or(1601)
}

struct Parsed<'de> {
    origin: Place,
    destination: Place,
    packages: Vec<Package>,
    weight_code: &'static str,
    residential: bool,
    negotiated: bool,
    taxes: bool,
    pickup: NaiveDate,
    service: Option<String>,
    /// `SubVersion`, when sent.
    sub_version: Option<String>,
    /// `CustomerContext`, echoed back.
    customer_context: Cow<'de, str>,
}

fn answer<'de>(
    document: RateRequestDocument<'de>,
    version: &str,
    shop: bool,
    tnt: bool,
) -> Result<wire::RateResponseWrapper<'de>, Refusal> {
    let request = document
        .rate_request
        .ok_or_else(|| bad("111004", "Missing RateRequest."))?;
    let parsed = parse_request(request, shop)?;
    let version = effective_version(parsed.sub_version.as_deref(), version);
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
    let rated: Vec<wire::RatedShipment> = chosen
        .iter()
        .map(|service| rated_shipment(service, &shipment, &parsed, currency, tnt, version, lists))
        .collect();
    Ok(wire::RateResponseWrapper {
        rate_response: wire::RateResponse {
            rated_shipment: OneOrMany::new(rated, arrays),
            response: wire::Response {
                alert: OneOrMany::new(vec![RATE_ALERT], lists),
                response_status: wire::CodeDescription {
                    code: "1",
                    description: "Success",
                },
                transaction_reference: wire::TransactionReference {
                    customer_context: parsed.customer_context,
                },
            },
        },
    })
}

/// The alert UPS puts on every rated answer.
const RATE_ALERT: wire::CodeDescription = wire::CodeDescription {
    code: "110971",
    description: "Your invoice may vary from the displayed reference rates",
};

/// UPS's disclaimer on time-in-transit answers.
const TRANSIT_DISCLAIMER: &str = "Services listed as guaranteed are backed by a money-back guarantee for transportation charges only. See Terms and Conditions in the Service Guide for details.";

/// A party's `Address.CountryCode`.
fn country_of<'a>(party: &'a Party<'_>) -> Option<&'a str> {
    party.address.as_ref().and_then(|a| a.country_code.get())
}

/// An address's `PostalCode`, empty when there is none.
fn postal_of<'a>(address: Option<&'a Address<'_>>) -> &'a str {
    address
        .and_then(|a| a.postal_code.get())
        .unwrap_or_default()
}

fn parse_request(request: RateRequest<'_>, shop: bool) -> Result<Parsed<'_>, Refusal> {
    let shipment = request
        .shipment
        .as_ref()
        .ok_or_else(|| bad("111005", "Missing Shipment."))?;
    let shipper = shipment
        .shipper
        .as_ref()
        .ok_or_else(|| bad("120100", "Missing Shipper."))?;
    let ship_to = shipment
        .ship_to
        .as_ref()
        .ok_or_else(|| bad("120200", "Missing ShipTo."))?;
    let shipper_country = country_of(shipper)
        .ok_or_else(|| bad("120101", "Missing or invalid Shipper CountryCode."))?;
    let to_country = country_of(ship_to)
        .ok_or_else(|| bad("120201", "Missing or invalid ShipTo CountryCode."))?;
    for (country, code, message) in [
        (
            shipper_country,
            "120101",
            "Missing or invalid Shipper CountryCode.",
        ),
        (
            to_country,
            "120201",
            "Missing or invalid ShipTo CountryCode.",
        ),
    ] {
        if !is_iso_country(&country.to_ascii_uppercase()) {
            return Err(bad(code, message));
        }
    }
    let from = shipment
        .ship_from
        .as_ref()
        .and_then(|p| p.address.as_ref())
        .or(shipper.address.as_ref());
    let from_country = from
        .and_then(|a| a.country_code.get())
        .unwrap_or(shipper_country);
    let from_postal = postal_of(from);
    let to_postal = postal_of(ship_to.address.as_ref());
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
    let charges = shipment
        .payment_details
        .as_ref()
        .map(|p| &p.shipment_charge);
    for charge in charges.into_iter().flat_map(List::iter) {
        if let Some(bill) = &charge.bill_shipper
            && bill.account_number.get().is_none()
        {
            return Err(bad(
                "111600",
                "BillShipper payment method is not valid for this shipment.",
            ));
        }
    }

    let package_values = &shipment.package;
    if package_values.is_empty() {
        return Err(bad("111050", "Missing Package."));
    }
    if package_values.0.len() > 200 {
        return Err(bad(
            "111056",
            "A shipment may contain at most 200 packages.",
        ));
    }
    let mut packages = Vec::with_capacity(package_values.0.len());
    let mut weight_code = None;
    for p in package_values.iter() {
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
            request::code(&shipment.service)
                .ok_or_else(|| bad("111100", "Missing or invalid Service Code for Rate."))?
                .to_string(),
        )
    };
    let pickup = shipment
        .delivery_time_information
        .as_ref()
        .and_then(|d| d.pickup.as_ref())
        .and_then(|p| p.date.get())
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
        .unwrap_or_else(default_base_date);
    let pickup = next_business_day(pickup);
    let origin = Place::new(from_country, from_postal);
    let destination = Place::new(to_country, to_postal);
    let residential = ship_to
        .address
        .as_ref()
        .is_some_and(|a| a.residential_address_indicator.is_some());
    let negotiated = shipment
        .shipment_rating_options
        .as_ref()
        .is_some_and(|o| o.negotiated_rates_indicator.is_some())
        && shipper.shipper_number.get().is_some();
    let taxes =
        shipment.tax_information_indicator.is_some() || request.tax_information_indicator.is_some();
    let (sub_version, customer_context) = match request.request {
        Some(r) => (
            r.sub_version.get().map(str::to_string),
            r.transaction_reference
                .and_then(|t| t.customer_context.into_cow())
                .unwrap_or_default(),
        ),
        None => (None, Cow::Borrowed("")),
    };
    Ok(Parsed {
        origin,
        destination,
        packages,
        weight_code: weight_code.unwrap_or("LBS"),
        residential,
        negotiated,
        taxes,
        pickup,
        service,
        sub_version,
        customer_context,
    })
}

fn package_weight(p: &request::Package) -> Result<(Weight, &'static str), Refusal> {
    let invalid = || bad("111035", "Missing or invalid package weight.");
    let package_weight = p.package_weight.as_ref();
    let value = package_weight
        .and_then(|w| w.weight.get())
        .and_then(|w| Decimal::from_str(w).ok())
        .filter(|w| *w > Decimal::ZERO)
        .ok_or_else(invalid)?;
    let code = package_weight
        .and_then(|w| request::code(&w.unit_of_measurement))
        .unwrap_or("LBS");
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

fn package_dimensions(p: &request::Package) -> Result<Option<Dimensions>, Refusal> {
    let Some(d) = &p.dimensions else {
        return Ok(None);
    };
    let side = |t: &Text| {
        t.get()
            .and_then(|v| Decimal::from_str(v).ok())
            .filter(|v| *v > Decimal::ZERO)
    };
    let (Some(l), Some(w), Some(h)) = (side(&d.length), side(&d.width), side(&d.height)) else {
        return Err(bad("111040", "Missing or invalid package dimensions."));
    };
    let unit = match request::code(&d.unit_of_measurement)
        .unwrap_or("IN")
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

fn amount(currency: &'static str, value: Decimal) -> wire::Amount {
    wire::Amount {
        currency_code: currency,
        monetary_value: AsText(cents(value)),
    }
}

fn weight_text(lb: &Weight, code: &str) -> AsText<Decimal> {
    let unit = if code == "KGS" {
        WeightUnit::Kg
    } else {
        WeightUnit::Lb
    };
    let mut v = lb.ceil_to(unit, Decimal::new(1, 1));
    v.rescale(1);
    AsText(v)
}

fn billing_weight(billable: &Weight, code: &'static str) -> wire::BillingWeight {
    let description = if code == "KGS" { "Kilograms" } else { "Pounds" };
    wire::BillingWeight {
        unit_of_measurement: wire::CodeDescription { code, description },
        weight: weight_text(billable, code),
    }
}

/// Itemized charges: fuel (375) and, for homes, the residential surcharge (270).
fn itemized(
    currency: &'static str,
    q: &PriceQuote,
    lists: bool,
) -> OneOrMany<wire::ItemizedCharge> {
    let charge = |code, value| wire::ItemizedCharge {
        code,
        currency_code: currency,
        monetary_value: AsText(cents(value)),
    };
    let mut items = vec![charge("375", q.fuel)];
    if !q.residential.is_zero() {
        items.push(charge("270", q.residential));
    }
    OneOrMany::new(items, lists)
}

/// GST on Canadian prices, when the request asked for taxes and there is any.
fn gst(tax: Decimal, lists: bool) -> Option<OneOrMany<wire::TaxCharge>> {
    (!tax.is_zero()).then(|| {
        OneOrMany::new(
            vec![wire::TaxCharge {
                monetary_value: AsText(cents(tax)),
                tax_type: "GST",
            }],
            lists,
        )
    })
}

/// `d` with exactly two decimal places.
fn cents(d: Decimal) -> Decimal {
    let mut v = d;
    v.rescale(2);
    v
}

/// A date's `DayOfWeek` as UPS writes it.
fn day_of_week(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "MON",
        Weekday::Tue => "TUE",
        Weekday::Wed => "WED",
        Weekday::Thu => "THU",
        Weekday::Fri => "FRI",
        Weekday::Sat => "SAT",
        Weekday::Sun => "SUN",
    }
}

fn rated_shipment(
    service: &SandboxService,
    shipment: &Shipment,
    parsed: &Parsed<'_>,
    currency: &'static str,
    tnt: bool,
    version: u32,
    lists: bool,
) -> wire::RatedShipment {
    let q = price::quote(shipment, &service.level);
    let zero = Decimal::new(0, 2);
    let tax_rate = if currency == "CAD" {
        Decimal::new(5, 2)
    } else {
        Decimal::ZERO
    };
    let (tax_charges, total_charges_with_taxes) = if parsed.taxes {
        let tax = (q.total * tax_rate).round_dp(2);
        (gst(tax, lists), Some(amount(currency, q.total + tax)))
    } else {
        (None, None)
    };
    let negotiated_rate_charges = parsed.negotiated.then(|| {
        let n = q.discounted(12);
        let (tax_charges, total_charges_with_taxes) = if parsed.taxes {
            let tax = (n.total * tax_rate).round_dp(2);
            (gst(tax, lists), Some(amount(currency, n.total + tax)))
        } else {
            (None, None)
        };
        wire::NegotiatedRateCharges {
            base_service_charge: amount(currency, n.base),
            itemized_charges: itemized(currency, &n, lists),
            tax_charges,
            total_charge: amount(currency, n.total),
            total_charges_with_taxes,
        }
    });
    let delivery = price::add_business_days(parsed.pickup, q.transit_days);
    let guaranteed_delivery = service
        .level
        .guaranteed
        .then_some(wire::GuaranteedDelivery {
            business_days_in_transit: AsText(q.transit_days),
            delivery_by_time: service.delivery_by,
        });
    let packages: Vec<wire::RatedPackage> = shipment
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
            wire::RatedPackage {
                base_service_charge: amount(currency, pq.base),
                billing_weight: billing_weight(&pq.billable_weight, parsed.weight_code),
                itemized_charges: itemized(currency, &pq, lists),
                service_options_charges: amount(currency, zero),
                total_charges: amount(currency, pq.total),
                transportation_charges: amount(currency, pq.total),
                weight: weight_text(&p.weight, parsed.weight_code),
            }
        })
        .collect();
    let time_in_transit = tnt.then(|| {
        let guaranteed = service.level.guaranteed;
        wire::TimeInTransit {
            disclaimer: TRANSIT_DISCLAIMER,
            package_bill_type: "03",
            pickup_date: wire::day(parsed.pickup),
            service_summary: wire::ServiceSummary {
                estimated_arrival: wire::EstimatedArrival {
                    arrival: wire::DateTime {
                        date: wire::day(delivery),
                        time: if guaranteed { "103000" } else { "233000" },
                    },
                    business_days_in_transit: AsText(q.transit_days),
                    customer_center_cutoff: "170000",
                    day_of_week: day_of_week(delivery),
                    pickup: wire::DateTime {
                        date: wire::day(parsed.pickup),
                        time: "170000",
                    },
                    total_transit_days: AsText((delivery - parsed.pickup).num_days()),
                },
                guaranteed_indicator: guaranteed.then_some(""),
                saturday_delivery: "0",
                service: wire::Description {
                    description: service.name,
                },
                sunday_delivery: "0",
            },
        }
    });
    wire::RatedShipment {
        base_service_charge: amount(currency, q.base),
        billing_weight: billing_weight(&q.billable_weight, parsed.weight_code),
        guaranteed_delivery,
        itemized_charges: itemized(currency, &q, lists),
        negotiated_rate_charges,
        rated_package: OneOrMany::new(packages, lists),
        rated_shipment_alert: OneOrMany::new(vec![RATE_ALERT], lists),
        service: wire::CodeDescription {
            code: service.code,
            description: "",
        },
        service_options_charges: amount(currency, zero),
        tax_charges,
        time_in_transit,
        total_charges: amount(currency, q.total),
        total_charges_with_taxes,
        transportation_charges: amount(currency, q.total),
        zone: (version >= 2409).then(|| format!("{:03}", q.zone)),
    }
}
