//! Zone matching (docs/bigcommerce.md): most specific wins, ZIP zones hide state zones, disabled
//! zones are skipped, no zone is a typed "no shipping to this address".

use std::str::FromStr;

use rust_decimal::Decimal;
use shipmux_core::checkout::ConsignmentSummary;
use shipmux_core::rules::{
    HandlingFee, Method, MethodKind, Zone, ZoneFreeShipping, ZoneKind, ZoneLocation, ZoneMatcher,
};
use shipmux_core::{Address, ErrorKind, Money, Weight};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn flat(id: &str, rate: &str) -> Method {
    Method::new(id, id, MethodKind::PerOrder { rate: d(rate) })
}

fn zip_zone(id: &str, patterns: &[&str]) -> Zone {
    let locations = patterns
        .iter()
        .map(|p| ZoneLocation::postcode("US", p).unwrap())
        .collect();
    Zone::new(id, id, ZoneKind::Zip, locations).with_method(flat(&format!("{id}-flat"), "1"))
}

/// A store with every kind of zone, listed least specific first so order cannot be what wins.
fn store() -> ZoneMatcher {
    ZoneMatcher::new(vec![
        Zone::global("world", "Rest of the world").with_method(flat("world-flat", "40")),
        Zone::new(
            "us",
            "United States",
            ZoneKind::Country,
            vec![ZoneLocation::country("US")],
        )
        .with_method(flat("us-flat", "10")),
        Zone::new(
            "canada",
            "Canada",
            ZoneKind::Country,
            vec![ZoneLocation::country("CA")],
        ),
        Zone::new(
            "west",
            "US West",
            ZoneKind::State,
            vec![
                ZoneLocation::state("US", "CA"),
                ZoneLocation::state("US", "OR"),
            ],
        )
        .with_method(flat("west-flat", "8")),
        zip_zone("la-wild", &["90*"]),
        zip_zone("la-range", &["90000...90299"]),
        zip_zone("beverly", &["90210"]),
        Zone::new(
            "ottawa",
            "Ottawa",
            ZoneKind::Zip,
            vec![ZoneLocation::postcode("CA", "K1A*").unwrap()],
        ),
        Zone::new(
            "london",
            "London SW",
            ZoneKind::Zip,
            vec![ZoneLocation::postcode("GB", "SW1A 1AA").unwrap()],
        ),
        Zone::new(
            "texas",
            "Texas",
            ZoneKind::State,
            vec![ZoneLocation::state("US", "TX")],
        )
        .enabled(false),
    ])
    .unwrap()
}

#[test]
fn the_most_specific_zone_wins() {
    install_carriers();
    let rules = store();
    // (address, expected zone)
    let table = [
        (Address::new("US", "90210").with_region("CA"), "beverly"),
        (
            Address::new("US", "90210-1234").with_region("CA"),
            "beverly",
        ), // ZIP+4
        (Address::new("US", "90250").with_region("CA"), "la-range"), // range beats wildcard
        (Address::new("US", "90050").with_region("CA"), "la-range"),
        (Address::new("US", "90099").with_region("CA"), "la-range"),
        (Address::new("US", "90500").with_region("CA"), "la-wild"), // only the wildcard
        (Address::new("US", "94105").with_region("CA"), "west"),
        (Address::new("US", "97201").with_region("or"), "west"), // region case ignored
        (Address::new("US", "97201").with_region("US-OR"), "west"), // ISO 3166-2 form
        (Address::new("US", "10001").with_region("NY"), "us"),
        (Address::new("US", "10001"), "us"), // no region: the country zone
        (Address::new("us", "10001"), "us"), // country case ignored
        (Address::new("CA", "K1A 0B1").with_region("ON"), "ottawa"),
        (Address::new("CA", "K1A").with_region("ON"), "ottawa"), // partial postcode
        (Address::new("CA", "M5V 2T6").with_region("ON"), "canada"),
        (Address::new("GB", "SW1A 1AA"), "london"),
        (Address::new("GB", "SW1A"), "london"), // partial UK outward code
        (Address::new("GB", "M1 1AE"), "world"),
        (Address::new("DE", "10115"), "world"),
    ];
    for (address, expected) in table {
        let zone = rules.find(&address).map(|z| z.id.as_str());
        assert_eq!(zone, Some(expected), "zone for {address:?}");
    }
}

#[test]
fn a_zip_zone_hides_the_state_zones_methods() {
    install_carriers();
    let rules = store();
    let summary =
        ConsignmentSummary::new(Weight::lb(d("1")), 1, Money::parse("10", "USD").unwrap());
    let zone = rules
        .zone_for(&Address::new("US", "90210").with_region("CA"))
        .unwrap();
    let ids: Vec<_> = zone
        .offers(&summary)
        .into_iter()
        .map(|o| o.method_id)
        .collect();
    assert_eq!(
        ids,
        ["beverly-flat"],
        "only the ZIP zone's methods, never merged"
    );
}

#[test]
fn a_disabled_zone_is_skipped_for_the_next_enabled_one() {
    install_carriers();
    let rules = store();
    let zone = rules
        .find(&Address::new("US", "75001").with_region("TX"))
        .unwrap();
    assert_eq!(zone.id, "us", "the disabled Texas zone offers nothing");
}

#[test]
fn a_disabled_zone_offers_nothing_even_when_asked_directly() {
    install_carriers();
    let zone = Zone::new(
        "us",
        "US",
        ZoneKind::Country,
        vec![ZoneLocation::country("US")],
    )
    .with_method(flat("m", "5"))
    .enabled(false);
    let summary =
        ConsignmentSummary::new(Weight::lb(d("1")), 1, Money::parse("10", "USD").unwrap());
    assert!(zone.offers(&summary).is_empty());
    let rules = ZoneMatcher::new(vec![zone]).unwrap();
    assert!(rules.find(&Address::new("US", "10001")).is_none());
}

#[test]
fn no_zone_is_a_clear_no_shipping_result() {
    install_carriers();
    let rules = ZoneMatcher::new(vec![Zone::new(
        "us",
        "US",
        ZoneKind::Country,
        vec![ZoneLocation::country("US")],
    )])
    .unwrap()
    .with_out_of_zone_message("We only ship within the US.");
    let address = Address::new("FR", "75001");
    let no = rules.zone_for(&address).unwrap_err();
    assert_eq!(no.country, "FR");
    let text = no.to_string();
    assert!(
        text.starts_with("no shipping to this address (FR 75001)"),
        "{text}"
    );
    assert!(text.ends_with("We only ship within the US."), "{text}");
    let error: shipmux_core::Error = no.into();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(error.code.as_deref(), Some("no_shipping_zone"));
}

#[test]
fn earlier_zone_wins_a_tie() {
    install_carriers();
    let rules = ZoneMatcher::new(vec![
        Zone::new(
            "first",
            "First",
            ZoneKind::Country,
            vec![ZoneLocation::country("US")],
        ),
        Zone::new(
            "second",
            "Second",
            ZoneKind::Country,
            vec![ZoneLocation::country("US")],
        ),
    ])
    .unwrap();
    assert_eq!(
        rules.find(&Address::new("US", "10001")).unwrap().id,
        "first"
    );
}

#[test]
fn zones_that_cannot_match_are_refused_naming_the_field() {
    install_carriers();
    let bad = [
        (
            Zone::new("z", "Z", ZoneKind::State, vec![ZoneLocation::country("US")]),
            "zones[0].locations[0].region",
        ),
        (
            Zone::new("z", "Z", ZoneKind::Zip, vec![ZoneLocation::country("US")]),
            "zones[0].locations[0].postcode",
        ),
        (
            Zone::new(
                "z",
                "Z",
                ZoneKind::Country,
                vec![ZoneLocation::country("XX")],
            ),
            "zones[0].locations[0].country",
        ),
        (
            Zone::new("z", "Z", ZoneKind::Country, vec![]),
            "zones[0].locations",
        ),
        (
            Zone::global("z", "Z").with_method(flat("m", "-1")),
            "zones[0].methods[0].rate",
        ),
    ];
    for (zone, field) in bad {
        let e = ZoneMatcher::new(vec![zone]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest);
        assert!(
            e.message.starts_with(field),
            "{} should name {field}",
            e.message
        );
    }
    let twice = ZoneMatcher::new(vec![Zone::global("z", "A"), Zone::global("z", "B")]).unwrap_err();
    assert!(
        twice.message.starts_with("zones[1].id"),
        "{}",
        twice.message
    );
}

#[test]
fn zone_free_shipping_replaces_the_methods_above_the_minimum() {
    install_carriers();
    let zone = Zone::new(
        "us",
        "US",
        ZoneKind::Country,
        vec![ZoneLocation::country("US")],
    )
    .with_method(flat("flat", "8"))
    .with_handling_fee(HandlingFee::fixed(d("2")))
    .with_free_shipping(ZoneFreeShipping {
        minimum_subtotal: d("100"),
        exclude_fixed_shipping_products: false,
    });
    let at = |subtotal: &str| {
        let summary = ConsignmentSummary::new(
            Weight::lb(d("1")),
            1,
            Money::parse(subtotal, "USD").unwrap(),
        );
        zone.offers(&summary)
            .into_iter()
            .map(|o| (o.method_id, o.outcome.static_cost().unwrap().amount))
            .collect::<Vec<_>>()
    };
    assert_eq!(at("99.99"), [("flat".to_string(), d("10.00"))]);
    assert_eq!(at("100.00"), [(Zone::FREE_SHIPPING_ID.to_string(), d("0"))]);
}

#[test]
fn zone_free_shipping_can_exclude_fixed_cost_products() {
    install_carriers();
    let zone = Zone::global("w", "World").with_free_shipping(ZoneFreeShipping {
        minimum_subtotal: d("100"),
        exclude_fixed_shipping_products: true,
    });
    let mut summary =
        ConsignmentSummary::new(Weight::lb(d("1")), 2, Money::parse("120", "USD").unwrap());
    summary.fixed_shipping_subtotal = Money::parse("30", "USD").unwrap();
    summary.fixed_shipping_cost = Money::parse("4.50", "USD").unwrap();
    assert!(
        !zone.free_shipping_applies(&summary),
        "120 - 30 is below 100"
    );
    summary.subtotal = Money::parse("130", "USD").unwrap();
    let offers = zone.offers(&summary);
    assert_eq!(offers.len(), 1);
    // Free, but the excluded products still pay their fixed shipping.
    assert_eq!(offers[0].outcome.static_cost().unwrap().amount, d("4.50"));
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
