//! What one checkout may ask for (`core/src/checkout/validate.rs`): the caps on line items,
//! consignments, consignment lines and units are `invalid_request` errors naming the field,
//! checked before the items; absurd numbers are errors, never panics; and a large B2B cart
//! still validates, summarizes and packs.

use std::str::FromStr;

use rust_decimal::Decimal;
use shipmux_core::checkout::{
    Checkout, Consignment, ConsignmentLine, LineItem, MAX_CONSIGNMENT_LINES, MAX_CONSIGNMENTS,
    MAX_LINE_ITEMS, MAX_PARCELS, MAX_QUANTITY, MAX_UNITS, PackItem, PackingStrategy,
};
use shipmux_core::{Address, Currency, Dimensions, ErrorKind, LengthUnit, Money, Weight};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn to(postal_code: &str) -> Address {
    Address::new("US", postal_code).with_region("NY")
}

/// A checkout of `items` (id, quantity) of 1 lb each, in `consignments` of (id, quantity).
fn checkout(items: &[(String, i64)], consignments: Vec<Vec<(String, i64)>>) -> Checkout {
    Checkout {
        origin: Address::new("US", "90210").with_region("CA"),
        currency: Currency::usd(),
        line_items: items
            .iter()
            .map(|(id, quantity)| LineItem::new(id, *quantity, d("9.99"), Weight::lb(d("1"))))
            .collect(),
        consignments: consignments
            .into_iter()
            .enumerate()
            .map(|(c, lines)| {
                let lines = lines
                    .iter()
                    .map(|(id, quantity)| ConsignmentLine::new(id, *quantity))
                    .collect();
                Consignment::new(&format!("c{c}"), to("10001"), lines)
            })
            .collect(),
    }
}

/// `n` line items of one unit each, all in one consignment.
fn cart_of(n: usize) -> Checkout {
    let items: Vec<(String, i64)> = (0..n).map(|i| (format!("li-{i}"), 1)).collect();
    checkout(&items, vec![items.clone()])
}

fn assert_refused(checkout: &Checkout, field: &str, says: &str) {
    let e = checkout.validate().unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest, "{}", e.message);
    assert!(
        e.message.starts_with(&format!("{field}: ")),
        "`{}` should name {field}",
        e.message
    );
    assert!(
        e.message.contains(says),
        "`{}` should say {says}",
        e.message
    );
}

#[test]
fn too_many_line_items_are_refused_naming_the_field() {
    let too_many = MAX_LINE_ITEMS + 1;
    assert_refused(
        &cart_of(too_many),
        "line_items",
        &format!("{too_many} items, at most {MAX_LINE_ITEMS}"),
    );
    cart_of(MAX_LINE_ITEMS).validate().unwrap();
}

#[test]
fn the_counts_are_checked_before_the_items() {
    let mut checkout = cart_of(MAX_LINE_ITEMS + 1);
    checkout.line_items[0].quantity = 0;
    checkout.line_items[1].weight = Weight::kg(Decimal::MAX);
    assert_refused(&checkout, "line_items", "at most");
}

#[test]
fn too_many_consignments_are_refused_naming_the_field() {
    let at_most = |n: usize| {
        let consignments = (0..n).map(|_| vec![("li-1".to_string(), 1)]).collect();
        checkout(&[("li-1".to_string(), n as i64)], consignments)
    };
    let too_many = MAX_CONSIGNMENTS + 1;
    assert_refused(
        &at_most(too_many),
        "consignments",
        &format!("{too_many} consignments, at most {MAX_CONSIGNMENTS}"),
    );
    at_most(MAX_CONSIGNMENTS).validate().unwrap();
}

#[test]
fn too_many_consignment_lines_are_refused_naming_the_field() {
    // One line item, one unit per consignment line: the lines add up, but there are too many.
    let lines = |n: usize| {
        let lines = vec![("li-1".to_string(), 1); n];
        checkout(&[("li-1".to_string(), n as i64)], vec![lines])
    };
    let too_many = MAX_CONSIGNMENT_LINES + 1;
    assert_refused(
        &lines(too_many),
        "consignments[*].line_items",
        &format!("{too_many} lines in all, at most {MAX_CONSIGNMENT_LINES}"),
    );
    lines(MAX_CONSIGNMENT_LINES).validate().unwrap();
}

#[test]
fn too_many_units_are_refused_naming_the_field() {
    // Each line within MAX_QUANTITY, the cart over MAX_UNITS.
    let items = [("a".to_string(), MAX_QUANTITY), ("b".to_string(), 1)];
    let units = MAX_QUANTITY as u64 + 1;
    assert!(units > MAX_UNITS);
    assert_refused(
        &checkout(&items, vec![items.to_vec()]),
        "line_items[*].quantity",
        &format!("{units} units in all, at most {MAX_UNITS}"),
    );
    let items = [("a".to_string(), MAX_UNITS as i64)];
    checkout(&items, vec![items.to_vec()]).validate().unwrap();
}

#[test]
fn absurd_weights_and_dimensions_are_errors_not_panics() {
    let mut checkout = cart_of(2);
    checkout.line_items[1].weight = Weight::kg(Decimal::MAX);
    assert_refused(&checkout, "line_items[1].weight", "absurd (over 100 t)");
    checkout.line_items[1].weight = Weight::g(d("-1000000000000000000000"));
    assert_refused(&checkout, "line_items[1].weight", "must be positive");

    // The sides are checked in order, a side too large to convert like any absurd side.
    let boxed = |length: Decimal, width: Decimal| {
        let mut checkout = cart_of(1);
        checkout.line_items[0].dimensions =
            Some(Dimensions::new(length, width, d("1"), LengthUnit::M));
        checkout
    };
    let field = "line_items[0].dimensions";
    assert_refused(
        &boxed(d("1"), Decimal::MAX),
        &format!("{field}.width"),
        "absurd (over 10 m)",
    );
    assert_refused(
        &boxed(d("0"), Decimal::MAX),
        &format!("{field}.length"),
        "must be positive",
    );
    assert_refused(
        &boxed(d("11"), Decimal::MAX),
        &format!("{field}.length"),
        "11 M is absurd (over 10 m)",
    );
    boxed(d("1"), d("2")).validate().unwrap();

    // Packing units that were never validated.
    let huge_box = PackItem {
        id: "crate".into(),
        quantity: 1,
        weight: Weight::lb(d("1")),
        dimensions: Some(Dimensions::new(d("1"), d("1"), Decimal::MAX, LengthUnit::M)),
        ships_separately: false,
    };
    let e = PackingStrategy::Individual.pack(&[huge_box]).unwrap_err();
    assert!(
        e.message.starts_with("line item `crate`.dimensions.height"),
        "{}",
        e.message
    );
}

#[test]
fn vanishingly_light_units_pack_without_panicking() {
    let mut checkout = cart_of(3);
    for item in &mut checkout.line_items {
        item.weight = Weight::lb(d("0.000000000000000000000000001"));
    }
    checkout.validate().unwrap();
    let consignment = &checkout.consignments[0];
    let parcels = PackingStrategy::Combined {
        max_weight: Weight::lb(d("150")),
    }
    .pack(&checkout.items_to_pack(consignment))
    .unwrap();
    assert_eq!(parcels.len(), 1);
    assert_eq!(
        parcels[0].weight,
        Weight::lb(d("0.000000000000000000000000003"))
    );
}

#[test]
fn combined_packing_refuses_more_units_than_the_cap() {
    let grain = |quantity: u64| PackItem {
        id: "grain".into(),
        quantity,
        weight: Weight::lb(d("0.0001")),
        dimensions: None,
        ships_separately: false,
    };
    let combined = PackingStrategy::Combined {
        max_weight: Weight::lb(d("150")),
    };
    combined.pack(&[grain(MAX_UNITS)]).unwrap();
    for items in [
        vec![grain(MAX_UNITS), grain(1)],
        vec![grain(u64::MAX), grain(u64::MAX)],
    ] {
        let e = combined.pack(&items).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest);
        assert!(
            e.message.starts_with("line_items: ")
                && e.message
                    .contains(&format!("units to pack, at most {MAX_UNITS}")),
            "{}",
            e.message
        );
    }
}

#[test]
fn a_large_b2b_cart_validates_summarizes_and_packs() {
    const ITEMS: usize = 5_000;
    let mut line_items = Vec::with_capacity(ITEMS);
    for i in 0..ITEMS {
        // 0.25 to 12 lb, 1 to 3 units; every 50th with a fixed shipping cost, every 100th alone.
        let weight = Weight::lb(Decimal::new(25 * (1 + (i as i64 * 7) % 48), 2));
        let mut item = LineItem::new(&format!("sku-{i}"), 1 + i as i64 % 3, d("4.99"), weight)
            .ships_separately(i % 100 == 1);
        if i % 50 == 0 {
            item = item.with_fixed_shipping_cost(Money::parse("2.00", "USD").unwrap());
        }
        line_items.push(item);
    }
    // Three destinations, the lines in another order than the cart's; every third item split
    // between two of them.
    let mut lines = vec![Vec::new(), Vec::new(), Vec::new()];
    for (i, item) in line_items.iter().enumerate().rev() {
        let c = i % 3;
        if i % 3 == 0 && item.quantity > 1 {
            lines[c].push(ConsignmentLine::new(&item.id, 1));
            lines[(c + 1) % 3].push(ConsignmentLine::new(&item.id, item.quantity - 1));
        } else {
            lines[c].push(ConsignmentLine::new(&item.id, item.quantity));
        }
    }
    let consignments = lines
        .into_iter()
        .enumerate()
        .map(|(c, lines)| Consignment::new(&format!("store-{c}"), to("10001"), lines))
        .collect();
    let checkout = Checkout::new(
        Address::new("US", "90210").with_region("CA"),
        Currency::usd(),
        line_items,
        consignments,
    )
    .unwrap();

    let units: u64 = checkout.line_items.iter().map(|i| i.quantity as u64).sum();
    let grams: Decimal = checkout
        .line_items
        .iter()
        .map(|i| i.weight.grams() * Decimal::from(i.quantity))
        .sum();
    let packing = PackingStrategy::Combined {
        max_weight: Weight::lb(d("150")),
    };
    let (mut counted, mut weighed, mut packed, mut parcels_made) =
        (0, Decimal::ZERO, Decimal::ZERO, 0);
    for consignment in &checkout.consignments {
        let summary = checkout.summarize(consignment).unwrap();
        counted += summary.item_count;
        weighed += summary.weight.grams();
        let items = checkout.items_to_pack(consignment);
        let carried: u64 = items.iter().map(|i| i.quantity).sum();
        assert_eq!(carried, summary.carrier_item_count);
        let parcels = packing.pack(&items).unwrap();
        assert!(parcels.len() <= MAX_PARCELS);
        for parcel in &parcels {
            assert!(parcel.weight.grams() <= Weight::lb(d("150")).grams());
            packed += parcel.weight.grams();
        }
        let rated: Decimal = items
            .iter()
            .map(|i| i.weight.grams() * Decimal::from(i.quantity))
            .sum();
        assert_eq!(
            parcels.iter().map(|p| p.weight.grams()).sum::<Decimal>(),
            rated
        );
        parcels_made += parcels.len();
    }
    assert_eq!(counted, units);
    assert_eq!(weighed, grams);
    assert!(packed < grams, "fixed-cost items are not packed");
    // ~10,000 units of ~6 lb in 150 lb parcels, and the items that travel alone.
    assert!(parcels_made > 400 && parcels_made < 600, "{parcels_made}");
}
