//! Rate quotes: `POST /rate/v1/rates/quotes` (`request.rs`), and FedEx's answer read as
//! docs/carriers/fedex.md says (`response.rs`).

mod request;
mod response;

pub use request::build_rate;
pub use response::parse_rate;

/// The rate path.
pub const RATE_PATH: &str = "/rate/v1/rates/quotes";

/// FedEx's limit on packages in one rate request.
pub const MAX_PACKAGES: usize = 100;
