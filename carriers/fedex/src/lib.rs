//! # shipmux-fedex
//!
//! FedEx's REST APIs (OAuth, Rate quotes, Track by tracking number) as a pure
//! [`CarrierProtocol`](shipmux_core::CarrierProtocol): it builds FedEx's HTTP requests and
//! reads FedEx's answers into shipmux rates, trackings and errors, following
//! `docs/carriers/fedex.md`. The host's `HttpCarrier` does the I/O (tokens, retries, rate
//! limits). With feature `sandbox`, [`sandbox`] serves FedEx's contract on loopback.
//!
//! ```
//! use std::str::FromStr;
//! use rust_decimal::Decimal;
//! use shipmux_core::{Address, CarrierProtocol, HttpResponse, Exchange, Parcel, RateRequest,
//!     Step, Weight};
//! use shipmux_fedex::Fedex;
//!
//! let fedex = Fedex::builder()
//!     .client_id("l7xx-api-key")
//!     .client_secret("secret-key")
//!     .account_number("740561073")
//!     .base_url("http://127.0.0.1:8080")
//!     .build()?;
//! let request = RateRequest::new(
//!     Address::new("US", "38017").with_region("TN"),
//!     Address::new("US", "10001").with_region("NY").residential(true),
//!     vec![Parcel::new(Weight::lb(Decimal::from_str("2.5")?))],
//! )?;
//! let http = fedex.build_rate(&request)?;
//! assert!(http[0].url.ends_with("/rate/v1/rates/quotes"));
//!
//! // FedEx's answer: amounts are JSON numbers, kept exactly as written.
//! let body = r#"{"output": {"rateReplyDetails": [{"serviceType": "FEDEX_GROUND",
//!     "serviceName": "FedEx Ground®", "ratedShipmentDetails": [{"rateType": "ACCOUNT",
//!     "totalNetCharge": 16.00, "totalBaseCharge": 16.00, "currency": "USD"}]}]}}"#;
//! let exchange = Exchange { round: 0, requests: http, responses: vec![HttpResponse::new(200, body)] };
//! let Step::Done(rates) = fedex.parse_rate(&request, &exchange)? else { unreachable!() };
//! assert_eq!(rates[0].total.amount.to_string(), "16.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod auth;
pub mod codes;
mod config;
mod descriptor;
pub mod error;
mod protocol;
mod rate;
mod track;

#[cfg(feature = "sandbox")]
pub mod sandbox;

use std::time::Duration;

pub use auth::TOKEN_PATH;
pub use config::{
    Fedex, FedexBuilder, FedexConfig, FedexEnvironment, PICKUP_TYPES, PRODUCTION_BASE_URL,
    SANDBOX_BASE_URL,
};
pub use protocol::FedexProtocol;
pub use rate::{MAX_PACKAGES, RATE_PATH};
pub use track::{MAX_BATCH as TRACK_BATCH_SIZE, TRACK_PATH};

/// The carrier id every FedEx rate, tracking and error names.
pub const CARRIER_ID: &str = "fedex";

/// FedEx's published limit: 1,400 transactions per 10-second window per project (more
/// answer HTTP 429 until the window restarts). The host uses it as the default rate limit
/// for FedEx accounts.
pub const DEFAULT_RATE_LIMIT: (u32, Duration) = (1_400, Duration::from_secs(10));

pub use descriptor::DESCRIPTOR;
#[cfg(feature = "sandbox")]
pub use descriptor::SANDBOX;
