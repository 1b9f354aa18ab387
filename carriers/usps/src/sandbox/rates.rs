//! `POST /shipments/v3/options/search` (scope `shipments`).

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

/// The Shipping Options route.
pub fn routes(state: Arc<State>) -> Router {
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
    answer(&body).unwrap_or_else(|e| e)
}

fn answer(body: &[u8]) -> Result<Response, Response> {
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
