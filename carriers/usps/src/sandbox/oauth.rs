//! `POST /oauth2/v3/token`: client credentials as JSON or form, scopes, RFC 6749 errors.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use shipmux_sandbox::{TokenRefusal, TokenStore};

use super::State;
use super::http::json_response;

/// The API products every sandbox app is entitled to.
const PRODUCTS: &[&str] = &[
    "shipments",
    "prices",
    "international-prices",
    "tracking",
    "standards",
    "addresses",
];

/// The token route.
pub fn routes(tokens: TokenStore, state: Arc<State>) -> Router {
    Router::new().route(
        "/oauth2/v3/token",
        post(move |headers: HeaderMap, body: Bytes| {
            let tokens = tokens.clone();
            let state = state.clone();
            async move { token(&tokens, &state, &headers, &body) }
        }),
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut r = (
        status,
        axum::Json(json!({
            "error": error,
            "error_description": description,
            "error_uri": "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2",
        })),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"https://api.usps.com\""),
        );
    }
    r
}

/// The form or JSON fields of the request.
fn fields(headers: &HeaderMap, body: &[u8]) -> Option<Value> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.contains("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(body).ok()?;
        let mut map = serde_json::Map::new();
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            map.insert(url_decode(k), Value::String(url_decode(v)));
        }
        Some(Value::Object(map))
    } else {
        serde_json::from_slice(body).ok().filter(Value::is_object)
    }
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn token(tokens: &TokenStore, state: &State, headers: &HeaderMap, body: &[u8]) -> Response {
    let Some(fields) = fields(headers, body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body must be JSON or application/x-www-form-urlencoded.",
        );
    };
    let get = |k: &str| {
        fields
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let grant = get("grant_type");
    if grant.is_empty() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing grant_type.",
        );
    }
    if grant != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "This sandbox issues client_credentials tokens only.",
        );
    }
    let requested: Vec<String> = get("scope")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if let Some(bad) = requested.iter().find(|s| !PRODUCTS.contains(&s.as_str())) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("The scope `{bad}` is not granted to this application."),
        );
    }
    let client_id = get("client_id");
    let issued = match tokens.issue(&client_id, &get("client_secret")) {
        Ok(t) => t,
        Err(TokenRefusal::MissingCredentials) => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed: client_id and client_secret are required.",
            );
        }
        Err(TokenRefusal::InvalidCredentials) => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed.",
            );
        }
    };
    let granted: Vec<String> = if requested.is_empty() {
        PRODUCTS.iter().map(|s| s.to_string()).collect()
    } else {
        requested
    };
    state.remember_scopes(issued.access_token.expose(), granted.clone());
    json_response(
        StatusCode::OK,
        json!({
            "access_token": issued.access_token.expose(),
            "token_type": "Bearer",
            "issued_at": issued.issued_at_ms,
            "expires_in": issued.expires_in.as_secs(),
            "status": "approved",
            "scope": granted.join(" "),
            "issuer": "https://keyc.usps.com/realms/USPS",
            "client_id": client_id,
            "application_name": "shipmux-sandbox",
            "api_products": format!("[{}]", PRODUCTS.join(", ")),
            "public_key": "sandbox",
        }),
    )
}
