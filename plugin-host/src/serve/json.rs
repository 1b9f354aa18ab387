//! JSON in and out: the request body reader that turns bad input into a 4xx naming the field,
//! and the answer writer.
//!
//! Both sit on the hot path of every quote. A body is read with plain `serde_json` first; only
//! a body that fails is read again with the path-tracking reader axum uses, for the message
//! (`base_options.items[0].weight.units: unknown variant …`) — a valid request does not pay
//! for tracking paths. An answer is written into a buffer sized for a typical quote at once,
//! not grown from a few bytes.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shipmux_core::{Error, ErrorKind};

use super::problem::Problem;

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
        if !json_content_type(req.headers()) {
            // axum's own rejection, so the 415 reads the same as everywhere else.
            return match axum::Json::<T>::from_request(req, state).await {
                Ok(axum::Json(value)) => Ok(JsonBody(value)),
                Err(rejection) => Err(rejected(rejection)),
            };
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| rejected(JsonRejection::from(e)))?;
        match serde_json::from_slice(&bytes) {
            Ok(value) => Ok(JsonBody(value)),
            // Read again, tracking the path, for a message that names the field.
            Err(plain) => match axum::Json::<T>::from_bytes(&bytes) {
                Err(rejection) => Err(rejected(rejection)),
                Ok(_) => Err(Problem::with_status(
                    StatusCode::BAD_REQUEST,
                    Error::new(ErrorKind::InvalidRequest, plain.to_string()),
                )),
            },
        }
    }
}

/// Whether the request says its body is JSON (`application/json`, or `application/…+json`),
/// as axum's `Json` decides.
fn json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == "application"
                && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
        })
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

/// A JSON answer (status 200 unless paired with another, as `(status, JsonAnswer(v))`).
#[derive(Debug)]
pub struct JsonAnswer<T>(pub T);

/// The first size of an answer's buffer: a one-consignment checkout quote with a dozen
/// options is about 3 KB.
const ANSWER_CAPACITY: usize = 4096;

impl<T: Serialize> IntoResponse for JsonAnswer<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(ANSWER_CAPACITY);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            // Our own types always serialize; say so plainly if one ever does not.
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"))],
                format!("cannot write the answer as JSON: {e}"),
            )
                .into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types_are_the_ones_axum_takes() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_str(v).unwrap());
            json_content_type(&h)
        };
        assert!(with("application/json"));
        assert!(with("application/json; charset=utf-8"));
        assert!(with("application/vnd.api+json"));
        assert!(!with("text/plain"));
        assert!(!with("application/jsonx"));
        assert!(!json_content_type(&HeaderMap::new()));
    }
}
