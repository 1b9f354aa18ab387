//! # shipmux-canadapost
//!
//! Canada Post for shipmux: Get Rates (`POST /rs/ship/price`, rate-v4 XML) and tracking
//! (`/vis/track/pin/{pin}/detail` or `…/summary`, track-v2 XML) as a pure
//! [`CarrierProtocol`](shipmux_core::CarrierProtocol). The crate builds both as an `rlib`
//! (link it in) and as a `cdylib` plugin (`libshipmux_canadapost.so`, loaded by
//! `shipmux_host::plugin`): the same protocol either way.
//!
//! ```
//! use shipmux_canadapost::CanadaPost;
//! use shipmux_core::{Address, CarrierProtocol, Parcel, RateRequest, Weight};
//!
//! let protocol = CanadaPost::builder()
//!     .username("6e93d53968881714")
//!     .password("0bfa9fcb9853d1f51ee57a")
//!     .customer_number("2004381")
//!     .base_url("http://127.0.0.1:8080")
//!     .build()?;
//! let request = RateRequest::new(
//!     Address::new("CA", "K1A 0B1"),
//!     Address::new("CA", "H8Z 2V4"),
//!     vec![Parcel::new(Weight::kg("1.5".parse().unwrap()))],
//! )?;
//! let calls = protocol.build_rate(&request)?;
//! assert_eq!(calls[0].url, "http://127.0.0.1:8080/rs/ship/price");
//! # Ok::<(), shipmux_core::Error>(())
//! ```

pub mod codes;
mod config;
mod descriptor;
mod error;
mod protocol;
mod rate;
mod track;
mod xml;

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use config::{
    CanadaPost, CanadaPostBuilder, CanadaPostConfig, DEVELOPMENT_BASE_URL, PRODUCTION_BASE_URL,
    TrackingView,
};
pub use protocol::CanadaPostProtocol;
pub use rate::{RATE_MEDIA_TYPE, RATE_NAMESPACE};
pub use track::TRACK_MEDIA_TYPE;

/// Canada Post's carrier id.
pub const CARRIER_ID: &str = "canadapost";

shipmux_core::export_plugin!(CanadaPostProtocol);

pub use descriptor::DESCRIPTOR;
#[cfg(feature = "sandbox")]
pub use descriptor::SANDBOX;
