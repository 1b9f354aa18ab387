//! OAuth client-credentials tokens: the store every carrier's token endpoint issues from,
//! and the bearer check that guards its API routes.
//!
//! Token endpoints differ in shape from carrier to carrier (UPS: Basic auth and a form;
//! FedEx: id and secret in the form; USPS: JSON or form, credentials in the body or as
//! Basic, scopes), so each carrier writes its own endpoint (with [`form_fields`] and
//! [`media_type`] to read it) and calls [`TokenStore::issue`]; the store decides who gets a
//! token and when it expires. Expiry follows tokio's clock, so tests can `tokio::time::pause()` and
//! advance past a token's life.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use shipmux_core::Secret;
use tokio::time::Instant;

#[cfg(doc)]
use crate::{form_fields, media_type};

/// Why the token endpoint refused credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenRefusal {
    /// No client id or no secret (or an empty one).
    MissingCredentials,
    /// Not the pair the sandbox was told to expect.
    InvalidCredentials,
}

/// Why a request's bearer token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BearerRejection {
    /// No `Authorization: Bearer …` header.
    Missing,
    /// A token this sandbox never issued (or has forgotten after [`TokenStore::expire_all`]).
    Unknown,
    /// A token whose life is over.
    Expired,
}

impl fmt::Display for BearerRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BearerRejection::Missing => "missing bearer token",
            BearerRejection::Unknown => "invalid bearer token",
            BearerRejection::Expired => "expired bearer token",
        })
    }
}

/// A token just issued, for the carrier's endpoint to put in its own response shape.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    /// The bearer token.
    pub access_token: Secret,
    /// How long it lives.
    pub expires_in: Duration,
    /// Who asked for it.
    pub client_id: String,
    /// When it was issued, in milliseconds since the Unix epoch (for `issued_at` fields).
    pub issued_at_ms: u64,
}

struct Entry {
    expires_at: Instant,
}

struct Inner {
    ttl: Mutex<Duration>,
    expected: Option<(String, Secret)>,
    tokens: Mutex<HashMap<String, Entry>>,
    issued: AtomicU64,
    seed: u64,
}

/// Issues and checks bearer tokens. Cheap to clone; clones share the same tokens.
#[derive(Clone)]
pub struct TokenStore {
    inner: Arc<Inner>,
}

impl fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenStore")
            .field("ttl", &self.ttl())
            .field("issued", &self.issued_count())
            .finish_non_exhaustive()
    }
}

impl TokenStore {
    /// A store issuing tokens that live `ttl`; with `expected`, only that exact pair gets one.
    pub fn new(ttl: Duration, expected: Option<(String, Secret)>, seed: u64) -> Self {
        TokenStore {
            inner: Arc::new(Inner {
                ttl: Mutex::new(ttl),
                expected,
                tokens: Mutex::new(HashMap::new()),
                issued: AtomicU64::new(0),
                seed,
            }),
        }
    }

    /// Would [`issue`](Self::issue) accept this pair? For endpoints that authenticate the
    /// client before deciding whether to issue anything (an OAuth grant that fails after
    /// client authentication).
    pub fn check_credentials(
        &self,
        client_id: &str,
        client_secret: &str,
    ) -> Result<(), TokenRefusal> {
        if client_id.trim().is_empty() || client_secret.trim().is_empty() {
            return Err(TokenRefusal::MissingCredentials);
        }
        match &self.inner.expected {
            Some((id, secret)) if id != client_id || secret.expose() != client_secret => {
                Err(TokenRefusal::InvalidCredentials)
            }
            _ => Ok(()),
        }
    }

    /// Issues a token to `client_id` / `client_secret`: any non-empty pair, unless the sandbox
    /// expects one exact pair.
    pub fn issue(&self, client_id: &str, client_secret: &str) -> Result<IssuedToken, TokenRefusal> {
        self.check_credentials(client_id, client_secret)?;
        let n = self.inner.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!(
            "sbx-{:016x}{:016x}",
            mix(self.inner.seed ^ n),
            mix(n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ fnv1a(client_id.as_bytes()))
        );
        let ttl = self.ttl();
        lock(&self.inner.tokens).insert(
            token.clone(),
            Entry {
                expires_at: Instant::now() + ttl,
            },
        );
        let issued_at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Ok(IssuedToken {
            access_token: Secret::new(token),
            expires_in: ttl,
            client_id: client_id.to_string(),
            issued_at_ms,
        })
    }

    /// Checks an `Authorization` header value (`Bearer …`, scheme case-insensitive).
    pub fn check(&self, authorization: Option<&str>) -> Result<(), BearerRejection> {
        let value = authorization.map(str::trim).unwrap_or("");
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err(BearerRejection::Missing),
        };
        if token.is_empty() {
            return Err(BearerRejection::Missing);
        }
        let tokens = lock(&self.inner.tokens);
        match tokens.get(token) {
            None => Err(BearerRejection::Unknown),
            Some(entry) if Instant::now() >= entry.expires_at => Err(BearerRejection::Expired),
            Some(_) => Ok(()),
        }
    }

    /// Checks the `Authorization` header of a request.
    pub fn check_headers(&self, headers: &HeaderMap) -> Result<(), BearerRejection> {
        self.check(
            headers
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok()),
        )
    }

    /// Expires every token issued so far: the next request with any of them gets a 401.
    pub fn expire_all(&self) {
        let now = Instant::now();
        for entry in lock(&self.inner.tokens).values_mut() {
            entry.expires_at = now;
        }
    }

    /// The life of newly issued tokens.
    pub fn ttl(&self) -> Duration {
        *lock(&self.inner.ttl)
    }

    /// Changes the life of tokens issued from now on.
    pub fn set_ttl(&self, ttl: Duration) {
        *lock(&self.inner.ttl) = ttl;
    }

    /// How many tokens have been issued.
    pub fn issued_count(&self) -> u64 {
        self.inner.issued.load(Ordering::SeqCst)
    }

    /// Guards every route of `router` (add the token endpoint *after* calling this, or in a
    /// router merged later): a request without a live bearer token gets `reject(reason)` — the
    /// carrier's own 401 body.
    pub fn protect<S, F>(&self, router: Router<S>, reject: F) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
        F: Fn(BearerRejection) -> Response + Clone + Send + Sync + 'static,
    {
        let tokens = self.clone();
        router.route_layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let tokens = tokens.clone();
                let reject = reject.clone();
                async move {
                    match tokens.check_headers(request.headers()) {
                        Ok(()) => next.run(request).await,
                        Err(reason) => reject(reason),
                    }
                }
            },
        ))
    }
}

/// The `(user, password)` of an `Authorization: Basic …` header, if well formed.
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// FNV-1a: a stable hash (same input, same output, on every platform and Rust version).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A 64-bit finalizer (splitmix64) to spread bits.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn tokens_live_for_their_ttl() {
        let store = TokenStore::new(Duration::from_secs(60), None, 1);
        let t = store.issue("id", "secret").unwrap();
        let header = format!("Bearer {}", t.access_token.expose());
        assert_eq!(store.check(Some(&header)), Ok(()));
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(store.check(Some(&header)), Err(BearerRejection::Expired));
        assert_eq!(store.check(None), Err(BearerRejection::Missing));
        assert_eq!(
            store.check(Some("Bearer nope")),
            Err(BearerRejection::Unknown)
        );
    }

    #[test]
    fn only_the_expected_pair_gets_a_token() {
        let store = TokenStore::new(
            Duration::from_secs(60),
            Some(("id".into(), Secret::new("s"))),
            1,
        );
        assert!(store.issue("id", "s").is_ok());
        assert_eq!(
            store.issue("id", "wrong").unwrap_err(),
            TokenRefusal::InvalidCredentials
        );
        assert_eq!(
            store.issue("", "s").unwrap_err(),
            TokenRefusal::MissingCredentials
        );
    }

    #[test]
    fn basic_auth_decodes() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Basic dXNlcjpwYTpzcw==".parse().unwrap());
        assert_eq!(
            basic_credentials(&h),
            Some(("user".to_string(), "pa:ss".to_string()))
        );
    }
}
