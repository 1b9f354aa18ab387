//! Load the Acme Freight plugin (`libacme_freight.so`, built from this crate's `src/lib.rs`)
//! into a host at run time and quote through it beside UPS and USPS, then track a parcel.
//! Acme's API is served here on loopback by a few lines of axum; UPS and USPS by their
//! simulators.
//!
//! ```text
//! cargo build -p shipmux-example-plugin          # builds target/debug/libacme_freight.so
//! cargo run -p shipmux-example-plugin --example run_plugin [PATH/TO/libacme_freight.so]
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use shipmux_core::{
    Address, Carrier, CarrierId, Parcel, RateRequest, TrackingNumber, Weight, WeightUnit,
};
use shipmux_host::plugin::{Plugin, dylib_file_name};
use shipmux_host::sandbox_fleet::{FleetOptions, SandboxFleet};
use shipmux_host::{Host, HttpCarrier, HttpDriver, Registry};

const API_KEY: &str = "acme-demo-key";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = plugin_path()?;
    let plugin = Plugin::load(&path)?;
    let manifest = plugin.manifest();
    println!(
        "loaded {} {} from {}",
        manifest.name,
        manifest.version,
        path.display()
    );

    let acme_url = serve_acme().await?;
    let driver = HttpDriver::new()?;
    let fleet = SandboxFleet::start(
        FleetOptions {
            carriers: vec![CarrierId::new("ups")?, CarrierId::new("usps")?],
            ..FleetOptions::default()
        },
        &driver,
    )
    .await?;

    // The plugin's protocol behind the same HTTP client, tokens, retries and limits as the
    // built-in carriers.
    let acme = HttpCarrier::new(
        plugin.instantiate(&json!({ "api_key": API_KEY, "base_url": acme_url }))?,
        driver.clone(),
    );
    let acme: Arc<dyn Carrier> = Arc::new(acme);
    let mut registry = Registry::new();
    registry.register(acme.clone())?;
    for carrier in fleet.carriers() {
        registry.register(carrier)?;
    }
    let host = Host::builder(registry).build();

    let request = RateRequest::new(
        Address::new("US", "90210"),
        Address::new("US", "10001"),
        vec![Parcel::new(Weight::whole(3, WeightUnit::Lb))],
    )?;
    let quote = host.quote(&request).await?;
    let mut rates: Vec<_> = quote.rates().collect();
    rates.sort_by_key(|r| r.total.amount);
    for rate in &rates {
        println!(
            "{:<5} {:<36} {:>10}  {} days",
            rate.carrier.as_str(),
            rate.service_name,
            rate.total.to_string(),
            rate.transit_days.map_or("?".to_string(), |d| d.to_string())
        );
    }
    for error in quote.errors() {
        println!("failed: {error}");
    }
    assert!(
        rates.iter().any(|r| r.carrier.as_str() == "acme"),
        "the plugin's rates are in the fan-out"
    );

    let tracking = acme.track(&TrackingNumber::new("AC123456")?).await?;
    println!(
        "tracking {}: {:?}, {} events",
        tracking.tracking_number,
        tracking.status,
        tracking.events.len()
    );
    fleet.shutdown().await;
    Ok(())
}

/// The plugin file: the first argument, or where `cargo build -p shipmux-example-plugin` puts
/// it (next to this example's own directory, `target/<profile>/`).
fn plugin_path() -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(path) = std::env::args_os().nth(1) {
        return Ok(path.into());
    }
    let exe = std::env::current_exe()?;
    let profile = exe
        .parent()
        .and_then(|examples| examples.parent())
        .ok_or("cannot tell where the build's target directory is")?;
    let path = profile.join(dylib_file_name("acme_freight"));
    if !path.is_file() {
        return Err(format!(
            "{} is not built yet: run `cargo build -p shipmux-example-plugin` first",
            path.display()
        )
        .into());
    }
    Ok(path)
}

/// Acme Freight's API on a free loopback port: a quote priced by weight, one known parcel.
async fn serve_acme() -> std::io::Result<String> {
    async fn quotes(headers: HeaderMap, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
        if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(API_KEY) {
            let error = json!({"error": {"code": "AUTH", "message": "unknown API key"}});
            return (StatusCode::UNAUTHORIZED, Json(error));
        }
        let grams: u64 = body["parcels_g"]
            .as_array()
            .map_or(0, |p| p.iter().filter_map(Value::as_u64).sum());
        // 6.00 plus 1.10 a kilogram started; express doubles it.
        let standard = 600 + 110 * grams.div_ceil(1000);
        let cents = |c: u64| format!("{}.{:02}", c / 100, c % 100);
        let answer = json!({"quotes": [
            {"code": "STD", "label": "Acme Standard", "price": cents(standard), "currency": "USD", "days": 5},
            {"code": "EXP", "label": "Acme Express", "price": cents(2 * standard), "currency": "USD", "days": 2},
        ]});
        (StatusCode::OK, Json(answer))
    }
    async fn shipment(Path(number): Path<String>) -> (StatusCode, Json<Value>) {
        if number != "AC123456" {
            let error = json!({"error": {"code": "NOT_FOUND", "message": "no such shipment"}});
            return (StatusCode::NOT_FOUND, Json(error));
        }
        let answer = json!({"status": "DELIVERED", "events": [
            {"time": "2026-12-01T14:02:00-05:00", "code": "DELIVERED", "description": "Left at front door"},
            {"time": "2026-11-30T08:15:00-05:00", "code": "MOVING", "description": "Departed hub"},
        ]});
        (StatusCode::OK, Json(answer))
    }
    let app = Router::new()
        .route("/v1/quotes", post(quotes))
        .route("/v1/shipments/{number}", get(shipment));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}
