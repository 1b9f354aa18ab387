//! The HTTP target (`--server URL,…`): the workload's checkouts sent as `POST
//! {url}/v1/checkouts/quote` to running servers (`shipmux serve`, or anything that answers that
//! route), round-robin over the URLs, on one shared client that keeps its connections alive.

use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use shipmux_core::checkout::CheckoutQuote;
use shipmux_core::{Address, Error, ErrorKind};

use super::target::{Answer, HttpOutcome, Target};
use super::workload;
use crate::cli::error::CliError;

/// How long a quote may take before the client gives up on it (a transport `timeout`); the
/// server answers at its own quote deadline long before.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long each server has to become ready (`GET /readyz` 200) before the run.
const READY_WITHIN: Duration = Duration::from_secs(30);
/// Between two readiness checks of a server that is still connecting its carriers.
const READY_POLL: Duration = Duration::from_millis(25);
/// Up to this many distinct keys, every checkout's JSON body is built once before the run
/// (about 0.5 KB each); beyond it, per quote.
const PREBUILT_BODIES: u32 = 10_000;

/// `--server`'s value: an http(s) base URL, without a trailing `/`.
pub fn server_url(s: &str) -> Result<String, String> {
    let s = s.trim().trim_end_matches('/');
    let not_http = || format!("`{s}` is not an http(s) URL, e.g. http://127.0.0.1:8080");
    let url = url::Url::parse(s).map_err(|_| not_http())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(not_http());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{s}`: give the server's base URL, without ? or #"));
    }
    Ok(s.to_string())
}

/// The servers and the client that drives them.
pub struct Servers {
    /// Where the checkouts ship from.
    origin: Address,
    client: reqwest::Client,
    /// Each server's base URL, as given.
    pub bases: Vec<String>,
    /// Each server's quote URL.
    quote_urls: Vec<String>,
    /// `Authorization: Bearer <key>`, marked sensitive.
    auth: Option<HeaderValue>,
    /// Each key's body, when prebuilt.
    bodies: Option<Vec<Bytes>>,
}

/// The `{"error": Error}` body of an error answer.
#[derive(Deserialize)]
struct Problem {
    error: Error,
}

impl Servers {
    /// The client for `bases`: keep-alive with room for `concurrency` idle connections per
    /// server, no Nagle delay, HTTP/1.1 (what a checkout platform's client speaks).
    pub fn new(
        bases: Vec<String>,
        api_key: Option<&str>,
        concurrency: u32,
        distinct: u32,
        origin: Address,
    ) -> Result<Self, CliError> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency as usize)
            .tcp_nodelay(true)
            .http1_only()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| CliError::failed(format!("cannot build the HTTP client: {e}")))?;
        let auth = match api_key {
            Some(key) => {
                let mut v =
                    HeaderValue::from_str(&format!("Bearer {}", key.trim())).map_err(|_| {
                        CliError::usage("--api-key must be printable ASCII with no line breaks")
                    })?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        let bodies = if distinct <= PREBUILT_BODIES {
            Some(
                (0..u64::from(distinct))
                    .map(|key| body(&origin, key))
                    .collect::<Result<Vec<_>, _>>()?,
            )
        } else {
            None
        };
        let quote_urls = bases
            .iter()
            .map(|b| format!("{b}/v1/checkouts/quote"))
            .collect();
        Ok(Servers {
            origin,
            client,
            bases,
            quote_urls,
            auth,
            bodies,
        })
    }

    /// Waits until every server says it is ready (`GET /readyz` 200: its carriers' accounts
    /// connected), as a server that has been serving is. A server without `/readyz` (404) is
    /// taken as ready; one that cannot be reached, or is not ready in time, fails the run.
    pub async fn wait_ready(&self) -> Result<(), CliError> {
        for base in &self.bases {
            let url = format!("{base}/readyz");
            let started = Instant::now();
            loop {
                let answer = self
                    .client
                    .get(&url)
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await
                    .map_err(|e| CliError::failed(format!("cannot reach {base}: {e}")))?;
                let status = answer.status().as_u16();
                if matches!(status, 200 | 404) {
                    break;
                }
                if started.elapsed() >= READY_WITHIN {
                    let body = answer.text().await.unwrap_or_default();
                    return Err(CliError::failed(format!(
                        "{base} is not ready after {} s (GET /readyz: HTTP {status} {})",
                        READY_WITHIN.as_secs(),
                        body.trim()
                    )));
                }
                tokio::time::sleep(READY_POLL).await;
            }
        }
        Ok(())
    }
}

impl Target for Servers {
    type Request = Bytes;

    fn prepare(&self, key: u64) -> Result<Bytes, Error> {
        match &self.bodies {
            Some(bodies) => Ok(bodies[key as usize % bodies.len()].clone()),
            None => body(&self.origin, key),
        }
    }

    /// Posts the body to the next server in turn (`n` picks it).
    async fn quote(&self, n: u64, body: Bytes) -> Answer {
        let url = &self.quote_urls[(n % self.quote_urls.len() as u64) as usize];
        let mut request = self
            .client
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body);
        if let Some(auth) = &self.auth {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return transport_failure(&e),
        };
        let status = response.status().as_u16();
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return transport_failure(&e),
        };
        Answer {
            quote: read_answer(status, &bytes),
            http: Some(HttpOutcome::Status(status)),
        }
    }
}

/// The JSON body of workload key `key`'s checkout from `origin`.
fn body(origin: &Address, key: u64) -> Result<Bytes, Error> {
    let checkout = workload::checkout(origin, key)?;
    serde_json::to_vec(&checkout)
        .map(Bytes::from)
        .map_err(|e| Error::new(ErrorKind::Config, format!("load-test checkout: {e}")))
}

/// A quote from a 200, the server's own error from an error answer, or one made from the
/// status when the body is not the server's error JSON.
fn read_answer(status: u16, body: &[u8]) -> shipmux_core::Result<CheckoutQuote> {
    if status == 200 {
        return serde_json::from_slice(body).map_err(|e| {
            Error::parse(format!(
                "HTTP 200 with a body that is no CheckoutQuote: {e}"
            ))
        });
    }
    if let Ok(problem) = serde_json::from_slice::<Problem>(body) {
        return Err(problem.error);
    }
    let kind = match status {
        400 | 405 | 413 | 415 | 422 => ErrorKind::InvalidRequest,
        401 | 403 => ErrorKind::Unauthenticated,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        504 => ErrorKind::Timeout,
        500..=599 => ErrorKind::Unavailable,
        _ => ErrorKind::Parse,
    };
    Err(Error::new(kind, format!("HTTP {status}")))
}

/// The answer for a request that got no HTTP answer.
fn transport_failure(e: &reqwest::Error) -> Answer {
    let (what, kind) = if e.is_timeout() {
        ("timeout", ErrorKind::Timeout)
    } else if e.is_connect() {
        ("connect", ErrorKind::Unavailable)
    } else if e.is_body() || e.is_decode() {
        ("body", ErrorKind::Unavailable)
    } else {
        ("other", ErrorKind::Unavailable)
    };
    Answer {
        quote: Err(Error::new(kind, format!("no HTTP answer ({what}): {e}"))),
        http: Some(HttpOutcome::Transport(what)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_http_base_urls() {
        assert_eq!(
            server_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            server_url(" https://quotes.example/shipmux ").unwrap(),
            "https://quotes.example/shipmux"
        );
        assert!(server_url("127.0.0.1:8080").is_err());
        assert!(server_url("ftp://host").is_err());
        assert!(server_url("http://host/?x=1").is_err());
    }

    #[test]
    fn error_answers_keep_the_servers_error_or_say_the_status() {
        let e = read_answer(
            503,
            br#"{"error": {"kind": "unavailable", "message": "shed", "retryable": true}}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Unavailable, "shed")
        );
        let e = read_answer(404, b"not here").unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        let e = read_answer(200, b"{}").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse);
        let q = read_answer(200, br#"{"consignments": []}"#).unwrap();
        assert!(q.consignments.is_empty());
    }

    #[test]
    fn bodies_are_the_workloads_checkouts() {
        let b = body(&workload::default_origin(), 3).unwrap();
        let back: shipmux_core::checkout::Checkout = serde_json::from_slice(&b).unwrap();
        assert_eq!(
            back,
            workload::checkout(&workload::default_origin(), 3).unwrap()
        );
    }
}
