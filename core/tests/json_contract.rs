//! The JSON of every docs/design.md type, field for field: names, nulls present, decimals as
//! strings, snake_case enums — and a round trip through serde for each.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shipmux_core::checkout::{
    Checkout, CheckoutQuote, Consignment, ConsignmentLine, ConsignmentQuote, LineItem,
    ShippingOption,
};
use shipmux_core::{
    Address, CarrierId, Charge, ChargeKind, Currency, Dimensions, Error, ErrorKind, Location,
    Money, Parcel, Rate, RateRequest, Status, Tracking, TrackingEvent, Weight,
};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn usd(s: &str) -> Money {
    Money::parse(s, "USD").unwrap()
}

/// `value` serializes to exactly `expected`, `expected` reads back as `value`, and the text
/// round trip is lossless.
fn contract<T>(value: &T, expected: Value)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let written = serde_json::to_value(value).unwrap();
    assert_eq!(
        written,
        expected,
        "\nwritten:  {}\nexpected: {}",
        serde_json::to_string_pretty(&written).unwrap(),
        serde_json::to_string_pretty(&expected).unwrap()
    );
    let read: T = serde_json::from_value(expected).unwrap();
    assert_eq!(&read, value, "reading the contract JSON");
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, value, "text round trip");
}

fn beverly_hills() -> Address {
    Address {
        country: "US".into(),
        postal_code: Some("90210".into()),
        region: Some("CA".into()),
        city: Some("Beverly Hills".into()),
        lines: vec!["1 Main St".into()],
        residential: Some(true),
        name: None,
        company: None,
    }
}

fn beverly_hills_json() -> Value {
    json!({"country": "US", "postal_code": "90210", "region": "CA", "city": "Beverly Hills",
           "lines": ["1 Main St"], "residential": true, "name": null, "company": null})
}

fn parcel() -> Parcel {
    Parcel::new(Weight::lb(d("2.5")))
        .with_dimensions(Dimensions::inches(d("12"), d("8"), d("6")))
        .with_declared_value(usd("50.00"))
}

fn parcel_json() -> Value {
    json!({"weight": {"value": "2.5", "unit": "lb"},
           "dimensions": {"length": "12", "width": "8", "height": "6", "unit": "in"},
           "declared_value": {"amount": "50.00", "currency": "USD"}})
}

#[test]
fn address() {
    contract(&beverly_hills(), beverly_hills_json());
    let bare = Address::new("GB", "SW1A");
    contract(
        &bare,
        json!({"country": "GB", "postal_code": "SW1A", "region": null, "city": null,
               "lines": [], "residential": null, "name": null, "company": null}),
    );
}

#[test]
fn parcel_with_and_without_options() {
    contract(&parcel(), parcel_json());
    contract(
        &Parcel::new(Weight::g(d("40"))),
        json!({"weight": {"value": "40", "unit": "g"}, "dimensions": null, "declared_value": null}),
    );
}

#[test]
fn rate_request() {
    let request = RateRequest::new(
        beverly_hills(),
        Address::new("US", "10001").with_region("NY"),
        vec![parcel()],
    )
    .unwrap()
    .with_services(["03"])
    .with_ship_date(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
    contract(
        &request,
        json!({"origin": beverly_hills_json(),
               "destination": {"country": "US", "postal_code": "10001", "region": "NY",
                               "city": null, "lines": [], "residential": null, "name": null,
                               "company": null},
               "parcels": [parcel_json()],
               "services": ["03"], "ship_date": "2026-11-25"}),
    );
    let mut open = request.clone();
    open.services = None;
    open.ship_date = None;
    let written = serde_json::to_value(&open).unwrap();
    assert_eq!(written["services"], Value::Null, "null, not missing");
    assert_eq!(written["ship_date"], Value::Null);
}

fn ups_ground() -> Rate {
    Rate {
        carrier: CarrierId::from_static("ups"),
        service: "03".into(),
        service_name: "UPS Ground".into(),
        total: usd("16.00"),
        list_total: Some(usd("18.40")),
        charges: vec![
            Charge {
                kind: ChargeKind::Base,
                code: None,
                amount: usd("14.10"),
            },
            Charge {
                kind: ChargeKind::Fuel,
                code: Some("375".into()),
                amount: usd("1.90"),
            },
        ],
        transit_days: Some(3),
        estimated_delivery: Some(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
        guaranteed: false,
        billed_weight: Some(Weight::lb(d("3"))),
    }
}

#[test]
fn rate_and_charges() {
    contract(
        &ups_ground(),
        json!({"carrier": "ups", "service": "03", "service_name": "UPS Ground",
               "total": {"amount": "16.00", "currency": "USD"},
               "list_total": {"amount": "18.40", "currency": "USD"},
               "charges": [
                   {"kind": "base", "code": null, "amount": {"amount": "14.10", "currency": "USD"}},
                   {"kind": "fuel", "code": "375", "amount": {"amount": "1.90", "currency": "USD"}}],
               "transit_days": 3, "estimated_delivery": "2026-11-28",
               "guaranteed": false, "billed_weight": {"value": "3", "unit": "lb"}}),
    );
    let bare = Rate::new(
        CarrierId::from_static("fedex"),
        "FEDEX_GROUND",
        "FedEx Ground®",
        usd("9.5"),
    );
    contract(
        &bare,
        json!({"carrier": "fedex", "service": "FEDEX_GROUND", "service_name": "FedEx Ground®",
               "total": {"amount": "9.5", "currency": "USD"}, "list_total": null, "charges": [],
               "transit_days": null, "estimated_delivery": null, "guaranteed": false,
               "billed_weight": null}),
    );
}

#[test]
fn charge_kinds_are_lower_case() {
    for (kind, text) in [
        (ChargeKind::Base, "base"),
        (ChargeKind::Fuel, "fuel"),
        (ChargeKind::Surcharge, "surcharge"),
        (ChargeKind::Tax, "tax"),
        (ChargeKind::Other, "other"),
    ] {
        let charge = Charge {
            kind,
            code: None,
            amount: usd("1.00"),
        };
        contract(
            &charge,
            json!({"kind": text, "code": null, "amount": {"amount": "1.00", "currency": "USD"}}),
        );
    }
}

fn delivered_event() -> TrackingEvent {
    TrackingEvent {
        time: Some("2026-11-24T10:12:00-05:00".into()),
        status: Status::Delivered,
        code: Some("KB".into()),
        description: Some("DELIVERED".into()),
        location: Location {
            city: Some("NEW YORK".into()),
            region: Some("NY".into()),
            postal_code: Some("10001".into()),
            country: Some("US".into()),
        },
    }
}

fn delivered_event_json() -> Value {
    json!({"time": "2026-11-24T10:12:00-05:00", "status": "delivered", "code": "KB",
           "description": "DELIVERED",
           "location": {"city": "NEW YORK", "region": "NY", "postal_code": "10001", "country": "US"}})
}

#[test]
fn tracking_and_events() {
    contract(&delivered_event(), delivered_event_json());
    let in_transit = TrackingEvent {
        time: Some("2026-11-23T18:00:00".into()),
        status: Status::InTransit,
        code: None,
        description: None,
        location: Location::default(),
    };
    let in_transit_json = json!({"time": "2026-11-23T18:00:00", "status": "in_transit",
        "code": null, "description": null,
        "location": {"city": null, "region": null, "postal_code": null, "country": null}});
    contract(&in_transit, in_transit_json.clone());
    let tracking = Tracking {
        carrier: CarrierId::from_static("ups"),
        tracking_number: "1Z999AA10123456784".into(),
        status: Status::Delivered,
        estimated_delivery: None,
        delivered_at: Some("2026-11-24T10:12:00-05:00".into()),
        signed_by: Some("J SMITH".into()),
        events: vec![delivered_event(), in_transit],
    };
    contract(
        &tracking,
        json!({"carrier": "ups", "tracking_number": "1Z999AA10123456784", "status": "delivered",
               "estimated_delivery": null, "delivered_at": "2026-11-24T10:12:00-05:00",
               "signed_by": "J SMITH", "events": [delivered_event_json(), in_transit_json]}),
    );
}

#[test]
fn every_status_is_snake_case() {
    let table = [
        (Status::PreTransit, "pre_transit"),
        (Status::InTransit, "in_transit"),
        (Status::OutForDelivery, "out_for_delivery"),
        (Status::Delivered, "delivered"),
        (Status::AvailableForPickup, "available_for_pickup"),
        (Status::Returned, "returned"),
        (Status::Exception, "exception"),
        (Status::Cancelled, "cancelled"),
        (Status::Unknown, "unknown"),
    ];
    for (status, text) in table {
        contract(&status, json!(text));
    }
}

#[test]
fn every_error_kind_is_snake_case() {
    let table = [
        (ErrorKind::InvalidRequest, "invalid_request"),
        (ErrorKind::Unauthenticated, "unauthenticated"),
        (ErrorKind::RateLimited, "rate_limited"),
        (ErrorKind::Timeout, "timeout"),
        (ErrorKind::Unavailable, "unavailable"),
        (ErrorKind::Rejected, "rejected"),
        (ErrorKind::NotFound, "not_found"),
        (ErrorKind::Parse, "parse"),
        (ErrorKind::Unsupported, "unsupported"),
        (ErrorKind::Plugin, "plugin"),
        (ErrorKind::Config, "config"),
    ];
    for (kind, text) in table {
        contract(&kind, json!(text));
        assert_eq!(kind.as_str(), text);
    }
}

#[test]
fn error() {
    let error = Error::new(ErrorKind::RateLimited, "Too many requests")
        .with_carrier(&CarrierId::from_static("ups"))
        .with_code("111210")
        .retryable(false)
        .with_retry_after(Some(std::time::Duration::from_millis(1200)));
    contract(
        &error,
        json!({"kind": "rate_limited", "carrier": "ups", "code": "111210",
               "message": "Too many requests", "retryable": false, "retry_after_ms": 1200}),
    );
    contract(
        &Error::invalid_request("origin.country", "`XX` is not a country"),
        json!({"kind": "invalid_request", "carrier": null, "code": null,
               "message": "origin.country: `XX` is not a country", "retryable": false,
               "retry_after_ms": null}),
    );
}

fn checkout() -> Checkout {
    Checkout {
        origin: beverly_hills(),
        currency: Currency::usd(),
        line_items: vec![
            LineItem::new("li-1", 2, d("19.99"), Weight::lb(d("1.25"))),
            LineItem::new("li-2", 1, d("5.00"), Weight::oz(d("8")))
                .with_dimensions(Dimensions::inches(d("10"), d("4"), d("2")))
                .ships_separately(true)
                .with_fixed_shipping_cost(usd("3.50")),
        ],
        consignments: vec![Consignment::new(
            "c1",
            Address::new("US", "10001"),
            vec![
                ConsignmentLine::new("li-1", 2),
                ConsignmentLine::new("li-2", 1),
            ],
        )],
    }
}

#[test]
fn checkout_json_is_the_contract() {
    let checkout = checkout();
    checkout.validate().unwrap();
    contract(
        &checkout,
        json!({"origin": beverly_hills_json(), "currency": "USD",
               "line_items": [
                   {"id": "li-1", "quantity": 2, "unit_price": "19.99",
                    "weight": {"value": "1.25", "unit": "lb"}, "dimensions": null,
                    "ships_separately": false, "fixed_shipping_cost": null},
                   {"id": "li-2", "quantity": 1, "unit_price": "5.00",
                    "weight": {"value": "8", "unit": "oz"},
                    "dimensions": {"length": "10", "width": "4", "height": "2", "unit": "in"},
                    "ships_separately": true,
                    "fixed_shipping_cost": {"amount": "3.50", "currency": "USD"}}],
               "consignments": [{"id": "c1",
                   "address": {"country": "US", "postal_code": "10001", "region": null,
                               "city": null, "lines": [], "residential": null, "name": null,
                               "company": null},
                   "line_items": [{"item_id": "li-1", "quantity": 2},
                                  {"item_id": "li-2", "quantity": 1}]}]}),
    );
}

#[test]
fn checkout_reads_with_optional_fields_left_out() {
    let json = r#"{"origin": {"country": "US", "postal_code": "90210"}, "currency": "usd",
        "line_items": [{"id": "li-1", "quantity": 1, "unit_price": "1.00",
                        "weight": {"value": "1", "unit": "kg"}}],
        "consignments": [{"id": "c1", "address": {"country": "CA", "postal_code": "K1A"},
                          "line_items": [{"item_id": "li-1", "quantity": 1}]}]}"#;
    let checkout = Checkout::from_json(json).unwrap();
    assert_eq!(checkout.currency, Currency::usd());
    assert!(!checkout.line_items[0].ships_separately);
    assert_eq!(checkout.line_items[0].fixed_shipping_cost, None);
}

#[test]
fn checkout_quote_json_is_the_contract() {
    let mut c1 = ConsignmentQuote::new("c1", Some("US West"));
    c1.options.push(ShippingOption::from_rate(
        "ups",
        &ups_ground(),
        usd("17.60"),
    ));
    c1.options
        .push(ShippingOption::flat("flat", "Flat Rate", usd("8.00")));
    c1.errors.push(
        Error::timeout("no answer within 3000 ms").with_carrier(&CarrierId::from_static("fedex")),
    );
    let mut c2 = ConsignmentQuote::new("c2", None);
    c2.errors.push(Error::new(
        ErrorKind::NotFound,
        "no shipping to this address",
    ));
    let quote = CheckoutQuote {
        consignments: vec![c1, c2],
    };
    contract(
        &quote,
        json!({"consignments": [
            {"id": "c1", "zone": "US West",
             "options": [
                 {"method": "ups", "carrier": "ups", "service": "03", "description": "UPS Ground",
                  "cost": {"amount": "17.60", "currency": "USD"}, "transit_days": 3},
                 {"method": "flat", "carrier": null, "service": null, "description": "Flat Rate",
                  "cost": {"amount": "8.00", "currency": "USD"}, "transit_days": null}],
             "errors": [{"kind": "timeout", "carrier": "fedex", "code": null,
                         "message": "no answer within 3000 ms", "retryable": true,
                         "retry_after_ms": null}]},
            {"id": "c2", "zone": null, "options": [],
             "errors": [{"kind": "not_found", "carrier": null, "code": null,
                         "message": "no shipping to this address", "retryable": false,
                         "retry_after_ms": null}]}]}),
    );
}

#[test]
fn decimals_keep_the_digits_they_were_written_with() {
    let money: Money =
        serde_json::from_value(json!({"amount": "118.20", "currency": "USD"})).unwrap();
    assert_eq!(
        serde_json::to_value(&money).unwrap()["amount"],
        json!("118.20")
    );
    let weight: Weight = serde_json::from_value(json!({"value": "0.0400", "unit": "kg"})).unwrap();
    assert_eq!(
        serde_json::to_value(weight).unwrap()["value"],
        json!("0.0400")
    );
}

/// Every key of an object, at any depth.
fn all_keys(value: &Value, keys: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                keys.insert(k.clone());
                all_keys(v, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| all_keys(v, keys)),
        _ => {}
    }
}

/// The rows of the contract table in `docs/design.md` ("Types that cross every boundary"),
/// by the type they name (`Rate`, `Status`, and `kind` for the error kinds): the text of each
/// row's fields column.
fn contract_rows(design: &str) -> std::collections::BTreeMap<String, String> {
    let section = design
        .split("## Types that cross every boundary")
        .nth(1)
        .expect("docs/design.md has the contract section")
        .split("\n## ")
        .next()
        .unwrap();
    let mut rows = std::collections::BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(name), Some(fields)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        if let Some(name) = name.split('`').nth(1) {
            rows.insert(name.to_string(), fields.to_string());
        }
    }
    rows
}

/// The words a row spells in backticks.
fn ticked(row: &str) -> std::collections::BTreeSet<String> {
    row.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The field names a row spells: the backticked names outside parentheses, and every name
/// inside `{…}` (nested objects). Words in parentheses outside braces are notes (units,
/// enum words), not fields.
fn row_keys(row: &str) -> std::collections::BTreeSet<String> {
    let mut keys = std::collections::BTreeSet::new();
    let (mut parens, mut braces, mut in_tick) = (0, 0, false);
    let mut word = String::new();
    for c in row.chars() {
        let word_char = c.is_ascii_alphanumeric() || c == '_';
        if word_char && ((in_tick && parens == 0) || braces > 0) {
            word.push(c);
            continue;
        }
        // Type names (`Error`) are not fields.
        if word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') && !word.is_empty() {
            keys.insert(std::mem::take(&mut word));
        }
        word.clear();
        match c {
            '`' => in_tick = !in_tick,
            '(' => parens += 1,
            ')' => parens -= 1,
            '{' => braces += 1,
            '}' => braces -= 1,
            _ => {}
        }
    }
    keys
}

/// Reads the contract table of `docs/design.md` and checks our JSON against it: every field
/// it names is written, we write no top-level field it does not name, and the enums have
/// exactly its words.
#[test]
fn our_json_has_the_fields_the_design_doc_names() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/design.md");
    let design = std::fs::read_to_string(&path).unwrap();
    let entries = contract_rows(&design);
    let mut quote = ConsignmentQuote::new("c1", Some("US West"));
    quote.options.push(ShippingOption::from_rate(
        "ups",
        &ups_ground(),
        usd("17.60"),
    ));
    // An option priced from a rate in another currency keeps the carrier's own amount.
    let mut in_cad = ups_ground();
    in_cad.total = Money::parse("24.00", "CAD").unwrap();
    quote
        .options
        .push(ShippingOption::from_rate("ups", &in_cad, usd("17.60")));
    quote.errors.push(Error::timeout("late"));
    let samples: Vec<(&str, Value)> = vec![
        (
            "RateRequest",
            serde_json::to_value(
                RateRequest::new(beverly_hills(), beverly_hills(), vec![parcel()]).unwrap(),
            )
            .unwrap(),
        ),
        ("Address", beverly_hills_json()),
        ("Parcel", parcel_json()),
        ("Rate", serde_json::to_value(ups_ground()).unwrap()),
        (
            "Tracking",
            json!({"carrier": "ups", "tracking_number": "1Z", "status": "delivered",
            "estimated_delivery": null, "delivered_at": null, "signed_by": null,
            "events": [delivered_event_json()]}),
        ),
        (
            "Error",
            serde_json::to_value(Error::timeout("late")).unwrap(),
        ),
        ("Checkout", serde_json::to_value(checkout()).unwrap()),
        (
            "CheckoutQuote",
            serde_json::to_value(CheckoutQuote {
                consignments: vec![quote],
            })
            .unwrap(),
        ),
    ];
    for (name, sample) in samples {
        let entry = entries
            .get(name)
            .unwrap_or_else(|| panic!("docs/design.md's contract table has no {name}"));
        let named = row_keys(entry);
        assert!(
            named.len() >= 3,
            "{name}: too few fields read from docs/design.md"
        );
        let mut written = std::collections::BTreeSet::new();
        all_keys(&sample, &mut written);
        let missing: Vec<_> = named.difference(&written).collect();
        assert!(
            missing.is_empty(),
            "{name}: docs/design.md names {missing:?}, we do not write them"
        );
        let top: std::collections::BTreeSet<String> =
            sample.as_object().unwrap().keys().cloned().collect();
        let extra: Vec<_> = top.difference(&named).collect();
        assert!(
            extra.is_empty(),
            "{name}: we write {extra:?}, docs/design.md does not name them"
        );
    }
    let words = |name: &str| ticked(&entries[name]);
    let statuses: std::collections::BTreeSet<String> = [
        Status::PreTransit,
        Status::InTransit,
        Status::OutForDelivery,
        Status::Delivered,
        Status::AvailableForPickup,
        Status::Returned,
        Status::Exception,
        Status::Cancelled,
        Status::Unknown,
    ]
    .iter()
    .map(|s| {
        serde_json::to_value(s)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    })
    .collect();
    assert_eq!(statuses, words("Status"));
    let kinds: std::collections::BTreeSet<String> = [
        ErrorKind::InvalidRequest,
        ErrorKind::Unauthenticated,
        ErrorKind::RateLimited,
        ErrorKind::Timeout,
        ErrorKind::Unavailable,
        ErrorKind::Rejected,
        ErrorKind::NotFound,
        ErrorKind::Parse,
        ErrorKind::Unsupported,
        ErrorKind::Plugin,
        ErrorKind::Config,
    ]
    .iter()
    .map(|k| k.as_str().to_string())
    .collect();
    assert_eq!(kinds, words("kind"));
}
