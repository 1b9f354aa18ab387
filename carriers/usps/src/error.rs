//! USPS error bodies and HTTP statuses → `shipmux_core::Error`, in one place
//! (docs/carriers/usps.md, "Errors").
//!
//! Two shapes exist: the v3 APIs' `{"apiVersion", "error": {"code", "message", "errors":
//! [{"status", "code", "title", "detail", "source"}]}}` and OAuth's RFC 6749
//! `{"error": "invalid_client", "error_description": "…"}`.

use serde_json::Value;
use shipmux_core::raw::http_error::HttpError;
use shipmux_core::raw::json::value::{get, list, text};
use shipmux_core::{CarrierId, Error, ErrorKind, HttpResponse};

use crate::codes::TRACKING_NOT_FOUND_CODES;

/// The error for a response that is not the answer we wanted: a non-2xx status, or a body
/// that carries an error. `what` says which call it was (`rate`, `token`, `tracking`).
pub fn error_from_response(response: &HttpResponse, what: &str) -> Error {
    let what = format!("USPS {what}");
    let error = HttpError::of(&what, response);
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(body) => described(error, response.status, &body),
        Err(_) => error,
    }
    .into_error(&carrier())
}

/// The error for a USPS error body with an HTTP status (also used for the failed items of a
/// 207 tracking batch, with the item's own `statusCode`).
pub fn error_from_body(status: u16, body: &Value, what: &str) -> Error {
    let what = format!("USPS {what}");
    described(HttpError::new(&what, status), status, body).into_error(&carrier())
}

/// What a USPS error body says: OAuth's `{"error": "code", "error_description"}` (always
/// `unauthenticated`, except that a failure status keeps its own kind from 402 on), or the
/// v3 `{"error": {"code", "message", "errors": [...]}}` (a tracking not-found code is
/// `not_found` whatever the status).
fn described<'a>(error: HttpError<'a>, status: u16, body: &Value) -> HttpError<'a> {
    match body.get("error") {
        // OAuth (RFC 6749): `error` is the code itself.
        Some(Value::String(code)) => {
            let kind = match status {
                400 | 401 => (ErrorKind::Unauthenticated, false),
                s => ErrorKind::from_http_status(s).unwrap_or((ErrorKind::Unauthenticated, false)),
            };
            let message = text(get(body, "error_description"));
            error
                .code(Some(code))
                .message(message.as_deref().or(Some(code)))
                .kind(Some(kind))
        }
        Some(detail @ Value::Object(_)) => v3_error(error, detail),
        _ => error,
    }
}

fn v3_error<'a>(error: HttpError<'a>, detail: &Value) -> HttpError<'a> {
    let items = list(get(detail, "errors"));
    let code = items
        .iter()
        .find_map(|e| text(get(e, "code")))
        .or_else(|| text(get(detail, "code")));
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = text(get(detail, "message")) {
        parts.push(m);
    }
    for item in &items {
        let line = match (text(get(item, "title")), text(get(item, "detail"))) {
            (Some(t), Some(d)) if t != d => format!("{t}: {d}"),
            (Some(t), _) => t,
            (None, Some(d)) => d,
            (None, None) => continue,
        };
        let line = match item.get("source").and_then(|s| text(get(s, "parameter"))) {
            Some(p) => format!("{line} ({p})"),
            None => line,
        };
        if !parts.contains(&line) {
            parts.push(line);
        }
    }
    let not_found = code
        .as_deref()
        .is_some_and(|c| TRACKING_NOT_FOUND_CODES.contains(&c));
    let message = (!parts.is_empty()).then(|| parts.join("; "));
    error
        .code(code.as_deref())
        .message(message.as_deref())
        .kind(not_found.then_some((ErrorKind::NotFound, false)))
}

fn carrier() -> CarrierId {
    CarrierId::from_static(crate::CARRIER_ID)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str) -> Error {
        error_from_response(&HttpResponse::new(status, body), "rate")
    }

    #[test]
    fn subordinate_code_wins_over_the_status_code() {
        let e = err(
            400,
            r#"{"apiVersion":"v3","error":{"code":"400","message":"OASValidation failed",
               "errors":[{"status":"400","code":"030001","title":"Could not find zone from provided ZIPs, date, and mail class",
               "detail":"Could not find zone from provided ZIPs, date, and mail class","source":{"parameter":"destinationZIPCode"}}]}}"#,
        );
        assert_eq!(e.kind, ErrorKind::Rejected);
        assert_eq!(e.code.as_deref(), Some("030001"));
        assert!(!e.retryable);
        assert!(e.message.contains("Could not find zone"), "{e}");
        assert_eq!(e.carrier.as_ref().unwrap().as_str(), "usps");
    }

    #[test]
    fn without_subordinate_code_the_status_text_is_the_code() {
        let e = err(
            401,
            r#"{"apiVersion":"v3","error":{"code":"401","message":"Unauthorized"}}"#,
        );
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.code.as_deref(), Some("401"));
        let e = err(
            403,
            r#"{"error":{"code":"403","message":"Access is denied","errors":[{"code":""}]}}"#,
        );
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.code.as_deref(), Some("403"));
    }

    #[test]
    fn tracking_not_found_codes_win_over_400() {
        for code in ["150001", "150002", "150003", "150009"] {
            let body = format!(
                r#"{{"error":{{"code":"400","message":"Bad Request","errors":[{{"status":"400","code":"{code}","title":"7: The tracking number may be incorrect"}}]}}}}"#
            );
            let e = err(400, &body);
            assert_eq!(e.kind, ErrorKind::NotFound, "{code}");
            assert!(!e.retryable);
        }
        let e = err(
            400,
            r#"{"error":{"code":"400","errors":[{"code":"150004"}]}}"#,
        );
        assert_eq!(e.kind, ErrorKind::Rejected);
    }

    #[test]
    fn oauth_errors_are_unauthenticated_with_the_oauth_code() {
        let e = err(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed.","error_uri":"https://x"}"#,
        );
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.code.as_deref(), Some("invalid_client"));
        assert_eq!(e.message, "Client authentication failed.");
        let e = err(400, r#"{"error":"invalid_request"}"#);
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.code.as_deref(), Some("invalid_request"));
    }

    #[test]
    fn rate_limits_and_outages_carry_retry_after() {
        let r = HttpResponse::new(
            429,
            r#"{"error":{"code":"429","message":"Too Many Requests"}}"#,
        )
        .with_header("Retry-After", "30");
        let e = error_from_response(&r, "rate");
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!(e.retryable);
        assert_eq!(e.retry_after_ms, Some(30_000));
        let r = HttpResponse::new(503, "<html>down</html>").with_header("Retry-After", "5");
        let e = error_from_response(&r, "rate");
        assert_eq!(e.kind, ErrorKind::Unavailable);
        assert_eq!(e.retry_after_ms, Some(5_000));
        assert!(e.message.contains("down"));
        let e = err(500, "");
        assert_eq!(e.kind, ErrorKind::Unavailable);
        assert_eq!(e.retry_after_ms, None);
    }

    #[test]
    fn an_error_body_with_a_success_status_is_a_refusal() {
        let e = err(
            200,
            r#"{"error":{"code":"200","errors":[{"code":"030020","title":"No valid rates for these parameters."}]}}"#,
        );
        assert_eq!(e.kind, ErrorKind::Rejected);
        assert_eq!(e.code.as_deref(), Some("030020"));
        assert_eq!(e.carrier.as_ref().unwrap().as_str(), "usps");
    }

    #[test]
    fn other_client_errors_are_rejected() {
        assert_eq!(err(422, "{}").kind, ErrorKind::Rejected);
        assert_eq!(err(404, "not json").kind, ErrorKind::NotFound);
    }
}
