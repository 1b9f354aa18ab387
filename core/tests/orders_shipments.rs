//! The rules a shipment must pass on create, update and delete, and the order's fulfilment.

use chrono::DateTime;
use shipmux_core::orders::{FulfilmentState, NewShipment, Order, ShipmentItem, ShipmentUpdate};
use shipmux_core::{ErrorKind, Status};

/// Order 1001: line 1 (3 towels: 2 to address 10, 1 to address 20), line 2 (2 soaps to
/// address 10), line 3 (a digital gift card).
fn order() -> Order {
    serde_json::from_str(include_str!("fixtures/orders_two_addresses.json")).unwrap()
}

// Tracking numbers computed for these tests (see orders_tracking_numbers.rs).
const UPS: &str = "1ZA1B2C30312345673";
const UPS_WRONG_DIGIT: &str = "1ZA1B2C30312345674";
const FEDEX: &str = "123456789012";
const USPS: &str = "9400191234567876543219";

#[test]
fn every_broken_rule_is_refused_naming_field_and_rule() {
    install_carriers();
    // (what, shipment, field the message starts with, text it contains)
    let cases: Vec<(&str, NewShipment, &str, &str)> = vec![
        (
            "unknown address",
            NewShipment::to("99").item("1", 1),
            "order_address_id",
            "`99` is not a shipping address of order 1001 (its addresses: 10, 20)",
        ),
        (
            "no items",
            NewShipment::to("10"),
            "items",
            "at least one item",
        ),
        (
            "zero quantity",
            NewShipment::to("10").item("1", 0),
            "items[0].quantity",
            "must be at least 1, got 0",
        ),
        (
            "item not in the order",
            NewShipment::to("10").item("1", 1).item("7", 1),
            "items[1].item_id",
            "`7` is not a line item of order 1001",
        ),
        (
            "item of the order but not of that address",
            NewShipment::to("20").item("2", 1),
            "items[0].item_id",
            "line item `2` does not go to shipping address `20`",
        ),
        (
            "digital item",
            NewShipment::to("10").item("3", 1),
            "items[0].item_id",
            "is digital and cannot be shipped",
        ),
        (
            "same item twice",
            NewShipment::to("10").item("1", 1).item("1", 1),
            "items[1].item_id",
            "listed twice",
        ),
        (
            "more than the address ordered",
            NewShipment::to("20").item("1", 2),
            "items[0].quantity",
            "would ship 2 but 1 was ordered there (0 already shipped, 1 left)",
        ),
        (
            "wrong check digit for the named carrier",
            NewShipment::to("10")
                .item("1", 1)
                .tracking(Some("ups"), UPS_WRONG_DIGIT),
            "tracking_number",
            "check digit should be 3, not 4",
        ),
        (
            "number of another carrier",
            NewShipment::to("10")
                .item("1", 1)
                .tracking(Some("ups"), FEDEX),
            "tracking_number",
            "is not a UPS tracking number",
        ),
        (
            "provider names the carrier when tracking_carrier is absent",
            NewShipment::to("10")
                .item("1", 1)
                .provider("upsready")
                .tracking(None, FEDEX),
            "tracking_number",
            "is not a UPS tracking number",
        ),
        (
            "undetectable number",
            NewShipment::to("10")
                .item("1", 1)
                .tracking(None, UPS_WRONG_DIGIT),
            "tracking_number",
            "name the tracking_carrier",
        ),
        (
            "bad carrier id",
            NewShipment::to("10")
                .item("1", 1)
                .tracking(Some("U P S"), UPS),
            "tracking_carrier",
            "is not a carrier id",
        ),
        (
            "tracking link too long",
            NewShipment {
                tracking_link: Some("x".repeat(501)),
                ..NewShipment::to("10").item("1", 1)
            },
            "tracking_link",
            "longer than 500",
        ),
    ];
    for (what, shipment, field, text) in cases {
        let mut order = order();
        let err = order
            .create_shipment(shipment)
            .expect_err(&format!("{what}: should be refused"));
        assert_eq!(err.kind, ErrorKind::InvalidRequest, "{what}");
        assert!(
            err.message.starts_with(&format!("{field}: ")),
            "{what}: `{}` should start with `{field}: `",
            err.message
        );
        assert!(
            err.message.contains(text),
            "{what}: `{}` should contain `{text}`",
            err.message
        );
        assert!(order.shipments().is_empty(), "{what}: nothing was created");
    }
}

#[test]
fn partial_shipments_across_two_addresses_until_shipped() {
    install_carriers();
    let mut order = order();
    assert_eq!(order.fulfilment().state, FulfilmentState::Unshipped);

    let steps: &[(NewShipment, FulfilmentState, u32)] = &[
        (
            NewShipment::to("10")
                .item("1", 1)
                .tracking(Some("ups"), UPS),
            FulfilmentState::PartiallyShipped,
            1,
        ),
        (
            NewShipment::to("20").item("1", 1).tracking(None, FEDEX),
            FulfilmentState::PartiallyShipped,
            2,
        ),
        (
            NewShipment::to("10")
                .item("1", 1)
                .item("2", 2)
                .tracking(None, USPS),
            FulfilmentState::Shipped,
            5,
        ),
    ];
    for (shipment, state, shipped) in steps {
        order.create_shipment(shipment.clone()).unwrap();
        let fulfilment = order.fulfilment();
        assert_eq!(fulfilment.state, *state);
        assert_eq!(fulfilment.items_shipped, *shipped);
        assert_eq!(fulfilment.items_total, 5);
    }
    let ids: Vec<&str> = order.shipments().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    // Carriers were detected from the numbers when not named.
    let carriers: Vec<&str> = order
        .shipments()
        .iter()
        .map(|s| s.tracking_carrier.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(carriers, ["ups", "fedex", "usps"]);
    assert_eq!(order.unshipped_quantity("10", "1"), 0);
    assert_eq!(order.unshipped_quantity("20", "1"), 0);
}

#[test]
fn over_shipping_by_one_unit_is_refused_and_deleting_frees_the_quantity() {
    install_carriers();
    let mut order = order();
    order
        .create_shipment(NewShipment::to("10").item("1", 1).id("a"))
        .unwrap();
    order
        .create_shipment(NewShipment::to("10").item("2", 2).id("b"))
        .unwrap();

    // Address 10 ordered 2 of line 1; one is shipped; two more is one too many.
    let err = order
        .create_shipment(NewShipment::to("10").item("1", 2))
        .unwrap_err();
    assert_eq!(
        err.message,
        "items[0].quantity: shipping 2 of line item `1` to address `10` would ship 3 but 2 \
         were ordered there (1 already shipped, 1 left)"
    );
    // Line 2 is fully shipped: even one more is refused.
    let err = order
        .create_shipment(NewShipment::to("10").item("2", 1))
        .unwrap_err();
    assert!(err.message.contains("(2 already shipped, 0 left)"), "{err}");

    let deleted = order.delete_shipment("a").unwrap();
    assert_eq!(deleted.quantity_of("1"), 1);
    assert_eq!(order.unshipped_quantity("10", "1"), 2);
    let created = order
        .create_shipment(NewShipment::to("10").item("1", 2))
        .unwrap();
    assert_eq!(
        created.id, "1",
        "no numeric id is left: numbering starts again"
    );

    let err = order.delete_shipment("a").unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert!(err.message.contains("shipment `a`"), "{err}");
}

#[test]
fn deleting_a_shipment_moves_the_order_back_to_partially_shipped() {
    install_carriers();
    let mut order = order();
    order
        .create_shipment(NewShipment::to("10").item("1", 2).item("2", 2))
        .unwrap();
    order
        .create_shipment(NewShipment::to("20").item("1", 1))
        .unwrap();
    assert_eq!(order.fulfilment().state, FulfilmentState::Shipped);
    order.delete_shipment("2").unwrap();
    assert_eq!(order.fulfilment().state, FulfilmentState::PartiallyShipped);
    order.delete_shipment("1").unwrap();
    assert_eq!(order.fulfilment().state, FulfilmentState::Unshipped);
}

#[test]
fn updates_recheck_the_rules_and_never_change_items() {
    install_carriers();
    let mut order = order();
    order
        .create_shipment(
            NewShipment::to("10")
                .item("1", 1)
                .tracking(Some("ups"), UPS),
        )
        .unwrap();

    let cases: Vec<(&str, ShipmentUpdate, &str)> = vec![
        (
            "items cannot change",
            ShipmentUpdate {
                items: Some(vec![ShipmentItem {
                    item_id: "1".into(),
                    quantity: 2,
                }]),
                ..ShipmentUpdate::default()
            },
            "items: the items of shipment `1` cannot be changed",
        ),
        (
            "new number checked against the current carrier",
            ShipmentUpdate {
                tracking_number: Some(UPS_WRONG_DIGIT.into()),
                ..ShipmentUpdate::default()
            },
            "tracking_number: `1ZA1B2C30312345674` has the shape of a UPS 1Z number but its \
             check digit should be 3, not 4",
        ),
        (
            "moving to an address its items do not go to",
            ShipmentUpdate {
                order_address_id: Some("20".into()),
                tracking_number: Some(UPS.into()),
                ..ShipmentUpdate::default()
            },
            "",
        ),
    ];
    for (what, update, message) in cases {
        let mut copy = order.clone();
        let result = copy.update_shipment("1", update);
        if message.is_empty() {
            // Address 20 does receive line 1 (one unit): the move is allowed.
            let moved = result.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(moved.order_address_id, "20");
        } else {
            let err = result.expect_err(what);
            assert!(err.message.starts_with(message), "{what}: {}", err.message);
            assert_eq!(copy, order, "{what}: a refused update changes nothing");
        }
    }

    // The same items may be repeated; tracking may change carrier when both are given.
    let updated = order
        .update_shipment(
            "1",
            ShipmentUpdate {
                items: Some(vec![ShipmentItem {
                    item_id: "1".into(),
                    quantity: 1,
                }]),
                tracking_carrier: Some("fedex".into()),
                tracking_number: Some("1234 5678 9012".into()),
                comments: Some("re-labelled".into()),
                ..ShipmentUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(updated.tracking_carrier.as_ref().unwrap().as_str(), "fedex");
    assert_eq!(
        updated.tracking_number.as_ref().unwrap().as_str(),
        "123456789012"
    );
    assert_eq!(updated.comments.as_deref(), Some("re-labelled"));

    // Its own quantity does not count against it when it is re-checked.
    order
        .update_shipment(
            "1",
            ShipmentUpdate {
                shipping_method: Some("FedEx Express".into()),
                ..ShipmentUpdate::default()
            },
        )
        .unwrap();

    let err = order
        .update_shipment("9", ShipmentUpdate::default())
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

#[test]
fn moving_a_shipment_to_an_address_without_room_is_refused() {
    install_carriers();
    let mut order = order();
    order
        .create_shipment(NewShipment::to("20").item("1", 1))
        .unwrap();
    order
        .create_shipment(NewShipment::to("10").item("1", 1))
        .unwrap();
    let err = order
        .update_shipment(
            "2",
            ShipmentUpdate {
                order_address_id: Some("20".into()),
                ..ShipmentUpdate::default()
            },
        )
        .unwrap_err();
    assert!(
        err.message
            .starts_with("items[0].quantity: shipping 1 of line item `1` to address `20`"),
        "{err}"
    );
}

#[test]
fn delivered_once_tracking_says_every_shipment_arrived() {
    install_carriers();
    let mut order = order();
    order
        .create_shipment(NewShipment::to("10").item("1", 2).item("2", 2))
        .unwrap();
    let statuses = |first: Status, second: Option<Status>| {
        move |s: &shipmux_core::orders::Shipment| match s.id.as_str() {
            "1" => Some(first),
            _ => second,
        }
    };
    use shipmux_core::orders::Fulfilment;
    // Partially shipped stays partially shipped even if what was sent arrived.
    assert_eq!(
        Fulfilment::of(&order, statuses(Status::Delivered, None)).state,
        FulfilmentState::PartiallyShipped
    );
    order
        .create_shipment(NewShipment::to("20").item("1", 1))
        .unwrap();
    let table = [
        (
            Status::Delivered,
            Some(Status::Delivered),
            FulfilmentState::Delivered,
        ),
        (
            Status::Delivered,
            Some(Status::InTransit),
            FulfilmentState::Shipped,
        ),
        (Status::Delivered, None, FulfilmentState::Shipped),
        (
            Status::Exception,
            Some(Status::Delivered),
            FulfilmentState::Shipped,
        ),
    ];
    for (first, second, state) in table {
        assert_eq!(
            Fulfilment::of(&order, statuses(first, second)).state,
            state,
            "{first:?} {second:?}"
        );
    }
}

#[test]
fn an_order_round_trips_through_json_and_its_shipments_are_rechecked() {
    install_carriers();
    let mut order = order();
    order
        .create_shipment(
            NewShipment::to("10")
                .item("1", 2)
                .tracking(None, UPS)
                .provider("ups")
                .method("UPS Ground")
                .created_at(DateTime::parse_from_rfc3339("2026-11-24T10:12:00-05:00").unwrap()),
        )
        .unwrap();
    let json = serde_json::to_value(&order).unwrap();
    assert_eq!(json["shipments"][0]["tracking_carrier"], "ups");
    assert_eq!(
        json["shipments"][0]["created_at"],
        "2026-11-24T10:12:00-05:00"
    );
    assert_eq!(json["line_items"][0]["price"], "10.00");
    let back: Order = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, order);

    // The same file with a second shipment of the same towels ships one too many.
    let mut tampered = json;
    let extra = tampered["shipments"][0].clone();
    tampered["shipments"].as_array_mut().unwrap().push({
        let mut e = extra;
        e["id"] = "2".into();
        e["items"][0]["quantity"] = 1.into();
        e
    });
    let err = serde_json::from_value::<Order>(tampered).unwrap_err();
    assert!(
        err.to_string()
            .contains("shipments[1].items[0].quantity: shipping 1 of line item `1`"),
        "{err}"
    );
}

#[test]
fn orders_refuse_inconsistent_lines_and_addresses() {
    install_carriers();
    let base: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/orders_two_addresses.json")).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: &[(&str, Edit, &str)] = &[
        (
            "addresses receive more than ordered",
            |o| o["shipping_addresses"][1]["items"][0]["quantity"] = 2.into(),
            "line_items[0].quantity: line item `1` ordered 3 but the shipping addresses receive 4",
        ),
        (
            "address lists an unknown line",
            |o| o["shipping_addresses"][1]["items"][0]["item_id"] = "9".into(),
            "shipping_addresses[1].items[0].item_id: `9` is not a line item of order 1001",
        ),
        (
            "duplicate line ids",
            |o| o["line_items"][1]["id"] = "1".into(),
            "line_items[1].id: line item `1` is listed twice",
        ),
        (
            "digital line sent to an address",
            |o| o["shipping_addresses"][1]["items"][0]["item_id"] = "3".into(),
            "shipping_addresses[1].items[0].item_id: line item `3` is digital",
        ),
        (
            "zero quantity",
            |o| o["line_items"][0]["quantity"] = 0.into(),
            "line_items[0].quantity: must be at least 1, got 0",
        ),
    ];
    for (what, edit, message) in cases {
        let mut json = base.clone();
        edit(&mut json);
        let err = serde_json::from_value::<Order>(json).expect_err(what);
        assert!(
            err.to_string().contains(message),
            "{what}: `{err}` should contain `{message}`"
        );
    }
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
