//! Fan one rate request out to every built-in carrier at once (each answered by its simulator
//! on loopback) and print the rates, the failures and the carriers that cannot serve the route.
//!
//! `cargo run -p shipmux-host --example quote`

use std::sync::Arc;

use shipmux_core::{Address, Parcel, RateRequest, Weight, WeightUnit};
use shipmux_host::sandbox_fleet::{FleetOptions, SandboxFleet};
use shipmux_host::{Host, HttpDriver, Registry};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let driver = HttpDriver::new()?;
    let fleet = SandboxFleet::start(FleetOptions::default(), &driver).await?;
    let mut registry = Registry::new();
    for carrier in fleet.carriers() {
        registry.register(carrier)?;
    }
    let host = Arc::new(Host::builder(registry).build());

    let request = RateRequest::new(
        Address::new("US", "90210"),
        Address::new("US", "10001").residential(true),
        vec![Parcel::new(Weight::whole(2, WeightUnit::Lb))],
    )?;
    let quote = host.quote(&request).await?;
    let mut rates: Vec<_> = quote.rates().collect();
    rates.sort_by_key(|r| r.total.amount);
    for rate in &rates {
        println!(
            "{:<11} {:<40} {}",
            rate.carrier.as_str(),
            rate.service_name,
            rate.total
        );
    }
    for error in quote.errors() {
        println!("failed: {error}");
    }
    for skipped in quote.skipped() {
        println!("skipped: {} ({})", skipped.carrier, skipped.reason);
    }
    assert!(!rates.is_empty(), "the simulators always quote this route");
    fleet.shutdown().await;
    Ok(())
}
