//! A USPS APIs v3 simulator on loopback, built on the `shipmux-sandbox` kit: USPS's paths,
//! OAuth with scopes, request validation with the error inventory's codes, Shipping Options
//! answers shaped like the official examples, the prices APIs, v3 and v3r2 tracking (207
//! multi-status), deterministic prices from the kit's model.
//!
//! Sandbox conventions worth knowing in tests:
//! - Tokens: JSON or form bodies, credentials in the body or as Basic; the app is entitled to
//!   [`ENTITLED_SCOPES`], a token carries the requested ones it is entitled to (all of them
//!   when `scope` is absent), and other scopes are left out rather than refused.
//! - Shipping Options can be switched off ([`ShippingOptionsAccess`]) to answer 403 or 404,
//!   as for an account without it, so the adapter's fallback to the prices APIs runs.
//! - Tracking numbers ending in `0000` are unknown (code `150002`); any other number has a
//!   deterministic story from the kit.
//! - A ZIP Code starting `000` has no zone (`030001`).

// Validation helpers return USPS's ready error `Response` as their `Err`: one per refused
// request, so its size does not matter.
#![allow(clippy::result_large_err)]

mod http;
mod model;
mod rates;
mod token;
mod tracking;
mod wire;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use shipmux_sandbox::{Sandbox, SandboxOptions};

pub use model::{MAX_WEIGHT_LB, UNKNOWN_TRACKING_SUFFIX};
pub use token::ENTITLED_SCOPES;

/// How the simulated account sees the Shipping Options API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShippingOptionsAccess {
    /// Served normally.
    #[default]
    Enabled,
    /// 403 "Access is denied": the app is not entitled to it.
    Forbidden,
    /// 404: the path does not exist for this account.
    NotFound,
}

/// USPS-specific switches on top of the kit's [`SandboxOptions`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UspsSandboxSettings {
    /// Whether Shipping Options answers.
    pub shipping_options: ShippingOptionsAccess,
}

impl UspsSandboxSettings {
    /// Settings with Shipping Options answering `access`.
    pub fn with_shipping_options(access: ShippingOptionsAccess) -> Self {
        UspsSandboxSettings {
            shipping_options: access,
        }
    }
}

/// Starts the USPS sandbox with default settings.
pub async fn start(options: SandboxOptions) -> std::io::Result<Sandbox> {
    start_with(options, UspsSandboxSettings::default()).await
}

/// Starts the USPS sandbox with USPS-specific settings.
pub async fn start_with(
    options: SandboxOptions,
    settings: UspsSandboxSettings,
) -> std::io::Result<Sandbox> {
    let builder = Sandbox::builder(options).error_body(|status: StatusCode| {
        let message = status.canonical_reason().unwrap_or("Error").to_string();
        http::usps_error(status, &status.as_u16().to_string(), &message, None)
    });
    let tokens = builder.tokens();
    let state = Arc::new(State {
        settings,
        scopes: Mutex::new(HashMap::new()),
    });
    let api = Router::new()
        .merge(rates::routes(state.clone()))
        .merge(tracking::routes(state.clone()));
    let api = tokens.protect(api, http::unauthorized);
    let app = api
        .merge(token::routes(tokens, state))
        .fallback(http::not_found);
    builder.serve(app).await
}

/// What the handlers share: the settings and the scopes granted to each token.
pub(crate) struct State {
    settings: UspsSandboxSettings,
    scopes: Mutex<HashMap<String, Vec<String>>>,
}

impl State {
    fn remember_scopes(&self, token: &str, scopes: Vec<String>) {
        self.scopes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token.to_string(), scopes);
    }

    /// Does the request's bearer token carry one of `scopes`?
    fn has_scope(&self, headers: &axum::http::HeaderMap, scopes: &[&str]) -> bool {
        let Some(token) = http::bearer(headers) else {
            return false;
        };
        self.scopes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&token)
            .is_some_and(|granted| granted.iter().any(|g| scopes.contains(&g.as_str())))
    }
}
