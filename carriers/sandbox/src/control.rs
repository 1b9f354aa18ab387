//! The `/_sandbox` control endpoints, so a separate process (a load test, the CLI) can read
//! counters and drive faults:
//!
//! | request | effect |
//! |---|---|
//! | `GET /_sandbox/stats` | the [`Stats`](crate::Stats) as JSON |
//! | `DELETE /_sandbox/stats` | zeroes the counters |
//! | `POST /_sandbox/faults` `{"fault": {"kind": "status503", "retry_after_secs": 2}, "count": 3, "path_prefix": "/api/rating"}` | the next `count` (default 1) matching requests fail |
//! | `DELETE /_sandbox/faults` | forgets pending faults |
//! | `POST /_sandbox/tokens/expire` | expires every issued token |

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::faults::Injection;
use crate::options::Fault;
use crate::server::Shared;
use crate::stats::Stats;

/// Body of `POST /_sandbox/faults`.
#[derive(Debug, Deserialize)]
struct InjectRequest {
    fault: Fault,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    path_prefix: Option<String>,
}

fn one() -> u32 {
    1
}

pub(crate) fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_sandbox/stats", get(stats).delete(reset_stats))
        .route("/_sandbox/faults", post(inject).delete(clear_faults))
        .route("/_sandbox/tokens/expire", post(expire_tokens))
        .with_state(shared)
}

async fn stats(State(shared): State<Arc<Shared>>) -> Json<Stats> {
    Json(shared.stats())
}

async fn reset_stats(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.counters.reset();
    StatusCode::NO_CONTENT
}

async fn inject(
    State(shared): State<Arc<Shared>>,
    Json(request): Json<InjectRequest>,
) -> StatusCode {
    shared.decider().inject(Injection {
        path_prefix: request.path_prefix,
        fault: request.fault,
        remaining: request.count,
    });
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.decider().clear();
    StatusCode::NO_CONTENT
}

async fn expire_tokens(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.tokens.expire_all();
    StatusCode::NO_CONTENT
}
