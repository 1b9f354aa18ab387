//! Get Rates: `POST /rs/ship/price` with a `<mailing-scenario>` (rate-v4), one request per
//! parcel ([`request`]), and the `<price-quotes>` answers → [`Rate`](shipmux_core::Rate)s
//! ([`response`]), as docs/carriers/canadapost.md says.

mod request;
mod response;

pub use request::build;
pub use response::parse;

/// The rate API's media type (both `Accept` and `Content-Type`).
pub const RATE_MEDIA_TYPE: &str = "application/vnd.cpc.ship.rate-v4+xml";
/// The rate request's namespace.
pub const RATE_NAMESPACE: &str = "http://www.canadapost.ca/ws/ship/rate-v4";
