//! `POST /oauth/token`: FedEx's form-encoded client-credentials grant.

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use shipmux_sandbox::{ConnHandle, TokenRefusal};

use super::SandboxState;
use super::reply::{self, FedexError};

const GRANT_TYPES: [&str; 3] = [
    "client_credentials",
    "csp_credentials",
    "client_pc_credentials",
];

/// Issues a token: `{"access_token", "token_type": "bearer", "expires_in": <integer>,
/// "scope": "CXS"}`. A breaching IP gets 403; bad credentials 401; a malformed form 400.
pub async fn issue(
    State(state): State<Arc<SandboxState>>,
    connection: Option<Extension<ConnectInfo<ConnHandle>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ip = connection
        .map(|Extension(ConnectInfo(conn))| conn.peer.ip())
        .unwrap_or(std::net::Ipv4Addr::LOCALHOST.into());
    if !state.token_guard.admit(ip) {
        return reply::error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN.ERROR",
            "We could not authorize your credentials. Please check your permissions and try again.",
        );
    }
    let form_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form_type {
        return reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID.INPUT.EXCEPTION",
            "Content-Type must be application/x-www-form-urlencoded.",
        );
    }
    let field = |name: &str| {
        url::form_urlencoded::parse(&body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let grant = field("grant_type").unwrap_or_default();
    if !GRANT_TYPES.contains(&grant.as_str()) {
        return reply::errors(
            StatusCode::BAD_REQUEST,
            None,
            &[FedexError::new(
                "INVALID.INPUT.EXCEPTION",
                format!(
                    "grant_type `{grant}` is not one of {}",
                    GRANT_TYPES.join(", ")
                ),
            )],
        );
    }
    let id = field("client_id").unwrap_or_default();
    let secret = field("client_secret").unwrap_or_default();
    match state.tokens.issue(&id, &secret) {
        Ok(token) => Json(json!({
            "access_token": token.access_token.expose(),
            "token_type": "bearer",
            "expires_in": token.expires_in.as_secs(),
            "scope": "CXS",
        }))
        .into_response(),
        Err(TokenRefusal::MissingCredentials | TokenRefusal::InvalidCredentials) => reply::error(
            StatusCode::UNAUTHORIZED,
            "NOT.AUTHORIZED.ERROR",
            "The given client credentials were not valid. Please modify your request and try again.",
        ),
    }
}
