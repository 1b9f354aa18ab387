//! `CarrierProtocol`: a carrier as a pure translator (docs/design.md).
//!
//! A protocol turns our request into the carrier's HTTP requests and the carrier's HTTP
//! responses into our types. It never opens a socket, sleeps, spawns or reads a clock: the
//! host's `HttpCarrier` does all I/O — connection pool, OAuth tokens, retries, timeouts,
//! rate limits — and the same protocol runs built in or loaded from a plugin.
//!
//! A protocol's `parse_*` functions receive every response, successful or not, after the
//! host has retried what was retryable and refreshed the token on a 401: mapping a carrier's
//! error body to an [`Error`] is the protocol's job, so the carrier's own code and text
//! reach the caller.

mod http;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use http::{HttpRequest, HttpResponse, Method};

use crate::error::{Error, Result};
use crate::model::{CarrierInfo, Rate, RateRequest, Tracking, TrackingNumber};
use crate::secret::Secret;

/// How the host authenticates a protocol's requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Auth {
    /// The protocol puts whatever credentials it needs in its requests itself.
    None,
    /// OAuth2 client credentials: the host gets a token with
    /// [`CarrierProtocol::build_token`] / [`CarrierProtocol::parse_token`], caches it under
    /// `cache_key` (carrier, account, environment — never the secret itself), refreshes it
    /// before expiry and sends it as `Authorization: Bearer …` on every other request.
    OAuth2 {
        /// Identifies the account and environment, e.g. `client-id@https://wwwcie.ups.com`.
        cache_key: String,
    },
}

/// An access token and how long it lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessToken {
    /// The bearer token.
    pub token: Secret,
    /// Seconds until it expires, counted from when the response arrived.
    pub expires_in_secs: u64,
}

impl AccessToken {
    /// A token valid for `expires_in`.
    pub fn new(token: impl Into<Secret>, expires_in: Duration) -> Self {
        AccessToken {
            token: token.into(),
            expires_in_secs: expires_in.as_secs(),
        }
    }
}

/// One round of an exchange: the requests the host sent and the responses, in the same order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// Which round this was, from 0.
    pub round: u32,
    /// What was sent.
    pub requests: Vec<HttpRequest>,
    /// What came back, one per request.
    pub responses: Vec<HttpResponse>,
}

impl Exchange {
    /// The pairs of request and response.
    pub fn pairs(&self) -> impl Iterator<Item = (&HttpRequest, &HttpResponse)> {
        self.requests.iter().zip(&self.responses)
    }
}

/// What a protocol says after reading a round of responses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step<T> {
    /// The answer.
    Done(T),
    /// Send these requests too (another round), then parse again. Used, for instance, to
    /// fall back to another endpoint when the first is not enabled for the account.
    Next(Vec<HttpRequest>),
}

/// The most rounds the host runs for one operation before calling the protocol broken.
pub const MAX_ROUNDS: u32 = 4;

/// A carrier as pure functions from our types to HTTP descriptions and back.
///
/// Every method is a function of its inputs: same input, same output. Implement this, not
/// [`Carrier`](crate::Carrier), for any carrier with an HTTP API; the host's `HttpCarrier`
/// makes it a `Carrier`, and `export_plugin!` makes it a plugin.
pub trait CarrierProtocol: Send + Sync + 'static {
    /// Id, name, services and capabilities.
    fn info(&self) -> CarrierInfo;

    /// How the host authenticates requests.
    fn auth(&self) -> Auth {
        Auth::None
    }

    /// The OAuth token request (called only when [`auth`](Self::auth) is OAuth2).
    fn build_token(&self) -> Result<HttpRequest> {
        Err(Error::unsupported("this carrier does not use OAuth tokens"))
    }

    /// Reads the token response (any status).
    fn parse_token(&self, response: &HttpResponse) -> Result<AccessToken> {
        let _ = response;
        Err(Error::unsupported("this carrier does not use OAuth tokens"))
    }

    /// The requests that quote `request` (several when the carrier wants one call per parcel;
    /// the host sends them concurrently).
    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>>;

    /// Whether the carrier's rate request must name a ship date. When it does and the request
    /// names none, the host fills in today's date (UTC, from its clock) before
    /// [`build_rate`](Self::build_rate), since a protocol never reads a clock; the carrier
    /// moves it to its next business day as its API allows.
    fn needs_ship_date(&self) -> bool {
        false
    }

    /// Reads the responses to a rate round. Does not filter by `request.services`: the host
    /// does that after parsing.
    fn parse_rate(&self, request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>>;

    /// The largest number of tracking numbers one [`build_track`](Self::build_track) call
    /// takes (1 for carriers with no batch tracking).
    fn track_batch_size(&self) -> usize {
        1
    }

    /// The requests that track `numbers` (at most `track_batch_size()` of them).
    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>>;

    /// Reads the tracking responses: one result per number, in the order of `numbers`.
    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>>;

    /// A request that proves the credentials work beyond getting a token, if the carrier has
    /// one; `None` means getting a token (or nothing, without OAuth) is the check.
    fn build_connect(&self) -> Result<Option<HttpRequest>> {
        Ok(None)
    }

    /// Reads the answer to [`build_connect`](Self::build_connect).
    fn parse_connect(&self, response: &HttpResponse) -> Result<()> {
        if response.is_success() {
            Ok(())
        } else {
            Err(Error::from_status(
                response.status,
                format!("connection check answered HTTP {}", response.status),
            ))
        }
    }
}
