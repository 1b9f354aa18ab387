//! UPS Rating v2409: our [`RateRequest`](shipmux_core::RateRequest) →
//! `POST /api/rating/v2409/{Rate|Shop}timeintransit` (`request.rs`), and the `RateResponse` →
//! [`Rate`](shipmux_core::Rate)s (`response.rs`), as docs/carriers/ups.md says.

mod request;
mod response;

#[cfg(feature = "sandbox")]
pub(crate) use request::AsText;
pub use request::{build_rate, request_option, transaction_id};
pub use response::parse_rate;

/// UPS takes at most this many packages in one shipment.
pub const MAX_PACKAGES: usize = 200;
