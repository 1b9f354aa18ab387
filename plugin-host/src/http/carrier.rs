//! `HttpCarrier<P>`: the one generic driver that makes any [`CarrierProtocol`] a [`Carrier`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::future::{join_all, try_join_all};
use shipmux_core::protocol::MAX_ROUNDS;
use shipmux_core::{
    Auth, Carrier, CarrierInfo, CarrierProtocol, Error, ErrorKind, Exchange, HttpRequest,
    HttpResponse, Operation, Rate, RateRequest, Result, Secret, Step, Tracking, TrackingNumber,
};
use tokio::time::Instant;
use tracing::{Instrument, field};

use super::driver::{HttpDriver, redact_url};
use super::shared_token::shared_token;
use super::stats::CarrierCounters;
use super::token::TokenSlot;
use crate::resilience::{AccountLimiter, BreakerOptions, CircuitBreaker, RateLimit, RetryPolicy};

/// How an [`HttpCarrier`] calls its carrier. The defaults suit a real carrier API.
#[derive(Clone, Debug)]
pub struct HttpCarrierOptions {
    /// Deadline of one HTTP attempt.
    pub attempt_timeout: Duration,
    /// Deadline of a whole call (all rounds, retries, waits for tokens and permits).
    pub call_timeout: Duration,
    /// Retries of one HTTP request.
    pub retry: RetryPolicy,
    /// Circuit breaker; `None` disables it.
    pub breaker: Option<BreakerOptions>,
    /// Rate limit of this carrier account; `None` for no limit. Ignored when
    /// [`limiter`](Self::limiter) is set.
    pub rate_limit: Option<RateLimit>,
    /// A limiter shared with other carriers using the same account.
    pub limiter: Option<Arc<AccountLimiter>>,
    /// How long before expiry a token is refreshed.
    pub token_refresh_margin: Duration,
    /// Keeps this carrier's OAuth token apart from other carriers whose protocol gives the
    /// same token cache key — a store's own account, whose key names its client id but not its
    /// secret: the scope is a digest of all its credentials, so a store that knows another's
    /// client id never borrows its token.
    pub token_scope: Option<String>,
}

impl Default for HttpCarrierOptions {
    fn default() -> Self {
        HttpCarrierOptions {
            attempt_timeout: Duration::from_secs(10),
            call_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            breaker: Some(BreakerOptions::default()),
            rate_limit: None,
            limiter: None,
            token_refresh_margin: Duration::from_secs(60),
            token_scope: None,
        }
    }
}

/// Any [`CarrierProtocol`] as a [`Carrier`]: sends what the protocol builds through the shared
/// [`HttpDriver`], with OAuth tokens, deadlines, retries, a circuit breaker and a rate limit,
/// and hands every response back to the protocol to parse.
///
/// `P` may be unsized, so a plugin loaded at run time (`Arc<dyn CarrierProtocol>`) is driven
/// exactly like a built-in protocol; see [`HttpCarrier::from_arc`].
pub struct HttpCarrier<P: CarrierProtocol + ?Sized> {
    protocol: Arc<P>,
    info: CarrierInfo,
    auth: Auth,
    options: HttpCarrierOptions,
    breaker: Option<CircuitBreaker>,
    sender: Arc<Sender>,
}

/// What sending one request needs, shared with token fetches that run in their own task.
struct Sender {
    driver: HttpDriver,
    retry: RetryPolicy,
    attempt_timeout: Duration,
    token: Option<Arc<TokenSlot>>,
    limiter: Option<Arc<AccountLimiter>>,
    counters: Arc<CarrierCounters>,
    /// The account's name in shared state (tokens), for token carriers.
    account: Option<String>,
}

impl<P: CarrierProtocol + ?Sized> std::fmt::Debug for HttpCarrier<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCarrier")
            .field("carrier", &self.info.id)
            .field("auth", &self.auth)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<P: CarrierProtocol> HttpCarrier<P> {
    /// `protocol` with default options.
    pub fn new(protocol: P, driver: HttpDriver) -> Self {
        Self::from_arc(Arc::new(protocol), driver)
    }

    /// `protocol` with `options`.
    pub fn with_options(protocol: P, driver: HttpDriver, options: HttpCarrierOptions) -> Self {
        Self::from_arc_with_options(Arc::new(protocol), driver, options)
    }
}

impl<P: CarrierProtocol + ?Sized> HttpCarrier<P> {
    /// A shared (possibly unsized) protocol with default options.
    pub fn from_arc(protocol: Arc<P>, driver: HttpDriver) -> Self {
        Self::from_arc_with_options(protocol, driver, HttpCarrierOptions::default())
    }

    /// A shared (possibly unsized) protocol with `options`.
    pub fn from_arc_with_options(
        protocol: Arc<P>,
        driver: HttpDriver,
        options: HttpCarrierOptions,
    ) -> Self {
        let info = protocol.info();
        let auth = protocol.auth();
        let token = match &auth {
            Auth::OAuth2 { cache_key } => Some(match &options.token_scope {
                Some(scope) => driver
                    .tokens()
                    .slot(&info.id, &format!("{cache_key}#{scope}")),
                None => driver.tokens().slot(&info.id, cache_key),
            }),
            _ => None,
        };
        let breaker = options.breaker.clone().map(CircuitBreaker::new);
        let limiter = options.limiter.clone().or_else(|| {
            let limit = options.rate_limit?;
            Some(Arc::new(match &driver.options().shared_limits {
                Some(shared) => {
                    let account = shared_account(&info, &auth, &options);
                    AccountLimiter::shared(limit, shared.clone(), account)
                }
                None => AccountLimiter::new(limit),
            }))
        });
        let counters = driver.stats().carrier(&info.id);
        let account = token
            .is_some()
            .then(|| shared_account(&info, &auth, &options));
        let sender = Arc::new(Sender {
            driver,
            counters,
            account,
            retry: options.retry.clone(),
            attempt_timeout: options.attempt_timeout,
            token,
            limiter,
        });
        HttpCarrier {
            protocol,
            info,
            auth,
            options,
            breaker,
            sender,
        }
    }

    /// The protocol being driven.
    pub fn protocol(&self) -> &Arc<P> {
        &self.protocol
    }

    /// The options in use.
    pub fn options(&self) -> &HttpCarrierOptions {
        &self.options
    }

    /// How many token fetches this carrier's account has started (0 without OAuth).
    pub fn token_fetches(&self) -> u64 {
        self.sender.token.as_ref().map_or(0, |t| t.fetches())
    }

    /// Runs one operation under the call deadline, the circuit breaker and a tracing span,
    /// naming the carrier in every error.
    async fn call<T, F, Fut>(&self, operation: Operation, work: F) -> Result<T>
    where
        F: FnOnce(Instant) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let op = operation.as_str();
        let span = tracing::info_span!(
            "carrier_call",
            carrier = %self.info.id,
            op,
            status = field::Empty,
            attempt = field::Empty,
            latency_ms = field::Empty,
            outcome = field::Empty,
        );
        let started = Instant::now();
        let deadline = started + self.options.call_timeout;
        let result = async {
            let permit = match &self.breaker {
                Some(b) => Some(b.acquire().map_err(|wait| {
                    Error::new(
                        ErrorKind::Unavailable,
                        "circuit open after repeated failures; not calling the carrier",
                    )
                    .with_retry_after(Some(wait))
                })?),
                None => None,
            };
            let result = match tokio::time::timeout_at(deadline, work(deadline)).await {
                Ok(r) => r,
                Err(_) => Err(Error::timeout(format!(
                    "{op} took longer than the {} ms call deadline",
                    self.options.call_timeout.as_millis()
                ))),
            };
            if let Some(p) = permit {
                p.record(matches!(&result, Err(e) if e.is(ErrorKind::Unavailable) || e.is(ErrorKind::Timeout)));
            }
            result
        }
        .instrument(span.clone())
        .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        span.record(
            "outcome",
            match &result {
                Ok(_) => "ok",
                Err(e) => e.kind.as_str(),
            },
        );
        result.map_err(|e| self.finish_error(e, operation))
    }

    fn finish_error(&self, e: Error, operation: Operation) -> Error {
        let e = e.with_carrier(&self.info.id).in_operation(operation);
        if self.options.retry.max_attempts > 1 && e.retryable {
            // We already retried what could be retried; nobody above should again.
            e.retryable(false)
        } else {
            e
        }
    }

    /// Sends every request of every round until the protocol says `Done`.
    async fn exchange<T>(
        &self,
        first: Vec<HttpRequest>,
        deadline: Instant,
        parse: impl Fn(&Exchange) -> Result<Step<T>>,
    ) -> Result<T> {
        let mut requests = first;
        for round in 0..MAX_ROUNDS {
            let responses =
                try_join_all(requests.iter().map(|r| self.send(r, deadline, true))).await?;
            let exchange = Exchange {
                round,
                requests,
                responses,
            };
            match parse(&exchange)? {
                Step::Done(value) => return Ok(value),
                Step::Next(next) => requests = next,
            }
        }
        Err(Error::new(
            ErrorKind::Parse,
            format!("the protocol asked for more than {MAX_ROUNDS} rounds"),
        ))
    }

    /// The account's bearer token. A fetch runs in its own task, bounded by `deadline` of the
    /// call that starts it, so callers that give up meanwhile do not restart it.
    async fn bearer(&self, deadline: Instant) -> Result<Option<Secret>> {
        let Some(slot) = &self.sender.token else {
            return Ok(None);
        };
        let token = slot
            .get(self.options.token_refresh_margin, || {
                let (protocol, sender) = (self.protocol.clone(), self.sender.clone());
                let span = tracing::info_span!(
                    "token_fetch",
                    carrier = %self.info.id,
                    status = field::Empty,
                    attempt = field::Empty,
                );
                let shared = sender.driver.options().shared_tokens.clone();
                let account = sender.account.clone().unwrap_or_default();
                let margin = self.options.token_refresh_margin;
                async move {
                    let from_carrier = || async move {
                        sender.counters.token_fetch();
                        let request = protocol.build_token()?;
                        let response = sender.send_with(&request, deadline, no_token).await?;
                        protocol.parse_token(&response)
                    };
                    let token = match &shared {
                        Some(shared) => {
                            shared_token(shared.as_ref(), &account, margin, deadline, from_carrier)
                                .await
                        }
                        None => from_carrier().await,
                    };
                    token.map_err(|e| e.in_operation(Operation::Token))
                }
                .instrument(span)
            })
            .await?;
        Ok(Some(token))
    }

    /// Sends one request with the account's rate limit, the token, per-attempt deadlines,
    /// retries of retryable failures and one token refresh on 401. The final response, success
    /// or not, goes back to the protocol to parse.
    async fn send(
        &self,
        request: &HttpRequest,
        deadline: Instant,
        authorize: bool,
    ) -> Result<HttpResponse> {
        if authorize {
            self.sender
                .send_with(request, deadline, || self.bearer(deadline))
                .await
        } else {
            self.sender.send_with(request, deadline, no_token).await
        }
    }

    async fn track_chunk(
        &self,
        chunk: &[TrackingNumber],
        deadline: Instant,
    ) -> Vec<Result<Tracking>> {
        let result = async {
            let requests = self.protocol.build_track(chunk)?;
            self.exchange(requests, deadline, |ex| {
                self.protocol.parse_track(chunk, ex).map(Step::Done)
            })
            .await
        }
        .await;
        match result {
            Ok(results) if results.len() == chunk.len() => results,
            Ok(results) => {
                let e = Error::parse(format!(
                    "the protocol answered {} tracking results for {} numbers",
                    results.len(),
                    chunk.len()
                ));
                vec![Err(e); chunk.len()]
            }
            Err(e) => vec![Err(e); chunk.len()],
        }
    }
}

#[async_trait]
impl<P: CarrierProtocol + ?Sized> Carrier for HttpCarrier<P> {
    fn info(&self) -> &CarrierInfo {
        &self.info
    }

    async fn connect(&self) -> Result<()> {
        self.call(Operation::Connect, |deadline| async move {
            self.bearer(deadline).await?;
            match self.protocol.build_connect()? {
                Some(request) => {
                    let response = self.send(&request, deadline, true).await?;
                    self.protocol.parse_connect(&response)
                }
                None => Ok(()),
            }
        })
        .await
    }

    async fn quote(&self, request: &RateRequest) -> Result<Vec<Rate>> {
        self.call(Operation::Rate, |deadline| async move {
            request.validate()?;
            let dated;
            let request = if request.ship_date.is_none() && self.protocol.needs_ship_date() {
                dated = RateRequest {
                    ship_date: Some(chrono::Utc::now().date_naive()),
                    ..request.clone()
                };
                &dated
            } else {
                request
            };
            let requests = self.protocol.build_rate(request)?;
            let mut rates = self
                .exchange(requests, deadline, |ex| {
                    self.protocol.parse_rate(request, ex)
                })
                .await?;
            rates.retain(|r| request.wants_service(&r.service));
            Ok(rates)
        })
        .await
    }

    async fn track(&self, number: &TrackingNumber) -> Result<Tracking> {
        self.track_many(std::slice::from_ref(number))
            .await
            .pop()
            .unwrap_or_else(|| {
                Err(Error::parse("no tracking result")
                    .with_carrier(&self.info.id)
                    .in_operation(Operation::Track))
            })
    }

    async fn track_many(&self, numbers: &[TrackingNumber]) -> Vec<Result<Tracking>> {
        let size = self.protocol.track_batch_size().max(1);
        let chunks = numbers.chunks(size).map(|chunk| async move {
            let results = self
                .call(Operation::Track, |deadline| async move {
                    Ok(self.track_chunk(chunk, deadline).await)
                })
                .await;
            match results {
                Ok(results) => results
                    .into_iter()
                    .map(|r| r.map_err(|e| self.finish_error(e, Operation::Track)))
                    .collect(),
                Err(e) => vec![Err(e); chunk.len()],
            }
        });
        join_all(chunks).await.into_iter().flatten().collect()
    }
}

impl Sender {
    /// The retry loop of [`HttpCarrier::send`], with the token taken from `token` (generic so
    /// that fetching a token, which sends without one, is not a recursive future).
    async fn send_with<Fut>(
        &self,
        request: &HttpRequest,
        deadline: Instant,
        token: impl Fn() -> Fut,
    ) -> Result<HttpResponse>
    where
        Fut: Future<Output = Result<Option<Secret>>>,
    {
        let policy = &self.retry;
        policy.budget.deposit();
        let mut attempt = 0u32;
        let mut refreshed = false;
        loop {
            attempt += 1;
            if let Some(limiter) = &self.limiter {
                match limiter.acquire(Some(deadline)).await {
                    Ok(waited) if waited.is_zero() => {}
                    Ok(waited) => self.counters.limit_wait(waited),
                    Err(e) => {
                        self.counters.limit_refusal();
                        return Err(e);
                    }
                }
            }
            let token = token().await?;
            let remaining = deadline.saturating_duration_since(Instant::now());
            let started = Instant::now();
            self.counters.attempt();
            let outcome = self
                .driver
                .send_authorized(request, token.as_ref(), self.attempt_timeout.min(remaining))
                .await;
            let latency_ms = started.elapsed().as_millis() as u64;
            let span = tracing::Span::current();
            span.record("attempt", attempt);
            let failure = match outcome {
                Ok(response) => {
                    span.record("status", response.status);
                    tracing::debug!(
                        attempt,
                        status = response.status,
                        latency_ms,
                        url = %redact_url(&request.url),
                        "http attempt"
                    );
                    if response.status == 401
                        && !refreshed
                        && let (Some(slot), Some(t)) = (&self.token, &token)
                    {
                        self.counters.failure(ErrorKind::Unauthenticated);
                        refreshed = true;
                        attempt -= 1;
                        slot.invalidate(t);
                        if let (Some(shared), Some(account)) =
                            (&self.driver.options().shared_tokens, &self.account)
                        {
                            shared.invalidate(account, t).await;
                        }
                        continue;
                    }
                    if response.is_success() {
                        return Ok(response);
                    }
                    let e = Error::from_status(response.status, "");
                    self.counters.failure(e.kind);
                    match e {
                        e if !e.retryable => return Ok(response),
                        e => {
                            let e = e.with_retry_after(response.retry_after());
                            if let (Some(limiter), Some(after), true) = (
                                &self.limiter,
                                response.retry_after(),
                                e.is(ErrorKind::RateLimited),
                            ) {
                                // Every process sharing the limit backs off, not just this call.
                                limiter.push_back(after).await;
                            }
                            let remaining = deadline.saturating_duration_since(Instant::now());
                            match policy.delay_before_retry(attempt, &e, remaining) {
                                Some(wait) => wait,
                                None => return Ok(response),
                            }
                        }
                    }
                }
                Err(e) => {
                    self.counters.failure(e.kind);
                    tracing::debug!(
                        attempt,
                        latency_ms,
                        error = %e,
                        url = %redact_url(&request.url),
                        "http attempt failed"
                    );
                    let remaining = deadline.saturating_duration_since(Instant::now());
                    match policy.delay_before_retry(attempt, &e, remaining) {
                        Some(wait) => wait,
                        None => return Err(e),
                    }
                }
            };
            tokio::time::sleep(failure).await;
        }
    }
}

/// The name of a carrier account's shared rate limit: the carrier and what tells its
/// accounts apart (the token cache key, which names the client id, never a secret; a store
/// account's digest scope).
fn shared_account(info: &CarrierInfo, auth: &Auth, options: &HttpCarrierOptions) -> String {
    let account = match auth {
        Auth::OAuth2 { cache_key } => cache_key.as_str(),
        _ => "default",
    };
    match &options.token_scope {
        Some(scope) => format!("{}:{account}#{scope}", info.id),
        None => format!("{}:{account}", info.id),
    }
}

async fn no_token() -> Result<Option<Secret>> {
    Ok(None)
}
