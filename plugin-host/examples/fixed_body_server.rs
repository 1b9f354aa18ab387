//! The floor for `shipmux serve`'s HTTP benchmarks: a minimal axum server that answers every
//! `POST /v1/checkouts/quote` with the same `CheckoutQuote` JSON (a real answer of `serve` to
//! one of the load test's checkouts, `fixed_body_quote.json` beside this file, sent compact:
//! about 2.7 KB) without looking at the request beyond reading its body. What `serve` costs
//! on top of this is its own work: routing layers, JSON in and out, the host.
//!
//! ```sh
//! cargo run --release -p shipmux-host --example fixed_body_server -- --listen 127.0.0.1:0
//! # listening on http://127.0.0.1:PORT
//! shipmux loadtest --server http://127.0.0.1:PORT --quotes 100000 --concurrency 64
//! ```
//!
//! Like `serve`, the first line on stdout is `listening on http://HOST:PORT`; `GET /readyz`
//! and `GET /healthz` answer 200; Ctrl-C or SIGTERM stops it.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::{get, post};

/// The answer, as `serve` sent it for a one-consignment checkout in the demo store's US zone.
const QUOTE: &str = include_str!("fixed_body_quote.json");

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen = listen_address()?;
    // Compact, as a server writes it.
    let quote: serde_json::Value = serde_json::from_str(QUOTE)?;
    let body = Bytes::from(serde_json::to_vec(&quote)?);
    let app = Router::new()
        .route(
            "/v1/checkouts/quote",
            post(move |_request: Bytes| {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route("/readyz", get(|| async { "ready" }))
        .route("/healthz", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(stop_signal())
        .await?;
    Ok(())
}

/// `--listen ADDR` (default 127.0.0.1:0: a free port).
fn listen_address() -> Result<SocketAddr, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut listen: SocketAddr = "127.0.0.1:0".parse()?;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                let value = args.next().ok_or("--listen needs an address")?;
                listen = value.parse()?;
            }
            other => return Err(format!("unknown argument `{other}` (only --listen ADDR)").into()),
        }
    }
    Ok(listen)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
