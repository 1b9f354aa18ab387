//! Checkout validation (docs/bigcommerce.md): quantities add up, none ≤ 0, item ids exist,
//! no empty consignment — every error names its field. And the consignment summary.

use std::str::FromStr;

use rust_decimal::Decimal;
use shipmux_core::checkout::{Checkout, Consignment, ConsignmentLine, LineItem};
use shipmux_core::{Address, Currency, ErrorKind, Money, Weight, WeightUnit};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Two line items split over two consignments: 3 × li-1 (2 + 1), 1 × li-2.
fn split_checkout() -> Checkout {
    Checkout {
        origin: Address::new("US", "90210").with_region("CA"),
        currency: Currency::usd(),
        line_items: vec![
            LineItem::new("li-1", 3, d("19.99"), Weight::lb(d("2"))),
            LineItem::new("li-2", 1, d("100.00"), Weight::oz(d("8")))
                .with_fixed_shipping_cost(Money::parse("4.50", "USD").unwrap()),
        ],
        consignments: vec![
            Consignment::new(
                "home",
                Address::new("US", "10001").with_region("NY"),
                vec![
                    ConsignmentLine::new("li-1", 2),
                    ConsignmentLine::new("li-2", 1),
                ],
            ),
            Consignment::new(
                "office",
                Address::new("US", "60601").with_region("IL"),
                vec![ConsignmentLine::new("li-1", 1)],
            ),
        ],
    }
}

#[test]
fn a_good_split_checkout_validates() {
    split_checkout().validate().unwrap();
}

#[test]
fn each_broken_invariant_is_refused_naming_the_field() {
    type Break = fn(&mut Checkout);
    let cases: Vec<(Break, &str)> = vec![
        (
            |c| c.consignments[1].line_items[0].quantity = 2,
            "line_items[0].quantity",
        ), // 4 ≠ 3
        (
            |c| {
                c.consignments.remove(1);
            },
            "line_items[0].quantity",
        ), // 2 ≠ 3
        (
            |c| c.consignments[0].line_items[1].quantity = 0,
            "consignments[0].line_items[1].quantity",
        ),
        (
            |c| c.consignments[1].line_items[0].quantity = -1,
            "consignments[1].line_items[0].quantity",
        ),
        (|c| c.line_items[0].quantity = 0, "line_items[0].quantity"),
        (
            |c| c.line_items[0].quantity = 10_000_000,
            "line_items[0].quantity",
        ),
        (
            |c| c.consignments[1].line_items[0].item_id = "li-9".into(),
            "consignments[1].line_items[0].item_id",
        ),
        (
            |c| c.consignments[1].line_items.clear(),
            "consignments[1].line_items",
        ),
        (|c| c.consignments.clear(), "consignments"),
        (|c| c.line_items.clear(), "line_items"),
        (
            |c| c.consignments[1].id = "home".into(),
            "consignments[1].id",
        ),
        (|c| c.consignments[0].id = " ".into(), "consignments[0].id"),
        (|c| c.line_items[1].id = "li-1".into(), "line_items[1].id"),
        (
            |c| c.line_items[0].unit_price = d("-1"),
            "line_items[0].unit_price",
        ),
        (
            |c| c.line_items[0].weight = Weight::lb(d("0")),
            "line_items[0].weight",
        ),
        (
            |c| c.line_items[1].fixed_shipping_cost = Some(Money::parse("4.50", "CAD").unwrap()),
            "line_items[1].fixed_shipping_cost",
        ),
        (
            |c| c.line_items[1].fixed_shipping_cost = Some(Money::parse("-1", "USD").unwrap()),
            "line_items[1].fixed_shipping_cost",
        ),
        (
            |c| c.consignments[1].address = Address::new("XX", "1"),
            "consignments[1].address.country",
        ),
        (|c| c.origin = Address::new("US", ""), "origin.postal_code"),
    ];
    for (i, (break_it, field)) in cases.into_iter().enumerate() {
        let mut checkout = split_checkout();
        break_it(&mut checkout);
        let e = checkout.validate().unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest, "case {i}");
        assert!(
            e.message.starts_with(field),
            "case {i}: `{}` should name {field}",
            e.message
        );
    }
}

#[test]
fn the_quantity_error_says_what_does_not_add_up() {
    let mut checkout = split_checkout();
    checkout.consignments[1].line_items[0].quantity = 2;
    let e = checkout.validate().unwrap_err();
    assert_eq!(
        e.message,
        "line_items[0].quantity: the cart has 3 of `li-1` but the consignments carry 4"
    );
}

#[test]
fn unreadable_or_negative_json_is_an_invalid_request() {
    let e = Checkout::from_json("{").unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert!(e.message.starts_with("checkout"), "{}", e.message);
    let json = serde_json::to_string(&split_checkout()).unwrap().replacen(
        r#""quantity":3"#,
        r#""quantity":-3"#,
        1,
    );
    let e = Checkout::from_json(&json).unwrap_err();
    assert!(
        e.message.starts_with("line_items[0].quantity"),
        "{}",
        e.message
    );
}

#[test]
fn summaries_add_up_quantities_weights_and_prices() {
    let checkout = split_checkout();
    let home = checkout.summarize(&checkout.consignments[0]).unwrap();
    // 2 × 2 lb + 1 × 8 oz = 4.5 lb
    assert_eq!(home.weight, Weight::lb(d("4.5")));
    assert_eq!(home.item_count, 3);
    assert_eq!(home.subtotal.amount, d("139.98"));
    assert_eq!(
        home.carrier_item_count, 2,
        "the fixed-cost item is not rated"
    );
    assert_eq!(home.fixed_shipping_cost.amount, d("4.50"));
    assert_eq!(home.fixed_shipping_subtotal.amount, d("100.00"));
    let office = checkout.summarize(&checkout.consignments[1]).unwrap();
    assert_eq!(office.weight, Weight::lb(d("2")));
    assert_eq!(office.item_count, 1);
    assert_eq!(office.subtotal.amount, d("19.99"));
    assert_eq!(office.fixed_shipping_cost.amount, d("0"));
}

#[test]
fn summary_weight_is_exact_across_units() {
    let checkout = Checkout::new(
        Address::new("CA", "K1A 0B1"),
        Currency::cad(),
        vec![
            LineItem::new("a", 2, d("10"), Weight::kg(d("1.5"))),
            LineItem::new("b", 4, d("2.50"), Weight::g(d("250"))),
        ],
        vec![Consignment::new(
            "c1",
            Address::new("CA", "M5V"),
            vec![ConsignmentLine::new("a", 2), ConsignmentLine::new("b", 4)],
        )],
    )
    .unwrap();
    let summary = checkout.summarize(&checkout.consignments[0]).unwrap();
    assert_eq!(summary.weight.unit, WeightUnit::Kg);
    assert_eq!(summary.weight.value, d("4"));
    assert_eq!(summary.subtotal, Money::parse("30.00", "CAD").unwrap());
}

#[test]
fn items_with_a_fixed_cost_are_not_packed_for_carriers() {
    let checkout = split_checkout();
    let items = checkout.items_to_pack(&checkout.consignments[0]);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].id, "li-1");
    assert_eq!(items[0].quantity, 2);
}

#[test]
fn absurd_prices_are_refused_and_never_panic() {
    let mut checkout = split_checkout();
    checkout.line_items[0].unit_price = Decimal::MAX;
    let e = checkout.validate().unwrap_err();
    assert!(
        e.message.starts_with("line_items[0].unit_price"),
        "{}",
        e.message
    );
    // Summarizing without validating first is an error too, not a panic.
    let e = checkout.summarize(&checkout.consignments[0]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    let mut checkout = split_checkout();
    checkout.consignments[0].line_items[0].quantity = i64::MAX;
    assert!(checkout.summarize(&checkout.consignments[0]).is_err());
}
