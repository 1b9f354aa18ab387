//! API keys for `/v1`: `Authorization: Bearer <key>`, compared in constant time.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shipmux_core::{Error, ErrorKind, Secret};
use subtle::ConstantTimeEq;

use super::problem::Problem;
use super::state::AppState;

/// Whether `presented` is one of `keys`. Every key is compared, each in constant time, so the
/// time taken says nothing about which key or how much of it matched.
pub fn key_matches(keys: &[Secret], presented: &[u8]) -> bool {
    keys.iter().fold(false, |found, key| {
        found | bool::from(key.expose().as_bytes().ct_eq(presented))
    })
}

/// Refuses a request without a configured API key (when keys are configured).
pub async fn require_api_key(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let keys = &state.options.api_keys;
    if keys.is_empty() {
        return next.run(request).await;
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    match presented {
        Some(token) if key_matches(keys, token.as_bytes()) => next.run(request).await,
        Some(_) => refused("the API key is not valid"),
        None => refused("an API key is required: `Authorization: Bearer <key>`"),
    }
}

fn refused(message: &str) -> Response {
    Problem::new(Error::new(ErrorKind::Unauthenticated, message)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_configured_key_matches() {
        let keys = [Secret::new("alpha-key"), Secret::new("beta-key")];
        assert!(key_matches(&keys, b"beta-key"));
        assert!(key_matches(&keys, b"alpha-key"));
        assert!(!key_matches(&keys, b"alpha-ke"));
        assert!(!key_matches(&keys, b"alpha-keyy"));
        assert!(!key_matches(&keys, b""));
        assert!(!key_matches(&[], b"alpha-key"));
    }
}
