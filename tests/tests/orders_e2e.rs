//! `track_order` over real loopback HTTP: an order shipped with UPS, FedEx and USPS, tracked
//! through the host's carriers against the three sandboxes, one of which is made to fail.

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::orders::{Fulfilment, FulfilmentState, NewShipment, Order};
use shipmux_core::{Carrier, ErrorKind};
use shipmux_host::orders::track_order;
use shipmux_host::{HttpCarrier, HttpCarrierOptions, HttpDriver, RetryPolicy};
use shipmux_sandbox::{Fault, Sandbox, SandboxOptions};

// Tracking numbers computed for this test with each carrier's check-digit algorithm.
const UPS: &str = "1ZA1B2C30312345673";
const FEDEX: &str = "123456789012";
const USPS_IMPB: &str = "9400191234567876543219";
const USPS_20: &str = "03123456789123456786";

struct Sandboxes {
    ups: Sandbox,
    fedex: Sandbox,
    usps: Sandbox,
}

async fn sandboxes() -> Sandboxes {
    Sandboxes {
        ups: shipmux_ups::sandbox::start(SandboxOptions::default())
            .await
            .unwrap(),
        fedex: shipmux_fedex::sandbox::start(SandboxOptions::default())
            .await
            .unwrap(),
        usps: shipmux_usps::sandbox::start(SandboxOptions::default())
            .await
            .unwrap(),
    }
}

/// The host's three carriers, pointed at the sandboxes.
fn carriers(boxes: &Sandboxes, options: HttpCarrierOptions) -> Vec<Arc<dyn Carrier>> {
    let driver = HttpDriver::new().unwrap();
    let ups = shipmux_ups::Ups::builder()
        .client_id("sandbox-client")
        .client_secret("sandbox-secret")
        .account_number("A1B2C3")
        .base_url(&boxes.ups.base_url())
        .build()
        .unwrap();
    let fedex = shipmux_fedex::Fedex::builder()
        .client_id("sandbox-client")
        .client_secret("sandbox-secret")
        .account_number("740561073")
        .base_url(boxes.fedex.base_url())
        .build()
        .unwrap();
    let usps = shipmux_usps::Usps::builder()
        .client_id("sandbox-client")
        .client_secret("sandbox-secret")
        .base_url(boxes.usps.base_url())
        .build()
        .unwrap();
    vec![
        Arc::new(HttpCarrier::with_options(
            ups,
            driver.clone(),
            options.clone(),
        )),
        Arc::new(HttpCarrier::with_options(
            fedex,
            driver.clone(),
            options.clone(),
        )),
        Arc::new(HttpCarrier::with_options(usps, driver, options)),
    ]
}

/// Order 7001: towels to New York and Chicago, each address's parcels already shipped — UPS
/// and FedEx to New York, two USPS parcels to Chicago (carriers detected from the numbers).
fn shipped_order() -> Order {
    // Orders detect their shipments' carriers among those known to the process.
    shipmux_host::builtin::install_builtins();
    let mut order: Order = serde_json::from_value(serde_json::json!({
        "id": "7001",
        "currency": "USD",
        "line_items": [
            {"id": "1", "product_id": "101", "quantity": 2,
             "weight": {"value": "1.5", "unit": "lb"}, "price": "10.00"},
            {"id": "2", "product_id": "102", "quantity": 2,
             "weight": {"value": "8", "unit": "oz"}, "price": "5.50"}
        ],
        "shipping_addresses": [
            {"id": "10", "address": {"country": "US", "postal_code": "10001", "region": "NY"},
             "items": [{"item_id": "1", "quantity": 2}]},
            {"id": "20", "address": {"country": "US", "postal_code": "60601", "region": "IL"},
             "items": [{"item_id": "2", "quantity": 2}]}
        ]
    }))
    .unwrap();
    for shipment in [
        NewShipment::to("10").item("1", 1).tracking(None, UPS),
        NewShipment::to("10").item("1", 1).tracking(None, FEDEX),
        NewShipment::to("20").item("2", 1).tracking(None, USPS_IMPB),
        NewShipment::to("20")
            .item("2", 1)
            .tracking(Some("usps"), USPS_20),
    ] {
        order.create_shipment(shipment).unwrap();
    }
    order
}

#[tokio::test]
async fn a_failing_carrier_costs_only_its_own_shipment() {
    let boxes = sandboxes().await;
    // FedEx's tracking endpoint answers 500 to every attempt, retries included.
    boxes
        .fedex
        .inject_at(shipmux_fedex::TRACK_PATH, Fault::Status500, 100);
    let carriers = carriers(&boxes, HttpCarrierOptions::default());
    let order = shipped_order();

    let results = track_order(&order, &carriers).await;

    let ids: Vec<&str> = results.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4"]);
    for ((_, result), shipment) in results.iter().zip(order.shipments()) {
        let carrier = shipment.tracking_carrier.as_ref().unwrap();
        let number = shipment.tracking_number.as_ref().unwrap();
        if carrier.as_str() == "fedex" {
            let error = result.as_ref().expect_err("FedEx is failing");
            assert_eq!(error.kind, ErrorKind::Unavailable, "{error}");
            assert_eq!(error.carrier.as_ref(), Some(carrier));
        } else {
            let tracking = result
                .as_ref()
                .unwrap_or_else(|e| panic!("{carrier} {number}: {e}"));
            assert_eq!(&tracking.carrier, carrier);
            assert_eq!(tracking.tracking_number, number.as_str());
            assert!(!tracking.events.is_empty(), "{carrier} {number}");
        }
    }
    // Both USPS numbers went in one v3r2 batch call.
    assert_eq!(
        boxes
            .usps
            .stats()
            .requests_matching(shipmux_usps::track::BATCH_PATH),
        1
    );
    // FedEx was really asked (and retried), not skipped.
    assert!(
        boxes
            .fedex
            .stats()
            .requests_matching(shipmux_fedex::TRACK_PATH)
            >= 1
    );
    // With FedEx unknown the order cannot be delivered, whatever the others say.
    assert_ne!(
        Fulfilment::with_tracking(&order, &results).state,
        FulfilmentState::Delivered
    );
    assert_eq!(order.fulfilment().state, FulfilmentState::Shipped);
}

#[tokio::test]
async fn a_hanging_carrier_times_out_while_the_others_answer() {
    let boxes = sandboxes().await;
    boxes.ups.inject(Fault::Hang, 100);
    let options = HttpCarrierOptions {
        attempt_timeout: Duration::from_millis(300),
        call_timeout: Duration::from_millis(600),
        retry: RetryPolicy::none(),
        ..HttpCarrierOptions::default()
    };
    let carriers = carriers(&boxes, options);
    let order = shipped_order();

    let results = track_order(&order, &carriers).await;

    let ups = results[0].1.as_ref().expect_err("UPS hangs");
    assert_eq!(ups.kind, ErrorKind::Timeout, "{ups}");
    assert_eq!(ups.carrier.as_ref().unwrap().as_str(), "ups");
    for (id, result) in &results[1..] {
        assert!(result.is_ok(), "shipment {id}: {result:?}");
    }
}
