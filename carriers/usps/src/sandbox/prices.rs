//! The prices APIs (scope `prices`): domestic and international `base-rates/search` (one
//! mail class, every ingredient required) and `total-rates/search` (several classes, extra
//! services). No delivery commitments: the prices APIs carry none.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;

use super::http::{bad_request, forbidden, json_body, json_response};
use super::model::{
    Destination, Ingredients, extra_services, mailing_date, offers, positive, price_type, required,
    zip,
};
use super::shipping_options::canonical_class;
use super::{State, wire};

/// The prices routes.
pub fn routes(state: Arc<State>) -> Router {
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
    answer(body, international, api).unwrap_or_else(|e| e)
}

fn answer(body: &[u8], international: bool, api: Api) -> Result<Response, Response> {
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
