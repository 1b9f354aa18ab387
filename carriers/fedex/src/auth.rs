//! OAuth client credentials: `POST /oauth/token` with a form body (docs/carriers/fedex.md), built
//! and read by the toolkit ([`shipmux_core::raw::oauth`]).

use shipmux_core::raw::oauth::{self, Credentials, TokenRequest};
use shipmux_core::{AccessToken, Error, HttpRequest, HttpResponse};

use crate::config::FedexConfig;
use crate::error::{self, Call};

/// The token path.
pub const TOKEN_PATH: &str = "/oauth/token";

/// The token request: `grant_type=client_credentials&client_id=…&client_secret=…`.
pub fn build_token(config: &FedexConfig) -> Result<HttpRequest, Error> {
    TokenRequest::new(
        format!("{}{TOKEN_PATH}", config.base()),
        config.client_id.trim(),
        config.client_secret.expose(),
    )
    .credentials(Credentials::Body)
    .build()
}

/// Reads the token answer: `{"access_token", "token_type": "bearer", "expires_in": 3600,
/// "scope"}`. Any other status is FedEx's error.
pub fn parse_token(response: &HttpResponse) -> Result<AccessToken, Error> {
    if !response.is_success() {
        return Err(error::from_response(Call::Token, response));
    }
    oauth::parse_token(&response.body, "FedEx token answer")
        .map_err(|e| e.with_carrier(&error::carrier()))
}

#[cfg(test)]
mod tests {
    use shipmux_core::ErrorKind;

    use super::*;

    fn config() -> FedexConfig {
        let mut c = FedexConfig::new("l7xx key&id", "p@ss=word", "740561073");
        c.base_url = "http://127.0.0.1:1/".into();
        c
    }

    #[test]
    fn token_request_is_a_form_post() {
        let r = build_token(&config()).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:1/oauth/token");
        assert_eq!(
            r.header_value("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            String::from_utf8(r.body.clone()).unwrap(),
            "grant_type=client_credentials&client_id=l7xx+key%26id&client_secret=p%40ss%3Dword"
        );
        assert!(!format!("{r:?}").contains("p%40ss"));
    }

    #[test]
    fn token_answer_has_an_integer_lifetime() {
        let ok = HttpResponse::new(
            200,
            r#"{"access_token":"eyJhbGci","token_type":"bearer","expires_in":3599,"scope":"CXS-TP"}"#,
        );
        let t = parse_token(&ok).unwrap();
        assert_eq!((t.token.expose(), t.expires_in_secs), ("eyJhbGci", 3599));
        // A negative lifetime is unusable: the toolkit's default lifetime stands for it.
        let no_expiry = HttpResponse::new(200, r#"{"access_token":"x","expires_in":-1}"#);
        assert_eq!(
            parse_token(&no_expiry).unwrap().expires_in_secs,
            oauth::DEFAULT_LIFETIME.as_secs()
        );
        let garbage = HttpResponse::new(200, "<html>");
        assert_eq!(parse_token(&garbage).unwrap_err().kind, ErrorKind::Parse);
    }

    #[test]
    fn refused_credentials_are_unauthenticated() {
        let r = HttpResponse::new(
            401,
            r#"{"transactionId":"t1","errors":[{"code":"NOT.AUTHORIZED.ERROR","message":"The given client credentials were not valid."}]}"#,
        );
        let e = parse_token(&r).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.code.as_deref(), Some("NOT.AUTHORIZED.ERROR"));
    }
}
