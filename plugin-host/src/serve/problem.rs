//! Errors as HTTP answers, and the JSON body reader that turns bad input into them.
//!
//! Every error answer has the body `{"error": Error}` (the same `Error` JSON as everywhere in
//! shipmux: `kind`, `message`, `carrier`, …) and a status from its kind: bad input is a 4xx
//! naming the field, never a 5xx.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shipmux_core::{Error, ErrorKind};

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
            (self.status, axum::Json(ErrorAnswer { error: self.error })).into_response();
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

/// A JSON request body of type `T`; a body that is not one is a 4xx naming where it went wrong
/// (`base_options.items[0].weight.units: unknown variant …`), 413 when too large, 415 without
/// a JSON content type.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(rejected(rejection)),
        }
    }
}

fn rejected(rejection: JsonRejection) -> Problem {
    let status = match rejection.status() {
        // A body of the wrong shape is the client's mistake like a syntax error; one status
        // for both keeps clients simple.
        StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
        other => other,
    };
    let text = rejection.body_text();
    let message = match &rejection {
        // axum's words after its prefix: `items[0].weight.units: unknown variant …`.
        JsonRejection::JsonDataError(_) | JsonRejection::JsonSyntaxError(_) => text
            .split_once(": ")
            .map_or(text.clone(), |(_, rest)| rest.to_string()),
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is larger than this server accepts".to_string()
        }
        _ => text,
    };
    Problem::with_status(status, Error::new(ErrorKind::InvalidRequest, message))
}
