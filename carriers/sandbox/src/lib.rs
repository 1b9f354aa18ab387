//! # shipmux-sandbox
//!
//! What every shipmux carrier simulator shares. A carrier writes an axum [`Router`] with its
//! real paths and response shapes; the kit serves it on `127.0.0.1` and wraps every route
//! with what tests and load tests need:
//!
//! - **latency** (fixed + seeded jitter) and **faults**, at random by rate or on demand
//!   ([`Sandbox::inject`], [`Sandbox::inject_at`], or `POST /_sandbox/faults` from another
//!   process). Faults are real at the HTTP and TCP level: a reset aborts the connection with
//!   an RST, a hang never answers, a truncated body declares more bytes than it sends, a slow
//!   drip trickles, an oversized body streams megabytes ([`Fault`]);
//! - **request counters** per endpoint ([`Sandbox::stats`], `GET /_sandbox/stats`);
//! - **OAuth tokens**: a [`TokenStore`] the carrier's own token endpoint issues from (any
//!   non-empty client id and secret unless one pair is expected; tokens expire after their
//!   TTL on tokio's clock), and [`TokenStore::protect`] to answer the carrier's own 401 on a
//!   missing or stale bearer token;
//! - a deterministic **price model** ([`price`]) and **tracking stories** ([`tracking`]), so
//!   the same request always gets the same answer, with no clock involved.
//!
//! ## Writing a carrier simulator
//!
//! ```
//! use axum::{Json, Router, http::StatusCode, response::IntoResponse, routing::{get, post}};
//! use serde_json::json;
//! use shipmux_sandbox::{Fault, Sandbox, SandboxOptions, basic_credentials};
//!
//! /// `shipmux_acme::sandbox::start` in a carrier crate.
//! async fn start(options: SandboxOptions) -> std::io::Result<Sandbox> {
//!     let builder = Sandbox::builder(options)
//!         // Injected 500/503/429 answers in the carrier's own error shape.
//!         .error_body(|status| {
//!             (status, Json(json!({"errors": [{"code": status.as_u16().to_string()}]})))
//!                 .into_response()
//!         });
//!     let tokens = builder.tokens();
//!     // API routes, guarded by the bearer check with the carrier's 401 body.
//!     let api = tokens.protect(
//!         Router::new().route("/track/{number}", get(|| async { Json(json!({"status": "D"})) })),
//!         |reason| (StatusCode::UNAUTHORIZED, Json(json!({"error": reason.to_string()})))
//!             .into_response(),
//!     );
//!     // The token endpoint, in the carrier's own shape.
//!     let token = Router::new().route(
//!         "/oauth/token",
//!         post(move |headers: axum::http::HeaderMap| {
//!             let tokens = tokens.clone();
//!             async move {
//!                 let (id, secret) = basic_credentials(&headers).unwrap_or_default();
//!                 match tokens.issue(&id, &secret) {
//!                     Ok(t) => Json(json!({
//!                         "access_token": t.access_token.expose(),
//!                         "expires_in": t.expires_in.as_secs(),
//!                     }))
//!                     .into_response(),
//!                     Err(_) => StatusCode::UNAUTHORIZED.into_response(),
//!                 }
//!             }
//!         }),
//!     );
//!     builder.serve(api.merge(token)).await
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = start(SandboxOptions::default()).await?;
//! let http = reqwest::Client::new();
//! let url = format!("{}/track/1Z0000", sandbox.base_url());
//!
//! // No token: the carrier's 401.
//! assert_eq!(http.get(&url).send().await?.status(), 401);
//!
//! let token: serde_json::Value = http
//!     .post(format!("{}/oauth/token", sandbox.base_url()))
//!     .basic_auth("client", Some("secret"))
//!     .send().await?.json().await?;
//! let bearer = token["access_token"].as_str().unwrap_or_default().to_string();
//! assert_eq!(http.get(&url).bearer_auth(&bearer).send().await?.status(), 200);
//!
//! // The next request to /track fails with a 503 and Retry-After.
//! sandbox.inject_at("/track", Fault::Status503 { retry_after_secs: Some(2) }, 1);
//! let r = http.get(&url).bearer_auth(&bearer).send().await?;
//! assert_eq!(r.status(), 503);
//! assert_eq!(r.headers()["retry-after"], "2");
//!
//! let stats = sandbox.stats();
//! assert_eq!(stats.requests("GET /track/{number}"), 3);
//! assert_eq!(stats.faults, 1);
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Routes are counted under `"METHOD /pattern"` as the carrier's router declares them.
//! Apply [`TokenStore::protect`] to the API routes *before* handing the router to
//! [`SandboxBuilder::serve`], so faults are decided before the bearer check (an injected
//! [`Fault::ExpiredToken`] then yields the carrier's real 401).

mod conn;
mod control;
mod descriptor;
mod faults;
mod form;
mod options;
mod precise_timer;
pub mod price;
mod server;
mod stats;
mod tokens;
pub mod tracking;

pub use axum::Router;
pub use conn::ConnHandle;
pub use descriptor::{SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SandboxDescriptor, Starting};
pub use faults::{ErrorBody, default_error_body};
pub use form::{form_fields, media_type};
pub use options::{Fault, FaultPlan, Latency, SandboxOptions};
pub use server::{CONTROL_PREFIX, Sandbox, SandboxBuilder};
pub use stats::{EndpointStats, Stats};
pub use tokens::{BearerRejection, IssuedToken, TokenRefusal, TokenStore, basic_credentials};
