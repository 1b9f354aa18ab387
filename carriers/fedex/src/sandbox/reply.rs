//! FedEx's response envelope: `transactionId`, the echoed `customerTransactionId`, and the
//! `errors[{code, message}]` body of every failure.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};

static TRANSACTIONS: AtomicU64 = AtomicU64::new(1);

/// A fresh transaction id shaped like FedEx's UUIDs (a counter, not random: runs repeat).
pub fn transaction_id() -> String {
    let n = TRANSACTIONS.fetch_add(1, Ordering::Relaxed);
    format!(
        "5a4d0b1e-{:04x}-4c0d-9e5f-{:012x}",
        (n >> 48) & 0xffff,
        n & 0xffff_ffff_ffff
    )
}

/// The `x-customer-transaction-id` header, which FedEx echoes as `customerTransactionId`.
pub fn customer_transaction_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-customer-transaction-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn envelope(customer_id: Option<&str>) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("transactionId".into(), Value::String(transaction_id()));
    if let Some(id) = customer_id {
        body.insert(
            "customerTransactionId".into(),
            Value::String(id.to_string()),
        );
    }
    body
}

/// A success body (`{"transactionId", "customerTransactionId"?, "output"}`), written in one
/// pass from `output`'s own `Serialize`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Success<'a, T> {
    transaction_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_transaction_id: Option<&'a str>,
    output: &'a T,
}

/// A success: `{"transactionId", "customerTransactionId"?, "output": …}`. `capacity` is a
/// guess at the body's size, so the buffer is not regrown while it is written.
pub fn output<T: Serialize>(customer_id: Option<&str>, output: &T, capacity: usize) -> Response {
    let body = Success {
        transaction_id: transaction_id(),
        customer_transaction_id: customer_id,
        output,
    };
    let mut bytes = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut bytes, &body) {
        Ok(()) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            bytes,
        )
            .into_response(),
        // Only a bug in a `Serialize` impl gets here; say so as a server error would.
        Err(_) => for_status(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// One FedEx error: a code and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FedexError {
    /// FedEx's dotted code, `ACCOUNT.NUMBER.MISMATCH`.
    pub code: &'static str,
    /// Its message.
    pub message: String,
}

impl FedexError {
    /// An error.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        FedexError {
            code,
            message: message.into(),
        }
    }
}

/// A failure: `{"transactionId", "customerTransactionId"?, "errors": [{code, message}]}`.
pub fn errors(status: StatusCode, customer_id: Option<&str>, errors: &[FedexError]) -> Response {
    let mut body = envelope(customer_id);
    let list: Vec<Value> = errors
        .iter()
        .map(|e| json!({"code": e.code, "message": e.message}))
        .collect();
    body.insert("errors".into(), Value::Array(list));
    (status, Json(Value::Object(body))).into_response()
}

/// A failure with one error.
pub fn error(status: StatusCode, code: &'static str, message: &str) -> Response {
    errors(status, None, &[FedexError::new(code, message)])
}

/// FedEx's own bodies for the statuses the kit injects (500, 503, 429) and any other.
pub fn for_status(status: StatusCode) -> Response {
    match status.as_u16() {
        429 => error(status, "TOO.MANY.REQUESTS", TOO_MANY_REQUESTS),
        500 => error(
            status,
            "INTERNAL.SERVER.ERROR",
            "We encountered an unexpected error and are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time.",
        ),
        503 => error(
            status,
            "SERVICE.UNAVAILABLE.ERROR",
            "The service is currently unavailable and we are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time.",
        ),
        404 => error(
            status,
            "NOT.FOUND.ERROR",
            "The resource you requested is no longer available. Please modify your request and try again.",
        ),
        _ => error(
            status,
            "INTERNAL.SERVER.ERROR",
            "We encountered an unexpected error. Please check back at a later time.",
        ),
    }
}

/// FedEx's 429 text (rate-limit guide).
pub const TOO_MANY_REQUESTS: &str =
    "We have received too many requests in a short duration. Please wait a while to try again.";

/// Is the request's body declared as JSON?
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// FedEx's answer to a body it cannot read.
pub fn invalid_input(customer_id: Option<&str>) -> Response {
    errors(
        StatusCode::BAD_REQUEST,
        customer_id,
        &[FedexError::new(
            "INVALID.INPUT.EXCEPTION",
            "Invalid field value in the input",
        )],
    )
}
