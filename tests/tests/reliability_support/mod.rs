//! The fault matrix's fleet: every built-in carrier (`shipmux_host::builtins()`; a carrier
//! that ships as a plugin — Canada Post — loaded from its plugin `.so`), each on its own
//! loopback sandbox (see `sandbox_support`), driven by `HttpCarrier` with short deadlines so
//! faults show quickly.

#![allow(dead_code)]

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use shipmux_core::{Address, Carrier, Dimensions, Parcel, RateRequest, Weight};
use shipmux_host::{DriverOptions, HttpCarrier, HttpCarrierOptions, HttpDriver, RetryPolicy};
use shipmux_sandbox::SandboxOptions;

#[path = "../sandbox_support/mod.rs"]
pub mod sandbox_support;

pub use sandbox_support::{Fleet, Member};

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

/// Every built-in on its own sandbox, sharing one driver, set up to quote [`us_request`]: a
/// carrier that cannot ship from the US (Canada Post) ships from a warehouse in its own
/// country, so every carrier is asked in every fan-out.
pub async fn fleet(retries: Retries) -> Fleet {
    let driver = HttpDriver::with_options(DriverOptions {
        max_body_bytes: MAX_BODY,
        connect_timeout: Duration::from_secs(2),
        ..DriverOptions::default()
    })
    .expect("driver");
    let request = us_request();
    Fleet::start(
        |_| {
            SandboxOptions::default()
                .with_oversized_bytes(4 * MAX_BODY)
                .with_drip_interval(Duration::from_millis(50))
        },
        |builtin, protocol| {
            let carrier: Arc<dyn Carrier> = Arc::new(HttpCarrier::from_arc_with_options(
                protocol,
                driver.clone(),
                options(retries),
            ));
            sandbox_support::serving(builtin, carrier, &request)
        },
    )
    .await
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

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

/// The fan-out's request: one parcel from Maryland to Georgia.
pub fn us_request() -> RateRequest {
    RateRequest::new(
        // Cities named, so a carrier that needs them (DHL Express) makes no look-up first.
        Address::new("US", "21093")
            .with_region("MD")
            .with_city("Lutherville Timonium"),
        Address::new("US", "30005")
            .with_region("GA")
            .with_city("Alpharetta")
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
