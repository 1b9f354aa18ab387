//! A tiny loopback carrier API (axum) and a protocol that speaks it, for driver tests.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use shipmux_core::{
    AccessToken, Address, Auth, Capabilities, CarrierId, CarrierInfo, CarrierProtocol, Error,
    Exchange, HttpRequest, HttpResponse, Money, Parcel, Rate, RateRequest, Result, Secret,
    ServiceInfo, Status, Step, Tracking, TrackingNumber, Weight,
};
use tokio::time::Instant;

/// The client secret the upstream expects; tests grep logs for it.
pub const CLIENT_SECRET: &str = "s3cr3t-client-XYZ";
/// Every token the upstream issues starts with this; tests grep logs for it.
pub const TOKEN_PREFIX: &str = "tok3n-";

/// What the upstream answers to the next rate request instead of a success.
#[derive(Clone, Debug)]
pub enum Scripted {
    /// A status with headers and a body.
    Status(u16, Vec<(&'static str, &'static str)>, &'static str),
    /// 401, whatever the token.
    Unauthorized,
    /// A body of this many bytes.
    Huge(usize),
    /// Waits this long before answering successfully.
    Sleep(Duration),
}

#[derive(Default)]
pub struct UpstreamState {
    pub token_calls: AtomicU64,
    pub rate_calls: AtomicU64,
    pub fallback_calls: AtomicU64,
    pub track_calls: AtomicU64,
    pub rate_arrivals: Mutex<Vec<Instant>>,
    issued: Mutex<Vec<String>>,
    script: Mutex<VecDeque<Scripted>>,
    /// Every rate request answers with this script when the queue is empty.
    pub always: Mutex<Option<Scripted>>,
    /// Rate requests answer 404 (the protocol then falls back to /rate-fallback).
    pub rate_not_enabled: std::sync::atomic::AtomicBool,
    /// Delay before the token endpoint answers.
    pub token_delay: Mutex<Duration>,
}

pub struct Upstream {
    pub url: String,
    pub state: Arc<UpstreamState>,
}

impl Upstream {
    pub async fn start() -> Upstream {
        let state = Arc::new(UpstreamState::default());
        let app = Router::new()
            .route("/oauth/token", post(token))
            .route("/rate", post(rate))
            .route("/rate-fallback", post(fallback))
            .route("/track", get(track))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Upstream { url, state }
    }

    pub fn script(&self, items: impl IntoIterator<Item = Scripted>) {
        self.state.script.lock().unwrap().extend(items);
    }

    pub fn token_calls(&self) -> u64 {
        self.state.token_calls.load(Ordering::SeqCst)
    }

    pub fn rate_calls(&self) -> u64 {
        self.state.rate_calls.load(Ordering::SeqCst)
    }

    pub fn protocol(&self) -> LoopProtocol {
        LoopProtocol::new("loop", &self.url)
    }
}

async fn token(State(s): State<Arc<UpstreamState>>, body: String) -> Response {
    let n = s.token_calls.fetch_add(1, Ordering::SeqCst) + 1;
    let delay = *s.token_delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if !body.contains(&format!("client_secret={CLIENT_SECRET}")) {
        return (StatusCode::UNAUTHORIZED, r#"{"error":"invalid_client"}"#).into_response();
    }
    let token = format!("{TOKEN_PREFIX}{n}");
    s.issued.lock().unwrap().push(token.clone());
    axum::Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

fn authorized(s: &UpstreamState, headers: &HeaderMap) -> bool {
    let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(token) = auth.strip_prefix("Bearer ") else {
        return false;
    };
    // Only the newest token is valid: an older one was revoked.
    s.issued.lock().unwrap().last().is_some_and(|t| t == token)
}

fn rates_body() -> Response {
    axum::Json(json!({"rates": [
        {"service": "GND", "name": "Loop Ground", "total": "12.34", "days": 4},
        {"service": "AIR", "name": "Loop Air", "total": "30.00", "days": 1}
    ]}))
    .into_response()
}

async fn rate(State(s): State<Arc<UpstreamState>>, headers: HeaderMap, body: String) -> Response {
    s.rate_calls.fetch_add(1, Ordering::SeqCst);
    s.rate_arrivals.lock().unwrap().push(Instant::now());
    if !authorized(&s, &headers) {
        return (StatusCode::UNAUTHORIZED, r#"{"error":"invalid token"}"#).into_response();
    }
    if serde_json::from_str::<Value>(&body).is_err() {
        return (StatusCode::BAD_REQUEST, r#"{"error":"bad json"}"#).into_response();
    }
    if s.rate_not_enabled.load(Ordering::SeqCst) {
        return (StatusCode::NOT_FOUND, r#"{"error":"rating not enabled"}"#).into_response();
    }
    let next = s.script.lock().unwrap().pop_front();
    let next = next.or_else(|| s.always.lock().unwrap().clone());
    match next {
        None => rates_body(),
        Some(Scripted::Status(status, headers, body)) => {
            let mut r = (StatusCode::from_u16(status).unwrap(), body).into_response();
            for (k, v) in headers {
                r.headers_mut().insert(k, v.parse().unwrap());
            }
            r
        }
        Some(Scripted::Unauthorized) => {
            (StatusCode::UNAUTHORIZED, r#"{"error":"invalid token"}"#).into_response()
        }
        Some(Scripted::Huge(n)) => (StatusCode::OK, vec![b' '; n]).into_response(),
        Some(Scripted::Sleep(d)) => {
            tokio::time::sleep(d).await;
            rates_body()
        }
    }
}

async fn fallback(State(s): State<Arc<UpstreamState>>, headers: HeaderMap) -> Response {
    s.fallback_calls.fetch_add(1, Ordering::SeqCst);
    if !authorized(&s, &headers) {
        return (StatusCode::UNAUTHORIZED, r#"{"error":"invalid token"}"#).into_response();
    }
    rates_body()
}

#[derive(serde::Deserialize)]
struct TrackQuery {
    numbers: String,
}

async fn track(
    State(s): State<Arc<UpstreamState>>,
    headers: HeaderMap,
    Query(q): Query<TrackQuery>,
) -> Response {
    s.track_calls.fetch_add(1, Ordering::SeqCst);
    if !authorized(&s, &headers) {
        return (StatusCode::UNAUTHORIZED, r#"{"error":"invalid token"}"#).into_response();
    }
    let results: Vec<Value> = q
        .numbers
        .split(',')
        .map(|n| {
            if n.starts_with("KNOWN") {
                json!({"number": n, "status": "delivered"})
            } else {
                json!({"number": n, "error": "no such shipment"})
            }
        })
        .collect();
    axum::Json(json!({ "results": results })).into_response()
}

/// A protocol for the loopback upstream: OAuth, JSON rates, batch tracking, and a fallback
/// round when rating answers 404.
pub struct LoopProtocol {
    id: CarrierId,
    base: String,
    secret: Secret,
    pub batch: usize,
}

impl LoopProtocol {
    pub fn new(id: &str, base: &str) -> Self {
        LoopProtocol {
            id: CarrierId::new(id).unwrap(),
            base: base.to_string(),
            secret: Secret::new(CLIENT_SECRET),
            batch: 2,
        }
    }

    pub fn with_secret(mut self, secret: &str) -> Self {
        self.secret = Secret::new(secret);
        self
    }

    fn error(&self, r: &HttpResponse) -> Error {
        let text: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        let msg = text["error"]
            .as_str()
            .unwrap_or("no error text")
            .to_string();
        Error::from_status(r.status, format!("HTTP {}: {msg}", r.status))
            .with_retry_after(r.retry_after())
    }
}

impl CarrierProtocol for LoopProtocol {
    fn info(&self) -> CarrierInfo {
        CarrierInfo {
            id: self.id.clone(),
            name: "Loopback Express".into(),
            services: vec![
                ServiceInfo::new("GND", "Loop Ground"),
                ServiceInfo::new("AIR", "Loop Air"),
            ],
            capabilities: Capabilities {
                rates: true,
                tracking: true,
                tracking_batch: self.batch,
                international: false,
                transit_times: true,
                origin_countries: Vec::new(),
            },
        }
    }

    fn auth(&self) -> Auth {
        Auth::OAuth2 {
            cache_key: format!("client@{}", self.base),
        }
    }

    fn build_token(&self) -> Result<HttpRequest> {
        Ok(
            HttpRequest::post(format!("{}/oauth/token", self.base)).body(
                "application/x-www-form-urlencoded",
                format!(
                    "grant_type=client_credentials&client_id=client&client_secret={}",
                    self.secret.expose()
                ),
            ),
        )
    }

    fn parse_token(&self, r: &HttpResponse) -> Result<AccessToken> {
        if !r.is_success() {
            return Err(self.error(r));
        }
        let v: Value = r.json("token response")?;
        let token = v["access_token"]
            .as_str()
            .ok_or_else(|| Error::parse("no access_token"))?;
        let secs = v["expires_in"].as_u64().unwrap_or(0);
        Ok(AccessToken::new(token, Duration::from_secs(secs)))
    }

    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        let body = json!({
            "to": request.destination.postal_code,
            "weight": request.total_weight().map(|w| w.value.to_string()),
        });
        Ok(vec![
            HttpRequest::post(format!("{}/rate", self.base)).json(&body)?,
        ])
    }

    fn parse_rate(&self, _request: &RateRequest, ex: &Exchange) -> Result<Step<Vec<Rate>>> {
        let r = &ex.responses[0];
        if r.status == 404 && ex.round == 0 {
            return Ok(Step::Next(vec![
                HttpRequest::post(format!("{}/rate-fallback", self.base)).json(&json!({}))?,
            ]));
        }
        if !r.is_success() {
            return Err(self.error(r));
        }
        let v: Value = r.json("rate response")?;
        let rates = v["rates"]
            .as_array()
            .ok_or_else(|| Error::parse("rate response has no rates"))?;
        rates
            .iter()
            .map(|x| {
                let total = Decimal::from_str(x["total"].as_str().unwrap_or(""))
                    .map_err(|_| Error::parse("bad total"))?;
                let mut rate = Rate::new(
                    self.id.clone(),
                    x["service"].as_str().unwrap_or(""),
                    x["name"].as_str().unwrap_or(""),
                    Money::new(total, shipmux_core::Currency::usd()),
                );
                rate.transit_days = x["days"].as_u64().map(|d| d as u32);
                Ok(rate)
            })
            .collect::<Result<Vec<_>>>()
            .map(Step::Done)
    }

    fn track_batch_size(&self) -> usize {
        self.batch
    }

    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        let list: Vec<&str> = numbers.iter().map(|n| n.as_str()).collect();
        Ok(vec![HttpRequest::get(format!(
            "{}/track?numbers={}",
            self.base,
            list.join(",")
        ))])
    }

    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        ex: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        let r = &ex.responses[0];
        if !r.is_success() {
            return Err(self.error(r));
        }
        let v: Value = r.json("track response")?;
        let results = v["results"]
            .as_array()
            .ok_or_else(|| Error::parse("no results"))?;
        Ok(numbers
            .iter()
            .zip(results)
            .map(|(n, x)| {
                if x.get("error").is_some() {
                    Err(Error::new(
                        shipmux_core::ErrorKind::NotFound,
                        format!("{n}: no such shipment"),
                    ))
                } else {
                    Ok(Tracking {
                        carrier: self.id.clone(),
                        tracking_number: n.to_string(),
                        status: Status::Delivered,
                        estimated_delivery: None,
                        delivered_at: None,
                        signed_by: None,
                        events: vec![],
                    })
                }
            })
            .collect())
    }
}

/// A request the loopback carrier quotes.
pub fn request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "90210").with_region("CA"),
        Address::new("US", "10001").with_region("NY"),
        vec![Parcel::new(Weight::lb(Decimal::new(25, 1)))],
    )
    .unwrap()
}
