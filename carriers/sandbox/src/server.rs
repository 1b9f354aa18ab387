//! The sandbox server: wraps a carrier's router with counters, latency, faults and the
//! `/_sandbox` control endpoints, and serves it on loopback.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::conn::{ConnHandle, SandboxListener};
use crate::control;
use crate::faults::{self, Decider, ErrorBody, Injection};
use crate::options::{Fault, FaultPlan, Latency, SandboxOptions};
use crate::precise_timer;
use crate::stats::{Counters, Stats};
use crate::tokens::TokenStore;

/// The prefix of the control endpoints; never counted, delayed or faulted.
pub const CONTROL_PREFIX: &str = "/_sandbox";

/// State shared by the middleware, the control endpoints and the [`Sandbox`] handle.
pub(crate) struct Shared {
    pub(crate) counters: Counters,
    pub(crate) tokens: TokenStore,
    pub(crate) decider: Mutex<Decider>,
    pub(crate) error_body: ErrorBody,
    pub(crate) shutdown: watch::Receiver<bool>,
    pub(crate) oversized_bytes: usize,
    pub(crate) drip_interval: std::time::Duration,
}

impl Shared {
    pub(crate) fn decider(&self) -> std::sync::MutexGuard<'_, Decider> {
        self.decider.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn stats(&self) -> Stats {
        self.counters.snapshot(self.tokens.issued_count())
    }
}

/// Prepares a sandbox: hands the carrier its [`TokenStore`] to build its router with, then
/// serves that router. See the crate docs for a whole example.
pub struct SandboxBuilder {
    options: SandboxOptions,
    tokens: TokenStore,
    error_body: ErrorBody,
}

impl SandboxBuilder {
    /// The token store the carrier's token endpoint issues from and its routes check.
    pub fn tokens(&self) -> TokenStore {
        self.tokens.clone()
    }

    /// The options the sandbox was started with.
    pub fn options(&self) -> &SandboxOptions {
        &self.options
    }

    /// The carrier's own error body for the status faults (500, 503, 429), so injected
    /// errors look like the carrier's. `Retry-After` is added by the kit.
    pub fn error_body<F>(mut self, body: F) -> Self
    where
        F: Fn(StatusCode) -> Response + Send + Sync + 'static,
    {
        self.error_body = Arc::new(body);
        self
    }

    /// Binds `127.0.0.1:port` and serves `carrier` (the carrier's real paths) wrapped with
    /// counters, latency and faults, plus the `/_sandbox` control endpoints.
    pub async fn serve(self, carrier: Router) -> io::Result<Sandbox> {
        let listener = SandboxListener::bind(self.options.port).await?;
        let addr = axum::serve::Listener::local_addr(&listener)?.peer;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            counters: Counters::default(),
            tokens: self.tokens,
            decider: Mutex::new(Decider::new(
                self.options.faults.clone(),
                self.options.latency,
                self.options.seed,
            )),
            error_body: self.error_body,
            shutdown: shutdown_rx.clone(),
            oversized_bytes: self.options.oversized_bytes,
            drip_interval: self.options.drip_interval,
        });
        let carrier = carrier.route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            carrier_route_layer,
        ));
        let app = carrier.merge(control::routes(shared.clone())).layer(
            axum::middleware::from_fn_with_state(shared.clone(), count_unmatched),
        );
        let mut signal = shutdown_rx;
        let server = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<ConnHandle>(),
        )
        .with_graceful_shutdown(async move {
            let _ = signal.wait_for(|down| *down).await;
        });
        let task = tokio::spawn(async move {
            if let Err(e) = server.await {
                tracing::warn!("sandbox server stopped: {e}");
            }
        });
        Ok(Sandbox {
            addr,
            shared,
            shutdown: shutdown_tx,
            task: Some(task),
        })
    }
}

/// A running sandbox. Dropping it stops the server (in the background); call
/// [`Sandbox::shutdown`] to wait until it has stopped.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts preparing a sandbox with `options`.
    pub fn builder(options: SandboxOptions) -> SandboxBuilder {
        let tokens = TokenStore::new(options.token_ttl, options.credentials.clone(), options.seed);
        SandboxBuilder {
            options,
            tokens,
            error_body: faults::default_error_body(),
        }
    }

    /// `http://127.0.0.1:<port>` — point the carrier's base URL here.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A snapshot of the request counters.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Zeroes the request counters.
    pub fn reset_stats(&self) {
        self.shared.counters.reset();
    }

    /// The next `count` carrier requests (any path) fail with `fault`.
    pub fn inject(&self, fault: Fault, count: u32) {
        self.shared.decider().inject(Injection {
            path_prefix: None,
            fault,
            remaining: count,
        });
    }

    /// The next `count` requests whose path starts with `path_prefix` fail with `fault`.
    pub fn inject_at(&self, path_prefix: &str, fault: Fault, count: u32) {
        self.shared.decider().inject(Injection {
            path_prefix: Some(path_prefix.to_string()),
            fault,
            remaining: count,
        });
    }

    /// Forgets every pending on-demand fault.
    pub fn clear_faults(&self) {
        self.shared.decider().clear();
    }

    /// How many on-demand faults are still waiting for a request.
    pub fn pending_faults(&self) -> u32 {
        self.shared.decider().pending()
    }

    /// Replaces the random fault plan.
    pub fn set_fault_plan(&self, plan: FaultPlan) {
        self.shared.decider().set_plan(plan);
    }

    /// Replaces the latency.
    pub fn set_latency(&self, latency: Latency) {
        self.shared.decider().set_latency(latency);
    }

    /// The token store (to expire tokens or change their life).
    pub fn tokens(&self) -> &TokenStore {
        &self.shared.tokens
    }

    /// Expires every issued token now.
    pub fn expire_tokens(&self) {
        self.shared.tokens.expire_all();
    }

    /// Stops accepting, ends hanging and dripping answers, and waits for the server to stop.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Marks a request as having matched a carrier route (set by the route layer).
#[derive(Clone, Default)]
struct Matched(Arc<std::sync::atomic::AtomicBool>);

/// Outer layer: counts requests that matched no carrier route under `"unmatched"`.
async fn count_unmatched(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with(CONTROL_PREFIX) {
        return next.run(request).await;
    }
    let matched = Matched::default();
    request.extensions_mut().insert(matched.clone());
    let response = next.run(request).await;
    if !matched.0.load(std::sync::atomic::Ordering::SeqCst) {
        shared.counters.request("unmatched");
    }
    response
}

/// Route layer on every carrier route: count, then answer after the delay — or fault.
async fn carrier_route_layer(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(m) = request.extensions().get::<Matched>() {
        m.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    let pattern = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| request.uri().path().to_string());
    let endpoint = format!("{} {}", request.method(), pattern);
    shared.counters.request(&endpoint);
    let (delay, fault) = shared.decider().decide(request.uri().path());
    // The latency is the time from the request's arrival to its answer, as a real carrier's
    // response time includes its own work: the handler runs first, then the answer waits for
    // what is left of the delay (on a timer finer than tokio's whole milliseconds).
    let answer_at = std::time::Instant::now() + delay;
    let Some(fault) = fault else {
        let response = next.run(request).await;
        precise_timer::sleep_until(answer_at).await;
        return response;
    };
    precise_timer::sleep_until(answer_at).await;
    shared.counters.fault(&endpoint, fault.name());
    tracing::debug!(endpoint, fault = fault.name(), "sandbox fault");
    let conn = request
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|c| c.0.clone());
    match fault {
        Fault::Hang => {
            let mut down = shared.shutdown.clone();
            let _ = down.wait_for(|d| *d).await;
            if let Some(conn) = conn {
                conn.reset();
            }
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Fault::ConnectionReset => {
            if let Some(conn) = conn {
                conn.reset();
            }
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Fault::Status500 => {
            faults::status_response(&shared.error_body, StatusCode::INTERNAL_SERVER_ERROR, None)
        }
        Fault::Status503 { retry_after_secs } => faults::status_response(
            &shared.error_body,
            StatusCode::SERVICE_UNAVAILABLE,
            retry_after_secs,
        ),
        Fault::Status429 { retry_after_secs } => faults::status_response(
            &shared.error_body,
            StatusCode::TOO_MANY_REQUESTS,
            retry_after_secs,
        ),
        Fault::WrongContentType => faults::wrong_content_type(),
        Fault::OversizedBody => faults::oversized(shared.oversized_bytes, shared.shutdown.clone()),
        Fault::ExpiredToken => {
            shared.tokens.expire_all();
            next.run(request).await
        }
        Fault::MalformedBody | Fault::TruncatedBody | Fault::SlowDrip => {
            let (parts, body) = next.run(request).await.into_parts();
            let real = match axum::body::to_bytes(body, usize::MAX).await {
                Ok(bytes) => bytes,
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            };
            match fault {
                Fault::MalformedBody => faults::malformed(&real),
                Fault::TruncatedBody => faults::truncated(parts, real),
                _ => faults::slow_drip(parts, real, shared.drip_interval, shared.shutdown.clone()),
            }
        }
    }
}
