//! The host's only I/O: [`HttpDriver`] sends what protocols describe, [`HttpCarrier`] turns any
//! [`CarrierProtocol`](shipmux_core::CarrierProtocol) into a [`Carrier`](shipmux_core::Carrier).

mod carrier;
mod driver;
mod shared_token;
mod stats;
mod token;

pub use carrier::{HttpCarrier, HttpCarrierOptions};
pub use driver::{DriverOptions, HttpDriver, redact_url};
pub use shared_token::{FETCH_LEASE, SharedTokens, shared_token};
pub use stats::{CarrierCounters, UpstreamSnapshot, UpstreamStats};
pub use token::{TokenCache, TokenSlot};
