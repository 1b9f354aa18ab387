//! The rate APIs: `POST /shipments/v3/options/search` (Shipping Options, scope `shipments`)
//! and the prices APIs (scope `prices`): domestic and international `base-rates/search` (one
//! mail class, every ingredient required) and `total-rates/search` (several classes, extra
//! services). No delivery commitments from the prices APIs: they carry none.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;

use super::http::{bad_request, forbidden, json_body, json_response, not_found};
use super::model::{
    Destination, Ingredients, Offer, extra_services, mailing_date, offers, positive, price_type,
    required, zip,
};
use super::{ShippingOptionsAccess, State, wire};

/// The rate routes: Shipping Options and the prices APIs.
pub fn routes(state: Arc<State>) -> Router {
    Router::new()
        .merge(shipping_options_routes(state.clone()))
        .merge(prices_routes(state))
}

// Shipping Options.

/// The Shipping Options route.
fn shipping_options_routes(state: Arc<State>) -> Router {
    Router::new()
        .route("/shipments/v3/options/search", post(search))
        .with_state(state)
}

async fn search(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match state.settings.shipping_options {
        ShippingOptionsAccess::Enabled => {}
        ShippingOptionsAccess::Forbidden => {
            return forbidden(
                "Access is denied: the application is not entitled to the Shipping Options API",
            );
        }
        ShippingOptionsAccess::NotFound => return not_found().await,
    }
    if !state.has_scope(&headers, &["shipments"]) {
        return forbidden("Insufficient scope: the token does not grant `shipments`");
    }
    answer_options(&body).unwrap_or_else(|e| e)
}

fn answer_options(body: &[u8]) -> Result<Response, Response> {
    let request = json_body(body)?;
    let pricing = required(&request, "pricingOptions", "")?
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            bad_request(
                "030010",
                "pricingOptions must hold at least one pricing option",
                Some("pricingOptions"),
            )
        })?;
    let origin_zip = zip(&request, "originZIPCode", "160243")?;
    let destination = if request.get("destinationZIPCode").is_some() {
        Destination::Domestic(zip(&request, "destinationZIPCode", "160244")?)
    } else if let Some(country) = request
        .get("destinationCountryCode")
        .and_then(Value::as_str)
    {
        Destination::International {
            country: country.trim().to_ascii_uppercase(),
            postal_code: request
                .get("foreignPostalCode")
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    } else {
        return Err(bad_request(
            "030010",
            "One or more required field(s) are missing from the request",
            Some("destinationZIPCode"),
        ));
    };
    let package = required(&request, "packageDescription", "")?;
    let p = "packageDescription.";
    let weight = positive(package, "weight", p)?;
    let length = positive(package, "length", p)?;
    let width = positive(package, "width", p)?;
    let height = positive(package, "height", p)?;
    let class = required(package, "mailClass", p)?
        .as_str()
        .map(canonical_class)
        .ok_or_else(|| {
            bad_request(
                "030010",
                "mailClass must be a string",
                Some("packageDescription.mailClass"),
            )
        })?;
    let extras = extra_services(package.get("extraServices"), p)?;
    let date = mailing_date(package.get("mailingDate"), p)?;
    let filter = request.get("shippingFilter").and_then(Value::as_str);

    let mut answered = Vec::with_capacity(pricing.len());
    for option in pricing {
        let kind = price_type(option.get("priceType"), "pricingOptions[].")?;
        let payment_account = option.get("paymentAccount");
        if kind == "CONTRACT" && !payment_account.is_some_and(Value::is_object) {
            return Err(bad_request(
                "160154",
                "required when priceType is 'CONTRACT'",
                Some("paymentAccount"),
            ));
        }
        let ingredients = Ingredients {
            origin_zip: origin_zip.clone(),
            destination: match &destination {
                Destination::Domestic(z) => Destination::Domestic(z.clone()),
                Destination::International {
                    country,
                    postal_code,
                } => Destination::International {
                    country: country.clone(),
                    postal_code: postal_code.clone(),
                },
            },
            weight,
            length,
            width,
            height,
            mail_classes: (class != "ALL").then(|| vec![class.clone()]),
            price_type: kind,
            mailing_date: date,
            extra_services: extras.clone(),
        };
        let found = apply_filter(offers(&ingredients)?, filter);
        answered.push((ingredients.price_type, payment_account, found));
    }
    let with_total = !extras.is_empty();
    let (destination_zip_code, destination_country_code, foreign_postal_code) = match &destination {
        Destination::Domestic(z) => (Some(z.replace(' ', "-")), None, None),
        Destination::International {
            country,
            postal_code,
        } => (None, Some(country.as_str()), postal_code.as_deref()),
    };
    let response = wire::ShippingOptionsResponse {
        destination_country_code,
        destination_zip_code,
        foreign_postal_code,
        origin_zip_code: &origin_zip,
        pricing_options: answered
            .iter()
            .map(|(kind, payment_account, found)| wire::PricingOption {
                payment_account: *payment_account,
                price_type: kind,
                shipping_options: group_by_class(found, with_total),
            })
            .collect(),
    };
    Ok(json_response(StatusCode::OK, response))
}

/// Deprecated classes convert as USPS documents.
pub fn canonical_class(class: &str) -> String {
    match class.trim() {
        "FIRST-CLASS_PACKAGE_SERVICE" => "USPS_GROUND_ADVANTAGE".to_string(),
        "PARCEL_SELECT_LIGHTWEIGHT" => "PARCEL_SELECT".to_string(),
        other => other.to_string(),
    }
}

/// `PRICE` keeps the cheapest option, `SERVICE_STANDARDS` the fastest.
fn apply_filter(offers: Vec<Offer>, filter: Option<&str>) -> Vec<Offer> {
    let pick = match filter {
        Some("PRICE") => offers
            .iter()
            .enumerate()
            .min_by_key(|(_, o)| o.total())
            .map(|(i, _)| i),
        Some("SERVICE_STANDARDS") => offers
            .iter()
            .enumerate()
            .min_by_key(|(_, o)| (o.commitment.map_or(u32::MAX, |c| c.0), o.total()))
            .map(|(i, _)| i),
        _ => None,
    };
    match pick {
        Some(i) => offers.into_iter().skip(i).take(1).collect(),
        None => offers,
    }
}

fn group_by_class(offers: &[Offer], with_total: bool) -> Vec<wire::ShippingOption<'_>> {
    let mut groups: Vec<wire::ShippingOption<'_>> = Vec::new();
    for offer in offers {
        let option = offer.rate_option(true, with_total, true);
        match groups.iter_mut().find(|g| g.mail_class == offer.mail_class) {
            Some(group) => group.rate_options.push(option),
            None => groups.push(wire::ShippingOption {
                mail_class: offer.mail_class,
                rate_options: vec![option],
            }),
        }
    }
    groups
}

// The prices APIs.

/// The prices routes.
fn prices_routes(state: Arc<State>) -> Router {
    Router::new()
        .route("/prices/v3/base-rates/search", post(domestic_base))
        .route("/prices/v3/total-rates/search", post(domestic_total))
        .route(
            "/international-prices/v3/base-rates/search",
            post(international_base),
        )
        .route(
            "/international-prices/v3/total-rates/search",
            post(international_total),
        )
        .with_state(state)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    Base,
    Total,
}

async fn domestic_base(s: AxumState<Arc<State>>, h: HeaderMap, b: Bytes) -> Response {
    handle(&s, &h, &b, false, Api::Base)
}

async fn domestic_total(s: AxumState<Arc<State>>, h: HeaderMap, b: Bytes) -> Response {
    handle(&s, &h, &b, false, Api::Total)
}

async fn international_base(s: AxumState<Arc<State>>, h: HeaderMap, b: Bytes) -> Response {
    handle(&s, &h, &b, true, Api::Base)
}

async fn international_total(s: AxumState<Arc<State>>, h: HeaderMap, b: Bytes) -> Response {
    handle(&s, &h, &b, true, Api::Total)
}

fn handle(
    state: &State,
    headers: &HeaderMap,
    body: &[u8],
    international: bool,
    api: Api,
) -> Response {
    if !state.has_scope(headers, &["prices", "international-prices"]) {
        return forbidden("Insufficient scope: the token does not grant `prices`");
    }
    answer_prices(body, international, api).unwrap_or_else(|e| e)
}

fn answer_prices(body: &[u8], international: bool, api: Api) -> Result<Response, Response> {
    let request = json_body(body)?;
    let origin_zip = zip(&request, "originZIPCode", "030010")?;
    let destination = if international {
        let country = required(&request, "destinationCountryCode", "")?
            .as_str()
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase();
        Destination::International {
            country,
            postal_code: request
                .get("foreignPostalCode")
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    } else {
        Destination::Domestic(zip(&request, "destinationZIPCode", "030010")?)
    };
    let weight = positive(&request, "weight", "")?;
    let length = positive(&request, "length", "")?;
    let width = positive(&request, "width", "")?;
    let height = positive(&request, "height", "")?;
    let mail_classes = match api {
        Api::Base => {
            // Every rate ingredient is required on base rates.
            for key in [
                "mailClass",
                "processingCategory",
                "rateIndicator",
                "destinationEntryFacilityType",
                "priceType",
            ] {
                required(&request, key, "")?;
            }
            request["mailClass"]
                .as_str()
                .map(|c| vec![canonical_class(c)])
        }
        Api::Total => match (request.get("mailClasses"), request.get("mailClass")) {
            (Some(Value::Array(list)), _) => Some(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(canonical_class)
                    .collect(),
            ),
            (_, Some(Value::String(c))) => Some(vec![canonical_class(c)]),
            _ => None,
        },
    };
    let kind = price_type(request.get("priceType"), "")?;
    if kind == "CONTRACT" && request.get("accountNumber").is_none() {
        return Err(bad_request(
            "030010",
            "accountType and accountNumber are required for CONTRACT prices",
            Some("accountNumber"),
        ));
    }
    let ingredients = Ingredients {
        origin_zip,
        destination,
        weight,
        length,
        width,
        height,
        mail_classes,
        price_type: kind,
        mailing_date: mailing_date(request.get("mailingDate"), "")?,
        extra_services: if api == Api::Total {
            extra_services(request.get("extraServices"), "")?
        } else {
            Vec::new()
        },
    };
    let found = offers(&ingredients)?;
    let with_total = !ingredients.extra_services.is_empty();
    Ok(match api {
        Api::Base => {
            // One class: its single-piece option.
            let offer = found
                .iter()
                .find(|o| request["rateIndicator"].as_str() == Some(o.rate_indicator))
                .or_else(|| found.first());
            json_response(
                StatusCode::OK,
                offer.map(|o| o.rate_option(false, false, false)),
            )
        }
        Api::Total => json_response(
            StatusCode::OK,
            wire::TotalRatesResponse {
                rate_options: found
                    .iter()
                    .map(|o| o.rate_option(false, with_total, true))
                    .collect(),
            },
        ),
    })
}
