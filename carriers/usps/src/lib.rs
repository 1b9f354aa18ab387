//! # shipmux-usps
//!
//! USPS through the APIs v3 (the Web Tools XML APIs were shut down on 25 January 2026), as a
//! pure [`CarrierProtocol`](shipmux_core::CarrierProtocol): OAuth client credentials,
//! rates from the Shipping Options API (price and delivery commitment in one call, one call
//! per parcel, summed per mail class) with an automatic fallback to the prices APIs when the
//! account does not have Shipping Options, and tracking in v3r2 batches of 35. The host's
//! `HttpCarrier` does the I/O; with feature `sandbox`, [`sandbox`] serves the same contract on
//! loopback.
//!
//! ```
//! use std::str::FromStr;
//! use rust_decimal::Decimal;
//! use shipmux_core::{Address, CarrierProtocol, Parcel, RateRequest, Weight};
//! use shipmux_usps::Usps;
//!
//! let usps = Usps::builder()
//!     .client_id("consumer-key")
//!     .client_secret("consumer-secret")
//!     .base_url("http://127.0.0.1:8080")
//!     .build()?;
//! let request = RateRequest::new(
//!     Address::new("US", "10001"),
//!     Address::new("US", "90210"),
//!     vec![Parcel::new(Weight::lb(Decimal::from_str("2.5")?))],
//! )?;
//! // One Shipping Options search per parcel.
//! let requests = usps.build_rate(&request)?;
//! assert_eq!(requests.len(), 1);
//! assert!(requests[0].url.ends_with("/shipments/v3/options/search"));
//! assert_eq!(usps.track_batch_size(), 35);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod auth;
pub mod codes;
pub mod config;
mod descriptor;
pub mod error;
pub mod protocol;
pub mod rate;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod track;

pub use config::{
    PaymentAccount, PriceType, RateApi, TrackApi, Usps, UspsBuilder, UspsConfig, UspsEnvironment,
};
pub use protocol::UspsProtocol;
pub use rate::parse_rate_response;

/// This carrier's id in every Rate, Tracking and Error.
pub const CARRIER_ID: &str = "usps";

pub use descriptor::DESCRIPTOR;
#[cfg(feature = "sandbox")]
pub use descriptor::SANDBOX;
