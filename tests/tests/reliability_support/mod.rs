//! Shared by the reliability tests (`fault_matrix`, `bad_input`): a fleet of the four
//! carriers — UPS, FedEx and USPS linked in, Canada Post loaded as a plugin `.so` — each on
//! its own loopback sandbox, driven by `HttpCarrier` with short deadlines so faults show
//! quickly.

#![allow(dead_code)]

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde_json::json;
use shipmux_core::{
    Address, Carrier, CarrierInfo, Dimensions, Parcel, Rate, RateRequest, Result, Tracking,
    TrackingNumber, Weight,
};
use shipmux_host::plugin::Plugin;
use shipmux_host::{DriverOptions, HttpCarrier, HttpCarrierOptions, HttpDriver, RetryPolicy};
use shipmux_sandbox::{Sandbox, SandboxOptions};

#[path = "../plugin_support/mod.rs"]
pub mod plugin_support;

/// The four carriers of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ups,
    Fedex,
    Usps,
    CanadaPost,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Ups, Kind::Fedex, Kind::Usps, Kind::CanadaPost];

    /// The carrier id.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Ups => "ups",
            Kind::Fedex => "fedex",
            Kind::Usps => "usps",
            Kind::CanadaPost => "canadapost",
        }
    }

    /// The path prefix of the rate endpoint (where faults are injected).
    pub fn rate_path(self) -> &'static str {
        match self {
            Kind::Ups => "/api/rating",
            Kind::Fedex => "/rate/v1/rates/quotes",
            Kind::Usps => "/shipments/v3/options/search",
            Kind::CanadaPost => "/rs/ship/price",
        }
    }

    /// Whether the carrier authenticates with OAuth tokens (Canada Post uses Basic auth).
    pub fn uses_tokens(self) -> bool {
        self != Kind::CanadaPost
    }

    async fn start_sandbox(self, options: SandboxOptions) -> Sandbox {
        let started = match self {
            Kind::Ups => shipmux_ups::sandbox::start(options).await,
            Kind::Fedex => shipmux_fedex::sandbox::start(options).await,
            Kind::Usps => shipmux_usps::sandbox::start(options).await,
            Kind::CanadaPost => shipmux_canadapost::sandbox::start(options).await,
        };
        started.unwrap_or_else(|e| panic!("{} sandbox: {e}", self.id()))
    }
}

/// Body cap of the fleet's driver (carrier answers here are a few KB); the sandboxes'
/// oversized bodies are 4 times larger.
pub const MAX_BODY: usize = 256 * 1024;
/// Deadline of one HTTP attempt.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(400);
/// Deadline of one carrier call (all attempts and waits). Shorter than a 2 s `Retry-After`,
/// so a carrier asking to wait that long is answered at once instead of retried.
pub const CALL_TIMEOUT: Duration = Duration::from_millis(1500);
/// The `Retry-After` the matrix's 503 and 429 faults carry, in seconds.
pub const RETRY_AFTER_SECS: u64 = 2;
/// Attempts per request when retries are on.
pub const ATTEMPTS: u32 = 3;

/// How the fleet's carriers are driven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retries {
    /// The host's default policy (3 attempts, jittered backoff, budget, `Retry-After`).
    On,
    /// One attempt: each error is exactly what the protocol made of the fault.
    Off,
}

/// A running carrier and its sandbox.
pub struct Member {
    pub kind: Kind,
    pub sandbox: Sandbox,
    pub carrier: Arc<dyn Carrier>,
}

impl Member {
    /// Requests the rate endpoint has received.
    pub fn rate_calls(&self) -> u64 {
        let fragment = match self.kind {
            Kind::Ups => "/rating/",
            Kind::Fedex => "/rate/",
            Kind::Usps => "/options/",
            Kind::CanadaPost => "/rs/ship/price",
        };
        self.sandbox.stats().requests_matching(fragment)
    }

    /// Requests the token endpoint has received.
    pub fn token_calls(&self) -> u64 {
        self.sandbox.stats().requests_matching("token")
    }

    /// Every request the sandbox has received.
    pub fn all_calls(&self) -> u64 {
        self.sandbox.stats().total
    }
}

/// Four carriers on four sandboxes sharing one driver.
pub struct Fleet {
    pub members: Vec<Member>,
}

impl Fleet {
    /// Starts the four sandboxes and carriers.
    pub async fn start(retries: Retries) -> Fleet {
        let driver = HttpDriver::with_options(DriverOptions {
            max_body_bytes: MAX_BODY,
            connect_timeout: Duration::from_secs(2),
            ..DriverOptions::default()
        })
        .expect("driver");
        let mut members = Vec::new();
        for kind in Kind::ALL {
            let sandbox = kind
                .start_sandbox(
                    SandboxOptions::default()
                        .with_oversized_bytes(4 * MAX_BODY)
                        .with_drip_interval(Duration::from_millis(50)),
                )
                .await;
            let carrier = carrier(kind, &sandbox, &driver, retries);
            members.push(Member {
                kind,
                sandbox,
                carrier,
            });
        }
        Fleet { members }
    }

    /// The member of `kind`.
    pub fn member(&self, kind: Kind) -> &Member {
        self.members
            .iter()
            .find(|m| m.kind == kind)
            .expect("every kind is in the fleet")
    }

    /// The carriers, for a fan-out.
    pub fn carriers(&self) -> Vec<Arc<dyn Carrier>> {
        self.members.iter().map(|m| m.carrier.clone()).collect()
    }

    /// Stops every sandbox.
    pub async fn shutdown(self) {
        for m in self.members {
            m.sandbox.shutdown().await;
        }
    }
}

fn options(retries: Retries) -> HttpCarrierOptions {
    HttpCarrierOptions {
        attempt_timeout: ATTEMPT_TIMEOUT,
        call_timeout: CALL_TIMEOUT,
        retry: match retries {
            Retries::On => RetryPolicy {
                max_attempts: ATTEMPTS,
                ..RetryPolicy::default()
            },
            Retries::Off => RetryPolicy::none(),
        },
        // The breaker is tested elsewhere; here every call must reach the sandbox.
        breaker: None,
        ..HttpCarrierOptions::default()
    }
}

fn carrier(
    kind: Kind,
    sandbox: &Sandbox,
    driver: &HttpDriver,
    retries: Retries,
) -> Arc<dyn Carrier> {
    let url = sandbox.base_url();
    let driver = driver.clone();
    let options = options(retries);
    match kind {
        Kind::Ups => {
            let p = shipmux_ups::Ups::builder()
                .client_id("matrix")
                .client_secret("matrix-secret")
                .base_url(&url)
                .build()
                .expect("UPS config");
            Arc::new(HttpCarrier::with_options(p, driver, options))
        }
        Kind::Fedex => {
            let p = shipmux_fedex::Fedex::builder()
                .client_id("l7xx-matrix")
                .client_secret("matrix-secret")
                .account_number("740561073")
                .base_url(url)
                .build()
                .expect("FedEx config");
            Arc::new(HttpCarrier::with_options(p, driver, options))
        }
        Kind::Usps => {
            let p = shipmux_usps::Usps::builder()
                .client_id("matrix")
                .client_secret("matrix-secret")
                .base_url(url)
                .build()
                .expect("USPS config");
            Arc::new(HttpCarrier::with_options(p, driver, options))
        }
        Kind::CanadaPost => {
            let plugin = Plugin::load(plugin_support::canadapost_plugin())
                .expect("the Canada Post plugin loads");
            let protocol = plugin
                .instantiate(
                    &json!({"username": "matrix", "password": "matrix-pw", "base_url": url}),
                )
                .expect("the Canada Post plugin instantiates");
            let inner = Arc::new(HttpCarrier::from_arc_with_options(
                Arc::new(protocol),
                driver,
                options,
            ));
            Arc::new(FromCanada { inner })
        }
    }
}

/// Canada Post ships from Canada only, so in a fan-out of US requests it quotes its own
/// domestic parcel ([`canadian_request`]); everything else passes through unchanged.
struct FromCanada {
    inner: Arc<dyn Carrier>,
}

#[async_trait]
impl Carrier for FromCanada {
    fn info(&self) -> &CarrierInfo {
        self.inner.info()
    }

    async fn connect(&self) -> Result<()> {
        self.inner.connect().await
    }

    async fn quote(&self, _request: &RateRequest) -> Result<Vec<Rate>> {
        self.inner.quote(&canadian_request()).await
    }

    async fn track(&self, number: &TrackingNumber) -> Result<Tracking> {
        self.inner.track(number).await
    }
}

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

/// The fan-out's request: one parcel from Maryland to Georgia.
pub fn us_request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "21093").with_region("MD"),
        Address::new("US", "30005")
            .with_region("GA")
            .residential(true),
        vec![
            Parcel::new(Weight::lb(d("2.5"))).with_dimensions(Dimensions::inches(
                d("12"),
                d("8"),
                d("6"),
            )),
        ],
    )
    .expect("valid request")
}

/// Canada Post's request: Ottawa to Montreal.
pub fn canadian_request() -> RateRequest {
    RateRequest::new(
        Address::new("CA", "K1G3H7"),
        Address::new("CA", "H4T1Z6"),
        vec![Parcel::new(Weight::kg(d("2")))],
    )
    .expect("valid request")
}
