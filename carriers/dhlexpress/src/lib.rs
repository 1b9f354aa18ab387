//! # shipmux-dhlexpress
//!
//! DHL Express for shipmux, through the MyDHL API (REST/JSON, version 3.3.1): rates
//! (`POST /rates`, every parcel in one call) and tracking (`GET /tracking`, up to 200 numbers
//! a call) as a pure [`CarrierProtocol`](shipmux_core::CarrierProtocol). HTTP Basic auth on
//! every call; no tokens. With feature `sandbox`, a loopback simulator of the same API.
//! Field mappings, status and error tables: `docs/carriers/dhlexpress.md`.
//!
//! ```
//! use shipmux_dhlexpress::DhlExpress;
//! use shipmux_core::{Address, CarrierProtocol, Dimensions, LengthUnit, Parcel, RateRequest, Weight};
//!
//! let protocol = DhlExpress::builder()
//!     .username("my-mydhl-user")
//!     .password("my-mydhl-password")
//!     .account_number("123456789")
//!     .base_url("http://127.0.0.1:8080/mydhlapi/test")
//!     .build()?;
//! let box_cm = Dimensions::new(30.into(), 20.into(), 10.into(), LengthUnit::Cm);
//! let request = RateRequest::new(
//!     Address::new("DE", "53113").with_city("Bonn"),
//!     Address::new("US", "10001").with_city("New York"),
//!     vec![Parcel::new(Weight::kg(2.into())).with_dimensions(box_cm)],
//! )?
//! .with_ship_date("2026-12-01".parse().unwrap());
//! let calls = protocol.build_rate(&request)?;
//! assert_eq!(calls[0].url, "http://127.0.0.1:8080/mydhlapi/test/rates");
//! # Ok::<(), shipmux_core::Error>(())
//! ```

pub mod codes;
mod config;
mod descriptor;
mod error;
mod json;
mod protocol;
pub mod rate;
pub mod track;

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use config::{
    DhlExpress, DhlExpressBuilder, DhlExpressConfig, DhlExpressEnvironment, MOCK_BASE_URL,
    PRODUCTION_BASE_URL, TEST_BASE_URL,
};
#[cfg(feature = "sandbox")]
pub use descriptor::SANDBOX;
pub use descriptor::{DESCRIPTOR, PIECE, WAYBILL};
pub use protocol::{API_VERSION, DhlExpressProtocol};

/// DHL Express's carrier id.
pub const CARRIER_ID: &str = "dhlexpress";

/// Reads a saved rates answer (any status) into rates, as the protocol does.
pub fn parse_rate_response(
    response: &shipmux_core::HttpResponse,
) -> shipmux_core::Result<Vec<shipmux_core::Rate>> {
    let answer = error::read(response, "rates")?;
    rate::response::parse(&answer)
}

/// Reads a saved error answer into the error it means.
pub fn parse_error_response(response: &shipmux_core::HttpResponse) -> shipmux_core::Error {
    error::from_response(response)
}
