//! Bounded work: at most `max_in_flight` requests at once — one more is shed at once with 503
//! and `Retry-After`, never queued — and each request within its deadline (504 after).

use std::sync::Arc;
use std::time::Duration;

use axum::BoxError;
use axum::error_handling::HandleErrorLayer;
use axum::response::{IntoResponse, Response};
use axum::routing::Router;
use shipmux_core::{Error, ErrorKind};
use tower::ServiceBuilder;

use super::problem::Problem;
use super::state::AppState;

/// `router` with load shedding, a concurrency limit and the request deadline.
pub fn bounded(router: Router<Arc<AppState>>, state: &Arc<AppState>) -> Router<Arc<AppState>> {
    let deadline = state.request_deadline();
    let on_error = {
        let state = state.clone();
        move |e: BoxError| {
            let state = state.clone();
            async move { refusal(&state, e, deadline) }
        }
    };
    router.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(on_error))
            .load_shed()
            .concurrency_limit(state.options.max_in_flight.max(1))
            .timeout(deadline),
    )
}

fn refusal(state: &AppState, e: BoxError, deadline: Duration) -> Response {
    if e.is::<tower::load_shed::error::Overloaded>() {
        state.metrics.shed();
        return Problem::new(
            Error::new(
                ErrorKind::Unavailable,
                "the server is at its limit of requests in flight; try again shortly",
            )
            .with_retry_after(Some(Duration::from_secs(1))),
        )
        .into_response();
    }
    if e.is::<tower::timeout::error::Elapsed>() {
        return Problem::new(Error::timeout(format!(
            "no answer within the request deadline of {} ms",
            deadline.as_millis()
        )))
        .into_response();
    }
    tracing::error!(error = %e, "request failed in the server's middleware");
    Problem::new(Error::new(ErrorKind::Unavailable, "the request failed")).into_response()
}
