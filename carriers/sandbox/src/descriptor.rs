//! What a carrier crate says about its simulator: [`SandboxDescriptor`].
//!
//! The host's sandbox fleet (the CLI's embedded sandboxes, the end-to-end tests, the load
//! test) starts every built-in carrier's simulator and points a protocol at it through this
//! value, without naming the carrier.

use std::future::Future;
use std::pin::Pin;

use crate::{Sandbox, SandboxOptions};

/// A simulator being started.
pub type Starting = Pin<Box<dyn Future<Output = std::io::Result<Sandbox>> + Send>>;

/// How to run a carrier's simulator and talk to it.
#[derive(Clone, Copy)]
pub struct SandboxDescriptor {
    /// The carrier's id (the same as its `CarrierDescriptor`'s).
    pub id: &'static str,
    /// Starts the simulator on loopback. Simulators started this way do not enforce the
    /// carrier's published quota (a load test measures shipmux, not the quota); a client-side
    /// limit is the host's `rate_limit`.
    pub start: fn(SandboxOptions) -> Starting,
    /// The carrier's config section (JSON) for an account on the simulator at `base_url`,
    /// with credentials the simulator accepts. The same JSON configures the built-in carrier
    /// and, for a carrier that also ships as a plugin, the plugin.
    pub config: fn(base_url: &str) -> serde_json::Value,
    /// A fragment of the path of its rate endpoints, to count rate calls in its [`Stats`]
    /// (`/rating/`).
    ///
    /// [`Stats`]: crate::Stats
    pub rate_endpoint: &'static str,
}

impl SandboxDescriptor {
    /// The rate calls among a simulator's counters: the requests to its rate endpoints.
    pub fn rate_calls(&self, stats: &crate::Stats) -> u64 {
        stats.requests_matching(self.rate_endpoint)
    }
}

impl std::fmt::Debug for SandboxDescriptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxDescriptor")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Client id every simulator accepts in [`SandboxDescriptor::config`] (simulators accept any
/// non-empty pair unless a test sets one).
pub const SANDBOX_CLIENT_ID: &str = "shipmux-sandbox";
/// Client secret sent to simulators. Not a secret: they accept any non-empty one.
pub const SANDBOX_CLIENT_SECRET: &str = "sandbox-secret";
