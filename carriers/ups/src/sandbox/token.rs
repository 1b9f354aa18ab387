//! `POST /security/v1/oauth/token`, as UPS's OAuth Client Credentials API describes it:
//! HTTP Basic with the client id and secret, a form body whose one required field is
//! `grant_type=client_credentials`, and an optional `x-merchant-id` header (accepted, not
//! checked). The media type is read case-insensitively with any parameter (`; charset=…`),
//! and form values are percent-decoded. Refused: another body type, no or another (or a
//! repeated) `grant_type` (400 `10400`); no Basic credentials or wrong ones (401 `10401`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use shipmux_sandbox::{TokenStore, basic_credentials, form_fields, media_type};

use super::ups_error;

/// The token path.
pub(crate) const TOKEN_PATH: &str = "/security/v1/oauth/token";

pub(crate) async fn token(
    State(tokens): State<TokenStore>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form_type = media_type(&headers).as_deref() == Some("application/x-www-form-urlencoded");
    let fields = form_fields(&body).unwrap_or_default();
    let grants: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.trim())
        .collect();
    if !form_type || grants != ["client_credentials"] {
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
