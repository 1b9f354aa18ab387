//! A checkout — line items going to two addresses — through a store's zones and methods:
//! static methods priced locally, real-time ones asked of the carriers, options cheapest first.
//!
//! `cargo run -p shipmux-host --example checkout`

use shipmux_core::checkout::Checkout;
use shipmux_host::sandbox_fleet::{FleetOptions, SandboxFleet};
use shipmux_host::{Host, HttpDriver, Registry};

const RULES: &str = r#"{"zones": [
  {"id": "us", "name": "United States", "type": "country", "locations": [{"country": "US"}],
   "methods": [
     {"id": "flat", "name": "Flat rate", "type": "per_order", "rate": "9.00"},
     {"id": "ups", "name": "UPS", "type": "real_time", "carrier": "ups",
      "markup": {"percent": "10"}},
     {"id": "usps", "name": "USPS", "type": "real_time", "carrier": "usps",
      "services": ["USPS_GROUND_ADVANTAGE", "PRIORITY_MAIL"]}]}]}"#;

const CHECKOUT: &str = r#"{"origin": {"country": "US", "postal_code": "90210"}, "currency": "USD",
  "line_items": [
    {"id": "mug", "quantity": 2, "unit_price": "12.50", "weight": {"value": "1", "unit": "lb"}},
    {"id": "poster", "quantity": 1, "unit_price": "20.00", "weight": {"value": "8", "unit": "oz"}}],
  "consignments": [
    {"id": "home", "address": {"country": "US", "postal_code": "10001"},
     "line_items": [{"item_id": "mug", "quantity": 2}]},
    {"id": "office", "address": {"country": "US", "postal_code": "60601"},
     "line_items": [{"item_id": "poster", "quantity": 1}]}]}"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let driver = HttpDriver::new()?;
    let fleet = SandboxFleet::start(FleetOptions::default(), &driver).await?;
    let mut registry = Registry::new();
    for carrier in fleet.carriers() {
        registry.register(carrier)?;
    }
    let host = Host::builder(registry)
        .rules(serde_json::from_str(RULES)?)
        .build();

    let quote = host.quote_checkout(&Checkout::from_json(CHECKOUT)?).await?;
    for consignment in &quote.consignments {
        println!("{} ({:?}):", consignment.id, consignment.zone);
        for option in &consignment.options {
            println!(
                "  {:<6} {:<36} {}",
                option.method, option.description, option.cost
            );
        }
        for error in &consignment.errors {
            println!("  error: {error}");
        }
        assert!(consignment.options.len() > 1);
    }
    fleet.shutdown().await;
    Ok(())
}
