//! OAuth 2.0 client credentials (RFC 6749 §4.4): the token request and the token answer.
//!
//! One rule for the lifetime: `expires_in` is whole seconds, written as a number or as a
//! string (a fraction is dropped); when it is missing, `null`, negative or not a number, the
//! token lives [`DEFAULT_LIFETIME`]. A token without its lifetime is still a token, and the
//! host fetches a new one on a 401 anyway.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use crate::raw::json::{self, Text};
use crate::{AccessToken, Error, HttpRequest, Result};

/// The lifetime of a token whose answer gives no usable `expires_in`: one hour, the shortest
/// lifetime the carriers we know document (FedEx 3,599 s; UPS about 4 hours; USPS 8 hours).
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Where the client id and secret go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// An `Authorization: Basic base64(id:secret)` header; the body has only the grant.
    Basic,
    /// `client_id` and `client_secret` in the body, after `grant_type`.
    Body,
}

/// How the body is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `application/x-www-form-urlencoded`.
    Form,
    /// A JSON object, keys as serde_json's map orders them.
    Json,
}

/// A client-credentials token request: `POST url` with `Accept: application/json`, the
/// credentials where the carrier wants them, an optional scope and extra headers.
///
/// ```
/// use shipmux_core::raw::oauth::TokenRequest;
///
/// let r = TokenRequest::new("https://x/oauth/token", "id", "p@ss").build().unwrap();
/// assert_eq!(r.header_value("authorization"), Some("Basic aWQ6cEBzcw=="));
/// assert_eq!(r.body, b"grant_type=client_credentials");
/// ```
#[derive(Clone, Debug)]
pub struct TokenRequest<'a> {
    url: String,
    client_id: &'a str,
    client_secret: &'a str,
    credentials: Credentials,
    encoding: Encoding,
    scope: Option<String>,
    headers: Vec<(&'a str, String)>,
}

impl<'a> TokenRequest<'a> {
    /// A request to `url` with Basic credentials and a form body.
    pub fn new(url: impl Into<String>, client_id: &'a str, client_secret: &'a str) -> Self {
        TokenRequest {
            url: url.into(),
            client_id,
            client_secret,
            credentials: Credentials::Basic,
            encoding: Encoding::Form,
            scope: None,
            headers: Vec::new(),
        }
    }

    /// Where the credentials go.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// How the body is written.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The `scope`, its words separated by single spaces; blank means none.
    pub fn scope(mut self, scope: &str) -> Self {
        let words = scope.split_whitespace().collect::<Vec<_>>().join(" ");
        self.scope = (!words.is_empty()).then_some(words);
        self
    }

    /// One more header, sent after `Accept`.
    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The request.
    pub fn build(self) -> Result<HttpRequest> {
        let mut request = HttpRequest::post(self.url);
        if self.credentials == Credentials::Basic {
            let basic = STANDARD.encode(format!("{}:{}", self.client_id, self.client_secret));
            request = request.header("Authorization", format!("Basic {basic}"));
        }
        request = request.header("Accept", "application/json");
        for (name, value) in self.headers {
            request = request.header(name, value);
        }
        let mut fields = vec![("grant_type", "client_credentials")];
        if self.credentials == Credentials::Body {
            fields.push(("client_id", self.client_id));
            fields.push(("client_secret", self.client_secret));
        }
        if let Some(scope) = &self.scope {
            fields.push(("scope", scope));
        }
        match self.encoding {
            Encoding::Form => {
                let form = fields
                    .iter()
                    .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                Ok(request.body("application/x-www-form-urlencoded", form))
            }
            Encoding::Json => {
                let object: Map<String, Value> = fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
                    .collect();
                request.json(&object)
            }
        }
    }
}

/// `application/x-www-form-urlencoded` bytes: ASCII letters, digits and `*-._` as they are,
/// a space as `+`, every other byte as `%XX`.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

crate::tolerant_object! {
    /// A token answer (RFC 6749 §5.1), or an OAuth error (§5.2) in a success status.
    pub struct TokenAnswer<'de> {
        /// `access_token`.
        access_token: Text<'de> = "access_token",
        /// `expires_in`: seconds, a number or a string.
        expires_in: Text<'de> = "expires_in",
        /// `error`: present and not null in an OAuth error body.
        error: Option<IgnoredAny> = "error",
    }
}

impl<'de> TokenAnswer<'de> {
    /// Reads a token answer body; `what` names it in the error (`"ups token"`).
    pub fn read(body: &'de [u8], what: &str) -> Result<TokenAnswer<'de>> {
        json::from_body(body)
            .map_err(|e| Error::parse(format!("{what}: the answer is not JSON ({e})")))
    }

    /// Whether the body is an OAuth error rather than a token.
    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }

    /// The token with its [`lifetime`]; a `parse` error naming `what` when there is no
    /// `access_token`.
    pub fn token(&self, what: &str) -> Result<AccessToken> {
        let token = self
            .access_token
            .get()
            .ok_or_else(|| Error::parse(format!("{what}: the answer has no access_token")))?;
        Ok(AccessToken::new(token, lifetime(self.expires_in.get())))
    }
}

/// The lifetime an `expires_in` gives (see the module docs for the rule).
pub fn lifetime(expires_in: Option<&str>) -> Duration {
    let Some(text) = expires_in else {
        return DEFAULT_LIFETIME;
    };
    if let Ok(secs) = text.parse::<u64>() {
        return Duration::from_secs(secs);
    }
    crate::parse_decimal_or_scientific(text)
        .filter(|d| !d.is_sign_negative())
        .and_then(|d| u64::try_from(d.trunc()).ok())
        .map_or(DEFAULT_LIFETIME, Duration::from_secs)
}

/// Reads a successful token answer into an [`AccessToken`]: the body must be JSON with an
/// `access_token`; `what` names the answer in errors.
pub fn parse_token(body: &[u8], what: &str) -> Result<AccessToken> {
    TokenAnswer::read(body, what)?.token(what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn bodies_for_each_placement() {
        let r = TokenRequest::new("http://h/t", "l7xx key&id", "p@ss=word")
            .credentials(Credentials::Body)
            .build()
            .unwrap();
        assert_eq!(
            String::from_utf8(r.body.clone()).unwrap(),
            "grant_type=client_credentials&client_id=l7xx+key%26id&client_secret=p%40ss%3Dword"
        );
        assert_eq!(r.header_value("authorization"), None);
        assert!(!format!("{r:?}").contains("p%40ss"));
        let r = TokenRequest::new("http://h/t", "key", "s3cret")
            .credentials(Credentials::Body)
            .encoding(Encoding::Json)
            .scope(" shipments  prices ")
            .build()
            .unwrap();
        let expected = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": "key",
            "client_secret": "s3cret",
            "scope": "shipments prices",
        });
        assert_eq!(r.body, serde_json::to_vec(&expected).unwrap());
        assert_eq!(r.header_value("content-type"), Some("application/json"));
        let r = TokenRequest::new("http://h/t", "client", "secret")
            .header("x-merchant-id", "A1")
            .build()
            .unwrap();
        let names: Vec<_> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["Authorization", "Accept", "x-merchant-id", "Content-Type"]
        );
        assert_eq!(form_encode("a b~é*-._"), "a+b%7E%C3%A9*-._");
    }

    #[test]
    fn one_rule_for_the_lifetime() {
        let secs = |body: &str| {
            parse_token(body.as_bytes(), "token")
                .map(|t| t.expires_in_secs)
                .map_err(|e| e.kind)
        };
        for (body, expected) in [
            (r#"{"access_token":"a","expires_in":3599}"#, Ok(3599)),
            (r#"{"access_token":"a","expires_in":"14399"}"#, Ok(14399)),
            (r#"{"access_token":"a","expires_in":" 60 "}"#, Ok(60)),
            (r#"{"access_token":"a","expires_in":28799.9}"#, Ok(28799)),
            (r#"{"access_token":"a","expires_in":0}"#, Ok(0)),
            (r#"{"access_token":"a"}"#, Ok(3600)),
            (r#"{"access_token":"a","expires_in":null}"#, Ok(3600)),
            (r#"{"access_token":"a","expires_in":"x"}"#, Ok(3600)),
            (r#"{"access_token":"a","expires_in":-1}"#, Ok(3600)),
            (r#"{"access_token":"a","expires_in":{}}"#, Ok(3600)),
            (
                r#"{"access_token":" ","expires_in":60}"#,
                Err(ErrorKind::Parse),
            ),
            (r#"{"expires_in":60}"#, Err(ErrorKind::Parse)),
            ("<html>", Err(ErrorKind::Parse)),
        ] {
            assert_eq!(secs(body), expected, "{body}");
        }
        let t = parse_token(br#"{"access_token":" abc ","expires_in":1}"#, "t").unwrap();
        assert_eq!(t.token.expose(), "abc");
        let answer = TokenAnswer::read(br#"{"error":"invalid_client"}"#, "t").unwrap();
        assert!(answer.is_error());
    }
}
