//! Our JSON API under `/v1`: the same types as the library and the CLI's `--json`
//! (docs/design.md lists their JSON).
//!
//! - `POST /v1/rates`: a `RateRequest` → `{"rates": [Rate], "errors": [Error], "skipped":
//!   [{"carrier", "reason"}]}` — every carrier at once, answered at the quote deadline with
//!   what arrived; a carrier that failed is in `errors`, one that cannot serve the route in
//!   `skipped`, never silently missing.
//! - `POST /v1/checkouts/quote`: a `Checkout` → a `CheckoutQuote`.
//! - `GET /v1/tracking/{number}[?carrier=ID]` → `{"tracking": Tracking}`.
//! - `GET /v1/carriers` → `{"carriers": [CarrierInfo]}`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use shipmux_core::checkout::{Checkout, CheckoutQuote};
use shipmux_core::{CarrierId, CarrierInfo, Error, Rate, RateRequest, Tracking, TrackingNumber};

use super::json::{JsonAnswer, JsonBody};
use super::problem::Problem;
use super::state::AppState;
use crate::fanout::Skipped;

/// The answer to `POST /v1/rates`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RatesAnswer {
    /// Every rate that arrived in time, carrier by carrier.
    pub rates: Vec<Rate>,
    /// One error per carrier that did not answer with rates.
    pub errors: Vec<Error>,
    /// Carriers not asked because they cannot serve the route.
    pub skipped: Vec<Skipped>,
}

/// `POST /v1/rates`.
#[utoipa::path(
    post,
    path = "/v1/rates",
    tag = "v1",
    request_body = RateRequest,
    responses(
        (status = 200, body = RatesAnswer,
         description = "Every carrier at once, answered at the quote deadline with what arrived: \
                        a carrier that failed is in `errors`, one that cannot serve the route in \
                        `skipped`. 200 even when some carriers failed."),
        crate::serve::openapi::BodyErrors,
        crate::serve::openapi::ApiKeyErrors,
        crate::serve::openapi::BoundedErrors,
    ),
    security(("bearer" = [])),
)]
pub async fn rates(
    State(state): State<Arc<AppState>>,
    JsonBody(request): JsonBody<RateRequest>,
) -> Result<JsonAnswer<RatesAnswer>, Problem> {
    let quote = state.host.quote(&request).await?;
    state.metrics.carrier_errors(quote.errors());
    Ok(JsonAnswer(RatesAnswer {
        rates: quote.rates().cloned().collect(),
        errors: quote.errors().cloned().collect(),
        skipped: quote.skipped().cloned().collect(),
    }))
}

/// `POST /v1/checkouts/quote`.
#[utoipa::path(
    post,
    path = "/v1/checkouts/quote",
    tag = "v1",
    request_body = Checkout,
    responses(
        (status = 200, body = CheckoutQuote,
         description = "Shipping options per consignment; a consignment's missing options are \
                        explained in its `errors`."),
        crate::serve::openapi::BodyErrors,
        crate::serve::openapi::ApiKeyErrors,
        crate::serve::openapi::BoundedErrors,
    ),
    security(("bearer" = [])),
)]
pub async fn checkout_quote(
    State(state): State<Arc<AppState>>,
    JsonBody(checkout): JsonBody<Checkout>,
) -> Result<JsonAnswer<CheckoutQuote>, Problem> {
    let quote = state.host.quote_checkout(&checkout).await?;
    state
        .metrics
        .carrier_errors(quote.consignments.iter().flat_map(|c| &c.errors));
    Ok(JsonAnswer(quote))
}

/// The query of `GET /v1/tracking/{number}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrackingQuery {
    /// The carrier; detected from the number when absent.
    pub carrier: Option<String>,
}

/// The answer to `GET /v1/tracking/{number}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrackingAnswer {
    /// The shipment's status and events.
    pub tracking: Tracking,
}

/// `GET /v1/tracking/{number}`.
#[utoipa::path(
    get,
    path = "/v1/tracking/{number}",
    tag = "v1",
    params(
        ("number" = String, Path,
         description = "The tracking number: 4–50 letters and digits (spaces are ignored)."),
        TrackingQuery,
    ),
    responses(
        (status = 200, body = TrackingAnswer, description = "The shipment's status and events."),
        (status = 400, body = crate::serve::problem::ErrorAnswer,
         description = "Not a tracking number, no carrier recognizes it, or the named carrier is \
                        not configured."),
        (status = 404, body = crate::serve::problem::ErrorAnswer,
         description = "The carrier does not know the number."),
        (status = 429, body = crate::serve::problem::ErrorAnswer,
         description = "The carrier said to slow down (`Retry-After` when it said how long)."),
        (status = 501, body = crate::serve::problem::ErrorAnswer,
         description = "The carrier does not track."),
        (status = 502, body = crate::serve::problem::ErrorAnswer,
         description = "The carrier refused the request or answered something unreadable."),
        crate::serve::openapi::ApiKeyErrors,
        crate::serve::openapi::BoundedErrors,
    ),
    security(("bearer" = [])),
)]
pub async fn tracking(
    State(state): State<Arc<AppState>>,
    Path(number): Path<String>,
    Query(query): Query<TrackingQuery>,
) -> Result<JsonAnswer<TrackingAnswer>, Problem> {
    let number = TrackingNumber::new(&number).map_err(|e| Problem::invalid("number", e.message))?;
    let carrier = match query.carrier.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(CarrierId::new(c).map_err(|e| Problem::invalid("carrier", e.message))?),
    };
    if let Some(c) = &carrier
        && state.host.registry().get(c).is_none()
    {
        return Err(Problem::invalid(
            "carrier",
            format!(
                "`{c}` is not configured here (configured: {})",
                configured(&state)
            ),
        ));
    }
    let tracking = state
        .host
        .track_detected(&number, carrier.as_ref())
        .await
        .inspect_err(|e| state.metrics.carrier_errors([e]))?;
    Ok(JsonAnswer(TrackingAnswer { tracking }))
}

/// The answer to `GET /v1/carriers`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CarriersAnswer {
    /// Each configured carrier: id, name, services, capabilities.
    pub carriers: Vec<CarrierInfo>,
}

/// `GET /v1/carriers`.
#[utoipa::path(
    get,
    path = "/v1/carriers",
    tag = "v1",
    responses(
        (status = 200, body = CarriersAnswer,
         description = "Each configured carrier: id, name, services, capabilities."),
        crate::serve::openapi::ApiKeyErrors,
        crate::serve::openapi::BoundedErrors,
    ),
    security(("bearer" = [])),
)]
pub async fn carriers(State(state): State<Arc<AppState>>) -> JsonAnswer<CarriersAnswer> {
    JsonAnswer(CarriersAnswer {
        carriers: state.host.registry().list(),
    })
}

fn configured(state: &AppState) -> String {
    state
        .host
        .registry()
        .ids()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
