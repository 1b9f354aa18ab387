//! `--floor`: the yardstick measured in the same run, through the same harness, with none of
//! shipmux's work. A ratio to it survives a change of machine; an absolute figure does not.
//!
//! - Cache off, [`HttpFloor`]: each quote sends the same rate calls to the same sandboxes —
//!   built once (with a token fetched once), sent with a plain keep-alive `reqwest` client,
//!   every carrier at once, bodies read and dropped: no zones, packing, rate limits, retries,
//!   parsing or pricing. It runs twice: as that (`http`), and with each answer also read as
//!   JSON by serde_json — every byte scanned and its syntax checked, nothing built
//!   (`http+json`) — the least that any client using the answers must do. The carriers'
//!   answers run to tens of kilobytes, so the gap between the two is a large part of the
//!   first floor's cost, and the second says how much of our cost is reading at all.
//! - Cache on, [`LookupFloor`]: each quote clones a precomputed answer out of a plain
//!   `HashMap` — what an ideal cache hit costs in this harness, so the harness's own cost is
//!   visible.
//!
//! Both floors are handed the same input as shipmux — the workload's checkout for the key,
//! built by the harness for every quote and dropped after it — so that building the input is
//! charged to both sides alike.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use shipmux_core::checkout::{Checkout, CheckoutQuote};
use shipmux_core::{Auth, CarrierProtocol, Error, ErrorKind, Parcel, RateRequest, Result};
use shipmux_host::{Host, HttpDriver};

use super::report::Report;
use super::runner::Run;
use super::target::{Answer, Target};
use super::workload;
use crate::cli::error::CliError;

/// Which floor ran, and what it measured beside the shipmux run.
#[derive(Debug, Serialize)]
pub struct FloorReport {
    /// `http` or `http+json` (cache off), or `lookup` (cache on).
    pub kind: &'static str,
    pub quotes: u64,
    pub quotes_per_s: f64,
    /// CPU milliseconds per quote (this process's, like the shipmux run's).
    pub cpu_ms_per_quote: Option<f64>,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// shipmux's figure over the floor's.
    pub ratio: Ratios,
}

/// shipmux's figures over the floor's: above 1 for costs (CPU, p99), below 1 for throughput.
#[derive(Debug, Serialize)]
pub struct Ratios {
    pub cpu_per_quote: Option<f64>,
    pub quotes_per_s: f64,
    pub p99: f64,
}

impl FloorReport {
    /// The floor's `run` (of `kind`) beside shipmux's `ours`.
    pub fn beside(kind: &'static str, run: &Run, ours: &Report) -> FloorReport {
        let h = &run.tally.latency_us;
        let ms = |us: u64| us as f64 / 1000.0;
        let quotes = run.tally.quotes;
        let quotes_per_s = quotes as f64 / run.elapsed.as_secs_f64().max(1e-9);
        let cpu_ms_per_quote = run
            .cpu_s
            .filter(|_| quotes > 0)
            .map(|c| c * 1000.0 / quotes as f64);
        let p99_ms = ms(h.value_at_quantile(0.99));
        FloorReport {
            kind,
            quotes,
            quotes_per_s,
            cpu_ms_per_quote,
            p50_ms: ms(h.value_at_quantile(0.50)),
            p99_ms,
            ratio: Ratios {
                cpu_per_quote: ours
                    .cpu_ms_per_quote
                    .zip(cpu_ms_per_quote)
                    .filter(|(_, floor)| *floor > 0.0)
                    .map(|(ours, floor)| ours / floor),
                quotes_per_s: ours.quotes_per_s / quotes_per_s.max(1e-9),
                p99: ours.latency_ms.p99 / p99_ms.max(1e-6),
            },
        }
    }

    /// The summary's lines for the floor.
    pub fn summary(&self) -> String {
        let (label, what) = match self.kind {
            "http" => ("floor", "the same rate calls, plain HTTP client"),
            "http+json" => ("floor+json", "the same, each answer also read as JSON"),
            _ => ("floor", "answers cloned out of a HashMap"),
        };
        let vs = format!("vs {label}");
        let cpu = |v: Option<f64>, unit: &str| match v {
            Some(v) => format!("{v:.3}{unit}"),
            None => "n/a".to_string(),
        };
        format!(
            "{label:<13} {what}: {:.0} quotes/s, cpu {} per quote, p50 {:.3} ms, p99 {:.3} ms\n\
             {vs:<13} cpu per quote ×{}, quotes/s ×{:.2}, p99 ×{:.2}\n",
            self.quotes_per_s,
            cpu(self.cpu_ms_per_quote, " ms"),
            self.p50_ms,
            self.p99_ms,
            cpu(self.ratio.cpu_per_quote, ""),
            self.ratio.quotes_per_s,
            self.ratio.p99,
        )
    }
}

/// One carrier's rate calls, ready to send again and again.
struct Calls {
    carrier: String,
    requests: Vec<reqwest::Request>,
}

/// The cache-off floor: the rate calls of every carrier, sent as they are.
#[derive(Clone)]
pub struct HttpFloor {
    client: reqwest::Client,
    carriers: Arc<[Calls]>,
    origin: shipmux_core::Address,
    /// Whether each answer is also read as JSON (scanned and checked, nothing built).
    reads_json: bool,
}

impl HttpFloor {
    /// Builds each carrier's rate calls for the workload's first checkout once, aimed at its
    /// sandbox (`protocols`, as the host's carriers are), fetching a token first for a
    /// carrier that needs one.
    pub async fn new(
        protocols: &[Arc<dyn CarrierProtocol>],
        origin: &shipmux_core::Address,
        concurrency: u32,
    ) -> Result<Self, CliError> {
        let checkout = workload::checkout(origin, 0)?;
        let request = RateRequest::new(
            checkout.origin.clone(),
            checkout.consignments[0].address.clone(),
            vec![Parcel::new(checkout.line_items[0].weight)],
        )?
        .with_ship_date(chrono::Utc::now().date_naive());
        let driver = HttpDriver::new()?;
        let mut carriers = Vec::with_capacity(protocols.len());
        for protocol in protocols {
            let id = protocol.info().id.to_string();
            let bearer = match protocol.auth() {
                Auth::OAuth2 { .. } => {
                    let answer = driver
                        .send(&protocol.build_token()?, Duration::from_secs(10))
                        .await?;
                    Some(protocol.parse_token(&answer)?.token)
                }
                _ => None,
            };
            let requests = protocol
                .build_rate(&request)?
                .iter()
                .map(|call| to_reqwest(call, bearer.as_ref()))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| CliError::failed(format!("{id}: {e}")))?;
            carriers.push(Calls {
                carrier: id,
                requests,
            });
        }
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host((concurrency as usize).max(64))
            .tcp_nodelay(true)
            .build()
            .map_err(|e| CliError::failed(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpFloor {
            client,
            carriers: carriers.into(),
            origin: origin.clone(),
            reads_json: false,
        })
    }

    /// The same floor, reading each answer as JSON too.
    pub fn reading_json(&self) -> HttpFloor {
        HttpFloor {
            reads_json: true,
            ..self.clone()
        }
    }

    /// `http`, or `http+json` when it reads the answers.
    pub fn kind(&self) -> &'static str {
        if self.reads_json { "http+json" } else { "http" }
    }
}

/// `call` as a `reqwest::Request`, with `Authorization: Bearer` when `bearer` is given.
fn to_reqwest(
    call: &shipmux_core::HttpRequest,
    bearer: Option<&shipmux_core::Secret>,
) -> Result<reqwest::Request> {
    let invalid = |what: &str| Error::new(ErrorKind::Config, format!("floor request: {what}"));
    let method = reqwest::Method::from_bytes(call.method.as_str().as_bytes())
        .map_err(|_| invalid("method"))?;
    let url = reqwest::Url::parse(&call.url).map_err(|_| invalid("URL"))?;
    let mut request = reqwest::Request::new(method, url);
    for (name, value) in &call.headers {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid("header name"))?;
        let value =
            reqwest::header::HeaderValue::from_str(value).map_err(|_| invalid("header value"))?;
        request.headers_mut().insert(name, value);
    }
    if let Some(token) = bearer {
        let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| invalid("token"))?;
        request
            .headers_mut()
            .insert(reqwest::header::AUTHORIZATION, value);
    }
    if !call.body.is_empty() {
        *request.body_mut() = Some(Bytes::from(call.body.clone()).into());
    }
    Ok(request)
}

impl Target for HttpFloor {
    type Request = Checkout;

    fn prepare(&self, key: u64) -> Result<Checkout> {
        workload::checkout(&self.origin, key)
    }

    async fn quote(&self, _n: u64, _checkout: Checkout) -> Answer {
        let sends = self.carriers.iter().flat_map(|c| {
            c.requests.iter().map(move |r| async move {
                let request = r.try_clone().ok_or_else(|| {
                    Error::new(ErrorKind::Config, "floor request body cannot be cloned")
                })?;
                let response = self.client.execute(request).await.map_err(|e| {
                    Error::new(ErrorKind::Unavailable, format!("{}: {e}", c.carrier))
                })?;
                let body = response.bytes().await.map_err(|e| {
                    Error::new(ErrorKind::Unavailable, format!("{}: {e}", c.carrier))
                })?;
                if self.reads_json {
                    serde_json::from_slice::<serde::de::IgnoredAny>(&body)
                        .map_err(|e| Error::new(ErrorKind::Parse, format!("{}: {e}", c.carrier)))?;
                }
                Ok::<(), Error>(())
            })
        });
        let answers = futures::future::join_all(sends).await;
        Answer {
            quote: match answers.into_iter().find_map(Result::err) {
                Some(e) => Err(e),
                None => Ok(CheckoutQuote {
                    consignments: Vec::new(),
                }),
            },
            http: None,
        }
    }
}

/// The cache-on floor: every key's answer, computed once, cloned out of a `HashMap`.
pub struct LookupFloor {
    answers: HashMap<u64, CheckoutQuote>,
    origin: shipmux_core::Address,
}

impl LookupFloor {
    /// Quotes each of the `distinct` keys once through `host` (which also fills its cache, so
    /// the shipmux run after it answers every quote from the cache, as this floor does).
    pub async fn new(
        host: &Host,
        origin: &shipmux_core::Address,
        distinct: u32,
    ) -> Result<Self, CliError> {
        let mut answers = HashMap::with_capacity(distinct as usize);
        let keys: Vec<u64> = (0..u64::from(distinct)).collect();
        for chunk in keys.chunks(256) {
            let quoted = futures::future::join_all(chunk.iter().map(|&key| async move {
                let checkout = workload::checkout(origin, key)?;
                Ok::<_, Error>((key, host.quote_checkout(&checkout).await?))
            }))
            .await;
            for q in quoted {
                let (key, quote) = q?;
                answers.insert(key, quote);
            }
        }
        Ok(LookupFloor {
            answers,
            origin: origin.clone(),
        })
    }
}

impl Target for LookupFloor {
    type Request = (u64, Checkout);

    fn prepare(&self, key: u64) -> Result<(u64, Checkout)> {
        Ok((key, workload::checkout(&self.origin, key)?))
    }

    async fn quote(&self, _n: u64, (key, _checkout): (u64, Checkout)) -> Answer {
        Answer {
            quote: self.answers.get(&key).cloned().ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!("the floor has no answer for {key}"),
                )
            }),
            http: None,
        }
    }
}
