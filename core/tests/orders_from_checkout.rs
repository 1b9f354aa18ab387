//! A checkout's consignments become the order's shipping addresses.

use std::str::FromStr;

use rust_decimal::Decimal;
use shipmux_core::checkout::{Checkout, Consignment, ConsignmentLine, LineItem, ShippingOption};
use shipmux_core::orders::{FulfilmentState, NewShipment, Order};
use shipmux_core::{Address, Currency, Money, Weight};

fn checkout() -> Checkout {
    Checkout::new(
        Address::new("US", "90210").with_region("CA"),
        Currency::usd(),
        vec![
            LineItem::new(
                "li-1",
                3,
                Decimal::from_str("19.99").unwrap(),
                Weight::lb(2.into()),
            ),
            LineItem::new(
                "li-2",
                1,
                Decimal::from_str("5.00").unwrap(),
                Weight::lb(1.into()),
            ),
        ],
        vec![
            Consignment::new(
                "c1",
                Address::new("US", "10001").with_region("NY"),
                vec![
                    ConsignmentLine::new("li-1", 2),
                    ConsignmentLine::new("li-2", 1),
                ],
            ),
            Consignment::new(
                "c2",
                Address::new("US", "60601").with_region("IL"),
                vec![ConsignmentLine::new("li-1", 1)],
            ),
        ],
    )
    .unwrap()
}

fn option(cost: &str) -> ShippingOption {
    ShippingOption::flat("m1", "Standard", Money::parse(cost, "USD").unwrap())
}

#[test]
fn consignments_become_shipping_addresses_with_their_selected_option() {
    let order = Order::from_checkout(
        "5001",
        &checkout(),
        &[("c2", option("4.00")), ("c1", option("7.50"))],
    )
    .unwrap();
    let ids: Vec<&str> = order
        .shipping_addresses()
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, ["c1", "c2"]);
    let c1 = order.shipping_address("c1").unwrap();
    assert_eq!(c1.quantity_of("li-1"), 2);
    assert_eq!(
        c1.shipping.as_ref().unwrap().cost.amount.to_string(),
        "7.50"
    );
    assert_eq!(order.line_item("li-1").unwrap().price.to_string(), "19.99");

    let mut order = order;
    order
        .create_shipment(NewShipment::to("c2").item("li-1", 1))
        .unwrap();
    assert_eq!(order.fulfilment().state, FulfilmentState::PartiallyShipped);
}

#[test]
fn every_consignment_needs_a_selected_option() {
    let err = Order::from_checkout("5001", &checkout(), &[("c1", option("7.50"))]).unwrap_err();
    assert!(
        err.message
            .starts_with("consignments[1]: consignment `c2` has no selected shipping option"),
        "{err}"
    );
}
