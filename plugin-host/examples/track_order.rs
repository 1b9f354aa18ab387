//! Track every shipment of an order at once: each shipment's carrier found from its tracking
//! number, each asked concurrently, one carrier's failure costing only its own shipments.
//!
//! `cargo run -p shipmux-host --example track_order`

use shipmux_core::orders::{NewShipment, Order};
use shipmux_host::HttpDriver;
use shipmux_host::orders::track_order;
use shipmux_host::sandbox_fleet::{FleetOptions, SandboxFleet};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Shipments find their carriers among those known to this process.
    shipmux_host::builtin::install_builtins();
    let driver = HttpDriver::new()?;
    let fleet = SandboxFleet::start(FleetOptions::default(), &driver).await?;

    let mut order: Order = serde_json::from_str(
        r#"{"id": "7001", "currency": "USD",
            "line_items": [
              {"id": "1", "product_id": "101", "quantity": 2,
               "weight": {"value": "1.5", "unit": "lb"}, "price": "10.00"},
              {"id": "2", "product_id": "102", "quantity": 1,
               "weight": {"value": "8", "unit": "oz"}, "price": "5.50"}],
            "shipping_addresses": [
              {"id": "10", "address": {"country": "US", "postal_code": "10001"},
               "items": [{"item_id": "1", "quantity": 2}]},
              {"id": "20", "address": {"country": "US", "postal_code": "60601"},
               "items": [{"item_id": "2", "quantity": 1}]}]}"#,
    )?;
    // Tracking numbers with valid check digits: UPS, FedEx, USPS.
    for shipment in [
        NewShipment::to("10")
            .item("1", 1)
            .tracking(None, "1ZA1B2C30312345673"),
        NewShipment::to("10")
            .item("1", 1)
            .tracking(None, "123456789012"),
        NewShipment::to("20")
            .item("2", 1)
            .tracking(None, "9400191234567876543219"),
    ] {
        order.create_shipment(shipment)?;
    }

    let results = track_order(&order, &fleet.carriers()).await;
    for (shipment, result) in &results {
        match result {
            Ok(t) => println!(
                "shipment {shipment}: {} {} {:?} ({} events)",
                t.carrier,
                t.tracking_number,
                t.status,
                t.events.len()
            ),
            Err(e) => println!("shipment {shipment}: {e}"),
        }
    }
    assert!(results.iter().all(|(_, r)| r.is_ok()));
    fleet.shutdown().await;
    Ok(())
}
