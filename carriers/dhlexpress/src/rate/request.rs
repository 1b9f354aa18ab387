//! The `POST /rates` body (`supermodelIoLogisticsExpressRateRequest`), and the
//! `GET /address-validate` look-ups that fill in what our request may lack: a city (DHL
//! requires one at each end), and — when there is no ship date — today's date (the answer's
//! `Date` header) and the shipper's UTC offset.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use shipmux_core::{
    Address, Error, HttpRequest, HttpResponse, LengthUnit, RateRequest, Result, WeightUnit,
};

use shipmux_core::raw::time::normalize_offset;

use crate::config::DhlExpressConfig;
use crate::json::{field, list, number, text};
use crate::{error, protocol};

/// The local time of day sent in `plannedShippingDateAndTime` (before the usual pickup
/// cut-offs, inside the usual pickup windows).
pub const PLANNED_TIME: &str = "10:00:00";

/// The EU customs union: shipments between two of these countries are not customs-declarable.
pub const EU: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Which end of the shipment an address look-up is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The shipper (`type=pickup`).
    Pickup,
    /// The receiver (`type=delivery`).
    Delivery,
}

impl End {
    fn type_code(self) -> &'static str {
        match self {
            End::Pickup => "pickup",
            End::Delivery => "delivery",
        }
    }

    /// Which end `request` looks up, if it is an address look-up.
    pub fn of(request: &HttpRequest) -> Option<End> {
        if !request.url.contains("/address-validate?") {
            return None;
        }
        if request.url.contains("type=pickup") {
            Some(End::Pickup)
        } else {
            Some(End::Delivery)
        }
    }
}

/// What a rate request needs that our request may not say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    /// The shipper's city, when looked up.
    pub shipper_city: Option<String>,
    /// The receiver's city, when looked up.
    pub receiver_city: Option<String>,
    /// The shipper's UTC offset (`+01:00`), when looked up.
    pub shipper_offset: Option<String>,
    /// The planned ship date, when it had to be worked out.
    pub ship_date: Option<NaiveDate>,
}

/// The look-ups `request` needs before it can be rated (none when it names both cities and a
/// ship date).
pub fn lookups(config: &DhlExpressConfig, request: &RateRequest) -> Result<Vec<HttpRequest>> {
    let mut out = Vec::new();
    if request.ship_date.is_none() || city(&request.origin).is_none() {
        out.push(lookup(config, &request.origin, End::Pickup, "origin")?);
    }
    if city(&request.destination).is_none() {
        out.push(lookup(
            config,
            &request.destination,
            End::Delivery,
            "destination",
        )?);
    }
    Ok(out)
}

fn lookup(
    config: &DhlExpressConfig,
    address: &Address,
    end: End,
    field_name: &str,
) -> Result<HttpRequest> {
    let postal = postal_code(address);
    let city = city(address);
    if postal.is_empty() && city.is_none() {
        return Err(Error::invalid_request(
            &format!("{field_name}.city"),
            "DHL Express needs a city or a postal code",
        ));
    }
    let mut url = format!(
        "{}/address-validate?type={}&countryCode={}",
        config.base(),
        end.type_code(),
        encode(&country(address))
    );
    if !postal.is_empty() {
        url.push_str(&format!("&postalCode={}", encode(&postal)));
    }
    if let Some(city) = city {
        url.push_str(&format!("&cityName={}", encode(&city)));
    }
    url.push_str("&strictValidation=false");
    Ok(protocol::authorized(config, HttpRequest::get(url)))
}

/// Reads the look-up answers of a round. Any failed look-up is that failure.
pub fn resolve(request: &RateRequest, pairs: &[(&HttpRequest, &HttpResponse)]) -> Result<Resolved> {
    let mut resolved = Resolved::default();
    for (sent, response) in pairs {
        let Some(end) = End::of(sent) else { continue };
        let answer = error::read(response, "address-validate")?;
        let first = list(&answer, "address").first();
        let found_city = first.and_then(|a| text(a, "cityName"));
        match end {
            End::Pickup => {
                resolved.shipper_city = found_city;
                resolved.shipper_offset = first
                    .and_then(|a| field(a, "serviceArea"))
                    .and_then(|s| text(s, "GMTOffset"))
                    .and_then(|o| normalize_offset(&o));
                if request.ship_date.is_none() {
                    resolved.ship_date = Some(next_business_day(today(
                        response,
                        resolved.shipper_offset.as_deref(),
                    )?));
                }
            }
            End::Delivery => resolved.receiver_city = found_city,
        }
    }
    Ok(resolved)
}

/// The shipper's date now: the response's `Date` header moved by the shipper's offset.
fn today(response: &HttpResponse, offset: Option<&str>) -> Result<NaiveDate> {
    let header = response.header("date").ok_or_else(|| {
        error::carrier(Error::parse(
            "DHL Express address-validate answer has no Date header: cannot tell today's date \
             (give the request a ship_date)",
        ))
    })?;
    let now = DateTime::parse_from_rfc2822(header.trim()).map_err(|_| {
        error::carrier(Error::parse(format!(
            "DHL Express answer's Date header `{header}` is not an HTTP date"
        )))
    })?;
    let minutes = offset.map_or(0, offset_minutes);
    Ok((now.naive_utc() + Duration::minutes(minutes)).date())
}

/// The weekday after `date` (Saturday and Sunday skipped; holidays are not known).
pub fn next_business_day(date: NaiveDate) -> NaiveDate {
    let mut next = date + Duration::days(1);
    while matches!(next.weekday(), Weekday::Sat | Weekday::Sun) {
        next += Duration::days(1);
    }
    next
}

/// `+HH:MM` or `-HH:MM`.
fn offset_ok(offset: &str) -> bool {
    let b = offset.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3] == b':'
        && b[4..].iter().all(u8::is_ascii_digit)
}

fn offset_minutes(offset: &str) -> i64 {
    if !offset_ok(offset) {
        return 0;
    }
    let hours: i64 = offset[1..3].parse().unwrap_or(0);
    let minutes: i64 = offset[4..].parse().unwrap_or(0);
    let total = hours * 60 + minutes;
    if offset.starts_with('-') {
        -total
    } else {
        total
    }
}

/// The `POST /rates` request for `request`, with what the look-ups resolved.
pub fn rate_request(
    config: &DhlExpressConfig,
    request: &RateRequest,
    resolved: &Resolved,
) -> Result<HttpRequest> {
    let body = body(config, request, resolved)?;
    let bytes = serde_json::to_vec(&body)
        .map_err(|e| Error::parse(format!("cannot encode the DHL Express rate request: {e}")))?;
    Ok(protocol::authorized(
        config,
        HttpRequest::post(format!("{}/rates", config.base())).body("application/json", bytes),
    ))
}

/// `customerDetails.shipperDetails` / `receiverDetails`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    postal_code: String,
    city_name: String,
    country_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    province_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address_line1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address_line2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address_line3: Option<String>,
}

/// `customerDetails`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerDetails {
    shipper_details: Party,
    receiver_details: Party,
}

/// `accounts[]`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    type_code: &'static str,
    number: String,
}

/// `monetaryAmount[]`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonetaryAmount {
    type_code: &'static str,
    value: Value,
    currency: String,
}

/// `packages[].dimensions`.
#[derive(Debug, Serialize)]
pub struct PackageDimensions {
    length: Value,
    width: Value,
    height: Value,
}

/// `packages[]`.
#[derive(Debug, Serialize)]
pub struct Package {
    weight: Value,
    dimensions: PackageDimensions,
}

/// The rate request body, keys in DHL's order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateBody {
    customer_details: CustomerDetails,
    accounts: Vec<Account>,
    planned_shipping_date_and_time: String,
    unit_of_measurement: &'static str,
    is_customs_declarable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    monetary_amount: Option<Vec<MonetaryAmount>>,
    next_business_day: bool,
    packages: Vec<Package>,
}

/// The body for `request`.
pub fn body(
    config: &DhlExpressConfig,
    request: &RateRequest,
    resolved: &Resolved,
) -> Result<RateBody> {
    request.validate()?;
    let shipper_city = city(&request.origin)
        .or_else(|| resolved.shipper_city.clone())
        .ok_or_else(|| no_city("origin", &request.origin))?;
    let receiver_city = city(&request.destination)
        .or_else(|| resolved.receiver_city.clone())
        .ok_or_else(|| no_city("destination", &request.destination))?;
    let date = request.ship_date.or(resolved.ship_date).ok_or_else(|| {
        Error::invalid_request("ship_date", "DHL Express needs a planned shipping date")
    })?;
    let offset = resolved.shipper_offset.as_deref().unwrap_or("+00:00");
    let metric = !matches!(
        request.parcels[0].weight.unit,
        WeightUnit::Lb | WeightUnit::Oz
    );
    let (weight_unit, length_unit) = if metric {
        (WeightUnit::Kg, LengthUnit::Cm)
    } else {
        (WeightUnit::Lb, LengthUnit::In)
    };
    let step = Decimal::new(1, 3);
    let packages = request
        .parcels
        .iter()
        .map(|parcel| {
            // DHL wants a DHL packaging type or the dimensions of every piece (7160). Without
            // dimensions the piece goes as a 1 × 1 × 1 box, so DHL rates its actual weight,
            // as the other carriers do when they are given none (docs/carriers/dhlexpress.md).
            let [l, w, h] = match parcel.dimensions {
                Some(dims) => dims.ceil_to(length_unit, step),
                None => [Decimal::ONE; 3],
            };
            Ok(Package {
                weight: number(parcel.weight.ceil_to(weight_unit, step)),
                dimensions: PackageDimensions {
                    length: number(l),
                    width: number(w),
                    height: number(h),
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let declared = request
        .parcels
        .iter()
        .filter_map(|p| p.declared_value.as_ref())
        .try_fold(None::<shipmux_core::Money>, |sum, v| match sum {
            None => Ok(Some(v.clone())),
            Some(s) => s.checked_add(v).map(Some),
        })?;
    let from = country(&request.origin);
    let to = country(&request.destination);
    let customs = from != to && !(EU.contains(&from.as_str()) && EU.contains(&to.as_str()));
    Ok(RateBody {
        customer_details: CustomerDetails {
            shipper_details: party(&request.origin, shipper_city),
            receiver_details: party(&request.destination, receiver_city),
        },
        accounts: vec![Account {
            type_code: "shipper",
            number: config.account_number.trim().to_string(),
        }],
        planned_shipping_date_and_time: format!(
            "{}T{PLANNED_TIME} GMT{offset}",
            date.format("%Y-%m-%d")
        ),
        unit_of_measurement: if metric { "metric" } else { "imperial" },
        is_customs_declarable: customs,
        monetary_amount: declared.filter(|m| !m.amount.is_zero()).map(|m| {
            vec![MonetaryAmount {
                type_code: "declaredValue",
                value: number(m.amount.round_dp(3)),
                currency: m.currency.to_string(),
            }]
        }),
        next_business_day: true,
        packages,
    })
}

fn no_city(field_name: &str, address: &Address) -> Error {
    error::carrier(Error::new(
        shipmux_core::ErrorKind::Rejected,
        format!(
            "{field_name}.city: DHL Express found no place for {} {}; give the city",
            country(address),
            postal_code(address)
        ),
    ))
}

fn party(address: &Address, city: String) -> Party {
    let line = |i: usize| {
        address
            .lines
            .get(i)
            .map(|l| clip(l, 45))
            .filter(|l| !l.is_empty())
    };
    Party {
        postal_code: postal_code(address),
        city_name: clip(&city, 45),
        country_code: country(address),
        province_code: address
            .region
            .as_deref()
            .map(str::trim)
            .filter(|r| r.len() >= 2)
            .map(str::to_ascii_uppercase),
        address_line1: line(0),
        address_line2: line(1),
        address_line3: line(2),
    }
}

fn country(address: &Address) -> String {
    address.country.trim().to_ascii_uppercase()
}

/// The postal code as written, trimmed (DHL takes at most 12 characters).
fn postal_code(address: &Address) -> String {
    clip(address.postal_code.as_deref().unwrap_or(""), 12)
}

fn city(address: &Address) -> Option<String> {
    address
        .city
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

/// `text` trimmed and cut to `max` characters.
fn clip(text: &str, max: usize) -> String {
    text.trim()
        .chars()
        .take(max)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_days_skip_weekends() {
        let fri = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(
            next_business_day(fri),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        let sat = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            next_business_day(sat),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        let wed = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            next_business_day(wed),
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
        );
    }

    #[test]
    fn today_is_the_shippers_date() {
        let r = HttpResponse::new(200, "").with_header("Date", "Wed, 02 Dec 2026 23:30:00 GMT");
        assert_eq!(
            today(&r, Some("+01:00")).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
        );
        assert_eq!(
            today(&r, None).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        );
        let r = HttpResponse::new(200, "").with_header("Date", "Thu, 03 Dec 2026 02:00:00 GMT");
        assert_eq!(
            today(&r, Some("-05:00")).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        );
        assert!(today(&HttpResponse::new(200, ""), None).is_err());
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("SAN JOSÉ/1"), "SAN%20JOS%C3%89%2F1");
    }
}
