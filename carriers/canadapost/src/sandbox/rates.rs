//! `POST /rs/ship/price` and `GET /rs/ship/service`.

use std::fmt::Write as _;
use std::str::FromStr;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use shipmux_core::{Dimensions, LengthUnit, Weight};
use shipmux_sandbox::price::{self, Package, Place, ServiceLevel, Shipment, Speed};
use shipmux_sandbox::tracking::default_base_date;

use super::{Auth, escape, messages, wrong_accept, xml};
use crate::codes::service_name;
use crate::rate::{RATE_MEDIA_TYPE, RATE_NAMESPACE};
use crate::xml::Element;

/// Services by destination kind, with the price model's view of them.
const DOMESTIC: [(&str, ServiceLevel); 4] = [
    ("DOM.RP", ServiceLevel::new(100, Speed::Ground, false)),
    ("DOM.EP", ServiceLevel::new(120, Speed::Days(2), true)),
    ("DOM.XP", ServiceLevel::new(160, Speed::Days(1), true)),
    ("DOM.PC", ServiceLevel::new(260, Speed::Days(1), true)),
];
const USA: [(&str, ServiceLevel); 3] = [
    ("USA.EP", ServiceLevel::new(110, Speed::Days(6), false)),
    ("USA.TP", ServiceLevel::new(90, Speed::Days(8), false)),
    ("USA.XP", ServiceLevel::new(170, Speed::Days(3), true)),
];
const INTERNATIONAL: [(&str, ServiceLevel); 3] = [
    ("INT.IP.SURF", ServiceLevel::new(80, Speed::Days(30), false)),
    ("INT.IP.AIR", ServiceLevel::new(120, Speed::Days(8), false)),
    ("INT.XP", ServiceLevel::new(200, Speed::Days(5), true)),
];

/// Get Rates.
pub(super) async fn price(State(auth): State<Auth>, headers: HeaderMap, body: String) -> Response {
    if let Some(r) = auth.refusal(&headers) {
        return r;
    }
    if let Some(r) = wrong_accept(&headers, RATE_MEDIA_TYPE) {
        return r;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.trim() != RATE_MEDIA_TYPE {
        return messages(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Server",
            &format!("The Content-Type header must be {RATE_MEDIA_TYPE}"),
        );
    }
    match quote(&body) {
        Ok(answer) => xml(RATE_MEDIA_TYPE, answer),
        Err((code, text)) => messages(StatusCode::BAD_REQUEST, code, &text),
    }
}

/// A schema violation, worded like Canada Post's validator.
fn schema(text: &str) -> (&'static str, String) {
    ("Server", format!("/rs/ship/price: cvc-type: {text}"))
}

/// Reads a `<mailing-scenario>` and prices it.
fn quote(body: &str) -> Result<String, (&'static str, String)> {
    let root = Element::parse(body.as_bytes()).map_err(|e| schema(&e.message))?;
    if root.name != "mailing-scenario" {
        return Err(schema(&format!(
            "root element must be mailing-scenario, not {}",
            root.name
        )));
    }
    let customer = root.child_text("customer-number");
    let digits = |v: &str| !v.is_empty() && v.len() <= 10 && v.bytes().all(|b| b.is_ascii_digit());
    if let Some(c) = customer
        && !digits(c)
    {
        return Err(schema("customer-number must be 1 to 10 digits"));
    }
    if let Some(c) = root.child_text("contract-id")
        && !digits(c)
    {
        return Err(schema("contract-id must be 1 to 10 digits"));
    }
    match (
        root.child_text("quote-type").unwrap_or("commercial"),
        customer,
    ) {
        ("commercial", None) => {
            return Err((
                "9113",
                "A customer number is required for a commercial quote.".into(),
            ));
        }
        ("counter", Some(_)) => {
            return Err((
                "9114",
                "A counter quote must not carry a customer number or contract.".into(),
            ));
        }
        ("commercial" | "counter", _) => {}
        (other, _) => return Err(schema(&format!("quote-type `{other}` is not valid"))),
    }
    let mailing_date = match root.child_text("expected-mailing-date") {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| schema(&format!("expected-mailing-date `{d}` is not a date")))?,
        None => default_base_date(),
    };
    let parcel = root
        .child("parcel-characteristics")
        .ok_or_else(|| schema("parcel-characteristics is required"))?;
    let weight = decimal(
        parcel.child_text("weight"),
        "weight",
        3,
        Decimal::new(99999, 3),
    )?
    .ok_or_else(|| schema("weight is required"))?;
    let dimensions = match parcel.child("dimensions") {
        Some(d) => {
            let side = |name: &str| {
                decimal(d.child_text(name), name, 1, Decimal::new(9999, 1))?
                    .ok_or_else(|| schema(&format!("{name} is required in dimensions")))
            };
            Some(Dimensions::new(
                side("length")?,
                side("width")?,
                side("height")?,
                LengthUnit::Cm,
            ))
        }
        None => None,
    };
    let origin = root
        .child_text("origin-postal-code")
        .filter(|p| canadian_postcode(p))
        .ok_or_else(|| schema("origin-postal-code must match [A-Z]\\d[A-Z]\\d[A-Z]\\d"))?;
    let destination = root
        .child("destination")
        .ok_or_else(|| schema("destination is required"))?;
    let (place, services, province): (Place, &[(&str, ServiceLevel)], Option<char>) =
        if let Some(d) = destination.child("domestic") {
            let p = d
                .child_text("postal-code")
                .filter(|p| canadian_postcode(p))
                .ok_or_else(|| {
                    schema("domestic postal-code must match [A-Z]\\d[A-Z]\\d[A-Z]\\d")
                })?;
            (Place::new("CA", p), &DOMESTIC, p.chars().next())
        } else if let Some(us) = destination.child("united-states") {
            let zip = us
                .child_text("zip-code")
                .filter(|z| us_zip(z))
                .ok_or_else(|| schema("zip-code must match \\d{5}(-\\d{4})?"))?;
            (Place::new("US", zip), &USA, None)
        } else if let Some(int) = destination.child("international") {
            let country = int
                .child_text("country-code")
                .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
                .ok_or_else(|| {
                    (
                        "8534",
                        "A valid destination country must be supplied.".to_string(),
                    )
                })?;
            let postal = int.child_text("postal-code").unwrap_or("");
            (Place::new(country, postal), &INTERNATIONAL, None)
        } else {
            return Err(schema(
                "destination must hold domestic, united-states or international",
            ));
        };
    let wanted: Vec<&str> = root
        .child("services")
        .map(|s| {
            s.children("service-code")
                .filter_map(Element::text)
                .collect()
        })
        .unwrap_or_default();
    let shipment = Shipment {
        origin: Place::new("CA", origin),
        destination: place,
        packages: vec![Package {
            weight: Weight::kg(weight),
            dimensions,
        }],
        residential: false,
    };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<price-quotes xmlns=\"{RATE_NAMESPACE}\">\n"
    );
    let mut count = 0;
    for (code, level) in services {
        if !wanted.is_empty() && !wanted.contains(code) {
            continue;
        }
        let priced = price::quote(&shipment, level);
        write_quote(
            &mut out,
            code,
            &priced,
            level,
            customer.is_some(),
            province,
            mailing_date,
        );
        count += 1;
    }
    if count == 0 {
        return Err(("9111", "No services are appropriate for the parcel.".into()));
    }
    out.push_str("</price-quotes>\n");
    Ok(out)
}

/// One `<price-quote>`: base, taxes, due, options, adjustments, service standard.
fn write_quote(
    out: &mut String,
    code: &str,
    priced: &price::PriceQuote,
    level: &ServiceLevel,
    commercial: bool,
    province: Option<char>,
    mailing_date: NaiveDate,
) {
    let money = |d: Decimal| d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let base = priced.base;
    let discount = if commercial {
        -money(base * Decimal::new(3, 2))
    } else {
        Decimal::ZERO
    };
    let fuel = priced.fuel;
    let pre_tax = base + discount + fuel;
    // Ontario and the Atlantic provinces: HST 13 %; elsewhere in Canada GST 5 %; none abroad.
    let (gst, hst) = match province {
        Some('K' | 'L' | 'M' | 'N' | 'P' | 'A' | 'B' | 'C' | 'E') => {
            (Decimal::ZERO, money(pre_tax * Decimal::new(13, 2)))
        }
        Some(_) => (money(pre_tax * Decimal::new(5, 2)), Decimal::ZERO),
        None => (Decimal::ZERO, Decimal::ZERO),
    };
    let due = pre_tax + gst + hst;
    let name = service_name(code).unwrap_or(code);
    let delivery = price::add_business_days(mailing_date, priced.transit_days);
    let _ = write!(
        out,
        "  <price-quote>\n    <service-code>{code}</service-code>\n    <service-link rel=\"service\" href=\"/rs/ship/service/{code}?country=CA\" media-type=\"{RATE_MEDIA_TYPE}\"/>\n    <service-name>{}</service-name>\n    <price-details>\n      <base>{base}</base>\n      <taxes>\n        <gst>{gst}</gst>\n        <pst>0.00</pst>\n        <hst>{hst}</hst>\n      </taxes>\n      <due>{due}</due>\n      <options>\n        <option>\n          <option-code>DC</option-code>\n          <option-name>Delivery confirmation</option-name>\n          <option-price>0</option-price>\n        </option>\n      </options>\n      <adjustments>\n",
        escape(name)
    );
    if commercial {
        let _ = write!(
            out,
            "        <adjustment>\n          <adjustment-code>AUTDISC</adjustment-code>\n          <adjustment-name>Automation discount</adjustment-name>\n          <adjustment-cost>{discount}</adjustment-cost>\n          <qualifier><percent>3.000</percent></qualifier>\n        </adjustment>\n"
        );
    }
    let _ = write!(
        out,
        "        <adjustment>\n          <adjustment-code>FUELSC</adjustment-code>\n          <adjustment-name>Fuel surcharge</adjustment-name>\n          <adjustment-cost>{fuel}</adjustment-cost>\n          <qualifier><percent>14.50</percent></qualifier>\n        </adjustment>\n      </adjustments>\n    </price-details>\n    <weight-details/>\n    <service-standard>\n      <am-delivery>false</am-delivery>\n      <guaranteed-delivery>{}</guaranteed-delivery>\n      <expected-transit-time>{}</expected-transit-time>\n      <expected-delivery-date>{}</expected-delivery-date>\n    </service-standard>\n  </price-quote>\n",
        level.guaranteed,
        priced.transit_days,
        delivery.format("%Y-%m-%d")
    );
}

/// A positive decimal with at most `places` decimals and at most `max`.
fn decimal(
    text: Option<&str>,
    name: &str,
    places: u32,
    max: Decimal,
) -> Result<Option<Decimal>, (&'static str, String)> {
    let Some(text) = text else { return Ok(None) };
    let value = Decimal::from_str(text)
        .map_err(|_| schema(&format!("{name} `{text}` is not a decimal")))?;
    if value <= Decimal::ZERO || value > max || value.scale() > places {
        return Err(schema(&format!(
            "{name} `{text}` must be > 0, at most {max}, with at most {places} decimals"
        )));
    }
    Ok(Some(value))
}

fn canadian_postcode(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() == 6
        && b.iter().enumerate().all(|(i, c)| {
            if i % 2 == 0 {
                c.is_ascii_uppercase()
            } else {
                c.is_ascii_digit()
            }
        })
}

fn us_zip(z: &str) -> bool {
    let b = z.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    (b.len() == 5 && digits(b))
        || (b.len() == 10 && digits(&b[..5]) && b[5] == b'-' && digits(&b[6..]))
}

/// Discover Services: the credential probe.
pub(super) async fn discover(
    State(auth): State<Auth>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = auth.refusal(&headers) {
        return r;
    }
    if let Some(r) = wrong_accept(&headers, RATE_MEDIA_TYPE) {
        return r;
    }
    let country = query
        .iter()
        .find(|(k, _)| k == "country")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let services: &[(&str, ServiceLevel)] = match country {
        "CA" => &DOMESTIC,
        "US" => &USA,
        c if c.len() == 2 => &INTERNATIONAL,
        _ => {
            return messages(
                StatusCode::BAD_REQUEST,
                "8534",
                "A valid destination country must be supplied.",
            );
        }
    };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<services xmlns=\"{RATE_NAMESPACE}\">\n"
    );
    for (code, _) in services {
        let _ = write!(
            out,
            "  <service>\n    <service-code>{code}</service-code>\n    <service-name>{}</service-name>\n    <link rel=\"service\" href=\"/rs/ship/service/{code}?country={country}\" media-type=\"{RATE_MEDIA_TYPE}\"/>\n  </service>\n",
            escape(service_name(code).unwrap_or(code))
        );
    }
    out.push_str("</services>\n");
    xml(RATE_MEDIA_TYPE, out)
}
