//! DHL Express's sandbox (feature `sandbox`): a loopback server speaking the MyDHL API 3.3.1
//! under both of DHL's paths, `/mydhlapi` (production) and `/mydhlapi/test` — rates (`POST`
//! and `GET /rates`), tracking (`GET /tracking`, `GET /shipments/{n}/tracking`) and
//! `GET /address-validate` — with deterministic prices and tracking stories from the kit,
//! and the kit's latency, faults and counters. Every error is DHL's problem+json.
//!
//! - HTTP Basic on every call: any non-empty pair, or only the pair in
//!   [`SandboxOptions::credentials`](shipmux_sandbox::SandboxOptions); else 401.
//! - `x-version` is required (3.x.y); another value is `9001`.
//! - Rate requests are checked against DHL's schema (422 with `#/…` problems, as DHL's
//!   validator words them) and DHL's rules (400 with DHL's codes: 998, 1001, 1003, 7160).
//! - Prices: the kit's model, in the shipper's country's currency (`BILLC`, and `PULCL`);
//!   `BASEC` in euros at a fixed sandbox exchange rate, or `{"price": 0}` without a
//!   currency when the account already bills in euros, as DHL's test system answers.
//!   Domestic quotes inside Europe carry VAT inside each row, with the net as `basePrice`.
//! - Tracking: 10-digit waybills whose check digit (mod 7) is right have a story (the
//!   all-zero waybill excepted); so do their pieces `JD01460000` + waybill.
//! - The planned shipping date is checked for its format, not against the clock, so the
//!   same request always gets the same answer.

mod address;
mod rates;
mod tracking;
mod validate;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use shipmux_sandbox::{Sandbox, SandboxOptions, basic_credentials};

/// The account number the sandbox fleet configures (any 6–12 digits are accepted).
pub const ACCOUNT_NUMBER: &str = "123456789";

/// Starts the sandbox on `127.0.0.1` (port from `options`, 0 for any). Point a protocol at
/// `{base_url}/mydhlapi/test` (or `/mydhlapi`).
pub async fn start(options: SandboxOptions) -> std::io::Result<Sandbox> {
    let expected = options.credentials.clone();
    let builder = Sandbox::builder(options).error_body(fault_body);
    let api = Router::new()
        .route("/rates", get(rates::get_rates).post(rates::post_rates))
        .route("/tracking", get(tracking::track_many))
        .route("/shipments/{number}/tracking", get(tracking::track_one))
        .route("/address-validate", get(address::validate))
        .with_state(Auth { expected });
    let routes = Router::new()
        .nest("/mydhlapi", api.clone())
        .nest("/mydhlapi/test", api);
    builder.serve(routes).await
}

/// Who may call.
#[derive(Clone)]
struct Auth {
    expected: Option<(String, shipmux_core::Secret)>,
}

impl Auth {
    /// The 401 when the Basic pair is missing or wrong, or the 400 when `x-version` is
    /// missing or not a 3.x version.
    fn refusal(&self, headers: &HeaderMap, instance: &str) -> Option<Response> {
        let ok = match basic_credentials(headers) {
            Some((user, password)) if !user.is_empty() && !password.is_empty() => {
                match &self.expected {
                    Some((u, p)) => *u == user && p.expose() == password,
                    None => true,
                }
            }
            _ => false,
        };
        if !ok {
            return Some(problem(
                StatusCode::UNAUTHORIZED,
                instance,
                "Unauthorized",
                "Invalid Credentials: the MyDHL API user name or password is wrong",
            ));
        }
        match headers.get("x-version").and_then(|v| v.to_str().ok()) {
            None => Some(bad_request(
                instance,
                "Missing parameters",
                "Missing mandatory parameters: x-version",
            )),
            Some(v) if !version_ok(v) => Some(bad_request(
                instance,
                "Bad request",
                "9001: The x-version header value is invalid.",
            )),
            Some(_) => None,
        }
    }
}

/// `3.x.y`.
fn version_ok(v: &str) -> bool {
    let parts: Vec<&str> = v.trim().split('.').collect();
    parts.len() == 3
        && parts[0] == "3"
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A problem+json answer: `{instance, detail, title, message, status}` with `status` as a
/// string, as DHL writes it.
fn problem(status: StatusCode, instance: &str, title: &str, detail: &str) -> Response {
    let message = status.canonical_reason().unwrap_or("Error");
    problem_body(
        status,
        json!({
            "instance": format!("/expressapi{instance}"),
            "detail": detail,
            "title": title,
            "message": message,
            "status": status.as_u16().to_string(),
        }),
    )
}

fn bad_request(instance: &str, title: &str, detail: &str) -> Response {
    problem_body(
        StatusCode::BAD_REQUEST,
        json!({
            "instance": format!("/expressapi{instance}"),
            "detail": detail,
            "title": title,
            "message": "Bad request",
            "status": "400",
        }),
    )
}

fn problem_body(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// The 404 DHL answers when tracking finds nothing.
fn no_data(instance: &str, detail: &str) -> Response {
    problem_body(
        StatusCode::NOT_FOUND,
        json!({
            "instance": format!("/expressapi{instance}"),
            "detail": detail,
            "title": "Not data found",
            "message": "Not data found",
            "status": "404",
        }),
    )
}

/// Injected 500/503/429 answers in DHL's shapes: the spec's 500 (`code`, no `status`), the
/// API gateway's 429 and 503 (`status` as a number).
fn fault_body(status: StatusCode) -> Response {
    let body = match status.as_u16() {
        500 => json!({
            "instance": "/expressapi/rates",
            "detail": "999: Process failure occurred. Process ID associated for that transaction (1234567890)",
            "title": "Internal Server Error",
            "message": "Internal Server Error",
            "code": "500",
        }),
        429 => json!({
            "status": 429,
            "title": "Too Many Requests",
            "detail": "Too many requests within defined time period, please try again later.",
        }),
        code => json!({
            "status": code,
            "title": status.canonical_reason().unwrap_or("Error"),
            "detail": "The service is temporarily unavailable, please try again later.",
        }),
    };
    problem_body(status, body)
}

/// A 200 JSON answer.
fn ok_json(body: &Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
