//! `POST /oauth2/v3/token` as USPS's OAuth 2.0 API describes it.
//!
//! Accepted:
//! - a body as `application/json` or `application/x-www-form-urlencoded` (without a
//!   `Content-Type`, a JSON object, else a form);
//! - the client authenticated by `client_id` + `client_secret` in the body, or by HTTP Basic
//!   (RFC 6749 §2.3.1), or both when they name the same pair;
//! - `scope` optional: absent or empty gives the app's whole scope; otherwise the token
//!   carries the requested scopes the app is entitled to ([`ENTITLED_SCOPES`]) and the
//!   others are left out, as USPS narrows a request rather than refusing it;
//! - `grant_type` `client_credentials`. `authorization_code` and `refresh_token` are read
//!   (their own fields are required) but the sandbox never issued a code or a refresh token,
//!   so they get `invalid_grant`.
//!
//! Refused, with RFC 6749 §5.2 bodies `{"error", "error_description", "error_uri"}`: no or an
//! unknown body type, a repeated parameter or a non-string value, no `grant_type`
//! (`invalid_request`, 400); other grant types (`unsupported_grant_type`, 400); a scope that
//! breaks the RFC's scope syntax (`invalid_scope`, 400); missing or wrong credentials
//! (`invalid_client`, 401 with `WWW-Authenticate`).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use shipmux_sandbox::{TokenRefusal, TokenStore, basic_credentials, form_fields, media_type};

use super::State;
use super::http::json_response;

/// The scopes every sandbox app is entitled to: those USPS's API descriptions require
/// (`prices`, `international-prices`, `tracking`, `shipments`, `service-standards`), those its
/// token examples grant, and `standards`, which earlier sandbox users asked for.
pub const ENTITLED_SCOPES: &[&str] = &[
    "addresses",
    "companies",
    "international-labels",
    "international-prices",
    "labels",
    "locations",
    "payments",
    "pickup",
    "prices",
    "scan-form",
    "service-delivery-standards",
    "service-standards",
    "shipments",
    "standards",
    "subscriptions",
    "tracking",
];

/// The API products the sandbox app is shown to have.
const PRODUCTS: &str = "[Shipping, Prices, Tracking, Addresses, Service Standards]";

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

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// The request's parameters, by name; `Err` is the 400 for an unreadable body.
fn parameters(headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, Response> {
    let form =
        || form_fields(body).ok_or_else(|| invalid_request("The form body is not valid UTF-8."));
    match media_type(headers).as_deref() {
        Some("application/x-www-form-urlencoded") => form(),
        Some(t) if t == "application/json" || t.ends_with("+json") => json_fields(body),
        Some(other) => Err(invalid_request(&format!(
            "Unsupported Content-Type `{other}`: send application/json or \
             application/x-www-form-urlencoded."
        ))),
        None if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') => json_fields(body),
        None => form(),
    }
}

fn json_fields(body: &[u8]) -> Result<Vec<(String, String)>, Response> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(invalid_request("The request body is not a JSON object."));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Null => Ok((k, String::new())),
            _ => Err(invalid_request(&format!("`{k}` must be a string."))),
        })
        .collect()
}

/// RFC 6749 §3.3: scope tokens are printable ASCII except `"` and `\`, separated by spaces.
fn valid_scope_token(token: &str) -> bool {
    token
        .bytes()
        .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

/// The 401 for failed client authentication; its `WWW-Authenticate` names the scheme the
/// client tried (RFC 6749 §5.2), Bearer as in USPS's examples otherwise.
fn invalid_client(headers: &HeaderMap, description: &str) -> Response {
    let mut r = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
    if basic_credentials(headers).is_some() {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"https://api.usps.com\""),
        );
    }
    r
}

/// The client's id and secret from the body or the Basic header; `Err` is the refusal. With
/// Basic, the body may repeat the same id or secret but not name another.
fn client_credentials(
    headers: &HeaderMap,
    get: &dyn Fn(&str) -> String,
) -> Result<(String, String), Response> {
    let (body_id, body_secret) = (get("client_id"), get("client_secret"));
    match basic_credentials(headers) {
        Some((id, secret)) => {
            let same_id = body_id.is_empty() || body_id == id;
            let same_secret = body_secret.is_empty() || body_secret == secret;
            if same_id && same_secret {
                Ok((id, secret))
            } else {
                Err(invalid_request(
                    "The client is authenticated twice with different credentials (Basic and body).",
                ))
            }
        }
        None if headers.contains_key(header::AUTHORIZATION)
            && body_id.is_empty()
            && body_secret.is_empty() =>
        {
            Err(invalid_client(
                headers,
                "Client authentication failed: the Authorization header holds no Basic credentials.",
            ))
        }
        None => Ok((body_id, body_secret)),
    }
}

fn token(tokens: &TokenStore, state: &State, headers: &HeaderMap, body: &[u8]) -> Response {
    let params = match parameters(headers, body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    for (i, (name, _)) in params.iter().enumerate() {
        if params[..i].iter().any(|(n, _)| n == name) {
            return invalid_request(&format!("The parameter `{name}` is repeated."));
        }
    }
    let get = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let grant = get("grant_type");
    if grant.is_empty() {
        return invalid_request("Missing grant_type.");
    }
    if !matches!(
        grant.as_str(),
        "client_credentials" | "authorization_code" | "refresh_token"
    ) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!(
                "grant_type `{grant}` is not supported: use client_credentials, \
                 authorization_code or refresh_token."
            ),
        );
    }
    let scope = get("scope");
    if let Some(bad) = scope.split(' ').find(|t| !valid_scope_token(t)) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("The scope `{bad}` is malformed."),
        );
    }
    let (client_id, client_secret) = match client_credentials(headers, &get) {
        Ok(c) => c,
        Err(r) => return r,
    };
    // Authenticate the client before looking at the grant (RFC 6749 §3.2.1), without
    // issuing anything yet for the grants that must fail.
    if let Err(refusal) = tokens.check_credentials(&client_id, &client_secret) {
        let description = match refusal {
            TokenRefusal::MissingCredentials => {
                "Client authentication failed: client_id and client_secret are required."
            }
            TokenRefusal::InvalidCredentials => "Client authentication failed.",
        };
        return invalid_client(headers, description);
    }
    match grant.as_str() {
        "authorization_code" => {
            for field in ["code", "redirect_uri"] {
                if get(field).is_empty() {
                    return invalid_request(&format!("Missing {field}."));
                }
            }
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The authorization code is invalid or has expired.",
            );
        }
        "refresh_token" => {
            if get("refresh_token").is_empty() {
                return invalid_request("Missing refresh_token.");
            }
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The refresh token is invalid, has expired or has been revoked.",
            );
        }
        _ => {}
    }
    let issued = match tokens.issue(&client_id, &client_secret) {
        Ok(t) => t,
        Err(_) => return invalid_client(headers, "Client authentication failed."),
    };
    let mut granted: Vec<String> = Vec::new();
    if scope.is_empty() {
        granted.extend(ENTITLED_SCOPES.iter().map(|s| s.to_string()));
    } else {
        for s in scope.split(' ').filter(|s| !s.is_empty()) {
            if ENTITLED_SCOPES.contains(&s) && !granted.iter().any(|g| g == s) {
                granted.push(s.to_string());
            }
        }
    }
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
            "api_products": PRODUCTS,
            "public_key": "sandbox",
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_tokens_follow_the_rfc_syntax() {
        for ok in ["prices", "scan-form", "usps:MIDs", "a/b", "~!#[]"] {
            assert!(valid_scope_token(ok), "{ok}");
        }
        for bad in ["a\"b", "a\\b", "tab\there", "é", "nul\0"] {
            assert!(!valid_scope_token(bad), "{bad:?}");
        }
    }
}
