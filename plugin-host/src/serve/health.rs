//! `GET /healthz` (the process answers) and `GET /readyz` (carriers loaded and their accounts
//! connected at start-up: tokens fetched, so the first checkouts do not wait for them).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::json::JsonAnswer;
use super::state::AppState;

/// Always 200 while the process serves.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses(
        (status = 200, body = crate::serve::openapi::Health, description = "The process serves."),
    ),
)]
pub async fn healthz() -> JsonAnswer<Value> {
    JsonAnswer(json!({ "status": "ok" }))
}

/// 200 once every carrier's start-up connection finished and at least one carrier is
/// configured; 503 before. The body lists each carrier and its connection error, if any (a
/// carrier that failed to connect is still asked at checkout: it may recover).
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, body = crate::serve::openapi::Readiness,
         description = "Carriers are configured and their start-up connections finished."),
        (status = 503, body = crate::serve::openapi::Readiness,
         description = "Not ready yet, or no carrier is configured: `reason` says which."),
    ),
)]
pub async fn readyz(State(state): State<Arc<AppState>>) -> (StatusCode, JsonAnswer<Value>) {
    let loaded = !state.host.registry().is_empty();
    let done = state.readiness.is_done();
    let carriers: Vec<Value> = state
        .readiness
        .carriers()
        .await
        .into_iter()
        .map(|(id, error)| match error {
            None => json!({ "carrier": id, "connected": true }),
            Some(e) => json!({ "carrier": id, "connected": false, "error": e }),
        })
        .collect();
    let ready = loaded && done;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let why = match (loaded, done) {
        (false, _) => Some("no carrier is configured"),
        (true, false) => Some("connecting the carriers' accounts"),
        _ => None,
    };
    (
        status,
        JsonAnswer(json!({ "ready": ready, "reason": why, "carriers": carriers })),
    )
}
