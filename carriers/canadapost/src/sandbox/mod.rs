//! Canada Post's sandbox (feature `sandbox`): a loopback server speaking the same REST/XML as
//! `ct.soa-gw.canadapost.ca` — Get Rates, Discover Services (the connect probe), tracking
//! detail and summary, and `<messages>` errors — with deterministic prices and tracking
//! stories from the kit, and the kit's latency, faults and counters.
//!
//! - Basic auth: any non-empty key pair, or only the pair in
//!   [`SandboxOptions::credentials`](shipmux_sandbox::SandboxOptions); else 401 + `E002`.
//! - Exact media types: a wrong `Accept` is 406, a wrong `Content-Type` 415, as at Canada Post.
//! - Schema checks on `<mailing-scenario>` answer 400 + `Server` (as Canada Post does for
//!   XSD violations); business rules answer 400 + their code (9111, 9113, 9114).
//! - Tracking: 16-digit PINs must pass the mod-10 check digit, and the all-zero PIN is
//!   unknown: both answer 404 + `004 No Pin History`. Every other PIN has a story.

mod rates;
mod tracking;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use shipmux_sandbox::{Sandbox, SandboxOptions, basic_credentials};

/// Starts the sandbox on `127.0.0.1` (port from `options`, 0 for any).
pub async fn start(options: SandboxOptions) -> std::io::Result<Sandbox> {
    let expected = options.credentials.clone();
    let builder = Sandbox::builder(options).error_body(|status| {
        let (code, text) = match status.as_u16() {
            429 | 503 => ("Server", "Rejected by SLM Monitor"),
            _ => ("Server", "Internal server error"),
        };
        messages(status, code, text)
    });
    let auth = Auth { expected };
    let routes = Router::new()
        .route("/rs/ship/price", post(rates::price))
        .route("/rs/ship/service", get(rates::discover))
        .route("/vis/track/{kind}/{number}/{view}", get(tracking::track))
        .with_state(auth);
    builder.serve(routes).await
}

/// Who may call.
#[derive(Clone)]
struct Auth {
    expected: Option<(String, shipmux_core::Secret)>,
}

impl Auth {
    /// The 401 + E002 answer when the key pair is missing or wrong.
    fn refusal(&self, headers: &HeaderMap) -> Option<Response> {
        let ok = match basic_credentials(headers) {
            Some((user, password)) if !user.is_empty() && !password.is_empty() => {
                match &self.expected {
                    Some((u, p)) => *u == user && p.expose() == password,
                    None => true,
                }
            }
            _ => false,
        };
        (!ok).then(|| {
            messages(
                StatusCode::UNAUTHORIZED,
                "E002",
                "AAA Authentication Failure",
            )
        })
    }
}

/// 406 unless `Accept` is exactly `media_type`.
fn wrong_accept(headers: &HeaderMap, media_type: &str) -> Option<Response> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (accept.trim() != media_type).then(|| {
        messages(
            StatusCode::NOT_ACCEPTABLE,
            "Server",
            &format!("The Accept header must be {media_type}"),
        )
    })
}

/// A `<messages>` error body.
fn messages(status: StatusCode, code: &str, description: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<messages xmlns=\"http://www.canadapost.ca/ws/messages\">\n  <message>\n    <code>{}</code>\n    <description>{}</description>\n  </message>\n</messages>\n",
        escape(code),
        escape(description)
    );
    (
        status,
        [(header::CONTENT_TYPE, "application/vnd.cpc.messages+xml")],
        body,
    )
        .into_response()
}

/// A 200 XML answer.
fn xml(media_type: &'static str, body: String) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, media_type)], body).into_response()
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}
