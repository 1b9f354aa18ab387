//! # shipmux-ups
//!
//! UPS for shipmux: a pure [`CarrierProtocol`](shipmux_core::CarrierProtocol) translating our
//! requests into UPS's official JSON APIs and back (OAuth client credentials, Rating v2409
//! with time in transit, Tracking v1), mapped as `docs/carriers/ups.md` says. The host's
//! `HttpCarrier` does the I/O. With feature `sandbox`, [`sandbox::start`] serves a UPS
//! simulator on loopback.
//!
//! ```
//! use shipmux_core::{Address, CarrierProtocol, Parcel, RateRequest, Weight};
//! use shipmux_ups::Ups;
//!
//! let ups = Ups::builder()
//!     .client_id("my-client-id")
//!     .client_secret("my-client-secret")
//!     .account_number("A1B2C3") // negotiated rates
//!     .base_url("http://127.0.0.1:8080") // a sandbox; default is UPS's test host
//!     .build()?;
//!
//! let request = RateRequest::new(
//!     Address::new("US", "21093").with_region("MD"),
//!     Address::new("US", "30005").with_region("GA").residential(true),
//!     vec![Parcel::new(Weight::lb(2.into()))],
//! )?;
//! let calls = ups.build_rate(&request)?;
//! assert!(calls[0].url.ends_with("/api/rating/v2409/Shoptimeintransit"));
//! assert!(!format!("{ups:?}").contains("my-client-secret"));
//! # Ok::<(), shipmux_core::Error>(())
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

pub use config::{PRODUCTION_BASE_URL, TEST_BASE_URL, Ups, UpsBuilder, UpsConfig, UpsEnvironment};
pub use protocol::UpsProtocol;

use shipmux_core::CarrierId;

/// UPS's carrier id.
pub const CARRIER_ID: &str = "ups";

/// UPS's carrier id as a [`CarrierId`].
pub fn carrier_id() -> CarrierId {
    CarrierId::from_static(CARRIER_ID)
}

pub use descriptor::DESCRIPTOR;
#[cfg(feature = "sandbox")]
pub use descriptor::SANDBOX;
