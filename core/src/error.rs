//! The one public error type. Its JSON is a contract (docs/design.md):
//! `{"kind", "carrier", "code", "message", "retryable", "retry_after_ms"}`.
//!
//! *Kind* says what went wrong; *retryable* says whether trying the same call again may help.
//! They are separate: a timeout is retryable until the host's retries are used up, after which
//! the host clears the flag so no layer above retries again.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::CarrierId;

/// What went wrong, independent of the carrier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// Our own validation refused the input before anything was sent.
    InvalidRequest,
    /// Credentials missing, wrong or refused (HTTP 401/403).
    Unauthenticated,
    /// The carrier (or our own limiter) said to slow down (HTTP 429).
    RateLimited,
    /// No answer in time.
    Timeout,
    /// The carrier is down or failing (HTTP 5xx, connection refused or reset, circuit open).
    Unavailable,
    /// The carrier understood the request and refused it (HTTP 400 and other 4xx).
    Rejected,
    /// The thing asked for does not exist (unknown tracking number, HTTP 404).
    NotFound,
    /// The carrier answered something we cannot read.
    Parse,
    /// The carrier does not offer this operation.
    Unsupported,
    /// A plugin failed: refused at load, panicked, or answered outside the ABI.
    Plugin,
    /// Our configuration is wrong.
    Config,
}

impl ErrorKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::Unauthenticated => "unauthenticated",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Rejected => "rejected",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Parse => "parse",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Plugin => "plugin",
            ErrorKind::Config => "config",
        }
    }

    /// The kind an HTTP status maps to (docs/carriers/README.md, "Errors"), with its default
    /// retryability; `None` for success statuses.
    pub fn from_http_status(status: u16) -> Option<(ErrorKind, bool)> {
        Some(match status {
            200..=399 => return None,
            401 | 403 => (ErrorKind::Unauthenticated, false),
            404 => (ErrorKind::NotFound, false),
            408 => (ErrorKind::Timeout, true),
            429 => (ErrorKind::RateLimited, true),
            500..=599 => (ErrorKind::Unavailable, true),
            _ => (ErrorKind::Rejected, false),
        })
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of a carrier's operations an error came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Operation {
    /// Getting an OAuth token.
    Token,
    /// Quoting rates.
    Rate,
    /// Tracking shipments.
    Track,
    /// Checking the credentials.
    Connect,
}

impl Operation {
    /// The operation as text (`rate`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Token => "token",
            Operation::Rate => "rate",
            Operation::Track => "track",
            Operation::Connect => "connect",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from shipmux or from a carrier, always naming the carrier when there is one.
///
/// Messages never contain secrets: adapters build them from carrier text and our own words,
/// never from credentials or tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Which carrier, if one was involved.
    pub carrier: Option<CarrierId>,
    /// The carrier's own error code, if it gave one.
    pub code: Option<String>,
    /// A human-readable explanation.
    pub message: String,
    /// Whether the same call may succeed if tried again.
    pub retryable: bool,
    /// How long the carrier asked us to wait before trying again.
    pub retry_after_ms: Option<u64>,
    /// Which of the carrier's operations failed, when a carrier call did (absent in JSON
    /// otherwise, so readers of the older shape keep working).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Operation>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.carrier, self.operation) {
            (Some(c), Some(op)) => write!(f, "{c} {op}: ")?,
            (Some(c), None) => write!(f, "{c}: ")?,
            (None, Some(op)) => write!(f, "{op}: ")?,
            (None, None) => {}
        }
        write!(f, "{}", self.kind)?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Error {
    /// A new error of `kind`, retryable by the kind's default (timeouts, unavailable and rate
    /// limited are; the rest are not).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retryable = matches!(
            kind,
            ErrorKind::Timeout | ErrorKind::Unavailable | ErrorKind::RateLimited
        );
        Error {
            kind,
            carrier: None,
            code: None,
            message: message.into(),
            retryable,
            retry_after_ms: None,
            operation: None,
        }
    }

    /// Names the operation that failed, unless the error already names one (a token failure
    /// inside a quote stays a token failure).
    pub fn in_operation(mut self, operation: Operation) -> Self {
        self.operation.get_or_insert(operation);
        self
    }

    /// Our validation refused `field`: the message starts with the field's path.
    pub fn invalid_request(field: &str, message: impl fmt::Display) -> Self {
        Error::new(ErrorKind::InvalidRequest, format!("{field}: {message}"))
    }

    /// The carrier answered something unreadable.
    pub fn parse(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Parse, message)
    }

    /// A configuration problem.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    /// The operation is not offered.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unsupported, message)
    }

    /// A deadline passed.
    pub fn timeout(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Timeout, message)
    }

    /// An error for a non-success HTTP status, with the kind and retryability of
    /// [`ErrorKind::from_http_status`].
    pub fn from_status(status: u16, message: impl Into<String>) -> Self {
        let (kind, retryable) =
            ErrorKind::from_http_status(status).unwrap_or((ErrorKind::Parse, false));
        Error::new(kind, message).retryable(retryable)
    }

    /// Names the carrier (keeps an existing one).
    pub fn with_carrier(mut self, carrier: &CarrierId) -> Self {
        if self.carrier.is_none() {
            self.carrier = Some(carrier.clone());
        }
        self
    }

    /// Sets the carrier's error code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        let code = code.into();
        self.code = if code.trim().is_empty() {
            None
        } else {
            Some(code.trim().to_string())
        };
        self
    }

    /// Sets retryability.
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Sets the carrier's requested wait (a wait beyond `u64::MAX` ms is kept as that).
    pub fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        self.retry_after_ms = wait.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// Is this error of `kind`?
    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind == kind
    }
}

/// Results in shipmux.
pub type Result<T, E = Error> = std::result::Result<T, E>;
