//! Importing a BigCommerce store's V2 zones and methods as its API returns them
//! (fixtures in `fixtures/bigcommerce/`, written in the API's shape, numbers and strings mixed).

use std::str::FromStr;

use rust_decimal::Decimal;
use shipmux_core::checkout::{ConsignmentSummary, PackingStrategy};
use shipmux_core::rules::{
    Adjustment, BigCommerceImport, DefaultCost, HandlingFee, MethodKind, MethodOutcome, ZoneKind,
    ZoneMatcher,
};
use shipmux_core::{Address, ErrorKind, Money, Weight, WeightUnit};

const ZONES: &str = include_str!("fixtures/bigcommerce/zones.json");
const METHODS_1: &str = include_str!("fixtures/bigcommerce/methods_zone_1.json");
const METHODS_5: &str = include_str!("fixtures/bigcommerce/methods_zone_5.json");

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn import() -> BigCommerceImport {
    BigCommerceImport::new(WeightUnit::Lb)
}

fn store() -> ZoneMatcher {
    import()
        .rules(ZONES, [("1", METHODS_1), ("5", METHODS_5)])
        .expect("the fixture store imports")
}

#[test]
fn zones_import_with_their_types_locations_fees_and_free_shipping() {
    install_carriers();
    let zones = import().zones(ZONES).unwrap();
    let kinds: Vec<_> = zones.iter().map(|z| (z.id.as_str(), z.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("1", ZoneKind::Country),
            ("2", ZoneKind::State),
            ("3", ZoneKind::Zip),
            ("4", ZoneKind::State),
            ("5", ZoneKind::Country),
            ("6", ZoneKind::Global),
        ]
    );
    let us = &zones[0];
    let free = us.free_shipping.as_ref().unwrap();
    assert_eq!(
        free.minimum_subtotal.to_string(),
        "150.0000",
        "digits kept as written"
    );
    assert!(free.exclude_fixed_shipping_products);
    assert_eq!(
        us.handling_fee,
        Some(HandlingFee {
            fee: Adjustment::Fixed(d("1.5")),
            display_separately: true
        })
    );
    assert_eq!(
        zones[1].handling_fee.unwrap().fee,
        Adjustment::Percent(d("5"))
    );
    assert!(
        zones[1].free_shipping.is_none(),
        "disabled free shipping is no free shipping"
    );
    let zips: Vec<_> = zones[2]
        .locations
        .iter()
        .map(|l| l.postcode.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(
        zips,
        ["90210", "9021?", "94105"],
        "a numeric zip is read too"
    );
    assert!(!zones[3].enabled);
    assert!(zones[5].locations.is_empty());
}

#[test]
fn every_method_type_imports() {
    install_carriers();
    let methods = import().methods(METHODS_1).unwrap();
    let by_id = |id: &str| methods.iter().find(|m| m.id == id).unwrap();

    assert_eq!(by_id("101").kind, MethodKind::PerOrder { rate: d("12") });
    assert_eq!(by_id("101").handling_fee, Some(Adjustment::Fixed(d("0"))));

    let pickup = by_id("102");
    assert!(!pickup.enabled);
    let MethodKind::ByTotal(table) = &pickup.kind else {
        panic!("`total` with empty settings is an empty table")
    };
    assert!(table.ranges.is_empty() && table.default_cost.is_none());

    let MethodKind::ByWeight(weight) = &by_id("103").kind else {
        panic!("weight")
    };
    assert_eq!(weight.unit, WeightUnit::Lb);
    assert_eq!(weight.table.ranges[1].cost.to_string(), "12.50");
    assert_eq!(weight.table.default_cost, Some(DefaultCost::Fixed(d("0"))));
    assert_eq!(
        by_id("103").handling_fee,
        Some(Adjustment::Percent(d("10")))
    );

    let MethodKind::ByTotal(total) = &by_id("104").kind else {
        panic!("total")
    };
    assert_eq!(total.ranges.len(), 5);
    assert_eq!(total.ranges[3].upper.to_string(), "49.99");
    assert_eq!(
        total.default_cost,
        Some(DefaultCost::PercentOfTotal(d("12")))
    );

    let MethodKind::RealTime(ups) = &by_id("105").kind else {
        panic!("upsready is a carrier")
    };
    assert_eq!(ups.carrier.as_str(), "ups");
    assert_eq!(
        ups.services.as_deref().unwrap(),
        ["03", "02", "01", "Some_New_Service"],
        "known names become UPS codes, unknown ones stay as written"
    );
    assert_eq!(ups.packing, Some(PackingStrategy::combined_for("ups")));
    assert_eq!(by_id("105").name, "UPS®");

    let MethodKind::RealTime(fedex) = &by_id("106").kind else {
        panic!("fedex")
    };
    assert_eq!(fedex.carrier.as_str(), "fedex");
    assert_eq!(
        fedex.services.as_deref().unwrap(),
        ["PRIORITY_OVERNIGHT", "FEDEX_2_DAY", "FEDEX_GROUND"]
    );
    assert_eq!(
        fedex.packing,
        Some(PackingStrategy::Individual),
        "SEPARATE, upper case"
    );

    let MethodKind::RealTime(usps) = &by_id("107").kind else {
        panic!("endicia")
    };
    assert_eq!(usps.carrier.as_str(), "usps");
    assert_eq!(
        usps.services.as_deref().unwrap(),
        [
            "PRIORITY_MAIL_EXPRESS",
            "PRIORITY_MAIL",
            "USPS_GROUND_ADVANTAGE"
        ]
    );

    let MethodKind::RealTime(app) = &by_id("108").kind else {
        panic!("a Shipping Provider app is a carrier")
    };
    assert_eq!(app.carrier.as_str(), "carrier_42");
    assert_eq!(app.services, None);

    assert_eq!(
        by_id("109").kind,
        MethodKind::FreeShipping {
            minimum_subtotal: None
        }
    );
}

#[test]
fn unknown_method_types_are_kept_and_offer_nothing() {
    install_carriers();
    let methods = import().methods(METHODS_5).unwrap();
    assert_eq!(
        methods[2].kind,
        MethodKind::Other {
            source_type: "pickupinstore".into()
        }
    );
    assert_eq!(methods[1].kind, MethodKind::PerItem { rate: d("4.25") });
}

#[test]
fn an_imported_store_quotes() {
    install_carriers();
    let store = store();
    let west = store
        .zone_for(&Address::new("US", "94107").with_region("CA"))
        .unwrap();
    assert_eq!(west.name, "West Coast");
    assert!(west.methods.is_empty());
    let local = store
        .zone_for(&Address::new("US", "90211").with_region("CA"))
        .unwrap();
    assert_eq!(local.name, "Local Delivery", "`9021?` matches 90211");
    // Texas's zone is disabled, so Texas falls back to the country zone.
    let us = store
        .zone_for(&Address::new("US", "75001").with_region("TX"))
        .unwrap();
    assert_eq!(us.id, "1");

    let summary = ConsignmentSummary::new(
        Weight::lb(d("25")),
        2,
        Money::parse("60.00", "USD").unwrap(),
    );
    let offers = us.offers(&summary);
    let statics: Vec<_> = offers
        .iter()
        .filter_map(|o| Some((o.method_id.as_str(), o.outcome.static_cost()?.amount)))
        .collect();
    assert_eq!(
        statics,
        [
            ("101", d("13.50")), // 12 + 1.50 zone handling
            ("103", d("15.25")), // 12.50 + 10 % + 1.50
            ("104", d("1.50")),  // the 50–100000 range costs 0, + 1.50
            ("109", d("0")),     // free shipping stays free
        ]
    );
    let carriers: Vec<_> = offers
        .iter()
        .filter_map(|o| match &o.outcome {
            MethodOutcome::RealTime(q) => Some(q.carrier.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(carriers, ["ups", "fedex", "usps", "carrier_42"]);

    // Above 150 the zone's free shipping replaces every method.
    let rich = ConsignmentSummary::new(Weight::lb(d("25")), 2, Money::parse("150", "USD").unwrap());
    let offers = us.offers(&rich);
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].outcome.static_cost().unwrap().amount, d("0"));
}

#[test]
fn an_imported_store_round_trips_through_our_json() {
    install_carriers();
    let store = store();
    let json = serde_json::to_string(&store).unwrap();
    let back: ZoneMatcher = serde_json::from_str(&json).unwrap();
    assert_eq!(back, store);
}

fn err<T: std::fmt::Debug>(result: Result<T, shipmux_core::Error>) -> shipmux_core::Error {
    result.unwrap_err()
}

#[test]
fn bad_bigcommerce_json_is_a_config_error_naming_the_field() {
    install_carriers();
    let cases = [
        (err(import().zones(r#"[{"id": 1, "name": "X", "type": "planet"}]"#)), "zones[0].type"),
        (
            err(import().zones(r#"[{"id": 1, "type": "zip", "locations": [{"country_iso2": "US"}]}]"#)),
            "zones[0].locations[0].zip",
        ),
        (
            err(import().zones(r#"[{"id": 1, "type": "state", "locations": [{"country_iso2": "US"}]}]"#)),
            "zones[0].locations[0].state_iso2",
        ),
        (
            err(import().methods(r#"[{"id": 1, "type": "perorder", "settings": {"rate": "abc"}}]"#)),
            "methods[0].settings.rate",
        ),
        (
            err(import().methods(r#"[{"id": 1, "type": "peritem", "settings": {}}]"#)),
            "methods[0].settings.rate",
        ),
        (
            err(import().methods(
                r#"[{"type": "weight", "settings": {"range": [{"lower_limit": 0, "shipping_cost": 1}]}}]"#,
            )),
            "methods[0].settings.range[0].upper_limit",
        ),
        (err(import().methods("[{\"name\": \"no type\"}]")), "methods[0].type"),
        (err(import().methods("not json")), "methods"),
    ];
    for (e, field) in cases {
        assert_eq!(e.kind, ErrorKind::Config, "{e}");
        assert!(
            e.message.starts_with(field),
            "`{}` should name {field}",
            e.message
        );
    }
    let unknown_zone = import().rules(ZONES, [("99", METHODS_1)]).unwrap_err();
    assert!(
        unknown_zone.message.contains("`99`"),
        "{}",
        unknown_zone.message
    );
}

/// Reads the JSON request bodies in the official spec's method documentation and imports each
/// method among them. Runs only when `SHIPMUX_SHARED` points at a copy of that spec.
#[test]
fn the_official_method_examples_import() {
    install_carriers();
    let Ok(shared) = std::env::var("SHIPMUX_SHARED") else {
        eprintln!("SHIPMUX_SHARED is not set: skipping the official BigCommerce examples");
        return;
    };
    let path = std::path::Path::new(&shared).join("commerce-api/bigcommerce/shipping.v2.yml");
    let spec = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut imported = Vec::new();
    for block in spec.split("```json").skip(1) {
        let body = block.split("```").next().unwrap_or_default();
        let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
            continue;
        };
        if value.get("type").is_none() || value.get("name").is_none() {
            continue; // range objects, carrier connections
        }
        let method = import()
            .methods(body)
            .unwrap_or_else(|e| panic!("{e}\nin:\n{body}"))
            .remove(0);
        imported.push(method);
    }
    assert!(
        imported.len() >= 8,
        "only {} examples found",
        imported.len()
    );
    let real_time = imported
        .iter()
        .filter(|m| matches!(m.kind, MethodKind::RealTime(_)))
        .count();
    assert!(
        real_time >= 5,
        "every carrier example is a real-time method"
    );
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
