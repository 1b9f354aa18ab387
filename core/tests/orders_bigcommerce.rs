//! BigCommerce V2 shipment objects: import, export and the POST/PUT bodies.

use shipmux_core::orders::bigcommerce::{
    BcOrderProduct, BcShipment, BcShipmentPost, BcShipmentPut, BcShippingAddress, import_order,
};
use shipmux_core::orders::{FulfilmentState, NewShipment, Order, ShipmentUpdate};
use shipmux_core::{Currency, ErrorKind, WeightUnit};

struct Store {
    products: Vec<BcOrderProduct>,
    addresses: Vec<BcShippingAddress>,
    shipments: Vec<BcShipment>,
    raw_shipments: serde_json::Value,
}

fn store() -> Store {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/orders_bigcommerce_order.json")).unwrap();
    Store {
        products: serde_json::from_value(json["products"].clone()).unwrap(),
        addresses: serde_json::from_value(json["shipping_addresses"].clone()).unwrap(),
        shipments: serde_json::from_value(json["shipments"].clone()).unwrap(),
        raw_shipments: json["shipments"].clone(),
    }
}

fn imported(store: &Store) -> Order {
    import_order(
        120,
        Currency::usd(),
        WeightUnit::Lb,
        &store.products,
        &store.addresses,
        &store.shipments,
    )
    .unwrap()
}

#[test]
fn an_order_imports_with_its_lines_addresses_and_shipments() {
    install_carriers();
    let store = store();
    let order = imported(&store);
    assert_eq!(order.id(), "120");
    let towel = order.line_item("16").unwrap();
    assert_eq!(towel.product_id, "87");
    assert_eq!(towel.price.to_string(), "10.0000");
    assert_eq!(towel.weight.value.to_string(), "1.5000");
    assert_eq!(
        order.line_item("17").unwrap().weight.value.to_string(),
        "0.5"
    );
    assert!(order.line_item("18").unwrap().digital);

    let austin = order.shipping_address("20").unwrap();
    assert_eq!(austin.address.country, "US");
    assert_eq!(austin.address.name.as_deref(), Some("Jane Doe"));
    assert_eq!(austin.quantity_of("16"), 3);
    let chosen = austin.shipping.as_ref().unwrap();
    assert_eq!(chosen.method, "UPS Ground");
    assert_eq!(chosen.cost.amount.to_string(), "9.8000");
    assert!(order.shipping_address("21").unwrap().shipping.is_none());

    let first = order.shipment("7").unwrap();
    assert_eq!(first.tracking_carrier.as_ref().unwrap().as_str(), "ups");
    assert_eq!(first.created_at.to_rfc3339(), "2026-11-24T15:12:00+00:00");
    assert_eq!(first.merchant_shipping_cost.unwrap().to_string(), "8.2500");
    let second = order.shipment("8").unwrap();
    assert_eq!(
        second.tracking_carrier.as_ref().unwrap().as_str(),
        "canadapost",
        "AfterShip's canada-post slug"
    );
    assert_eq!(order.fulfilment().state, FulfilmentState::PartiallyShipped);
}

#[test]
fn shipments_export_field_for_field_as_they_were_imported() {
    install_carriers();
    let store = store();
    let order = imported(&store);
    let exported: Vec<serde_json::Value> = order
        .shipments()
        .iter()
        .map(|s| serde_json::to_value(BcShipment::from_shipment(&order, s).unwrap()).unwrap())
        .collect();
    assert_eq!(serde_json::Value::Array(exported), store.raw_shipments);
}

#[test]
fn imported_shipments_pass_the_same_rules() {
    install_carriers();
    let mut store = store();
    store.shipments[1].items[0].quantity = 3;
    let err = import_order(
        120,
        Currency::usd(),
        WeightUnit::Lb,
        &store.products,
        &store.addresses,
        &store.shipments,
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidRequest);
    assert!(
        err.message.starts_with(
            "shipments[1].items[0].quantity: shipping 3 of line item `17` to address `21`"
        ),
        "{err}"
    );

    let mut store = self::store();
    store.shipments[0].tracking_number = "1ZA1B2C30312345670".into();
    let err = import_order(
        120,
        Currency::usd(),
        WeightUnit::Lb,
        &store.products,
        &store.addresses,
        &store.shipments,
    )
    .unwrap_err();
    assert!(
        err.message.contains("check digit should be 3, not 0"),
        "{err}"
    );
}

#[test]
fn a_post_body_creates_a_shipment_and_back() {
    install_carriers();
    let store = store();
    let mut order = imported(&store);
    let post: BcShipmentPost = serde_json::from_value(serde_json::json!({
        "order_address_id": 20,
        "tracking_number": "1234 5678 9012",
        "shipping_provider": "fedex",
        "tracking_carrier": "",
        "merchant_shipping_cost": "4.1000",
        "items": [{"order_product_id": 16, "quantity": 1}]
    }))
    .unwrap();
    let new = post.to_new_shipment().unwrap();
    let created = order.create_shipment(new.clone()).unwrap();
    assert_eq!(created.id, "9", "the next free id after 7 and 8");
    assert_eq!(created.tracking_carrier.as_ref().unwrap().as_str(), "fedex");
    assert_eq!(order.fulfilment().state, FulfilmentState::PartiallyShipped);

    let body = serde_json::to_value(BcShipmentPost::from_new_shipment(&new).unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "order_address_id": 20,
            "tracking_number": "1234 5678 9012",
            "merchant_shipping_cost": "4.1000",
            "shipping_provider": "fedex",
            "items": [{"order_product_id": 16, "quantity": 1}]
        })
    );

    let err = BcShipmentPost::from_new_shipment(&NewShipment::to("a1").item("16", 1)).unwrap_err();
    assert_eq!(
        err.message,
        "order_address_id: `a1` is not a BigCommerce id (a whole number)"
    );
}

#[test]
fn a_put_body_updates_tracking_but_never_items() {
    install_carriers();
    let store = store();
    let mut order = imported(&store);
    let put: BcShipmentPut = serde_json::from_value(serde_json::json!({
        "tracking_carrier": "canada-post",
        "tracking_number": "7000 1112 2233 3445",
        "comments": "relabelled"
    }))
    .unwrap();
    let update = put.to_update().unwrap();
    let updated = order.update_shipment("8", update.clone()).unwrap();
    assert_eq!(
        updated.tracking_number.as_ref().unwrap().as_str(),
        "7000111222333445"
    );
    assert_eq!(
        serde_json::to_value(BcShipmentPut::from_update(&update).unwrap()).unwrap(),
        serde_json::json!({
            "tracking_carrier": "canada-post",
            "tracking_number": "7000 1112 2233 3445",
            "comments": "relabelled"
        })
    );
    let with_items = ShipmentUpdate {
        items: Some(vec![]),
        ..ShipmentUpdate::default()
    };
    assert!(
        BcShipmentPut::from_update(&with_items)
            .unwrap_err()
            .message
            .starts_with("items:")
    );
}

#[test]
fn unreadable_bigcommerce_fields_are_named() {
    install_carriers();
    let mut shipment = store().shipments.remove(0);
    shipment.date_created = "yesterday".into();
    let err = shipment.to_new_shipment().unwrap_err();
    assert!(
        err.message.starts_with("date_created: `yesterday`"),
        "{err}"
    );
    let mut shipment = store().shipments.remove(0);
    shipment.merchant_shipping_cost = "a lot".into();
    let err = shipment.to_new_shipment().unwrap_err();
    assert!(err.message.starts_with("merchant_shipping_cost:"), "{err}");
}

/// Makes the four carriers' descriptors known to the process: the formats, names and limits
/// these tests rely on come from them.
fn install_carriers() {
    shipmux_core::descriptor::install(&[
        &shipmux_ups::DESCRIPTOR,
        &shipmux_fedex::DESCRIPTOR,
        &shipmux_usps::DESCRIPTOR,
        &shipmux_canadapost::DESCRIPTOR,
    ]);
}
