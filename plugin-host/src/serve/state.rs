//! What every handler shares: the host, the options, store accounts, metrics, readiness.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use shipmux_core::{Carrier, CarrierId, Error};
use tokio::sync::RwLock;

use super::metrics::Metrics;
use super::options::ServeOptions;
use super::tenants::Tenants;
use crate::host::Host;

/// The service's shared state.
#[derive(Debug)]
pub struct AppState {
    /// The host every quote goes through.
    pub host: Arc<Host>,
    /// What the service allows.
    pub options: ServeOptions,
    /// Stores' own carrier accounts.
    pub tenants: Arc<Tenants>,
    /// The metrics.
    pub metrics: Metrics,
    /// Whether the carriers' accounts have been connected.
    pub readiness: Readiness,
}

impl AppState {
    /// Each request's deadline: the quote deadline plus the margin.
    pub fn request_deadline(&self) -> Duration {
        self.host.options().quote_deadline + self.options.deadline_margin
    }
}

/// Connects `carrier` (fetches its token, checks its credentials), giving up after `within`.
pub async fn connect_within(carrier: &dyn Carrier, within: Duration) -> Result<(), Error> {
    tokio::time::timeout(within, carrier.connect())
        .await
        .unwrap_or_else(|_| {
            Err(Error::timeout(format!(
                "no answer to connect within {} ms",
                within.as_millis()
            )))
        })
}

/// Each carrier's connection at start-up (tokens fetched before the first checkout).
#[derive(Debug, Default)]
pub struct Readiness {
    done: AtomicBool,
    carriers: RwLock<Vec<(CarrierId, Option<Error>)>>,
}

impl Readiness {
    /// Records how connecting each carrier at start-up ended; from now on the service is
    /// done starting.
    pub async fn record(&self, outcomes: Vec<(CarrierId, Option<Error>)>) {
        *self.carriers.write().await = outcomes;
        self.done.store(true, Ordering::Release);
    }

    /// Whether the start-up connections have finished.
    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    /// Each carrier and its connection error, if any.
    pub async fn carriers(&self) -> Vec<(CarrierId, Option<Error>)> {
        self.carriers.read().await.clone()
    }
}
