//! DHL's problem+json error bodies and HTTP statuses → [`Error`], in one place
//! (docs/carriers/dhlexpress.md, "Errors"). The kind comes from the HTTP status alone; the
//! code is DHL's numeric code at the start of `detail` when there is one.

use serde_json::Value;
use shipmux_core::raw::http_error::HttpError;
use shipmux_core::{CarrierId, Error, HttpResponse, Result};

use crate::CARRIER_ID;
use crate::json::{field, list, text};

/// The JSON of a successful response, or the error a failed one carries. `what` names the
/// answer in parse errors (`rates`, `tracking`).
pub fn read(response: &HttpResponse, what: &str) -> Result<Value> {
    if !response.is_success() {
        return Err(from_response(response));
    }
    serde_json::from_slice(&response.body).map_err(|e| {
        carrier(Error::parse(format!(
            "DHL Express {what} answer is not JSON ({e}); status {}",
            response.status
        )))
    })
}

/// The error a non-success response means: the toolkit's status rules, with DHL's code and
/// message.
pub fn from_response(response: &HttpResponse) -> Error {
    let body: Option<Value> = serde_json::from_slice(&response.body)
        .ok()
        .filter(Value::is_object);
    let (code, message) = match &body {
        Some(b) => (code_of(b), message_of(b)),
        None => (None, None),
    };
    let code = code.unwrap_or_else(|| response.status.to_string());
    HttpError::of("DHL Express", response)
        .code(Some(&code))
        .message(message.as_deref())
        .into_error(&CarrierId::from_static(CARRIER_ID))
}

/// The code, first match wins: leading digits of `detail` before `:`, the same in the first
/// `additionalDetails` entry that has them, `status`, the body's `code`.
fn code_of(body: &Value) -> Option<String> {
    if let Some(code) = text(body, "detail").and_then(|d| leading_code(&d)) {
        return Some(code);
    }
    if let Some(code) = list(body, "additionalDetails")
        .iter()
        .filter_map(Value::as_str)
        .find_map(leading_code)
    {
        return Some(code);
    }
    text(body, "status").or_else(|| text(body, "code"))
}

/// `"999: Process failure…"` → `999`.
fn leading_code(text: &str) -> Option<String> {
    let text = text.trim_start();
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty() && text[digits.len()..].starts_with(':')).then_some(digits)
}

/// `detail`, else `title`, else `message`, trimmed.
fn message_of(body: &Value) -> Option<String> {
    ["detail", "title", "message"]
        .iter()
        .find_map(|k| field(body, k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
}

/// Names DHL Express as the carrier.
pub fn carrier(error: Error) -> Error {
    error.with_carrier(&CarrierId::from_static(CARRIER_ID))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipmux_core::ErrorKind;

    fn error(status: u16, body: &str) -> Error {
        from_response(&HttpResponse::new(status, body))
    }

    #[test]
    fn codes_come_from_detail_then_status_then_code() {
        let e = error(
            500,
            r#"{"detail": "999: Process failure occurred", "title": "Internal Server Error", "code": "500"}"#,
        );
        assert_eq!(
            (e.kind, e.code.as_deref(), e.retryable),
            (ErrorKind::Unavailable, Some("999"), true)
        );
        assert_eq!(e.message, "999: Process failure occurred");
        assert_eq!(
            e.carrier.as_ref().map(CarrierId::as_str),
            Some("dhlexpress")
        );
        let e = error(
            422,
            r##"{"detail": "Multiple problems found", "additionalDetails": ["#/x: bad", "1001: no product"], "status": "422"}"##,
        );
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Rejected, Some("1001"))
        );
        let e = error(429, r#"{"status": 429, "title": "Too Many Requests"}"#);
        assert_eq!(
            (e.kind, e.code.as_deref(), e.message.as_str()),
            (ErrorKind::RateLimited, Some("429"), "Too Many Requests")
        );
        let e = error(403, r#"{"detail": "Not authorized", "code": "403"}"#);
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Unauthenticated, Some("403"))
        );
        let e = error(
            400,
            r#"{"detail": "The account number is not found", "status": "400"}"#,
        );
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Rejected, Some("400"))
        );
    }

    #[test]
    fn bodies_that_are_not_problems_fall_back_to_the_status() {
        let e = from_response(
            &HttpResponse::new(503, "<html>down</html>").with_header("Retry-After", "2"),
        );
        assert_eq!(
            (e.kind, e.code.as_deref(), e.retry_after_ms),
            (ErrorKind::Unavailable, Some("503"), Some(2000))
        );
        let e = error(404, "");
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::NotFound, Some("404"))
        );
        assert!(
            read(&HttpResponse::new(200, "<html/>"), "rates")
                .unwrap_err()
                .is(ErrorKind::Parse)
        );
    }
}
