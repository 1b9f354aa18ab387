//! Packing units into parcels and billable weight with dimensional weight
//! (docs/bigcommerce.md).

use std::str::FromStr;

use rust_decimal::Decimal;
use shipmux_core::checkout::{
    DimWeightRule, MAX_PARCELS, PackItem, PackingStrategy, carrier_max_weight,
};
use shipmux_core::{Dimensions, ErrorKind, LengthUnit, Parcel, Weight};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn item(id: &str, quantity: u64, weight_lb: &str) -> PackItem {
    PackItem {
        id: id.into(),
        quantity,
        weight: Weight::lb(d(weight_lb)),
        dimensions: None,
        ships_separately: false,
    }
}

fn combined(max_lb: &str) -> PackingStrategy {
    PackingStrategy::Combined {
        max_weight: Weight::lb(d(max_lb)),
    }
}

fn weights(parcels: &[Parcel]) -> Vec<Decimal> {
    parcels
        .iter()
        .map(|p| p.weight.to(shipmux_core::WeightUnit::Lb).value)
        .collect()
}

#[test]
fn individual_packing_makes_one_parcel_per_unit() {
    install_carriers();
    let parcels = PackingStrategy::Individual
        .pack(&[item("a", 3, "2"), item("b", 1, "5")])
        .unwrap();
    assert_eq!(weights(&parcels), [d("2"), d("2"), d("2"), d("5")]);
}

#[test]
fn combined_packing_fills_parcels_up_to_the_limit() {
    install_carriers();
    // (items, limit, expected parcel weights)
    let table: Vec<(Vec<PackItem>, &str, Vec<&str>)> = vec![
        (vec![item("a", 3, "2")], "150", vec!["6"]),
        (vec![item("a", 5, "30")], "70", vec!["60", "60", "30"]),
        (vec![item("a", 2, "35")], "70", vec!["70"]), // exactly on the limit fits
        // heaviest first, first fit: 40 | 40, then the 20s fill the gaps
        (
            vec![item("s", 2, "20"), item("h", 2, "40")],
            "60",
            vec!["60", "60"],
        ),
        (vec![], "70", vec![]),
    ];
    for (items, limit, expected) in table {
        let parcels = combined(limit).pack(&items).unwrap();
        let expected: Vec<Decimal> = expected.iter().map(|w| d(w)).collect();
        assert_eq!(weights(&parcels), expected, "{items:?} up to {limit} lb");
    }
}

#[test]
fn units_that_ship_separately_travel_alone() {
    install_carriers();
    let mut alone = item("tv", 2, "30");
    alone.ships_separately = true;
    let parcels = combined("150").pack(&[item("a", 3, "1"), alone]).unwrap();
    assert_eq!(weights(&parcels), [d("30"), d("30"), d("3")]);
}

#[test]
fn a_unit_over_the_limit_is_refused_naming_it() {
    install_carriers();
    let e = combined("70")
        .pack(&[item("anvil", 1, "70.01")])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert!(e.message.contains("anvil"), "{}", e.message);
}

#[test]
fn absurd_quantities_fail_fast_instead_of_exhausting_memory() {
    install_carriers();
    let many = item("grain", u64::MAX / 2, "1");
    let e = PackingStrategy::Individual
        .pack(std::slice::from_ref(&many))
        .unwrap_err();
    assert!(
        e.message.contains(&MAX_PARCELS.to_string()),
        "{}",
        e.message
    );
    assert!(combined("150").pack(&[many]).is_err());
    // Many light units in few parcels are fine.
    let parcels = combined("150")
        .pack(&[item("pin", 1_000_000, "0.0001")])
        .unwrap();
    assert_eq!(weights(&parcels), [d("100")]);
}

#[test]
fn combined_parcels_stack_dimensions_along_the_shortest_side() {
    install_carriers();
    let boxed = |id: &str, qty: u64, l: &str, w: &str, h: &str| PackItem {
        dimensions: Some(Dimensions::inches(d(l), d(w), d(h))),
        ..item(id, qty, "1")
    };
    let parcels = combined("150")
        .pack(&[boxed("a", 2, "10", "2", "8"), boxed("b", 1, "6", "12", "3")])
        .unwrap();
    assert_eq!(parcels.len(), 1);
    assert_eq!(
        parcels[0].dimensions,
        Some(Dimensions::inches(d("12"), d("8"), d("7")))
    );
    // One unit without dimensions: the parcel's dimensions are unknown.
    let parcels = combined("150")
        .pack(&[boxed("a", 1, "10", "2", "8"), item("c", 1, "1")])
        .unwrap();
    assert_eq!(parcels[0].dimensions, None);
}

#[test]
fn carriers_weight_limits_are_data() {
    install_carriers();
    assert_eq!(carrier_max_weight("ups"), Weight::lb(d("150")));
    assert_eq!(carrier_max_weight("usps"), Weight::lb(d("70")));
    assert_eq!(carrier_max_weight("canadapost"), Weight::kg(d("30")));
    assert_eq!(
        PackingStrategy::combined_for("fedex"),
        PackingStrategy::Combined {
            max_weight: Weight::lb(d("150"))
        }
    );
}

fn dims(l: &str, w: &str, h: &str) -> Dimensions {
    Dimensions::inches(d(l), d(w), d(h))
}

#[test]
fn dim_weight_rounds_sides_to_whole_inches_and_pounds_up() {
    install_carriers();
    let ups = shipmux_ups::DESCRIPTOR.dim_weight.unwrap();
    let usps = shipmux_usps::DESCRIPTOR.dim_weight.unwrap();
    // (box, UPS/FedEx DIM lb, USPS DIM lb or none)
    let table = [
        (dims("12", "12", "12"), Some("13"), None), // 1728 / 139 = 12.43 → 13; USPS: exactly 1 ft³, not above
        (dims("12", "12", "12.4"), Some("13"), None), // 12.4 rounds to 12
        (dims("12", "12", "12.5"), Some("14"), Some("12")), // 12.5 rounds to 13: 1872 in³ → 13.47 and 11.28
        (dims("10", "10", "13.9"), Some("11"), None),       // 1400 in³
        (dims("20", "20", "20"), Some("58"), Some("49")),   // 8000/139 = 57.55; 8000/166 = 48.19
        (dims("1", "1", "1"), Some("1"), None),             // never 0 for a box with volume
    ];
    for (b, ups_dim, usps_dim) in table {
        assert_eq!(
            ups.dim_weight(&b),
            ups_dim.map(|w| Weight::lb(d(w))),
            "UPS {b:?}"
        );
        assert_eq!(
            usps.dim_weight(&b),
            usps_dim.map(|w| Weight::lb(d(w))),
            "USPS {b:?}"
        );
    }
    // Metric boxes convert exactly first: 30.48 cm is 12 in.
    let metric = Dimensions::new(d("30.48"), d("30.48"), d("30.48"), LengthUnit::Cm);
    assert_eq!(ups.dim_weight(&metric), Some(Weight::lb(d("13"))));
    assert_eq!(DimWeightRule::for_carrier("fedex"), Some(ups));
    assert_eq!(DimWeightRule::for_carrier("canadapost"), None);
}

#[test]
fn billable_weight_is_the_larger_of_actual_and_dim() {
    install_carriers();
    let ups = shipmux_ups::DESCRIPTOR.dim_weight.unwrap();
    let light_big = Parcel::new(Weight::lb(d("5"))).with_dimensions(dims("20", "20", "20"));
    assert_eq!(ups.billable_weight(&light_big), Weight::lb(d("58")));
    let heavy_small = Parcel::new(Weight::kg(d("30"))).with_dimensions(dims("10", "10", "10"));
    assert_eq!(ups.billable_weight(&heavy_small), Weight::kg(d("30")));
    let no_dims = Parcel::new(Weight::lb(d("2")));
    assert_eq!(ups.billable_weight(&no_dims), Weight::lb(d("2")));
    // USPS below one cubic foot bills actual weight however light.
    let small = Parcel::new(Weight::oz(d("3"))).with_dimensions(dims("11", "11", "11"));
    assert_eq!(
        shipmux_usps::DESCRIPTOR
            .dim_weight
            .unwrap()
            .billable_weight(&small),
        Weight::oz(d("3"))
    );
}

#[test]
fn dim_rules_are_data_in_json() {
    install_carriers();
    let rule: DimWeightRule =
        serde_json::from_str(r#"{"divisor": 194, "applies_above": "1728"}"#).unwrap();
    assert_eq!(rule.divisor, d("194"));
    assert_eq!(
        serde_json::to_value(shipmux_usps::DESCRIPTOR.dim_weight.unwrap()).unwrap(),
        serde_json::json!({"divisor": "166", "applies_above": "1728"})
    );
}

#[test]
fn absurd_weights_and_limits_are_errors_not_panics() {
    install_carriers();
    let heavy = PackItem {
        weight: Weight::lb(Decimal::MAX),
        ..item("x", 1, "1")
    };
    assert!(combined("150").pack(std::slice::from_ref(&heavy)).is_err());
    assert!(PackingStrategy::Individual.pack(&[heavy]).is_err());
    let limit = PackingStrategy::Combined {
        max_weight: Weight::lb(Decimal::MAX),
    };
    assert!(limit.pack(&[item("a", 1, "1")]).is_err());
    assert!(combined("0").pack(&[item("a", 1, "1")]).is_err());
    let flat_box = PackItem {
        dimensions: Some(Dimensions::inches(d("1"), d("0"), d("1"))),
        ..item("flat", 1, "1")
    };
    assert!(combined("150").pack(&[flat_box]).is_err());
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
