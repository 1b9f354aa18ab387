//! The building blocks of a carrier that survives bad days: retry policy with a budget, circuit
//! breaker and per-account rate limiter. `HttpCarrier` uses them per HTTP request; the layers in
//! [`crate::layers`] use the same pieces per `Carrier` call.

mod breaker;
mod rate_limit;
mod retry;

pub use breaker::{BreakerOptions, BreakerPermit, CircuitBreaker};
pub use rate_limit::{AccountLimiter, RateLimit, SharedLimit, SharedLimits};
pub use retry::{RetryBudget, RetryPolicy};
