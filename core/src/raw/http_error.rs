//! The HTTP error skeleton every carrier shares: the status decides the kind (docs/carriers/README.md,
//! "Errors") unless the carrier's own code says otherwise, `Retry-After` is kept, and a message
//! is the carrier's text or, when the carrier said nothing readable, our words with a short
//! piece of the body.
//!
//! A carrier reads its own error body (JSON, XML) into a code and a message and hands them
//! to one [`HttpError`]:
//!
//! ```
//! use shipmux_core::raw::http_error::HttpError;
//! use shipmux_core::{CarrierId, ErrorKind, HttpResponse};
//!
//! let response = HttpResponse::new(503, "<html>down</html>").with_header("Retry-After", "7");
//! let e = HttpError::of("ACME rating", &response).into_error(&CarrierId::from_static("acme"));
//! assert_eq!((e.kind, e.retryable, e.retry_after_ms), (ErrorKind::Unavailable, true, Some(7000)));
//! assert_eq!(e.message, "ACME rating answered HTTP 503: <html>down</html>");
//! ```

use std::time::Duration;

use crate::{CarrierId, Error, ErrorKind, HttpResponse};

/// The longest piece of a body quoted in a message, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// Words that keep a body out of messages: it may hold credentials.
const SECRET_WORDS: &[&str] = &["access_token", "refresh_token", "client_secret", "password"];

/// The kind and retryability an HTTP status gives an error: the table in docs/carriers/README.md, "Errors", and
/// `rejected` for a status that is no failure (1xx–3xx) but carries the carrier's error.
pub fn status_kind(status: u16) -> (ErrorKind, bool) {
    ErrorKind::from_http_status(status).unwrap_or((ErrorKind::Rejected, false))
}

/// A piece of `body` fit for a message: one line (whitespace runs and control characters as
/// one space), at most [`SNIPPET_CHARS`] characters with `…` when cut; `None` when blank. A
/// body that names a credential (`access_token`, `client_secret` …) is never quoted.
pub fn body_snippet(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    if SECRET_WORDS.iter().any(|w| lower.contains(w)) {
        return Some("(body not quoted: it may hold credentials)".to_string());
    }
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars == SNIPPET_CHARS {
                out.push('…');
                return Some(out);
            }
            out.push(c);
            chars += 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// An error answer on its way to an [`Error`]: what the call was, its status, and what the
/// carrier said. Built with [`HttpError::of`] (a response) or [`HttpError::new`] (a status
/// alone, as for one failed item of a batch), finished with [`HttpError::into_error`].
#[derive(Clone, Debug)]
#[must_use]
pub struct HttpError<'a> {
    what: &'a str,
    status: u16,
    retry_after: Option<Duration>,
    body: &'a [u8],
    code: Option<String>,
    message: Option<String>,
    kind: Option<(ErrorKind, bool)>,
    notes: String,
}

impl<'a> HttpError<'a> {
    /// The error of a call named `what` (`"UPS rating"`) that answered `status`.
    pub fn new(what: &'a str, status: u16) -> Self {
        HttpError {
            what,
            status,
            retry_after: None,
            body: &[],
            code: None,
            message: None,
            kind: None,
            notes: String::new(),
        }
    }

    /// The error of `response` to a call named `what`: its status, its `Retry-After`, and
    /// its body to quote when the carrier said nothing readable.
    pub fn of(what: &'a str, response: &'a HttpResponse) -> Self {
        HttpError {
            retry_after: response.retry_after(),
            body: &response.body,
            ..HttpError::new(what, response.status)
        }
    }

    /// The carrier's error code, if it gave one (blank is none).
    pub fn code(mut self, code: Option<&str>) -> Self {
        self.code = code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        self
    }

    /// The carrier's message, if it gave one (trimmed; blank is none).
    pub fn message(mut self, message: Option<&str>) -> Self {
        self.message = message
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        self
    }

    /// The kind and retryability the carrier's code means, overriding the status's.
    pub fn kind(mut self, kind: Option<(ErrorKind, bool)>) -> Self {
        self.kind = kind;
        self
    }

    /// Words appended to the message (advice, a transaction id), as given.
    pub fn note(mut self, note: &str) -> Self {
        self.notes.push_str(note);
        self
    }

    /// The [`Error`], naming `carrier`. Its message is the carrier's, else `"<what> answered
    /// HTTP <status>"`, followed by a [`body_snippet`] when the carrier gave neither a code
    /// nor a message.
    pub fn into_error(self, carrier: &CarrierId) -> Error {
        let (kind, retryable) = self.kind.unwrap_or_else(|| status_kind(self.status));
        let mut message = match self.message {
            Some(message) => message,
            None => {
                let mut m = format!("{} answered HTTP {}", self.what, self.status);
                if self.code.is_none()
                    && let Some(snippet) = body_snippet(self.body)
                {
                    m.push_str(": ");
                    m.push_str(&snippet);
                }
                m
            }
        };
        message.push_str(&self.notes);
        let mut error = Error::new(kind, message)
            .retryable(retryable)
            .with_carrier(carrier)
            .with_retry_after(self.retry_after);
        if let Some(code) = self.code {
            error = error.with_code(code);
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_codes_messages_and_bodies() {
        let acme = CarrierId::from_static("acme");
        let of = |status: u16, body: &str| HttpResponse::new(status, body.to_string());
        // An error on its way, and the kind, retryability, code and message it ends with.
        type Case<'a> = (HttpError<'a>, (ErrorKind, bool), Option<&'a str>, &'a str);
        let cases: &[Case] = &[
            (
                HttpError::new("x", 400),
                (ErrorKind::Rejected, false),
                None,
                "x answered HTTP 400",
            ),
            (
                HttpError::new("x", 401),
                (ErrorKind::Unauthenticated, false),
                None,
                "x answered HTTP 401",
            ),
            (
                HttpError::new("x", 403),
                (ErrorKind::Unauthenticated, false),
                None,
                "x answered HTTP 403",
            ),
            (
                HttpError::new("x", 404),
                (ErrorKind::NotFound, false),
                None,
                "x answered HTTP 404",
            ),
            (
                HttpError::new("x", 422),
                (ErrorKind::Rejected, false),
                None,
                "x answered HTTP 422",
            ),
            (
                HttpError::new("x", 429),
                (ErrorKind::RateLimited, true),
                None,
                "x answered HTTP 429",
            ),
            (
                HttpError::new("x", 502),
                (ErrorKind::Unavailable, true),
                None,
                "x answered HTTP 502",
            ),
            (
                HttpError::new("x", 200),
                (ErrorKind::Rejected, false),
                None,
                "x answered HTTP 200",
            ),
            (
                HttpError::new("x", 302),
                (ErrorKind::Rejected, false),
                None,
                "x answered HTTP 302",
            ),
            (
                HttpError::new("x", 400)
                    .code(Some(" E1 "))
                    .message(Some(" Bad zip ")),
                (ErrorKind::Rejected, false),
                Some("E1"),
                "Bad zip",
            ),
            (
                HttpError::new("x", 400)
                    .code(Some("10429"))
                    .kind(Some((ErrorKind::RateLimited, true))),
                (ErrorKind::RateLimited, true),
                Some("10429"),
                "x answered HTTP 400",
            ),
            (
                HttpError::new("x", 403).message(Some("No")).note(" (id 7)"),
                (ErrorKind::Unauthenticated, false),
                None,
                "No (id 7)",
            ),
        ];
        for (error, kind, code, message) in cases {
            let e = error.clone().into_error(&acme);
            assert_eq!((e.kind, e.retryable), *kind, "{message}");
            assert_eq!(e.code.as_deref(), *code);
            assert_eq!(e.message, *message);
            assert_eq!(e.carrier.as_ref(), Some(&acme));
        }
        let r = of(503, "  <html>\n down </html> ").with_header("Retry-After", "2");
        let e = HttpError::of("x", &r).into_error(&acme);
        assert_eq!(e.message, "x answered HTTP 503: <html> down </html>");
        assert_eq!(e.retry_after_ms, Some(2000));
        let r = of(500, "");
        assert_eq!(
            HttpError::of("x", &r).into_error(&acme).message,
            "x answered HTTP 500"
        );
        let r = of(401, r#"{"access_token":"abc"}"#);
        let e = HttpError::of("x", &r).into_error(&acme);
        assert!(!e.message.contains("abc"), "{e}");
        let r = of(400, r#"{"code":"E1"}"#);
        let e = HttpError::of("x", &r).code(Some("E1")).into_error(&acme);
        assert_eq!(e.message, "x answered HTTP 400");
    }

    #[test]
    fn snippets_are_short_single_lines() {
        let long = "é".repeat(300);
        let s = body_snippet(long.as_bytes()).unwrap();
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(body_snippet(b"a\tb\r\n\x07c").as_deref(), Some("a b c"));
        assert_eq!(body_snippet(b" \n "), None);
        assert_eq!(
            body_snippet(b"x client_secret=y").as_deref(),
            Some("(body not quoted: it may hold credentials)")
        );
    }
}
