//! The UPS simulator (feature `sandbox`): UPS's real paths, OAuth, request validation and
//! response shapes on loopback, priced by the kit's deterministic model.
//!
//! | path | what |
//! |---|---|
//! | `POST /security/v1/oauth/token` | Basic auth + `grant_type=client_credentials`; `expires_in` as a string |
//! | `POST /api/rating/{version}/{requestoption}` | `Rate`, `Shop`, `Ratetimeintransit`, `Shoptimeintransit` (any case), `?additionalinfo=timeintransit` |
//! | `GET /api/track/v1/details/{inquiryNumber}` | a deterministic story for any valid `1Z` number |
//!
//! Errors use UPS's shape `{"response": {"errors": [{"code", "message"}]}}`. Codes UPS
//! documents or is known to send are used as UPS sends them (`250002` bad token, `10429`,
//! `111600`, `111210`, `TV1002`, `TW0001`); for other validation failures the sandbox picks
//! codes in UPS's ranges.

mod rates;
mod request;
mod services;
mod token;
mod tracking;
mod wire;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use shipmux_sandbox::{BearerRejection, Router, Sandbox, SandboxOptions};

#[doc(hidden)]
pub use rates::answer_rate;
pub use tracking::is_valid_1z;

/// Starts the UPS simulator on `127.0.0.1` (the port in `options`, or one the OS picks).
pub async fn start(options: SandboxOptions) -> std::io::Result<Sandbox> {
    let builder = Sandbox::builder(options).error_body(fault_body);
    let tokens = builder.tokens();
    let api = tokens.protect(
        Router::new()
            .route("/api/rating/{version}/{requestoption}", post(rates::rate))
            .route(
                "/api/track/v1/details/{inquiry_number}",
                get(tracking::details),
            ),
        unauthorized,
    );
    let token = Router::new().route(
        token::TOKEN_PATH,
        post(token::token).with_state(tokens.clone()),
    );
    builder.serve(api.merge(token)).await
}

/// A UPS error response.
pub(crate) fn ups_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"response": {"errors": [{"code": code, "message": message}]}})),
    )
        .into_response()
}

/// UPS's answer to a missing, unknown or expired bearer token.
fn unauthorized(_reason: BearerRejection) -> Response {
    ups_error(
        StatusCode::UNAUTHORIZED,
        "250002",
        "Invalid Authentication Information.",
    )
}

/// Injected 500/503/429 answers, in UPS's shape.
fn fault_body(status: StatusCode) -> Response {
    match status {
        StatusCode::TOO_MANY_REQUESTS => ups_error(status, "10429", "Too Many Requests"),
        StatusCode::SERVICE_UNAVAILABLE => {
            ups_error(status, "10503", "The service is temporarily unavailable")
        }
        _ => ups_error(status, "10500", "General system failure"),
    }
}
