//! `GET /openapi.json`: an OpenAPI 3.1 document of every route, derived with utoipa from the
//! types the handlers read and write (`#[utoipa::path]` on each handler, `ToSchema` on each
//! body). `tests/serve_openapi.rs` checks it against the router and validates real answers
//! with the schemas it declares.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use shipmux_core::{CarrierId, Error};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

use super::problem::ErrorAnswer;

/// The document's source: every route, its bodies, answers and errors.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "shipmux",
        description = "Real-time shipping quotes from every configured carrier: our JSON API \
                       under `/v1`, BigCommerce's Shipping Provider API under `/bigcommerce`, \
                       and the operations routes. Every error answer is `{\"error\": Error}` \
                       with a status from the error's `kind`."
    ),
    paths(
        super::v1::rates,
        super::v1::checkout_quote,
        super::v1::tracking,
        super::v1::carriers,
        super::bigcommerce::rate::rate,
        super::bigcommerce::connection::check_connection_options,
        super::health::healthz,
        super::health::readyz,
        super::metrics_text,
        openapi_json,
    ),
    components(schemas(ErrorAnswer)),
    modifiers(&BearerScheme),
    tags(
        (name = "v1", description = "Our JSON API: the library's own types (docs/design.md)."),
        (name = "bigcommerce", description = "BigCommerce's Shipping Provider API: BigCommerce \
                                              calls these with a store's cart and settings."),
        (name = "operations", description = "Health, readiness, metrics and this document."),
    )
)]
pub struct ApiDoc;

/// The document.
pub fn document() -> Document {
    ApiDoc::openapi()
}

/// The document as JSON, built once.
static DOCUMENT_JSON: LazyLock<String> = LazyLock::new(|| {
    document()
        .to_json()
        .expect("an OpenAPI document always serializes")
});

/// `GET /openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, body = Object, content_type = "application/json",
               description = "This document: OpenAPI 3.1.")),
)]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT_JSON.as_str(),
    )
}

/// Adds the `bearer` scheme the `/v1` routes name.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut Document) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An API key: `Authorization: Bearer <key>`. Required when the server has API keys \
                 configured (`SHIPMUX_API_KEYS` or `[serve] api_keys`); a server without keys \
                 serves `/v1` to anyone who can reach it.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The errors of a route that reads a JSON body.
#[derive(IntoResponses)]
pub enum BodyErrors {
    /// The body is not JSON of the route's shape, or a field is invalid; the message names
    /// the field (`parcels[0].weight: …`).
    #[response(status = 400)]
    Invalid(ErrorAnswer),
    /// The body is larger than the server accepts.
    #[response(status = 413)]
    TooLarge(ErrorAnswer),
    /// The body was not sent as `application/json`.
    #[response(status = 415)]
    NotJson(ErrorAnswer),
}

/// The error of a `/v1` route when the server has API keys and the request has none of them.
#[derive(IntoResponses)]
pub enum ApiKeyErrors {
    /// No API key, or not one of the server's (`WWW-Authenticate: Bearer`).
    #[response(status = 401)]
    Unauthenticated(ErrorAnswer),
}

/// The error of a BigCommerce route when the store's shared secret is missing or wrong.
#[derive(IntoResponses)]
pub enum StoreSecretErrors {
    /// `connection_options.shipmux_secret` is missing or not the store's secret (stores are
    /// configured on this server).
    #[response(status = 401)]
    Unauthenticated(ErrorAnswer),
}

/// The errors of every bounded route (`/v1`, `/bigcommerce`): shed load and the deadline.
#[derive(IntoResponses)]
pub enum BoundedErrors {
    /// The server is at its limit of requests in flight (`Retry-After`), or the carrier asked
    /// is unavailable.
    #[response(status = 503)]
    Unavailable(ErrorAnswer),
    /// No answer within the request deadline, or from the carrier in time.
    #[response(status = 504)]
    Timeout(ErrorAnswer),
}

/// `GET /healthz`'s answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    #[schema(pattern = "^ok$")]
    pub status: String,
}

/// `GET /readyz`'s answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    /// Whether the service is ready.
    pub ready: bool,
    /// Why not, `null` when ready.
    pub reason: Option<String>,
    /// Each carrier and whether its account connected at start-up.
    pub carriers: Vec<CarrierReadiness>,
}

/// One carrier's start-up connection.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CarrierReadiness {
    /// Which carrier.
    pub carrier: CarrierId,
    /// Whether its account connected (a carrier that did not is still asked: it may recover).
    pub connected: bool,
    /// Why it did not connect (absent when it did).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}

/// The schema of a text field BigCommerce may also send as a number (`zip`).
pub fn text_or_number() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new().schema_type(
        [Type::String, Type::Number]
            .into_iter()
            .collect::<utoipa::openapi::schema::SchemaType>(),
    )
}

/// The schema of an optional text field BigCommerce may also send as a number (`store_id`,
/// `product_id`, `variant_id`).
pub fn optional_text_or_number() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new().schema_type(
        [Type::String, Type::Number, Type::Null]
            .into_iter()
            .collect::<utoipa::openapi::schema::SchemaType>(),
    )
}

/// The schema of an exact decimal written as a JSON number (BigCommerce's amounts and
/// measures).
pub fn json_decimal() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .description(Some("An exact decimal, as a JSON number."))
}
