//! A FedEx simulator on the shipmux sandbox kit: FedEx's paths, OAuth, validation, error
//! bodies and response shapes, with deterministic prices and tracking stories.
//!
//! | path | what |
//! |---|---|
//! | `POST /oauth/token` | form body `grant_type=client_credentials&client_id=…&client_secret=…` → `{"access_token", "token_type": "bearer", "expires_in": 3600, "scope": "CXS"}` |
//! | `POST /rate/v1/rates/quotes` | FedEx's rate request (its official samples are accepted) → `output.rateReplyDetails[]` with ACCOUNT, LIST and PREFERRED_CURRENCY details |
//! | `POST /track/v1/trackingnumbers` | 1–30 numbers → `output.completeTrackResults[]`; unknown numbers get `TRACKING.TRACKINGNUMBER.NOTFOUND` inside the 200 |
//!
//! FedEx's published limits are enforced (the kit has no such limiter, so it lives here):
//! API calls beyond [`DEFAULT_RATE_LIMIT`](crate::DEFAULT_RATE_LIMIT) in a 10-second window
//! get FedEx's 429, and an IP that requests tokens too often gets 403 for ten minutes.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let sandbox = shipmux_fedex::sandbox::start(shipmux_sandbox::SandboxOptions::default()).await?;
//! let fedex = shipmux_fedex::Fedex::builder()
//!     .client_id("any-key")
//!     .client_secret("any-secret")
//!     .account_number("740561073")
//!     .base_url(sandbox.base_url())
//!     .build()
//!     .expect("valid settings");
//! assert!(fedex.config().base_url.starts_with("http://127.0.0.1:"));
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod limits;
mod rates;
mod reply;
mod request;
mod services;
mod token;
mod tracking;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::post;
use shipmux_sandbox::{BearerRejection, Router, Sandbox, SandboxOptions, TokenStore};

pub use limits::TokenThrottle;
pub use rates::answer as answer_rate_quote;
pub use tracking::is_known as knows_tracking_number;

use limits::{TokenGuard, TransactionWindow};

/// FedEx-specific sandbox settings, beyond the kit's [`SandboxOptions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FedexSandboxSettings {
    /// API transactions allowed per window (FedEx: 1,400 per 10 s per project).
    pub rate_limit: (u32, Duration),
    /// The token endpoint's per-IP thresholds.
    pub token_throttle: TokenThrottle,
}

impl Default for FedexSandboxSettings {
    fn default() -> Self {
        FedexSandboxSettings {
            rate_limit: crate::DEFAULT_RATE_LIMIT,
            token_throttle: TokenThrottle::default(),
        }
    }
}

/// What the handlers share.
pub(crate) struct SandboxState {
    tokens: TokenStore,
    token_guard: TokenGuard,
    window: TransactionWindow,
}

/// Serves FedEx's API on `127.0.0.1` (port from `options`, 0 for any) with FedEx's
/// published limits.
pub async fn start(options: SandboxOptions) -> std::io::Result<Sandbox> {
    start_with(options, FedexSandboxSettings::default()).await
}

/// Like [`start`], with other limits (small ones make limit tests fast).
pub async fn start_with(
    options: SandboxOptions,
    settings: FedexSandboxSettings,
) -> std::io::Result<Sandbox> {
    let builder = Sandbox::builder(options).error_body(reply::for_status);
    let state = Arc::new(SandboxState {
        tokens: builder.tokens(),
        token_guard: TokenGuard::new(settings.token_throttle),
        window: TransactionWindow::new(settings.rate_limit.0, settings.rate_limit.1),
    });
    let api = Router::new()
        .route(crate::RATE_PATH, post(rates::quote))
        .route(crate::TRACK_PATH, post(tracking::track));
    let api =
        state
            .tokens
            .protect(api, unauthorized)
            .route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                project_limit,
            ));
    let oauth = Router::new()
        .route(crate::TOKEN_PATH, post(token::issue))
        .with_state(state);
    let app = api
        .merge(oauth)
        .fallback(|| async { reply::for_status(StatusCode::NOT_FOUND) });
    builder.serve(app).await
}

/// FedEx's 401 for a missing, unknown or expired bearer token.
fn unauthorized(reason: BearerRejection) -> Response {
    let message = match reason {
        BearerRejection::Expired => {
            "Access token expired. Please modify your request and try again."
        }
        BearerRejection::Missing | BearerRejection::Unknown => {
            "The given client credentials were not valid. Please modify your request and try again."
        }
    };
    reply::error(StatusCode::UNAUTHORIZED, "NOT.AUTHORIZED.ERROR", message)
}

/// The per-project window, checked before the bearer token as FedEx's gateway does.
async fn project_limit(
    State(state): State<Arc<SandboxState>>,
    request: Request,
    next: Next,
) -> Response {
    if state.window.admit() {
        next.run(request).await
    } else {
        reply::error(
            StatusCode::TOO_MANY_REQUESTS,
            "TOO.MANY.REQUESTS",
            reply::TOO_MANY_REQUESTS,
        )
    }
}
