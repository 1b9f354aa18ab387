//! `GET /address-validate`, and the sandbox's invented facts about countries: a city for a
//! postal code, a UTC offset, the account currency, domestic VAT and a fixed exchange rate.
//! None of these are DHL's data; they only make answers plausible and stable.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::json;
use shipmux_core::model::country::is_iso_country;

use super::{Auth, bad_request, ok_json};

/// Cities by country and postal-code prefix (longest prefix first), the first entry the
/// country's fallback.
const CITIES: &[(&str, &str, &str)] = &[
    ("US", "100", "NEW YORK"),
    ("US", "902", "BEVERLY HILLS"),
    ("US", "900", "LOS ANGELES"),
    ("US", "606", "CHICAGO"),
    ("US", "", "NEW YORK"),
    ("CA", "M", "TORONTO"),
    ("CA", "H", "MONTREAL"),
    ("CA", "K", "OTTAWA"),
    ("CA", "V", "VANCOUVER"),
    ("CA", "", "TORONTO"),
    ("DE", "531", "BONN"),
    ("DE", "10", "BERLIN"),
    ("DE", "20", "HAMBURG"),
    ("DE", "04", "LEIPZIG"),
    ("DE", "80", "MUENCHEN"),
    ("DE", "", "FRANKFURT AM MAIN"),
    ("GB", "SW", "LONDON"),
    ("GB", "EC", "LONDON"),
    ("GB", "M", "MANCHESTER"),
    ("GB", "", "LONDON"),
    ("FR", "75", "PARIS"),
    ("FR", "69", "LYON"),
    ("FR", "", "PARIS"),
    ("NL", "10", "AMSTERDAM"),
    ("NL", "", "AMSTERDAM"),
    ("SG", "", "SINGAPORE"),
    ("AU", "2", "SYDNEY"),
    ("AU", "3", "MELBOURNE"),
    ("AU", "", "SYDNEY"),
    ("NZ", "", "AUCKLAND"),
    ("JP", "", "TOKYO"),
    ("CH", "", "ZURICH"),
    ("IT", "", "MILANO"),
    ("ES", "", "MADRID"),
    ("CZ", "", "PRAHA"),
];

/// The city the sandbox places `postal_code` in.
pub(super) fn city(country: &str, postal_code: &str) -> String {
    let postal = postal_code.trim().to_ascii_uppercase();
    CITIES
        .iter()
        .filter(|(c, prefix, _)| *c == country && postal.starts_with(prefix))
        .max_by_key(|(_, prefix, _)| prefix.len())
        .map(|(_, _, city)| city.to_string())
        .unwrap_or_else(|| {
            if postal.is_empty() {
                format!("{country} CITY")
            } else {
                format!("{country} {postal}")
            }
        })
}

/// A three-letter service-area code for a city.
pub(super) fn service_area(city: &str) -> String {
    let letters: String = city
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase();
    format!("{letters:X<3}")
}

/// The country's UTC offset in December (one per country; the sandbox ignores zones).
pub(super) fn utc_offset(country: &str) -> &'static str {
    match country {
        "US" | "CA" => "-05:00",
        "MX" => "-06:00",
        "BR" => "-03:00",
        "GB" | "IE" | "PT" | "IS" => "+00:00",
        "FI" | "GR" | "RO" | "BG" | "EE" | "LV" | "LT" | "CY" | "UA" => "+02:00",
        "TR" => "+03:00",
        "AE" => "+04:00",
        "IN" => "+05:30",
        "SG" | "HK" | "CN" | "MY" | "TW" | "PH" => "+08:00",
        "JP" | "KR" => "+09:00",
        "AU" => "+11:00",
        "NZ" => "+13:00",
        c if super::rates::EU.contains(&c) || matches!(c, "CH" | "NO" | "RS") => "+01:00",
        _ => "+00:00",
    }
}

/// The currency an account in `country` is billed in.
pub(super) fn currency(country: &str) -> &'static str {
    match country {
        "US" | "EC" | "SV" | "PA" | "PR" => "USD",
        "CA" => "CAD",
        "GB" => "GBP",
        "CH" | "LI" => "CHF",
        "PL" => "PLN",
        "SE" => "SEK",
        "DK" => "DKK",
        "NO" => "NOK",
        "CZ" => "CZK",
        "HU" => "HUF",
        "RO" => "RON",
        "JP" => "JPY",
        "AU" => "AUD",
        "NZ" => "NZD",
        "SG" => "SGD",
        "HK" => "HKD",
        "CN" => "CNY",
        "MX" => "MXN",
        "BR" => "BRL",
        "IN" => "INR",
        c if super::rates::EU.contains(&c) => "EUR",
        _ => "USD",
    }
}

/// Euros per unit of `currency`: fixed sandbox rates, not market data.
pub(super) fn euros_per(currency: &str) -> Decimal {
    let (mantissa, scale) = match currency {
        "USD" => (86, 2),
        "GBP" => (116, 2),
        "CAD" => (62, 2),
        "CHF" => (107, 2),
        "PLN" => (235, 3),
        "SEK" => (90, 3),
        "DKK" => (134, 3),
        "NOK" => (85, 3),
        "CZK" => (40, 3),
        "HUF" => (25, 4),
        "RON" => (200, 3),
        "JPY" => (58, 4),
        "AUD" => (57, 2),
        "NZD" => (52, 2),
        "SGD" => (66, 2),
        "HKD" => (11, 2),
        "CNY" => (12, 2),
        "MXN" => (47, 3),
        "BRL" => (16, 2),
        "INR" => (103, 4),
        _ => (1, 0),
    };
    Decimal::new(mantissa, scale)
}

/// Domestic VAT in percent for a shipment within `country`, if the sandbox charges one.
pub(super) fn vat_percent(country: &str) -> Option<u32> {
    Some(match country {
        "DE" => 19,
        "FR" | "AT" | "GB" => 20,
        "NL" | "BE" | "ES" | "CZ" => 21,
        "IT" => 22,
        "PL" | "PT" | "IE" => 23,
        "SE" | "DK" => 25,
        _ => return None,
    })
}

/// `GET /address-validate?type=…&countryCode=…&postalCode=…&cityName=…`.
pub(super) async fn validate(
    State(auth): State<Auth>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    const INSTANCE: &str = "/address_validate";
    if let Some(r) = auth.refusal(&headers, INSTANCE) {
        return r;
    }
    let get = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let missing: Vec<&str> = ["type", "countryCode"]
        .into_iter()
        .filter(|k| get(k).is_none_or(|v| v.is_empty()))
        .collect();
    if !missing.is_empty() {
        return bad_request(
            INSTANCE,
            "Missing parameters",
            &format!("Missing mandatory parameters: {}", missing.join(", ")),
        );
    }
    let kind = get("type").unwrap_or_default();
    if kind != "pickup" && kind != "delivery" {
        return bad_request(
            INSTANCE,
            "Bad request",
            "Parameters not having correct format: type (valid parameters for type are [pickup, delivery])",
        );
    }
    let country = get("countryCode").unwrap_or_default().to_ascii_uppercase();
    let postal = get("postalCode").unwrap_or_default();
    let city_name = get("cityName").unwrap_or_default();
    for (name, value, max) in [("postalCode", &postal, 12), ("cityName", &city_name, 45)] {
        if value.chars().count() > max {
            return bad_request(
                INSTANCE,
                "Bad request",
                &format!("Parameters not having correct format: {name} (maxLength={max})"),
            );
        }
    }
    if country.len() != 2 || !is_iso_country(&country) {
        return ok_json(&json!({
            "warnings": [format!("No address found for country {country}")],
            "address": [],
        }));
    }
    let city = if city_name.is_empty() {
        city(&country, &postal)
    } else {
        city_name.to_ascii_uppercase()
    };
    ok_json(&json!({
        "address": [{
            "countryCode": country,
            "postalCode": postal,
            "cityName": city,
            "serviceArea": {
                "code": service_area(&city),
                "description": format!("{city}-{country}"),
                "GMTOffset": utc_offset(&country),
            },
        }],
    }))
}
