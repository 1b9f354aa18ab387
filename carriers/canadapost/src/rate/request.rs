//! The `<mailing-scenario>` request (rate-v4) for a quote, one per parcel, checked against
//! the schema's limits before anything is sent.

use quick_xml::Writer;
use rust_decimal::Decimal;
use shipmux_core::{
    Address, Error, HttpRequest, LengthUnit, Parcel, RateRequest, Result, WeightUnit,
};

use super::{RATE_MEDIA_TYPE, RATE_NAMESPACE};
use crate::config::CanadaPostConfig;
use crate::xml::{write_parent, write_text};

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
