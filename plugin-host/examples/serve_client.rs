//! `shipmux serve` in a program: the service over the simulators on a free loopback port, and
//! an HTTP client asking it as BigCommerce and as any other platform would.
//!
//! `cargo run -p shipmux-host --example serve_client`

use std::sync::Arc;
use std::time::Duration;

use shipmux_host::sandbox_fleet::{FleetOptions, SandboxFleet};
use shipmux_host::serve::{ServeOptions, Service};
use shipmux_host::{Host, HttpDriver, Registry};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let driver = HttpDriver::new()?;
    let fleet = SandboxFleet::start(FleetOptions::default(), &driver).await?;
    let mut registry = Registry::new();
    for carrier in fleet.carriers() {
        registry.register(carrier)?;
    }
    let service = Service::new(
        Arc::new(Host::builder(registry).build()),
        ServeOptions::default(),
        None,
    );
    service.connect_carriers(Duration::from_secs(5)).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = service.router();
    tokio::spawn(async move { axum::serve(listener, router).await });

    let client = reqwest::Client::new();
    let answer = client
        .post(format!("{base}/bigcommerce/rate"))
        .header("content-type", "application/json")
        .body(
            r#"{"base_options": {
                "origin": {"zip": "90210", "country_iso2": "US"},
                "destination": {"zip": "10001", "country_iso2": "US"},
                "items": [{"sku": "MUG", "quantity": 2, "weight": {"units": "oz", "value": 16}}]},
              "zone_options": {"carriers": ["ups", "usps"]}}"#,
        )
        .send()
        .await?;
    println!("POST /bigcommerce/rate → {}", answer.status());
    let body: serde_json::Value = serde_json::from_str(&answer.text().await?)?;
    for carrier in body["carrier_quotes"].as_array().into_iter().flatten() {
        for quote in carrier["quotes"].as_array().into_iter().flatten() {
            println!(
                "  {:<5} {:<32} {} {}",
                carrier["carrier_info"]["code"].as_str().unwrap_or(""),
                quote["display_name"].as_str().unwrap_or(""),
                quote["cost"]["amount"],
                quote["cost"]["currency"].as_str().unwrap_or(""),
            );
        }
    }
    let tracking = client
        .get(format!("{base}/v1/tracking/1ZA1B2C30312345673"))
        .send()
        .await?;
    println!(
        "GET /v1/tracking/1ZA1B2C30312345673 → {}",
        tracking.status()
    );
    assert!(tracking.status().is_success());
    fleet.shutdown().await;
    Ok(())
}
