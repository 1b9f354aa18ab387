//! Every method type, from the examples of BigCommerce's V2 method settings, with the
//! boundaries of our range rules, and our fee order (docs/bigcommerce.md).

use std::str::FromStr;

use rust_decimal::Decimal;
use shipmux_core::checkout::{ConsignmentSummary, PackingStrategy};
use shipmux_core::rules::{
    Adjustment, DefaultCost, FeeStepKind, HandlingFee, Method, MethodKind, MethodOutcome,
    RateRange, RateTable, RealTimeMethod, Unavailable, WeightTable, Zone, ZoneKind, ZoneLocation,
};
use shipmux_core::{CarrierId, ErrorKind, Money, Rate, Weight, WeightUnit};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn usd(s: &str) -> Money {
    Money::parse(s, "USD").unwrap()
}

fn summary(weight_lb: &str, items: u64, subtotal: &str) -> ConsignmentSummary {
    ConsignmentSummary::new(Weight::lb(d(weight_lb)), items, usd(subtotal))
}

fn method(kind: MethodKind) -> Method {
    Method::new("m", "Method", kind)
}

/// `Some(cost)` for a static outcome, `None` when the method is absent.
fn cost(method: &Method, summary: &ConsignmentSummary) -> Option<Decimal> {
    match method.evaluate(summary) {
        MethodOutcome::Static(priced) => Some(priced.cost.amount),
        MethodOutcome::Unavailable(_) => None,
        MethodOutcome::RealTime(_) => panic!("not a static method"),
    }
}

fn ranges(rows: &[(&str, &str, &str)]) -> Vec<RateRange> {
    rows.iter()
        .map(|(lo, hi, cost)| RateRange::new(d(lo), d(hi), d(cost)))
        .collect()
}

/// BigCommerce's "Per Total or Free" example: touching ranges, a gap (49.99 → 50), a zero cost.
fn per_total_or_free(default_cost: Option<DefaultCost>) -> Method {
    method(MethodKind::ByTotal(RateTable {
        ranges: ranges(&[
            ("0", "5", "5"),
            ("5", "10", "8"),
            ("10", "20", "10"),
            ("20", "49.99", "15"),
            ("50", "100000", "0"),
        ]),
        default_cost,
    }))
}

/// BigCommerce's "Rate per Weight" example: 0–20 lb costs 8, 20–40 lb costs 12.
fn rate_per_weight(default_cost: Option<DefaultCost>) -> Method {
    method(MethodKind::ByWeight(WeightTable {
        unit: WeightUnit::Lb,
        table: RateTable {
            ranges: ranges(&[("0", "20", "8"), ("20", "40", "12")]),
            default_cost,
        },
    }))
}

#[test]
fn by_total_takes_the_first_range_and_falls_back_to_the_default() {
    let with_default = per_total_or_free(Some(DefaultCost::Fixed(d("12"))));
    let without_default = per_total_or_free(None);
    // (subtotal, cost with default 12, cost without default)
    let table = [
        ("0", Some("5"), Some("5")),
        ("4.99", Some("5"), Some("5")),
        ("5", Some("5"), Some("5")), // shared boundary → the earlier range
        ("5.01", Some("8"), Some("8")),
        ("10", Some("8"), Some("8")),
        ("20", Some("10"), Some("10")),
        ("49.99", Some("15"), Some("15")),
        ("49.995", Some("12"), None), // in the gap: default, else absent
        ("50", Some("0"), Some("0")), // a range costing 0 is free, not absent
        ("100000", Some("0"), Some("0")),
        ("100000.01", Some("12"), None), // above every range
    ];
    for (subtotal, with, without) in table {
        let s = summary("1", 1, subtotal);
        assert_eq!(
            cost(&with_default, &s),
            with.map(d),
            "default 12, subtotal {subtotal}"
        );
        assert_eq!(
            cost(&without_default, &s),
            without.map(d),
            "no default, subtotal {subtotal}"
        );
    }
}

#[test]
fn by_weight_boundaries_and_defaults() {
    let none = rate_per_weight(None);
    let fixed = rate_per_weight(Some(DefaultCost::Fixed(d("12"))));
    let percent = rate_per_weight(Some(DefaultCost::PercentOfTotal(d("10"))));
    // (weight lb, no default, default 12 fixed, default 10 % of a 123.45 subtotal)
    let table = [
        ("0.1", Some("8"), Some("8"), Some("8")),
        ("20", Some("8"), Some("8"), Some("8")), // exactly on a shared limit → earlier range
        ("20.0001", Some("12"), Some("12"), Some("12")),
        ("40", Some("12"), Some("12"), Some("12")), // exactly on the last upper limit
        ("40.01", None, Some("12"), Some("12.35")), // 12.345 rounds half away from zero
    ];
    for (weight, a, b, c) in table {
        let s = summary(weight, 1, "123.45");
        assert_eq!(cost(&none, &s), a.map(d), "no default, {weight} lb");
        assert_eq!(cost(&fixed, &s), b.map(d), "fixed default, {weight} lb");
        assert_eq!(cost(&percent, &s), c.map(d), "percent default, {weight} lb");
    }
    assert_eq!(
        none.evaluate(&summary("41", 1, "1")),
        MethodOutcome::Unavailable(Unavailable::NoRangeApplies)
    );
}

#[test]
fn by_weight_converts_the_consignment_to_the_tables_unit() {
    let m = rate_per_weight(None);
    // 9.0718474 kg is exactly 20 lb: on the limit, so the first range.
    let s = ConsignmentSummary::new(Weight::kg(d("9.0718474")), 1, usd("10"));
    assert_eq!(cost(&m, &s), Some(d("8")));
    let s = ConsignmentSummary::new(Weight::kg(d("9.0718475")), 1, usd("10"));
    assert_eq!(cost(&m, &s), Some(d("12")));
}

#[test]
fn ranges_in_listed_order_win_even_when_they_overlap() {
    let m = method(MethodKind::ByTotal(RateTable {
        ranges: ranges(&[("0", "100", "9"), ("0", "50", "4")]),
        default_cost: None,
    }));
    assert_eq!(cost(&m, &summary("1", 1, "30")), Some(d("9")));
}

#[test]
fn flat_methods_per_order_and_per_item() {
    let per_order = method(MethodKind::PerOrder { rate: d("7") });
    let per_item = method(MethodKind::PerItem { rate: d("8") });
    // (items, per order, per item)
    for (items, order, item) in [(1, "7", "8"), (3, "7", "24"), (10, "7", "80")] {
        let s = summary("5", items, "50");
        assert_eq!(cost(&per_order, &s), Some(d(order)), "{items} items");
        assert_eq!(cost(&per_item, &s), Some(d(item)), "{items} items");
    }
}

#[test]
fn free_shipping_from_a_minimum_subtotal() {
    let always = method(MethodKind::FreeShipping {
        minimum_subtotal: None,
    });
    let over_75 = method(MethodKind::FreeShipping {
        minimum_subtotal: Some(d("75")),
    })
    .with_handling_fee(Adjustment::Fixed(d("3")));
    for (subtotal, expected) in [
        ("0", None),
        ("74.99", None),
        ("75", Some("0")),
        ("200", Some("0")),
    ] {
        let s = summary("1", 1, subtotal);
        assert_eq!(cost(&always, &s), Some(d("0")));
        // Free shipping comes after the fees: a handling fee never makes it cost something.
        assert_eq!(cost(&over_75, &s), expected.map(d), "subtotal {subtotal}");
    }
    assert_eq!(
        over_75.evaluate(&summary("1", 1, "10")),
        MethodOutcome::Unavailable(Unavailable::BelowMinimum)
    );
}

#[test]
fn disabled_and_unknown_methods_are_absent() {
    let mut disabled = method(MethodKind::PerOrder { rate: d("5") });
    disabled.enabled = false;
    assert_eq!(
        disabled.evaluate(&summary("1", 1, "1")),
        MethodOutcome::Unavailable(Unavailable::Disabled)
    );
    let pickup = method(MethodKind::Other {
        source_type: "pickupinstore".into(),
    });
    assert!(pickup.evaluate(&summary("1", 1, "1")).is_unavailable());
}

#[test]
fn handling_fees_apply_method_then_zone_and_round_once() {
    let zone = |fee: HandlingFee| {
        Zone::new(
            "us",
            "US",
            ZoneKind::Country,
            vec![ZoneLocation::country("US")],
        )
        .with_handling_fee(fee)
    };
    // (method rate, method fee, zone fee, expected)
    let table = [
        ("10", None, HandlingFee::fixed(d("2")), "12.00"),
        (
            "10",
            Some(Adjustment::Fixed(d("1.50"))),
            HandlingFee::fixed(d("2")),
            "13.50",
        ),
        (
            "10",
            Some(Adjustment::Percent(d("10"))),
            HandlingFee::fixed(d("2")),
            "13.00",
        ),
        // zone % applies to the cost after the method's fee: (10 + 1) × 1.05 = 11.55
        (
            "10",
            Some(Adjustment::Fixed(d("1"))),
            HandlingFee::percent(d("5")),
            "11.55",
        ),
        // 9.99 × 1.075 = 10.73925 → × 1.025 = 11.00773125 → 11.01, rounded once
        (
            "9.99",
            Some(Adjustment::Percent(d("7.5"))),
            HandlingFee::percent(d("2.5")),
            "11.01",
        ),
    ];
    for (rate, method_fee, zone_fee, expected) in table {
        let mut m = method(MethodKind::PerOrder { rate: d(rate) });
        m.handling_fee = method_fee;
        let z = zone(zone_fee).with_method(m);
        let offers = z.offers(&summary("1", 1, "50"));
        let MethodOutcome::Static(priced) = &offers[0].outcome else {
            panic!("static")
        };
        assert_eq!(
            priced.cost.amount,
            d(expected),
            "{rate} {method_fee:?} {zone_fee:?}"
        );
        let kinds: Vec<_> = priced.steps.iter().map(|s| s.kind).collect();
        assert_eq!(kinds[0], FeeStepKind::Base);
        let sum: Decimal = priced.steps.iter().map(|s| s.amount).sum();
        assert_eq!(sum, priced.cost.amount, "the breakdown adds up");
    }
}

fn ups_method(markup: Option<Adjustment>) -> Method {
    method(MethodKind::RealTime(RealTimeMethod {
        carrier: CarrierId::from_static("ups"),
        services: Some(vec!["03".into(), "02".into()]),
        markup,
        packing: None,
    }))
    .with_handling_fee(Adjustment::Fixed(d("1")))
}

fn ups_rate(service: &str, total: &str) -> Rate {
    Rate::new(CarrierId::from_static("ups"), service, "UPS", usd(total))
}

#[test]
fn real_time_says_whom_to_ask_and_prices_the_rates() {
    let zone = Zone::global("w", "World")
        .with_handling_fee(HandlingFee::percent(d("10")))
        .with_method(ups_method(Some(Adjustment::Percent(d("20")))));
    let offers = zone.offers(&summary("12", 2, "80"));
    let MethodOutcome::RealTime(query) = &offers[0].outcome else {
        panic!("a real-time outcome")
    };
    assert_eq!(query.carrier.as_str(), "ups");
    assert_eq!(
        query.services.as_deref(),
        Some(&["03".to_string(), "02".to_string()][..])
    );
    assert_eq!(query.packing, PackingStrategy::combined_for("ups"));
    // (carrier total, expected): markup 20 % → +1.00 method handling → +10 % zone handling
    for (total, expected) in [("10.00", "14.30"), ("23.47", "32.08"), ("0", "1.10")] {
        let priced = query.pricing.price(&ups_rate("03", total)).unwrap();
        assert_eq!(priced.cost.amount, d(expected), "rate {total}");
        let kinds: Vec<_> = priced.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            &kinds[..4],
            [
                FeeStepKind::Base,
                FeeStepKind::Markup,
                FeeStepKind::MethodHandling,
                FeeStepKind::ZoneHandling
            ]
        );
    }
    assert!(query.allows(&ups_rate("03", "1")));
    assert!(
        !query.allows(&ups_rate("01", "1")),
        "not in the services filter"
    );
    let fedex = Rate::new(CarrierId::from_static("fedex"), "03", "x", usd("1"));
    assert!(!query.allows(&fedex));
}

#[test]
fn fixed_markups_may_be_negative_but_costs_never_are() {
    let m = ups_method(Some(Adjustment::Fixed(d("-5"))));
    let MethodOutcome::RealTime(query) = m.evaluate(&summary("1", 1, "10")) else {
        panic!()
    };
    assert_eq!(
        query.pricing.cost(&ups_rate("03", "12.00")).unwrap().amount,
        d("8.00")
    );
    assert_eq!(
        query.pricing.cost(&ups_rate("03", "3.00")).unwrap().amount,
        d("0")
    );
}

#[test]
fn real_time_adds_fixed_product_shipping_and_skips_when_nothing_is_left_to_rate() {
    let m = ups_method(None);
    let mut s = summary("3", 3, "60");
    s.carrier_item_count = 2;
    s.fixed_shipping_cost = usd("4.25");
    let MethodOutcome::RealTime(query) = m.evaluate(&s) else {
        panic!()
    };
    // 10.00 + 1.00 handling + 4.25 fixed shipping
    assert_eq!(
        query.pricing.cost(&ups_rate("03", "10.00")).unwrap().amount,
        d("15.25")
    );
    s.carrier_item_count = 0;
    assert_eq!(
        m.evaluate(&s),
        MethodOutcome::Unavailable(Unavailable::NothingForCarriers)
    );
}

#[test]
fn a_rate_in_another_currency_cannot_be_priced() {
    let MethodOutcome::RealTime(query) = ups_method(None).evaluate(&summary("1", 1, "10")) else {
        panic!()
    };
    let cad = Rate::new(
        CarrierId::from_static("ups"),
        "03",
        "UPS",
        Money::parse("10", "CAD").unwrap(),
    );
    let e = query.pricing.cost(&cad).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert_eq!(e.carrier, Some(CarrierId::from_static("ups")));
}

#[test]
fn bad_tables_are_refused_naming_the_range() {
    let m = method(MethodKind::ByTotal(RateTable {
        ranges: ranges(&[("0", "10", "5"), ("20", "10", "5")]),
        default_cost: None,
    }));
    let e = m.validate("zones[0].methods[2]").unwrap_err();
    assert!(
        e.message.starts_with("zones[0].methods[2].ranges[1]"),
        "{}",
        e.message
    );
}

#[test]
fn absurd_amounts_make_a_method_absent_never_panic() {
    let huge = Decimal::MAX;
    let s = summary("1", u64::MAX, "79228162514264337593543950335");
    for kind in [
        MethodKind::PerItem { rate: huge },
        MethodKind::PerOrder { rate: huge },
        MethodKind::ByTotal(RateTable {
            ranges: vec![],
            default_cost: Some(DefaultCost::PercentOfTotal(huge)),
        }),
    ] {
        let m = method(kind).with_handling_fee(Adjustment::Percent(huge));
        assert_eq!(
            m.evaluate(&s),
            MethodOutcome::Unavailable(Unavailable::OutOfRange),
            "{m:?}"
        );
        assert!(m.validate("m").is_err(), "validation refuses it up front");
    }
    let heavy = ConsignmentSummary::new(Weight::kg(huge), 1, usd("1"));
    assert!(rate_per_weight(None).evaluate(&heavy).is_unavailable());
    let MethodOutcome::RealTime(query) =
        ups_method(Some(Adjustment::Percent(huge))).evaluate(&summary("1", 1, "1"))
    else {
        panic!()
    };
    let e = query
        .pricing
        .cost(&ups_rate("03", "79228162514264337593543950335"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert_eq!(e.carrier, Some(CarrierId::from_static("ups")));
}
