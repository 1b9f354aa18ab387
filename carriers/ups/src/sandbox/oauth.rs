//! `POST /security/v1/oauth/token`, as UPS answers it.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use shipmux_sandbox::{TokenStore, basic_credentials};

use super::ups_error;

/// The token path.
pub(crate) const TOKEN_PATH: &str = "/security/v1/oauth/token";

pub(crate) async fn token(
    State(tokens): State<TokenStore>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let grant = form_value(&body, "grant_type");
    if !form_type || grant.as_deref() != Some("client_credentials") {
        return ups_error(
            StatusCode::BAD_REQUEST,
            "10400",
            "Invalid/Missing grant_type: expected client_credentials in a form body",
        );
    }
    let Some((client_id, secret)) = basic_credentials(&headers) else {
        return ups_error(StatusCode::UNAUTHORIZED, "10401", "ClientId is Invalid");
    };
    match tokens.issue(&client_id, &secret) {
        Ok(t) => Json(json!({
            "token_type": "Bearer",
            "issued_at": t.issued_at_ms.to_string(),
            "client_id": t.client_id,
            "access_token": t.access_token.expose(),
            "scope": "",
            "expires_in": t.expires_in.as_secs().to_string(),
            "refresh_count": "0",
            "status": "approved",
        }))
        .into_response(),
        Err(_) => ups_error(StatusCode::UNAUTHORIZED, "10401", "ClientId is Invalid"),
    }
}

/// The value of `key` in an `application/x-www-form-urlencoded` body.
fn form_value(body: &[u8], key: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k.trim() == key).then(|| v.trim().replace('+', " "))
    })
}
