//! UPS error bodies and HTTP statuses → [`Error`], in one place (docs/carriers/ups.md, "Errors").
//!
//! UPS answers errors as `{"response": {"errors": [{"code": "…", "message": "…"}]}}`. The
//! kind comes from the HTTP status, except: code `10429` is `rate_limited` whatever the
//! status, and `TW0001` ("Tracking Information Not Found") is `not_found`.

use serde_json::Value;
use shipmux_core::raw::http_error::HttpError;
use shipmux_core::{Error, ErrorKind, HttpResponse};

use crate::carrier_id;
use shipmux_core::raw::json::value::{list, text};

/// UPS's "too many requests" code.
pub const RATE_LIMITED_CODE: &str = "10429";
/// UPS's "tracking information not found" code (an error, or a warning inside a 200).
pub const NOT_FOUND_CODE: &str = "TW0001";

/// The first `{code, message}` of a UPS error body, if the body is one.
pub fn first_error(body: &Value) -> Option<(Option<String>, Option<String>)> {
    let errors = body.get("response")?.get("errors")?;
    let first = list(Some(errors)).into_iter().next()?;
    Some((text(first.get("code")), text(first.get("message"))))
}

/// The error for a UPS response that is not a success (any status, any body). `what` names
/// the call (`rating`, `tracking 1Z…`, `token`).
pub fn from_response(response: &HttpResponse, what: &str) -> Error {
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    let (code, message) = body.as_ref().and_then(first_error).unwrap_or((None, None));
    let kind = match code.as_deref() {
        Some(RATE_LIMITED_CODE) => Some((ErrorKind::RateLimited, true)),
        Some(NOT_FOUND_CODE) => Some((ErrorKind::NotFound, false)),
        _ => None,
    };
    HttpError::of(&format!("UPS {what}"), response)
        .code(code.as_deref())
        .message(message.as_deref())
        .kind(kind)
        .into_error(&carrier_id())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, body.as_bytes().to_vec())
    }

    const BODY: &str = r#"{"response":{"errors":[{"code":"CODE","message":" Some text "}]}}"#;

    #[test]
    fn statuses_map_to_kinds() {
        for (status, kind, retryable) in [
            (400, ErrorKind::Rejected, false),
            (401, ErrorKind::Unauthenticated, false),
            (403, ErrorKind::Unauthenticated, false),
            (404, ErrorKind::NotFound, false),
            (429, ErrorKind::RateLimited, true),
            (500, ErrorKind::Unavailable, true),
            (503, ErrorKind::Unavailable, true),
        ] {
            let e = from_response(&resp(status, BODY), "rating");
            assert_eq!((e.kind, e.retryable), (kind, retryable), "HTTP {status}");
            assert_eq!(e.code.as_deref(), Some("CODE"));
            assert_eq!(e.message, "Some text");
            assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("ups"));
        }
    }

    #[test]
    fn special_codes_override_the_status() {
        let e = from_response(
            &resp(
                429,
                r#"{"response":{"errors":[{"code":"10429","message":"Too Many Requests"}]}}"#,
            ),
            "rating",
        );
        assert_eq!(
            (e.kind, e.retryable, e.retry_after_ms),
            (ErrorKind::RateLimited, true, None)
        );
        let e = from_response(
            &resp(
                404,
                r#"{"response":{"errors":[{"code":"TW0001","message":"Tracking Information Not Found"}]}}"#,
            ),
            "tracking",
        );
        assert_eq!(e.kind, ErrorKind::NotFound);
    }

    #[test]
    fn retry_after_and_odd_bodies() {
        let e = from_response(
            &resp(503, "<html>down</html>").with_header("Retry-After", "7"),
            "rating",
        );
        assert_eq!(e.kind, ErrorKind::Unavailable);
        assert_eq!(e.retry_after_ms, Some(7000));
        assert_eq!(e.code, None);
        assert!(e.message.contains("503"));
    }
}
