//! UPS OAuth client credentials: `POST /security/v1/oauth/token` with Basic auth and
//! `grant_type=client_credentials`; the answer's `expires_in` is a string. Both are the
//! toolkit's ([`shipmux_core::raw::oauth`]).

use shipmux_core::raw::oauth::{self, TokenRequest};
use shipmux_core::{AccessToken, Error, HttpRequest, HttpResponse};

use crate::config::UpsConfig;
use crate::error;

/// The token path below the base URL.
pub const TOKEN_PATH: &str = "/security/v1/oauth/token";

/// The token request.
pub fn build_token(config: &UpsConfig) -> Result<HttpRequest, Error> {
    let mut request = TokenRequest::new(
        format!("{}{TOKEN_PATH}", config.base()),
        &config.client_id,
        config.client_secret.expose(),
    );
    if let Some(account) = &config.account_number {
        request = request.header("x-merchant-id", account.clone());
    }
    request.build()
}

/// Reads the token answer (any status).
pub fn parse_token(response: &HttpResponse) -> Result<AccessToken, Error> {
    if !response.is_success() {
        return Err(error::from_response(response, "token"));
    }
    oauth::parse_token(&response.body, "ups token")
        .map_err(|e| e.with_carrier(&crate::carrier_id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmux_core::ErrorKind;

    #[test]
    fn token_request_uses_basic_auth_and_a_form() {
        let mut config = UpsConfig::new("client", "secret");
        config.base_url = "http://127.0.0.1:1/".into();
        let r = build_token(&config).unwrap();
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
        // An unreadable lifetime is the toolkit's default lifetime, not a failure.
        let t = parse_token(&HttpResponse::new(
            200,
            r#"{"expires_in":"x","access_token":"a"}"#,
        ))
        .unwrap();
        assert_eq!(t.expires_in_secs, oauth::DEFAULT_LIFETIME.as_secs());
    }
}
