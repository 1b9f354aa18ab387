//! `POST /bigcommerce/check_connection_options`: whether a store's connection settings work —
//! each carrier account it sent is built and connected (its token fetched) right away.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use futures::future::join_all;

use super::auth::check_store;
use super::payload::{CheckConnectionOptionsRequest, CheckConnectionOptionsResponse, Message};
use crate::serve::json::{JsonAnswer, JsonBody};
use crate::serve::problem::Problem;
use crate::serve::state::{AppState, connect_within};

/// How long one carrier's connection check may take.
const CONNECT_WITHIN: Duration = Duration::from_secs(10);

/// `POST /bigcommerce/check_connection_options`.
#[utoipa::path(
    post,
    path = "/bigcommerce/check_connection_options",
    tag = "bigcommerce",
    request_body = CheckConnectionOptionsRequest,
    responses(
        (status = 200, body = CheckConnectionOptionsResponse,
         description = "Whether each carrier account the store sent connects; settings that \
                        cannot make an account are `valid: false`, not an error."),
        crate::serve::openapi::BodyErrors,
        crate::serve::openapi::StoreSecretErrors,
        crate::serve::openapi::BoundedErrors,
    ),
)]
pub async fn check_connection_options(
    State(state): State<Arc<AppState>>,
    JsonBody(request): JsonBody<CheckConnectionOptionsRequest>,
) -> Result<JsonAnswer<CheckConnectionOptionsResponse>, Problem> {
    let options = &request.connection_options;
    check_store(&state, None, options)?;
    let carriers = state.host.registry().all();
    let accounts = match state.tenants.for_store(&carriers, options) {
        Ok(accounts) => accounts,
        // Settings that cannot make an account are an answer, not a failed request.
        Err(e) => {
            return Ok(JsonAnswer(CheckConnectionOptionsResponse {
                valid: false,
                messages: vec![Message::new("ERROR", e.message)],
            }));
        }
    };
    let own: Vec<_> = accounts
        .into_iter()
        .filter(|a| !a.scope.is_empty())
        .collect();
    if own.is_empty() {
        return Ok(JsonAnswer(CheckConnectionOptionsResponse {
            valid: true,
            messages: vec![Message::new(
                "INFO",
                "no carrier account given: quotes use this service's own accounts",
            )],
        }));
    }
    let checks = own.iter().map(|a| async move {
        let outcome = connect_within(a.carrier.as_ref(), CONNECT_WITHIN).await;
        (a.carrier.info().name.clone(), outcome)
    });
    let mut valid = true;
    let mut messages = Vec::new();
    for (name, outcome) in join_all(checks).await {
        match outcome {
            Ok(()) => messages.push(Message::new("INFO", format!("{name}: connected"))),
            Err(e) => {
                valid = false;
                messages.push(Message::new(
                    "ERROR",
                    format!("{name}: {}: {}", e.kind, e.message),
                ));
            }
        }
    }
    Ok(JsonAnswer(CheckConnectionOptionsResponse {
        valid,
        messages,
    }))
}
