//! Per request: an id (the client's `x-request-id` when it sent a sane one, else ours) echoed
//! in the response, a structured log line, and the request metrics.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::state::AppState;

/// The request-id header.
pub const REQUEST_ID: &str = "x-request-id";

/// The request's id, for handlers (BigCommerce's `quote_id`).
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Ids, unique in this process: a random prefix per process and a counter.
fn next_id() -> String {
    static PREFIX: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(rand::random::<u32>);
    format!("{prefix:08x}-{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A client's id is kept when it is short and plain (it is logged and echoed).
fn sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Gives the request an id, logs and counts it.
pub async fn observe(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map_or_else(next_id, str::to_string);
    request.extensions_mut().insert(RequestId(id.clone()));
    let method = request.method().clone();
    // The line per request carries its own fields. The span that ties what happens inside a
    // request (carrier calls, retries) to its id is on at debug level: at the default info
    // level a span per request would cost more than the answer's own JSON.
    let span = tracing::debug_span!("request", id = %id, %method, %route);
    let mut response = next.run(request).instrument(span).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    state.metrics.request(&route, status, elapsed.as_secs_f64());
    tracing::info!(
        id = %id,
        %method,
        %route,
        status,
        ms = elapsed.as_secs_f64() * 1000.0,
        "answered"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(sane("req-42.a_b:c"));
        assert!(!sane(""));
        assert!(!sane("has space"));
        assert!(!sane("line\nbreak"));
        assert!(!sane(&"x".repeat(65)));
        assert_ne!(next_id(), next_id());
    }
}
