//! OAuth 2.0 client credentials (`POST /oauth2/v3/token`).

use std::time::Duration;

use serde_json::{Value, json};
use shipmux_core::{AccessToken, Error, HttpRequest, HttpResponse, Result};

use crate::config::UspsConfig;
use crate::error::error_from_response;
use crate::json::text;

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/v3/token";

/// The token request: JSON body with the client credentials and the scopes.
pub fn build_token(config: &UspsConfig) -> Result<HttpRequest> {
    let mut body = json!({
        "grant_type": "client_credentials",
        "client_id": config.client_id,
        "client_secret": config.client_secret.expose(),
    });
    let scopes = config
        .scopes
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !scopes.is_empty() {
        body["scope"] = Value::String(scopes);
    }
    HttpRequest::post(format!("{}{TOKEN_PATH}", config.base()))
        .header("Accept", "application/json")
        .json(&body)
}

/// Reads the token answer. `expires_in` is integer seconds in the spec and a string in the
/// official README; both are accepted.
pub fn parse_token(response: &HttpResponse) -> Result<AccessToken> {
    if !response.is_success() {
        return Err(error_from_response(response, "token"));
    }
    let body: Value = response.json("USPS token response")?;
    if body.get("error").is_some() {
        return Err(error_from_response(response, "token"));
    }
    let token = text(&body, "access_token")
        .ok_or_else(|| Error::parse("USPS token response has no access_token"))?;
    let expires_in = match body.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .ok_or_else(|| Error::parse("USPS token response has no numeric expires_in"))?;
    Ok(AccessToken::new(token, Duration::from_secs(expires_in)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Usps;
    use shipmux_core::ErrorKind;

    #[test]
    fn token_request_carries_credentials_and_scopes() {
        let c = Usps::builder()
            .client_id("key")
            .client_secret("s3cret")
            .base_url("http://127.0.0.1:1")
            .config()
            .unwrap();
        let r = build_token(&c).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:1/oauth2/v3/token");
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["grant_type"], "client_credentials");
        assert_eq!(body["client_secret"], "s3cret");
        assert_eq!(body["scope"], "shipments prices tracking");
        assert!(!format!("{r:?}").contains("s3cret"));
    }

    #[test]
    fn expires_in_as_number_or_string() {
        let t = parse_token(&HttpResponse::new(
            200,
            r#"{"access_token":"abc","token_type":"Bearer","expires_in":28799}"#,
        ))
        .unwrap();
        assert_eq!(t.expires_in_secs, 28799);
        assert_eq!(t.token.expose(), "abc");
        let t = parse_token(&HttpResponse::new(
            200,
            r#"{"access_token":"abc","expires_in":"14399","status":"approved"}"#,
        ))
        .unwrap();
        assert_eq!(t.expires_in_secs, 14399);
        let e = parse_token(&HttpResponse::new(200, r#"{"access_token":"abc"}"#)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse);
        let e = parse_token(&HttpResponse::new(200, "<html>")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse);
    }

    #[test]
    fn oauth_error_shape() {
        let e = parse_token(&HttpResponse::new(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed."}"#,
        ))
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.code.as_deref(), Some("invalid_client"));
        let e = parse_token(
            &HttpResponse::new(503, r#"{"error":"temporarily_unavailable"}"#)
                .with_header("Retry-After", "7"),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unavailable);
        assert_eq!(e.retry_after_ms, Some(7000));
    }
}
