//! UPS OAuth client credentials: `POST /security/v1/oauth/token` with Basic auth and
//! `grant_type=client_credentials`; the answer's `expires_in` is a string.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use shipmux_core::{AccessToken, Error, HttpRequest, HttpResponse};

use crate::config::UpsConfig;
use crate::error;
use crate::json::text;

/// The token path below the base URL.
pub const TOKEN_PATH: &str = "/security/v1/oauth/token";

/// Lifetime assumed when UPS leaves `expires_in` out (UPS tokens live about 4 hours; we
/// assume one so a missing field never keeps a dead token).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// The token request.
pub fn build_token(config: &UpsConfig) -> HttpRequest {
    let basic = STANDARD.encode(format!(
        "{}:{}",
        config.client_id,
        config.client_secret.expose()
    ));
    let mut request = HttpRequest::post(format!("{}{TOKEN_PATH}", config.base()))
        .header("Authorization", format!("Basic {basic}"))
        .header("Accept", "application/json");
    if let Some(account) = &config.account_number {
        request = request.header("x-merchant-id", account.clone());
    }
    request.body(
        "application/x-www-form-urlencoded",
        "grant_type=client_credentials",
    )
}

/// Reads the token answer (any status).
pub fn parse_token(response: &HttpResponse) -> Result<AccessToken, Error> {
    if !response.is_success() {
        return Err(error::from_response(response, "token"));
    }
    let body: Value = response
        .json("ups token")
        .map_err(|e| e.with_carrier(&crate::carrier_id()))?;
    let token = text(body.get("access_token")).ok_or_else(|| {
        Error::parse("ups token: the answer has no access_token").with_carrier(&crate::carrier_id())
    })?;
    let lifetime = match text(body.get("expires_in")) {
        None => DEFAULT_LIFETIME,
        Some(s) => s.parse::<u64>().map(Duration::from_secs).map_err(|_| {
            Error::parse(format!(
                "ups token: expires_in `{s}` is not a number of seconds"
            ))
            .with_carrier(&crate::carrier_id())
        })?,
    };
    Ok(AccessToken::new(token, lifetime))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmux_core::ErrorKind;

    #[test]
    fn token_request_uses_basic_auth_and_a_form() {
        let mut config = UpsConfig::new("client", "secret");
        config.base_url = "http://127.0.0.1:1/".into();
        let r = build_token(&config);
        assert_eq!(r.url, "http://127.0.0.1:1/security/v1/oauth/token");
        assert_eq!(
            r.header_value("authorization"),
            Some("Basic Y2xpZW50OnNlY3JldA==")
        );
        assert_eq!(
            r.header_value("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(r.body, b"grant_type=client_credentials");
    }

    #[test]
    fn expires_in_arrives_as_a_string() {
        let body = r#"{"token_type":"Bearer","issued_at":"1685542319575","client_id":"c",
            "access_token":"abc","scope":"","expires_in":"14399","refresh_count":"0","status":"approved"}"#;
        let t = parse_token(&HttpResponse::new(200, body)).unwrap();
        assert_eq!(t.token.expose(), "abc");
        assert_eq!(t.expires_in_secs, 14399);
        let t = parse_token(&HttpResponse::new(
            200,
            r#"{"access_token":"x","expires_in":60}"#,
        ))
        .unwrap();
        assert_eq!(t.expires_in_secs, 60);
    }

    #[test]
    fn refusals_and_garbage() {
        let e = parse_token(&HttpResponse::new(
            401,
            r#"{"response":{"errors":[{"code":"10401","message":"ClientId is Invalid"}]}}"#,
        ))
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.code.as_deref(), Some("10401"));
        let e = parse_token(&HttpResponse::new(200, "<html>")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse);
        let e = parse_token(&HttpResponse::new(
            200,
            r#"{"expires_in":"x","access_token":"a"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse);
    }
}
