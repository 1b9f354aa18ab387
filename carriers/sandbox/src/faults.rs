//! Fault and latency decisions (on-demand queue first, then the random plan) and the faulty
//! responses themselves.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::watch;

use crate::options::{Fault, FaultPlan, Latency};

/// Builds the carrier's error response for a fault status (500, 503, 429). The kit adds
/// `Retry-After` itself when the fault carries one.
pub type ErrorBody = Arc<dyn Fn(StatusCode) -> Response + Send + Sync>;

/// The kit's error body when a carrier gives none: `{"error": {"status": 503, "message": …}}`.
pub fn default_error_body() -> ErrorBody {
    Arc::new(|status: StatusCode| {
        let body = serde_json::json!({
            "error": {
                "status": status.as_u16(),
                "message": format!("sandbox fault: {}", status.canonical_reason().unwrap_or("error")),
            }
        });
        (status, axum::Json(body)).into_response()
    })
}

/// "The next `remaining` requests whose path starts with `path_prefix` fail with `fault`."
#[derive(Clone, Debug)]
pub(crate) struct Injection {
    pub path_prefix: Option<String>,
    pub fault: Fault,
    pub remaining: u32,
}

/// What to do to a request, decided under one lock.
pub(crate) struct Decider {
    queue: Vec<Injection>,
    plan: FaultPlan,
    latency: Latency,
    rng: StdRng,
}

impl Decider {
    pub(crate) fn new(plan: FaultPlan, latency: Latency, seed: u64) -> Self {
        Decider {
            queue: Vec::new(),
            plan,
            latency,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub(crate) fn inject(&mut self, injection: Injection) {
        if injection.remaining > 0 {
            self.queue.push(injection);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.queue.clear();
    }

    pub(crate) fn set_plan(&mut self, plan: FaultPlan) {
        self.plan = plan;
    }

    pub(crate) fn set_latency(&mut self, latency: Latency) {
        self.latency = latency;
    }

    pub(crate) fn pending(&self) -> u32 {
        self.queue.iter().map(|i| i.remaining).sum()
    }

    /// The delay and the fault (if any) for one request to `path`.
    pub(crate) fn decide(&mut self, path: &str) -> (Duration, Option<Fault>) {
        let jitter = self.latency.jitter.as_micros() as u64;
        let delay = self.latency.fixed
            + if jitter > 0 {
                Duration::from_micros(self.rng.random_range(0..=jitter))
            } else {
                Duration::ZERO
            };
        if let Some(pos) = self.queue.iter().position(|i| {
            i.path_prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
        }) {
            let injection = &mut self.queue[pos];
            let fault = injection.fault.clone();
            injection.remaining -= 1;
            if injection.remaining == 0 {
                self.queue.remove(pos);
            }
            return (delay, Some(fault));
        }
        let rate = self.plan.rate;
        if rate > 0.0 && !self.plan.kinds.is_empty() && self.rng.random_bool(rate.clamp(0.0, 1.0)) {
            let i = self.rng.random_range(0..self.plan.kinds.len());
            return (delay, self.plan.kinds.get(i).cloned());
        }
        (delay, None)
    }
}

/// The error response for a status fault, with `Retry-After` when given.
pub(crate) fn status_response(
    error_body: &ErrorBody,
    status: StatusCode,
    retry_after_secs: Option<u64>,
) -> Response {
    let mut response = error_body(status);
    *response.status_mut() = status;
    if let Some(secs) = retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A 200 whose JSON body is the first half of the real answer followed by garbage.
pub(crate) fn malformed(real: &Bytes) -> Response {
    let mut body = real.slice(..real.len() / 2).to_vec();
    body.extend_from_slice(b"\x01<<sandbox: malformed body>>");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A 200 with an HTML error page, as a proxy in front of the carrier would send.
pub(crate) fn wrong_content_type() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html><html><head><title>Service Unavailable</title></head>\
         <body><h1>Service temporarily unavailable</h1><p>Please try again later.</p></body></html>",
    )
        .into_response()
}

/// The real answer's head with a `Content-Length` of the whole body, but only the first half
/// sent: hyper then closes the connection, and the client sees a short body.
pub(crate) fn truncated(mut parts: axum::http::response::Parts, real: Bytes) -> Response {
    let declared = real.len().max(64);
    let half = real.slice(..real.len() / 2);
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
    // Pause after the half so hyper flushes the head and the bytes sent; then the body ends
    // short of its declared length and hyper closes the connection.
    let stream = futures::stream::unfold(Some(half), |state| async move {
        match state {
            Some(half) => Some((Ok::<_, Infallible>(half), None)),
            None => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                None
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// The real answer, `chunk` bytes at a time with `interval` between chunks; stops with an
/// error if the sandbox shuts down meanwhile.
pub(crate) fn slow_drip(
    mut parts: axum::http::response::Parts,
    real: Bytes,
    interval: Duration,
    shutdown: watch::Receiver<bool>,
) -> Response {
    const CHUNK: usize = 16;
    parts.headers.remove(header::CONTENT_LENGTH);
    let stream =
        futures::stream::unfold((real, shutdown), move |(rest, mut shutdown)| async move {
            if rest.is_empty() {
                return None;
            }
            let stopped = tokio::select! {
                _ = tokio::time::sleep(interval) => false,
                _ = shutdown.wait_for(|down| *down) => true,
            };
            if stopped {
                let error = std::io::Error::other("sandbox shut down");
                return Some((Err(error), (Bytes::new(), shutdown)));
            }
            let n = CHUNK.min(rest.len());
            let chunk = rest.slice(..n);
            Some((Ok(chunk), (rest.slice(n..), shutdown)))
        });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// A 200 JSON body of `size` bytes, streamed in 64 KiB chunks (no `Content-Length`).
pub(crate) fn oversized(size: usize, shutdown: watch::Receiver<bool>) -> Response {
    const CHUNK: usize = 64 * 1024;
    let head = Bytes::from_static(b"{\"padding\":\"");
    let tail = Bytes::from_static(b"\"}");
    let filler = Bytes::from(vec![b'x'; CHUNK]);
    let fill = size.saturating_sub(head.len() + tail.len());
    let chunks = fill.div_ceil(CHUNK);
    let body = futures::stream::iter([head])
        .chain(futures::stream::iter(0..chunks).map(move |i| {
            let n = if i + 1 == chunks && !fill.is_multiple_of(CHUNK) {
                fill % CHUNK
            } else {
                CHUNK
            };
            filler.slice(..n)
        }))
        .chain(futures::stream::iter([tail]))
        .map(move |chunk| {
            if *shutdown.borrow() {
                Err(std::io::Error::other("sandbox shut down"))
            } else {
                Ok(chunk)
            }
        });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injections_match_by_prefix_and_count_down() {
        let mut d = Decider::new(FaultPlan::default(), Latency::default(), 1);
        d.inject(Injection {
            path_prefix: Some("/api/rating".into()),
            fault: Fault::Status500,
            remaining: 2,
        });
        assert_eq!(d.decide("/api/track/v1/details/1Z").1, None);
        assert_eq!(d.decide("/api/rating/v2409/Shop").1, Some(Fault::Status500));
        assert_eq!(d.pending(), 1);
        assert_eq!(d.decide("/api/rating/v2409/Rate").1, Some(Fault::Status500));
        assert_eq!(d.decide("/api/rating/v2409/Rate").1, None);
    }

    #[test]
    fn random_faults_follow_the_rate_and_the_seed() {
        let plan = FaultPlan {
            rate: 0.5,
            kinds: vec![Fault::Status500, Fault::MalformedBody],
        };
        let run = |seed| {
            let mut d = Decider::new(plan.clone(), Latency::default(), seed);
            (0..1000).map(|_| d.decide("/x").1).collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7), "same seed, same faults");
        let faulted = a.iter().filter(|f| f.is_some()).count();
        assert!(
            (400..600).contains(&faulted),
            "{faulted} of 1000 at rate 0.5"
        );
        let none = Decider::new(FaultPlan::default(), Latency::default(), 7)
            .decide("/x")
            .1;
        assert_eq!(none, None);
    }

    #[test]
    fn jitter_stays_within_bounds() {
        let latency = Latency {
            fixed: Duration::from_millis(10),
            jitter: Duration::from_millis(5),
        };
        let mut d = Decider::new(FaultPlan::default(), latency, 3);
        for _ in 0..100 {
            let (delay, _) = d.decide("/x");
            assert!(delay >= Duration::from_millis(10) && delay <= Duration::from_millis(15));
        }
    }
}
