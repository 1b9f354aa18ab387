//! Layers: `Arc<dyn Carrier>` in, `Arc<dyn Carrier>` out (OpenDAL's layers, tower's
//! middleware). Each one forwards every `Carrier` method, so wrapping never loses behaviour.
//!
//! Stack them outermost first with [`stack`]; `docs/host.md` ("Layer order") says which order
//! and why. The recommended order, outermost to innermost:
//!
//! ```text
//! Timeout → Retry → CircuitBreaker → RateLimit → ConcurrencyLimit → (Chaos) → carrier
//! ```
//!
//! [`ShipFromLayer`] is not about calls but about the shipment: it gives one carrier account
//! an origin of its own (a warehouse), and can sit anywhere in the stack.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use shipmux_core::{Carrier, testkit::TableCarrier};
//! use shipmux_host::layers::{self, ConcurrencyLimitLayer, RetryLayer, TimeoutLayer};
//! use shipmux_host::RetryPolicy;
//!
//! let carrier: Arc<dyn Carrier> = Arc::new(TableCarrier::example());
//! let carrier = layers::stack(carrier, &[
//!     &TimeoutLayer::new(Duration::from_secs(3)),
//!     &RetryLayer::new(RetryPolicy::default()),
//!     &ConcurrencyLimitLayer::new(32),
//! ]);
//! assert_eq!(carrier.info().id.as_str(), "table");
//! ```

mod around;
mod breaker;
mod chaos;
mod concurrency;
mod rate_limit;
mod retry;
mod ship_from;
mod timeout;

use std::sync::Arc;

use shipmux_core::Carrier;

pub use breaker::CircuitBreakerLayer;
pub use chaos::ChaosLayer;
pub use concurrency::ConcurrencyLimitLayer;
pub use rate_limit::RateLimitLayer;
pub use retry::RetryLayer;
pub use ship_from::ShipFromLayer;
pub use timeout::TimeoutLayer;

/// Something that wraps a carrier in another carrier.
pub trait Layer: Send + Sync {
    /// Wraps `inner`.
    fn layer(&self, inner: Arc<dyn Carrier>) -> Arc<dyn Carrier>;
}

/// Wraps `carrier` in `layers`, the first listed outermost.
pub fn stack(carrier: Arc<dyn Carrier>, layers: &[&dyn Layer]) -> Arc<dyn Carrier> {
    layers
        .iter()
        .rev()
        .fold(carrier, |inner, layer| layer.layer(inner))
}
