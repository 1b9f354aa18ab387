//! FedEx error bodies and HTTP statuses → [`Error`], in one place (docs/carriers/fedex.md).
//!
//! FedEx answers every failure with `{"transactionId", "customerTransactionId"?,
//! "errors": [{"code", "message", "parameterList"?}]}`.

use serde::Deserialize;
use shipmux_core::raw::http_error::HttpError;
use shipmux_core::{Error, HttpResponse};

use crate::CARRIER_ID;
use shipmux_core::raw::json::{List, Text};

/// Which call failed; it words the message (a 403 on the token endpoint means something
/// different from a 403 on rates).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `POST /oauth/token`.
    Token,
    /// `POST /rate/v1/rates/quotes`.
    Rate,
    /// `POST /track/v1/trackingnumbers`.
    Track,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::Token => "token request",
            Call::Rate => "rate quote",
            Call::Track => "tracking request",
        }
    }
}

/// FedEx's error body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody<'a> {
    #[serde(default, borrow)]
    pub transaction_id: Text<'a>,
    #[serde(default, borrow)]
    pub errors: List<ErrorItem<'a>>,
}

/// One entry of `errors[]` (also the shape of a per-number tracking `error`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorItem<'a> {
    #[serde(default, borrow)]
    pub code: Text<'a>,
    #[serde(default, borrow)]
    pub message: Text<'a>,
}

/// The error for a FedEx response that is not a success, or a success body carrying only
/// `errors`. The kind comes from the HTTP status (a 2xx with errors is `rejected`); `code` is
/// `errors[0].code`; `retry_after_ms` is the `Retry-After` header.
pub fn from_response(call: Call, response: &HttpResponse) -> Error {
    let body: ErrorBody = serde_json::from_slice(&response.body).unwrap_or_default();
    let first = body.errors.first();
    let what = format!("FedEx {}", call.name());
    let mut error = HttpError::of(&what, response)
        .code(first.and_then(|e| e.code.get()))
        .message(first.and_then(|e| e.message.get()));
    if response.status == 403 {
        error = error.note(&forbidden_advice(call));
    }
    if let Some(id) = body.transaction_id.get() {
        error = error.note(&format!(" (FedEx transactionId {id})"));
    }
    error.into_error(&carrier())
}

/// What a 403 means at FedEx, said plainly: the IP may be blocked for hammering the token
/// endpoint (FedEx's published OAuth limits), or the credentials lack the permission.
fn forbidden_advice(call: Call) -> String {
    let block = "FedEx blocks an IP address for 10 minutes (longer while it continues) when \
                 it requests OAuth tokens too often (over 3 per second for 5 seconds, or 1 per \
                 second for 2 minutes); cache the token instead of fetching one per call";
    match call {
        Call::Token => format!(" — HTTP 403 from the token endpoint: {block}"),
        _ => format!(
            " — HTTP 403: the credentials may lack permission for the FedEx {} API, or {block}",
            match call {
                Call::Rate => "Rate",
                _ => "Track",
            }
        ),
    }
}

/// The FedEx carrier id.
pub(crate) fn carrier() -> shipmux_core::CarrierId {
    shipmux_core::CarrierId::from_static(CARRIER_ID)
}

/// A `parse` error naming FedEx.
pub(crate) fn parse(message: impl Into<String>) -> Error {
    Error::parse(message).with_carrier(&carrier())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmux_core::ErrorKind;

    fn body(code: &str, message: &str) -> String {
        format!(
            r#"{{"transactionId":"624deea6-b709","errors":[{{"code":"{code}","message":"{message}"}}]}}"#
        )
    }

    fn kind_code_retry(status: u16, code: &str) -> (ErrorKind, Option<String>, bool) {
        let e = from_response(Call::Rate, &HttpResponse::new(status, body(code, "text ")));
        assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("fedex"));
        (e.kind, e.code, e.retryable)
    }

    #[test]
    fn each_status_class_has_its_kind() {
        use ErrorKind::*;
        let cases = [
            (400, "ACCOUNT.NUMBER.MISMATCH", Rejected, false),
            (401, "NOT.AUTHORIZED.ERROR", Unauthenticated, false),
            (403, "FORBIDDEN.ERROR", Unauthenticated, false),
            (404, "NOT.FOUND.ERROR", NotFound, false),
            (429, "RATE.LIMIT.EXCEEDED", RateLimited, true),
            (500, "INTERNAL.SERVER.ERROR", Unavailable, true),
            (503, "SERVICE.UNAVAILABLE.ERROR", Unavailable, true),
        ];
        for (status, code, kind, retryable) in cases {
            assert_eq!(
                kind_code_retry(status, code),
                (kind, Some(code.to_string()), retryable),
                "HTTP {status}"
            );
        }
    }

    #[test]
    fn forbidden_token_says_the_ip_may_be_blocked() {
        let e = from_response(
            Call::Token,
            &HttpResponse::new(403, body("FORBIDDEN.ERROR", "We could not authorize")),
        );
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert!(e.message.contains("blocks an IP address"), "{e}");
        assert!(e.message.contains("transactionId 624deea6-b709"), "{e}");
    }

    #[test]
    fn retry_after_and_unreadable_bodies() {
        let e = from_response(
            Call::Track,
            &HttpResponse::new(429, "Too many requests").with_header("Retry-After", "3"),
        );
        assert_eq!(
            (e.kind, e.retry_after_ms, e.code),
            (ErrorKind::RateLimited, Some(3000), None)
        );
        let e = from_response(Call::Rate, &HttpResponse::new(502, "<html>bad gateway"));
        assert_eq!(e.kind, ErrorKind::Unavailable);
        assert!(e.message.contains("HTTP 502"), "{e}");
    }
}
