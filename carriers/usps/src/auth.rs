//! OAuth 2.0 client credentials (`POST /oauth2/v3/token`), built and read by the toolkit
//! ([`shipmux_core::raw::oauth`]).

use shipmux_core::raw::oauth::{Credentials, Encoding, TokenAnswer, TokenRequest};
use shipmux_core::{AccessToken, HttpRequest, HttpResponse, Result};

use crate::config::UspsConfig;
use crate::error::error_from_response;

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/v3/token";

/// The token request: JSON body with the client credentials and the scopes.
pub fn build_token(config: &UspsConfig) -> Result<HttpRequest> {
    TokenRequest::new(
        format!("{}{TOKEN_PATH}", config.base()),
        &config.client_id,
        config.client_secret.expose(),
    )
    .credentials(Credentials::Body)
    .encoding(Encoding::Json)
    .scope(&config.scopes)
    .build()
}

/// Reads the token answer. `expires_in` is integer seconds in the spec and a string in the
/// official README; both are accepted.
pub fn parse_token(response: &HttpResponse) -> Result<AccessToken> {
    const WHAT: &str = "USPS token response";
    if !response.is_success() {
        return Err(error_from_response(response, "token"));
    }
    let answer = TokenAnswer::read(&response.body, WHAT)?;
    if answer.is_error() {
        return Err(error_from_response(response, "token"));
    }
    answer.token(WHAT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Usps;
    use serde_json::Value;
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
        // Without expires_in the token lives the toolkit's default lifetime.
        let t = parse_token(&HttpResponse::new(200, r#"{"access_token":"abc"}"#)).unwrap();
        assert_eq!(
            t.expires_in_secs,
            shipmux_core::raw::oauth::DEFAULT_LIFETIME.as_secs()
        );
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
