//! How a sandbox behaves: latency, faults, credentials, token lifetime, port and seed.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use shipmux_core::Secret;

/// Everything a sandbox can be told at start. `Default` is a quiet, fault-free server on an
/// OS-chosen port that accepts any non-empty credentials and issues one-hour tokens.
///
/// ```
/// use std::time::Duration;
/// use shipmux_sandbox::{Fault, SandboxOptions};
///
/// let options = SandboxOptions::default()
///     .with_latency(Duration::from_millis(20), Duration::from_millis(10))
///     .with_fault_rate(0.05, vec![Fault::Status500, Fault::ConnectionReset])
///     .expect_credentials("my-client", "my-secret")
///     .with_token_ttl(Duration::from_secs(60))
///     .with_seed(7);
/// assert_eq!(options.port, 0);
/// ```
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// Delay added to every carrier request before it is answered.
    pub latency: Latency,
    /// Faults thrown at random, by rate.
    pub faults: FaultPlan,
    /// The one `(client_id, client_secret)` pair to accept; `None` accepts any non-empty pair.
    pub credentials: Option<(String, Secret)>,
    /// How long issued tokens live.
    pub token_ttl: Duration,
    /// Port on 127.0.0.1; 0 lets the OS choose.
    pub port: u16,
    /// Seed of every random choice (jitter, random faults, token text): same seed, same run.
    pub seed: u64,
    /// Size of the body sent by [`Fault::OversizedBody`].
    pub oversized_bytes: usize,
    /// Pause between the small chunks of a [`Fault::SlowDrip`] body.
    pub drip_interval: Duration,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            latency: Latency::default(),
            faults: FaultPlan::default(),
            credentials: None,
            token_ttl: Duration::from_secs(3600),
            port: 0,
            seed: 0x5EED,
            oversized_bytes: 64 * 1024 * 1024,
            drip_interval: Duration::from_millis(250),
        }
    }
}

impl SandboxOptions {
    /// Answers every request `fixed` plus a uniform random `0..=jitter` after it arrived.
    pub fn with_latency(mut self, fixed: Duration, jitter: Duration) -> Self {
        self.latency = Latency { fixed, jitter };
        self
    }

    /// Fails a share `rate` (0..1) of requests with a fault picked at random from `kinds`.
    pub fn with_fault_rate(mut self, rate: f64, kinds: Vec<Fault>) -> Self {
        self.faults = FaultPlan { rate, kinds };
        self
    }

    /// Accepts only this exact client id and secret at the token endpoint.
    pub fn expect_credentials(mut self, client_id: &str, client_secret: &str) -> Self {
        self.credentials = Some((client_id.to_string(), Secret::new(client_secret)));
        self
    }

    /// Sets how long tokens live.
    pub fn with_token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Binds this port instead of an OS-chosen one.
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Sets the size of the [`Fault::OversizedBody`] body.
    pub fn with_oversized_bytes(mut self, bytes: usize) -> Self {
        self.oversized_bytes = bytes;
        self
    }

    /// Sets the pause between [`Fault::SlowDrip`] chunks.
    pub fn with_drip_interval(mut self, interval: Duration) -> Self {
        self.drip_interval = interval;
        self
    }

    /// Seeds the random choices.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// A carrier's response time: each answer leaves `fixed` plus a uniform random `0..=jitter`
/// after its request arrived. The simulator's own work happens within that time (a real
/// carrier's latency includes its work too); only work longer than the delay makes it later.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Latency {
    /// Always added.
    pub fixed: Duration,
    /// Up to this much more, at random.
    pub jitter: Duration,
}

/// Random faults: each carrier request fails with probability `rate`, with a fault chosen
/// uniformly from `kinds`. An empty `kinds` or a zero rate means no random faults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    /// Probability in 0..1 that a request fails.
    pub rate: f64,
    /// Faults to pick from.
    pub kinds: Vec<Fault>,
}

/// A way for the sandbox to misbehave, each real at the HTTP or TCP level. JSON (for the
/// control endpoint): `{"kind": "status503", "retry_after_secs": 2}`, `{"kind": "hang"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FaultRepr", into = "FaultRepr")]
pub enum Fault {
    /// Never answer (until the client gives up or the sandbox shuts down).
    Hang,
    /// HTTP 500 with the carrier's error body.
    Status500,
    /// HTTP 503 with a `Retry-After` header when given.
    Status503 {
        /// Seconds in `Retry-After`; none sends no header.
        retry_after_secs: Option<u64>,
    },
    /// HTTP 429 with a `Retry-After` header when given.
    Status429 {
        /// Seconds in `Retry-After`; none sends no header.
        retry_after_secs: Option<u64>,
    },
    /// HTTP 200 whose JSON body is cut and garbled.
    MalformedBody,
    /// The real answer with a `Content-Length` larger than the bytes sent, then the connection
    /// closes.
    TruncatedBody,
    /// The TCP connection is aborted (RST) without an answer.
    ConnectionReset,
    /// The real answer, its body trickling a few bytes at a time.
    SlowDrip,
    /// HTTP 200 with a huge streamed body ([`SandboxOptions::oversized_bytes`]).
    OversizedBody,
    /// HTTP 200 with an HTML page instead of the carrier's format.
    WrongContentType,
    /// Every issued token expires now, so this request (and any other using an old token)
    /// gets the carrier's 401.
    ExpiredToken,
}

impl Fault {
    /// Every fault kind, with 1-second waits for the statuses that take one.
    pub fn all() -> Vec<Fault> {
        vec![
            Fault::Hang,
            Fault::Status500,
            Fault::Status503 {
                retry_after_secs: Some(1),
            },
            Fault::Status429 {
                retry_after_secs: Some(1),
            },
            Fault::MalformedBody,
            Fault::TruncatedBody,
            Fault::ConnectionReset,
            Fault::SlowDrip,
            Fault::OversizedBody,
            Fault::WrongContentType,
            Fault::ExpiredToken,
        ]
    }

    /// A short name for counters and logs (`status503`, `connection_reset`).
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Hang => "hang",
            Fault::Status500 => "status500",
            Fault::Status503 { .. } => "status503",
            Fault::Status429 { .. } => "status429",
            Fault::MalformedBody => "malformed_body",
            Fault::TruncatedBody => "truncated_body",
            Fault::ConnectionReset => "connection_reset",
            Fault::SlowDrip => "slow_drip",
            Fault::OversizedBody => "oversized_body",
            Fault::WrongContentType => "wrong_content_type",
            Fault::ExpiredToken => "expired_token",
        }
    }
}

/// The JSON form of a [`Fault`]: a flat object, read without serde's internally tagged
/// enums (which cannot read numbers when serde_json's `arbitrary_precision` is on).
#[derive(Serialize, Deserialize)]
struct FaultRepr {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
}

impl From<Fault> for FaultRepr {
    fn from(f: Fault) -> Self {
        let retry_after_secs = match &f {
            Fault::Status503 { retry_after_secs } | Fault::Status429 { retry_after_secs } => {
                *retry_after_secs
            }
            _ => None,
        };
        FaultRepr {
            kind: f.name().to_string(),
            retry_after_secs,
        }
    }
}

impl TryFrom<FaultRepr> for Fault {
    type Error = String;
    fn try_from(r: FaultRepr) -> Result<Self, String> {
        let retry_after_secs = r.retry_after_secs;
        Ok(match r.kind.as_str() {
            "hang" => Fault::Hang,
            "status500" => Fault::Status500,
            "status503" => Fault::Status503 { retry_after_secs },
            "status429" => Fault::Status429 { retry_after_secs },
            "malformed_body" => Fault::MalformedBody,
            "truncated_body" => Fault::TruncatedBody,
            "connection_reset" => Fault::ConnectionReset,
            "slow_drip" => Fault::SlowDrip,
            "oversized_body" => Fault::OversizedBody,
            "wrong_content_type" => Fault::WrongContentType,
            "expired_token" => Fault::ExpiredToken,
            other => return Err(format!("unknown fault kind `{other}`")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_have_a_stable_json_shape() {
        let f = Fault::Status503 {
            retry_after_secs: Some(2),
        };
        let j = serde_json::to_string(&f).unwrap();
        assert_eq!(j, r#"{"kind":"status503","retry_after_secs":2}"#);
        assert_eq!(serde_json::from_str::<Fault>(&j).unwrap(), f);
        let hang: Fault = serde_json::from_str(r#"{"kind":"hang"}"#).unwrap();
        assert_eq!(hang, Fault::Hang);
        let s: Fault = serde_json::from_str(r#"{"kind":"status429"}"#).unwrap();
        assert_eq!(
            s,
            Fault::Status429 {
                retry_after_secs: None
            }
        );
    }
}
