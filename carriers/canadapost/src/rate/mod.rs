//! Get Rates: `POST /rs/ship/price` with a `<mailing-scenario>` (rate-v4), one request per
//! parcel, and the `<price-quotes>` answers → [`Rate`]s (docs/carriers/canadapost.md).

use quick_xml::Writer;
use rust_decimal::Decimal;
use shipmux_core::{
    Address, CarrierId, Charge, ChargeKind, Error, Exchange, HttpRequest, LengthUnit, Money,
    Parcel, Rate, RateRequest, Result, WeightUnit,
};

use crate::CARRIER_ID;
use crate::config::CanadaPostConfig;
use crate::error;
use crate::xml::{Element, write_parent, write_text};

/// The rate API's media type (both `Accept` and `Content-Type`).
pub const RATE_MEDIA_TYPE: &str = "application/vnd.cpc.ship.rate-v4+xml";
/// The rate request's namespace.
pub const RATE_NAMESPACE: &str = "http://www.canadapost.ca/ws/ship/rate-v4";

/// Heaviest weight the schema accepts, kg.
const MAX_WEIGHT_KG: Decimal = Decimal::from_parts(99999, 0, 0, false, 3);
/// Longest side the schema accepts, cm.
const MAX_SIDE_CM: Decimal = Decimal::from_parts(9999, 0, 0, false, 1);
/// Most services one request may name.
const MAX_SERVICES: usize = 20;

/// The `<mailing-scenario>` requests for `request`, one per parcel.
pub fn build(config: &CanadaPostConfig, request: &RateRequest) -> Result<Vec<HttpRequest>> {
    request.validate()?;
    let origin = origin_postal_code(&request.origin)?;
    let destination = Destination::of(&request.destination)?;
    if let Some(services) = &request.services
        && services.len() > MAX_SERVICES
    {
        return Err(Error::invalid_request(
            "services",
            format!("Canada Post takes at most {MAX_SERVICES} service codes per quote"),
        ));
    }
    request
        .parcels
        .iter()
        .enumerate()
        .map(|(i, parcel)| {
            let body = scenario(config, request, parcel, i, &origin, &destination)?;
            Ok(crate::protocol::authorized(
                config,
                HttpRequest::post(format!("{}/rs/ship/price", config.base()))
                    .header("Accept", RATE_MEDIA_TYPE)
                    .body(RATE_MEDIA_TYPE, body),
            ))
        })
        .collect()
}

/// Where a parcel goes, in Canada Post's three shapes.
enum Destination {
    Domestic(String),
    UnitedStates(String),
    International {
        country: String,
        postal_code: Option<String>,
    },
}

impl Destination {
    fn of(address: &Address) -> Result<Destination> {
        let country = address.country.trim().to_ascii_uppercase();
        let postal = address.normalized_postal_code();
        match country.as_str() {
            "CA" => {
                let code = postal.filter(|p| is_canadian_postcode(p)).ok_or_else(|| {
                    Error::invalid_request(
                        "destination.postal_code",
                        "Canada Post needs the full six-character Canadian postal code",
                    )
                })?;
                Ok(Destination::Domestic(code))
            }
            "US" => {
                let zip = postal.as_deref().and_then(us_zip).ok_or_else(|| {
                    Error::invalid_request(
                        "destination.postal_code",
                        "Canada Post needs a 5 or 9 digit ZIP code",
                    )
                })?;
                Ok(Destination::UnitedStates(zip))
            }
            _ => {
                if let Some(p) = &postal
                    && p.len() > 10
                {
                    return Err(Error::invalid_request(
                        "destination.postal_code",
                        "Canada Post takes at most 10 characters for a foreign postal code",
                    ));
                }
                Ok(Destination::International {
                    country,
                    postal_code: postal,
                })
            }
        }
    }
}

fn origin_postal_code(origin: &Address) -> Result<String> {
    if !origin.country.trim().eq_ignore_ascii_case("CA") {
        return Err(Error::invalid_request(
            "origin.country",
            format!("Canada Post ships from Canada, not `{}`", origin.country),
        ));
    }
    origin
        .normalized_postal_code()
        .filter(|p| is_canadian_postcode(p))
        .ok_or_else(|| {
            Error::invalid_request(
                "origin.postal_code",
                "Canada Post needs the full six-character origin postal code",
            )
        })
}

/// `A9A9A9`.
fn is_canadian_postcode(p: &str) -> bool {
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

/// `12345` or `12345-6789` from a normalized ZIP.
fn us_zip(p: &str) -> Option<String> {
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match p.len() {
        5 => Some(p.to_string()),
        9 => Some(format!("{}-{}", &p[..5], &p[5..])),
        _ => None,
    }
}

fn scenario(
    config: &CanadaPostConfig,
    request: &RateRequest,
    parcel: &Parcel,
    index: usize,
    origin: &str,
    destination: &Destination,
) -> Result<Vec<u8>> {
    let field = format!("parcels[{index}]");
    let weight = parcel.weight.ceil_to(WeightUnit::Kg, Decimal::new(1, 3));
    if weight > MAX_WEIGHT_KG {
        return Err(Error::invalid_request(
            &format!("{field}.weight"),
            format!("{weight} kg is over Canada Post's {MAX_WEIGHT_KG} kg"),
        ));
    }
    let sides = match &parcel.dimensions {
        Some(d) => {
            let sides = d.ceil_to(LengthUnit::Cm, Decimal::new(1, 1));
            if let Some(side) = sides.iter().find(|s| **s > MAX_SIDE_CM) {
                return Err(Error::invalid_request(
                    &format!("{field}.dimensions"),
                    format!("a side of {side} cm is over Canada Post's {MAX_SIDE_CM} cm"),
                ));
            }
            Some(sides)
        }
        None => None,
    };
    let mut writer = Writer::new(Vec::new());
    let mut root = quick_xml::events::BytesStart::new("mailing-scenario");
    root.push_attribute(("xmlns", RATE_NAMESPACE));
    writer
        .write_event(quick_xml::events::Event::Start(root))
        .map_err(|e| Error::parse(format!("cannot write XML: {e}")))?;
    let w = &mut writer;
    match &config.customer_number {
        Some(customer) => {
            write_text(w, "customer-number", customer)?;
            if let Some(contract) = &config.contract_id {
                write_text(w, "contract-id", contract)?;
            }
            write_text(w, "quote-type", "commercial")?;
        }
        None => write_text(w, "quote-type", "counter")?,
    }
    if let Some(date) = request.ship_date {
        write_text(
            w,
            "expected-mailing-date",
            &date.format("%Y-%m-%d").to_string(),
        )?;
    }
    write_parent(w, "parcel-characteristics", |w| {
        write_text(w, "weight", &weight.normalize().to_string())?;
        if let Some([l, wd, h]) = sides {
            write_parent(w, "dimensions", |w| {
                write_text(w, "length", &l.normalize().to_string())?;
                write_text(w, "width", &wd.normalize().to_string())?;
                write_text(w, "height", &h.normalize().to_string())
            })?;
        }
        Ok(())
    })?;
    if let Some(services) = &request.services {
        write_parent(w, "services", |w| {
            services
                .iter()
                .try_for_each(|s| write_text(w, "service-code", s.trim()))
        })?;
    }
    write_text(w, "origin-postal-code", origin)?;
    write_parent(w, "destination", |w| match destination {
        Destination::Domestic(code) => {
            write_parent(w, "domestic", |w| write_text(w, "postal-code", code))
        }
        Destination::UnitedStates(zip) => {
            write_parent(w, "united-states", |w| write_text(w, "zip-code", zip))
        }
        Destination::International {
            country,
            postal_code,
        } => write_parent(w, "international", |w| {
            write_text(w, "country-code", country)?;
            match postal_code {
                Some(p) => write_text(w, "postal-code", p),
                None => Ok(()),
            }
        }),
    })?;
    writer
        .write_event(quick_xml::events::Event::End(
            quick_xml::events::BytesEnd::new("mailing-scenario"),
        ))
        .map_err(|e| Error::parse(format!("cannot write XML: {e}")))?;
    Ok(writer.into_inner())
}

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
