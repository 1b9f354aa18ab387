//! Errors as HTTP answers.
//!
//! Every error answer has the body `{"error": Error}` (the same `Error` JSON as everywhere in
//! shipmux: `kind`, `message`, `carrier`, …) and a status from its kind: bad input is a 4xx
//! naming the field, never a 5xx.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shipmux_core::{Error, ErrorKind};

use super::json::JsonAnswer;

/// The body of every error answer: `{"error": Error}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorAnswer {
    /// What went wrong.
    pub error: Error,
}

/// An error answer: a status and the error.
#[derive(Debug)]
pub struct Problem {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong.
    pub error: Error,
}

impl Problem {
    /// A problem with its status chosen by `error.kind`.
    pub fn new(error: Error) -> Self {
        Problem {
            status: status_of(error.kind),
            error,
        }
    }

    /// A problem with an explicit status.
    pub fn with_status(status: StatusCode, error: Error) -> Self {
        Problem { status, error }
    }

    /// 400 naming `field`.
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        Problem::new(Error::invalid_request(field, message))
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        Problem::new(error)
    }
}

/// The status for an error of `kind` answered to a client: its own mistakes are 4xx; a
/// carrier's or our failures are 502/503/504.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Unsupported => StatusCode::NOT_IMPLEMENTED,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Rejected | ErrorKind::Parse | ErrorKind::Plugin => StatusCode::BAD_GATEWAY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let retry_after = self.error.retry_after_ms;
        let mut response =
            (self.status, JsonAnswer(ErrorAnswer { error: self.error })).into_response();
        if let Some(ms) = retry_after {
            let seconds = ms.div_ceil(1000).max(1);
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
