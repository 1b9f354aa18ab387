//! The host as an HTTP service (feature `serve`; `shipmux serve`, docs/serve.md).
//!
//! - BigCommerce's Shipping Provider API under `/bigcommerce` ([`bigcommerce`]).
//! - Our JSON API under `/v1` ([`v1`]), behind API keys when they are configured.
//! - `/healthz`, `/readyz`, `/metrics`.
//!
//! Every request is bounded: body size, a deadline, a limit of requests in flight past which
//! requests are shed with 503 and `Retry-After`. Bad input is a 4xx naming the field.
//!
//! ```no_run
//! # async fn example(host: shipmux_host::Host) -> std::io::Result<()> {
//! use std::sync::Arc;
//! use shipmux_host::serve::{ServeOptions, Service};
//!
//! let service = Service::new(Arc::new(host), ServeOptions::default(), None);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, service.router()).await
//! # }
//! ```

pub mod auth;
pub mod bigcommerce;
pub mod from_config;
pub mod health;
pub mod json;
pub mod limits;
pub mod metrics;
pub mod observe;
pub mod openapi;
pub mod options;
pub mod problem;
pub mod state;
pub mod tenants;
pub mod v1;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use shipmux_core::{CarrierId, Error, ErrorKind};

pub use options::{BigCommerceOptions, ServeOptions};
pub use tenants::AccountTemplate;

use self::metrics::Metrics;
use self::problem::Problem;
use self::state::{AppState, Readiness};
use self::tenants::Tenants;
use crate::host::Host;
use crate::http::HttpDriver;

/// The service: a host behind HTTP routes.
#[derive(Clone, Debug)]
pub struct Service {
    state: Arc<AppState>,
}

/// What stores' own accounts are built on: the driver and, per carrier, the operator's
/// account (endpoint and settings). Without it, stores can only use the operator's accounts.
#[derive(Debug)]
pub struct Accounts {
    /// The driver store accounts share (the host's carriers' driver).
    pub driver: HttpDriver,
    /// Per carrier, the operator's account.
    pub templates: BTreeMap<CarrierId, AccountTemplate>,
    /// The key of store accounts' scopes (their cache entries, rate limits and tokens): the
    /// same in every replica of a fleet (`Redis::fleet_key`), so they share them; `None`, a
    /// key of this process's own.
    pub scope_key: Option<[u8; 16]>,
}

impl Service {
    /// A service over `host`.
    /// With `accounts`, `/metrics` also counts what the carriers on its driver sent upstream.
    pub fn new(host: Arc<Host>, options: ServeOptions, accounts: Option<Accounts>) -> Self {
        let upstream = accounts.as_ref().map(|a| a.driver.stats().clone());
        let tenants = Arc::new(Tenants::new(
            accounts,
            options.max_tenants,
            options.tenant_idle,
        ));
        let counted = tenants.clone();
        let metrics = Metrics::new(host.cache().clone(), upstream, move || counted.len());
        Service {
            state: Arc::new(AppState {
                host,
                options,
                tenants,
                metrics,
                readiness: Readiness::default(),
            }),
        }
    }

    /// Warms the host up ([`Host::warm_up`]: every carrier's account connected, tokens
    /// fetched) so the first checkouts do not wait; `/readyz` answers 200 once this finished.
    pub async fn connect_carriers(&self, within: Duration) {
        let outcomes = self.state.host.warm_up(within).await;
        self.state.readiness.record(outcomes).await;
    }

    /// The shared state.
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// The routes.
    pub fn router(&self) -> Router {
        let state = &self.state;
        let v1 = Router::new()
            .route("/v1/rates", post(v1::rates))
            .route("/v1/checkouts/quote", post(v1::checkout_quote))
            .route("/v1/tracking/{number}", get(v1::tracking))
            .route("/v1/carriers", get(v1::carriers))
            .route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                auth::require_api_key,
            ));
        let bigcommerce = Router::new()
            .route("/bigcommerce/rate", post(bigcommerce::rate::rate))
            .route(
                "/bigcommerce/check_connection_options",
                post(bigcommerce::connection::check_connection_options),
            );
        let work = limits::bounded(v1.merge(bigcommerce), state);
        Router::new()
            .route("/healthz", get(health::healthz))
            .route("/readyz", get(health::readyz))
            .route("/metrics", get(metrics_text))
            .route("/openapi.json", get(openapi::openapi_json))
            .merge(work)
            .fallback(not_found)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                observe::observe,
            ))
            .layer(DefaultBodyLimit::max(state.options.body_limit))
            .with_state(state.clone())
    }
}

#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, body = String,
               content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8",
               description = "The metrics, in OpenMetrics text.")),
)]
async fn metrics_text(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn not_found() -> Problem {
    Problem::with_status(
        StatusCode::NOT_FOUND,
        Error::new(ErrorKind::NotFound, "no such route (see GET /openapi.json)"),
    )
}

/// Whether serving on `addr` without any authentication must be refused: any address but
/// loopback, unless the operator said so explicitly.
pub fn refuse_open_bind(
    addr: &SocketAddr,
    options: &ServeOptions,
    allow_open: bool,
) -> Option<String> {
    if addr.ip().is_loopback() || options.authenticates() || allow_open {
        return None;
    }
    Some(format!(
        "refusing to serve on {addr} with no API keys or store secrets: anyone who can reach it \
         could quote with your carrier accounts. Configure keys (SHIPMUX_API_KEYS or \
         [serve] api_keys), bind 127.0.0.1, or pass --allow-unauthenticated"
    ))
}
