//! # shipmux-host
//!
//! The host does all I/O for shipmux carriers (docs/design.md). A carrier adapter is a pure
//! [`CarrierProtocol`](shipmux_core::CarrierProtocol); [`HttpCarrier`] drives it over the shared
//! [`HttpDriver`] — connection pool, OAuth tokens, deadlines, retries, circuit breaker, rate
//! limit — and is a [`Carrier`](shipmux_core::Carrier) like any other.
//!
//! ```no_run
//! use std::time::Duration;
//! use shipmux_core::{Carrier, CarrierProtocol};
//! use shipmux_host::{HttpCarrier, HttpCarrierOptions, HttpDriver, RateLimit};
//!
//! # async fn example(protocol: impl CarrierProtocol, request: shipmux_core::RateRequest)
//! # -> shipmux_core::Result<()> {
//! // One driver per process: every carrier shares its connection pool and token cache.
//! let driver = HttpDriver::new()?;
//! let carrier = HttpCarrier::with_options(
//!     protocol,
//!     driver,
//!     HttpCarrierOptions {
//!         call_timeout: Duration::from_secs(5),
//!         rate_limit: Some(RateLimit::per_second(10).burst(20)),
//!         ..HttpCarrierOptions::default()
//!     },
//! );
//! for rate in carrier.quote(&request).await? {
//!     println!("{} {}: {}", rate.carrier, rate.service_name, rate.total);
//! }
//! # Ok(()) }
//! ```

pub mod builtin;
pub mod cache;
pub mod config;
pub mod fanout;
pub mod fetch_lease;
pub mod host;
pub mod http;
pub mod layers;
pub mod orders;
#[cfg(feature = "redis")]
pub mod redis;
pub mod registry;
pub mod resilience;
#[cfg(feature = "sandboxes")]
pub mod sandbox_fleet;
#[cfg(feature = "serve")]
pub mod serve;

pub use builtin::{Builtin, builtin, builtins, host_from_config, registry_from_config};
pub use cache::{CacheOptions, CacheSource, CacheStats, CachedCarrier, QuoteCache};
pub use config::Config;
pub use fanout::{FanOutOptions, FanOutQuote, Skipped, Stragglers, quote_all, quote_all_with};
pub use host::{Host, HostBuilder, HostOptions};
pub use http::{DriverOptions, HttpCarrier, HttpCarrierOptions, HttpDriver};
pub use registry::Registry;
pub use resilience::{
    AccountLimiter, BreakerOptions, CircuitBreaker, RateLimit, RetryBudget, RetryPolicy,
};
pub mod plugin;
