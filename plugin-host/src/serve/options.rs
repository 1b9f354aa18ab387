//! What a [`Service`](super::Service) allows: keys, limits, deadlines, BigCommerce stores.

use std::collections::HashMap;
use std::time::Duration;

use shipmux_core::Secret;

/// How the service answers and what it lets in.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// API keys for `/v1` (`Authorization: Bearer <key>`); empty: `/v1` is open.
    pub api_keys: Vec<Secret>,
    /// The largest request body accepted, in bytes (larger: 413).
    pub body_limit: usize,
    /// Requests worked on at once; one more is shed at once with 503 and `Retry-After`
    /// (never queued without bound).
    pub max_in_flight: usize,
    /// Added to the host's quote deadline to give each request its own deadline (the quote
    /// answers at its deadline with what arrived; this is the backstop).
    pub deadline_margin: Duration,
    /// The BigCommerce Shipping Provider endpoints' settings.
    pub bigcommerce: BigCommerceOptions,
    /// Idle store accounts (from BigCommerce `connection_options`) are dropped after this.
    pub tenant_idle: Duration,
    /// At most this many store accounts are kept; the least recently used go first.
    pub max_tenants: u64,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            api_keys: Vec::new(),
            body_limit: 1024 * 1024,
            max_in_flight: 1024,
            deadline_margin: Duration::from_secs(1),
            bigcommerce: BigCommerceOptions::default(),
            tenant_idle: Duration::from_secs(15 * 60),
            max_tenants: 10_000,
        }
    }
}

/// The BigCommerce Shipping Provider endpoints' settings.
#[derive(Clone, Debug)]
pub struct BigCommerceOptions {
    /// Per store (`store_id`), the shared secret its requests carry in
    /// `connection_options.shipmux_secret`. When any store is listed, a request from a store
    /// not listed, or with the wrong secret, is refused (401). Empty: no check.
    pub store_secrets: HashMap<String, Secret>,
    /// How long BigCommerce may cache an answer (`ttl`, seconds; BigCommerce advises ≥ 5).
    pub ttl_seconds: u32,
    /// Line items one rate request may carry (more: 400).
    pub max_items: usize,
}

impl Default for BigCommerceOptions {
    fn default() -> Self {
        BigCommerceOptions {
            store_secrets: HashMap::new(),
            ttl_seconds: 300,
            max_items: 5_000,
        }
    }
}

impl ServeOptions {
    /// Whether requests must authenticate (API keys or store secrets are configured).
    pub fn authenticates(&self) -> bool {
        !self.api_keys.is_empty() || !self.bigcommerce.store_secrets.is_empty()
    }
}
