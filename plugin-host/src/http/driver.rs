//! `HttpDriver`: one shared reqwest client (rustls, HTTP/1.1 and HTTP/2, connection pool) that
//! sends one attempt of an [`HttpRequest`] with a deadline and a cap on the answer's size.

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::{Error, ErrorKind, HttpRequest, HttpResponse, Method, Result, Secret};

use super::shared_token::SharedTokens;
use super::stats::UpstreamStats;
use super::token::TokenCache;
use crate::resilience::SharedLimits;

/// How the shared client behaves.
#[derive(Clone, Debug)]
pub struct DriverOptions {
    /// Largest response body accepted; a larger one is an error, never an out-of-memory.
    pub max_body_bytes: usize,
    /// Deadline for opening a connection (TCP + TLS).
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept.
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host.
    pub pool_max_idle_per_host: usize,
    /// `User-Agent` sent with every request.
    pub user_agent: String,
    /// Rate limits shared with other processes: every carrier on this driver with a rate
    /// limit keeps it there (see [`SharedLimits`]); `None` for limits of this process alone.
    pub shared_limits: Option<SharedLimits>,
    /// OAuth tokens shared with other processes: one fetch per account for all of them
    /// (see [`SharedTokens`]); `None` for tokens of this process alone.
    pub shared_tokens: Option<std::sync::Arc<dyn SharedTokens>>,
}

impl Default for DriverOptions {
    fn default() -> Self {
        DriverOptions {
            max_body_bytes: 8 * 1024 * 1024,
            connect_timeout: Duration::from_secs(5),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 64,
            user_agent: concat!("shipmux/", env!("CARGO_PKG_VERSION")).to_string(),
            shared_limits: None,
            shared_tokens: None,
        }
    }
}

/// How many parsed URLs a driver keeps: carriers send to a handful of URLs over and over.
const PARSED_URLS: usize = 256;

struct Inner {
    client: reqwest::Client,
    /// URLs already parsed, by their text (parsing one costs more than the rest of building
    /// the request).
    urls: quick_cache::sync::Cache<String, reqwest::Url>,
    options: DriverOptions,
    tokens: TokenCache,
    stats: Arc<UpstreamStats>,
}

/// Sends HTTP requests for every carrier. Cheap to clone (all clones share one connection pool
/// and one token cache); create one per process.
#[derive(Clone)]
pub struct HttpDriver {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpDriver")
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl HttpDriver {
    /// A driver with default options.
    pub fn new() -> Result<Self> {
        Self::with_options(DriverOptions::default())
    }

    /// A driver with `options`.
    pub fn with_options(options: DriverOptions) -> Result<Self> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(options.connect_timeout)
            .pool_idle_timeout(options.pool_idle_timeout)
            .pool_max_idle_per_host(options.pool_max_idle_per_host)
            .user_agent(options.user_agent.clone())
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpDriver {
            inner: Arc::new(Inner {
                client,
                urls: quick_cache::sync::Cache::new(PARSED_URLS),
                options,
                tokens: TokenCache::default(),
                stats: Arc::default(),
            }),
        })
    }

    /// The options in use.
    pub fn options(&self) -> &DriverOptions {
        &self.inner.options
    }

    /// The OAuth token cache shared by every carrier on this driver.
    pub fn tokens(&self) -> &TokenCache {
        &self.inner.tokens
    }

    /// What the carriers on this driver sent and how it went, per carrier.
    pub fn stats(&self) -> &Arc<UpstreamStats> {
        &self.inner.stats
    }

    /// Sends one attempt of `request`, giving up after `timeout`. Transport failures are
    /// retryable `unavailable` / `timeout` errors; any HTTP status is a response (mapping
    /// statuses is the caller's job). Errors never contain the query string or headers.
    pub async fn send(&self, request: &HttpRequest, timeout: Duration) -> Result<HttpResponse> {
        self.send_authorized(request, None, timeout).await
    }

    /// [`send`](Self::send) with `Authorization: Bearer <token>` added when `bearer` is given
    /// (marked sensitive), without copying the request to add it.
    pub async fn send_authorized(
        &self,
        request: &HttpRequest,
        bearer: Option<&Secret>,
        timeout: Duration,
    ) -> Result<HttpResponse> {
        match tokio::time::timeout(timeout, self.send_inner(request, bearer)).await {
            Ok(result) => result,
            Err(_) => Err(Error::timeout(format!(
                "no answer from {} within {} ms",
                redact_url(&request.url),
                timeout.as_millis()
            ))),
        }
    }

    /// `text` parsed as a URL, kept for the next request to it.
    fn url(&self, text: &str) -> Result<reqwest::Url> {
        if let Some(url) = self.inner.urls.get(text) {
            return Ok(url);
        }
        let url = reqwest::Url::parse(text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "the protocol built an invalid URL {}: {e}",
                    redact_url(text)
                ),
            )
            .retryable(false)
        })?;
        self.inner.urls.insert(text.to_string(), url.clone());
        Ok(url)
    }

    async fn send_inner(
        &self,
        request: &HttpRequest,
        bearer: Option<&Secret>,
    ) -> Result<HttpResponse> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let url = self.url(&request.url)?;
        let mut builder = self.inner.client.request(method, url);
        for (name, value) in &request.headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes());
            let value = reqwest::header::HeaderValue::from_str(value);
            match (name, value) {
                (Ok(n), Ok(mut v)) => {
                    if is_sensitive(n.as_str()) {
                        v.set_sensitive(true);
                    }
                    builder = builder.header(n, v);
                }
                _ => {
                    return Err(Error::new(
                        ErrorKind::InvalidRequest,
                        "the protocol built an invalid header",
                    )
                    .retryable(false));
                }
            }
        }
        if let Some(token) = bearer {
            let mut v =
                reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| {
                        Error::new(
                            ErrorKind::InvalidRequest,
                            "the protocol built an invalid header",
                        )
                        .retryable(false)
                    })?;
            v.set_sensitive(true);
            builder = builder.header(reqwest::header::AUTHORIZATION, v);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| transport_error(&request.url, e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let cap = self.inner.options.max_body_bytes;
        let too_large = || {
            Error::new(
                ErrorKind::Parse,
                format!(
                    "answer from {} is larger than the {cap}-byte limit",
                    redact_url(&request.url)
                ),
            )
        };
        let announced = response.content_length();
        if announced.is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(announced.map_or(0, |n| n as usize));
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(&request.url, e))?
        {
            if body.len() + chunk.len() > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

fn is_sensitive(header: &str) -> bool {
    [
        "authorization",
        "x-api-key",
        "cookie",
        "proxy-authorization",
        "x-auth-token",
    ]
    .iter()
    .any(|s| header.eq_ignore_ascii_case(s))
}

fn transport_error(url: &str, e: reqwest::Error) -> Error {
    let e = e.without_url();
    let what = if e.is_connect() {
        "cannot connect to"
    } else if e.is_body() || e.is_decode() {
        "connection broke while reading the answer from"
    } else {
        "request failed to"
    };
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    let mut detail = e.to_string();
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    if e.is_timeout() {
        return Error::timeout(format!("{what} {}: {detail}", redact_url(url)));
    }
    Error::new(
        ErrorKind::Unavailable,
        format!("{what} {}: {detail}", redact_url(url)),
    )
}

/// A URL without its query string or user info, fit for logs and errors (some carriers take
/// keys in the query).
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            u.set_query(None);
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "<invalid url>".to_string(),
    }
}
