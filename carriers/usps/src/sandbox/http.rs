//! USPS's response shapes: the v3 error body, its 401/403/404, JSON helpers.

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use shipmux_sandbox::BearerRejection;

/// The API version reported in error bodies.
pub const API_VERSION: &str = "v3";

/// A v3 error body: `{"apiVersion", "error": {"code", "message", "errors": [...]}}`. With
/// `sub`, one subordinate error carries the inventory code and the parameter at fault.
pub fn usps_error(
    status: StatusCode,
    code: &str,
    message: &str,
    sub: Option<(&str, Option<&str>)>,
) -> Response {
    let mut error = json!({
        "code": status.as_u16().to_string(),
        "message": status.canonical_reason().unwrap_or("Error"),
    });
    let detail = match sub {
        Some((sub_code, parameter)) => {
            let mut item = json!({
                "status": status.as_u16().to_string(),
                "code": sub_code,
                "title": message,
                "detail": message,
            });
            if let Some(p) = parameter {
                item["source"] = json!({ "parameter": p, "example": "" });
            }
            item
        }
        None => json!({
            "status": status.as_u16().to_string(),
            "code": code,
            "title": message,
            "detail": message,
        }),
    };
    error["errors"] = json!([detail]);
    (
        status,
        Json(json!({ "apiVersion": API_VERSION, "error": error })),
    )
        .into_response()
}

/// A 400 with an inventory code (`030010`) and the parameter at fault.
pub fn bad_request(sub_code: &str, message: &str, parameter: Option<&str>) -> Response {
    usps_error(
        StatusCode::BAD_REQUEST,
        "400",
        message,
        Some((sub_code, parameter)),
    )
}

/// The 401 for a missing, unknown or expired bearer token.
pub fn unauthorized(reason: BearerRejection) -> Response {
    let mut r = usps_error(
        StatusCode::UNAUTHORIZED,
        "401",
        &format!("Unauthorized: {reason}"),
        None,
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer realm=\"https://api.usps.com\""),
    );
    r
}

/// The 403 for a token without the API's scope, or an API the app is not entitled to.
pub fn forbidden(detail: &str) -> Response {
    usps_error(StatusCode::FORBIDDEN, "403", detail, None)
}

/// The 404 for any path USPS does not serve.
pub async fn not_found() -> Response {
    usps_error(
        StatusCode::NOT_FOUND,
        "404",
        "The requested resource was not found.",
        None,
    )
}

/// The bearer token of a request.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// A JSON body, or USPS's 400 for an unreadable one.
pub fn json_body(body: &[u8]) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| {
        bad_request(
            "030010",
            &format!("The request body is not valid JSON: {e}"),
            None,
        )
    })
}

/// A 200 (or other status) JSON answer, serialized once to bytes.
pub fn json_response<T: serde::Serialize>(status: StatusCode, body: T) -> Response {
    (status, Json(body)).into_response()
}
