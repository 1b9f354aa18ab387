//! One host over every built-in carrier (`shipmux_host::builtins()`: UPS, FedEx and USPS
//! linked in, Canada Post loaded from its plugin `.so`), each against its own sandbox over
//! loopback. The fan-out asks every carrier that can serve the route at once and a checkout's
//! zone offers real-time methods of every carrier.
//!
//! Not every carrier serves every shipment: a descriptor's `reach` says where the carrier
//! ships from (USPS only from the United States, Canada Post only from Canada; both carriers'
//! APIs take only a domestic origin). A carrier that cannot serve the route is not asked: the
//! fan-out lists it under `skipped`, with the reason, and it is no error. So the fan-out goes
//! both ways across the border, and over the two directions every carrier quotes. A merchant
//! who ships Canada Post parcels from a Canadian warehouse says so in the account's
//! `ship_from`: then one fan-out gets rates from every carrier with no error and no skip.

mod sandbox_support;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use sandbox_support::{Fleet, serving};
use serde_json::json;
use shipmux_core::checkout::Checkout;
use shipmux_core::{
    Address, Carrier, CarrierId, Dimensions, ErrorKind, LengthUnit, Money, Parcel, RateRequest,
    Weight,
};
use shipmux_host::{
    Builtin, FanOutQuote, Host, HostOptions, HttpCarrier, HttpDriver, Registry, builtins,
};
use shipmux_sandbox::SandboxOptions;

/// A host over every built-in, and the sandboxes it uses.
struct Setup {
    host: Host,
    fleet: Fleet,
}

/// Every built-in on its sandbox behind one host; with `ship_from`, a carrier that cannot
/// serve that request's route ships from a warehouse in its own country instead.
async fn setup(rules: Option<&str>, ship_from: Option<&RateRequest>) -> Setup {
    let driver = HttpDriver::new().expect("driver");
    let fleet = Fleet::start(
        |_| SandboxOptions::default(),
        |builtin, protocol| {
            let carrier: Arc<dyn Carrier> =
                Arc::new(HttpCarrier::from_arc(protocol, driver.clone()));
            match ship_from {
                Some(request) => serving(builtin, carrier, request),
                None => carrier,
            }
        },
    )
    .await;
    let mut registry = Registry::new();
    for carrier in fleet.carriers() {
        registry.register(carrier).expect("distinct carrier ids");
    }
    let mut host = Host::builder(registry).options(HostOptions {
        quote_deadline: Duration::from_secs(10),
        ..HostOptions::default()
    });
    if let Some(rules) = rules {
        host = host.rules(serde_json::from_str(rules).expect("rules JSON"));
    }
    Setup {
        host: host.build(),
        fleet,
    }
}

fn parcel() -> Parcel {
    Parcel::new(Weight::kg(Decimal::from_str("2.2").unwrap()))
        .with_dimensions(Dimensions::new(
            30.into(),
            20.into(),
            15.into(),
            LengthUnit::Cm,
        ))
        .with_declared_value(Money::parse("120.00", "USD").unwrap())
}

fn ottawa() -> Address {
    Address::new("CA", "K1G 3H7").with_region("ON")
}

fn new_york() -> Address {
    Address::new("US", "10001").with_region("NY")
}

/// Whether `b`'s route check refuses `request` (it ships only from elsewhere).
fn cannot_serve(b: &Builtin, request: &RateRequest) -> bool {
    b.carrier.reach.refusal(request).is_some()
}

/// Asserts `b` quoted at least one service in `answer`, every rate its own and priced.
fn assert_quotes(answer: &FanOutQuote, b: &Builtin, way: &str) {
    let rates = match answer.get(&b.carrier.carrier_id()) {
        Some(Ok(rates)) => rates,
        other => panic!("{way}: {} must quote, got {other:?}", b.id()),
    };
    assert!(!rates.is_empty(), "{way}: {} quoted no service", b.id());
    for rate in rates {
        assert_eq!(rate.carrier.as_str(), b.id(), "{way}");
        assert!(rate.total.amount > Decimal::ZERO, "{way}: {rate:?}");
    }
}

/// Asserts `b` was not asked but skipped, with a reason naming the origin's country.
fn assert_skipped(answer: &FanOutQuote, b: &Builtin, request: &RateRequest, way: &str) {
    let id = b.carrier.carrier_id();
    assert!(answer.get(&id).is_none(), "{way}: {} was asked", b.id());
    let Some(skip) = answer.skipped().find(|s| s.carrier == id) else {
        panic!(
            "{way}: {} is not under skipped: {:?}",
            b.id(),
            answer.skipped
        );
    };
    assert!(
        skip.reason.contains(request.origin.country.as_str()),
        "{way}: {}: {}",
        b.id(),
        skip.reason
    );
}

#[tokio::test]
async fn across_the_border_each_way_skips_who_cannot_serve_it_and_every_carrier_quotes() {
    let setup = setup(None, None).await;
    let mut quoted: Vec<&str> = Vec::new();
    let mut skipped = 0;
    for (origin, destination) in [(ottawa(), new_york()), (new_york(), ottawa())] {
        let way = format!("{} → {}", origin.country, destination.country);
        let request = RateRequest::new(origin, destination, vec![parcel()]).unwrap();
        let calls_before: Vec<u64> = setup.fleet.members.iter().map(|m| m.all_calls()).collect();
        let answer = setup.host.quote(&request).await.expect("a valid request");
        assert_eq!(
            answer.carriers.len() + answer.skipped.len(),
            builtins().len(),
            "{way}: every carrier was asked or skipped"
        );
        assert_eq!(
            answer.errors().count(),
            0,
            "{way}: {:?}",
            answer.errors().collect::<Vec<_>>()
        );
        for (m, before) in setup.fleet.members.iter().zip(calls_before) {
            let b = m.builtin();
            if cannot_serve(b, &request) {
                assert_skipped(&answer, b, &request, &way);
                assert_eq!(m.all_calls(), before, "{way}: {} was called", b.id());
                skipped += 1;
            } else {
                assert_quotes(&answer, b, &way);
                if !quoted.contains(&b.id()) {
                    quoted.push(b.id());
                }
            }
        }
    }
    assert!(skipped > 0, "some carrier ships from one side only");
    let all: Vec<&str> = builtins().iter().map(Builtin::id).collect();
    quoted.sort();
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(
        quoted, sorted,
        "every carrier quoted in one direction or the other"
    );
}

#[tokio::test]
async fn a_us_fan_out_quotes_every_carrier_reaching_the_us_and_skips_the_rest() {
    let setup = setup(None, None).await;
    let los_angeles = Address::new("US", "90001").with_region("CA");
    let request = RateRequest::new(new_york(), los_angeles, vec![parcel()]).unwrap();
    let answer = setup.host.quote(&request).await.expect("a valid request");
    assert_eq!(
        answer.errors().count(),
        0,
        "{:?}",
        answer.errors().collect::<Vec<_>>()
    );
    let (mut asked, mut skipped) = (Vec::new(), Vec::new());
    for b in builtins() {
        // Read from the descriptor itself, not through the host's route check.
        let origins = b.carrier.reach.origin_countries;
        if origins.is_empty() || origins.contains(&"US") {
            assert_quotes(&answer, b, "US → US");
            asked.push(b.carrier.carrier_id());
        } else {
            assert_skipped(&answer, b, &request, "US → US");
            skipped.push(b.carrier.carrier_id());
        }
    }
    assert!(!asked.is_empty(), "some carrier ships from the US");
    // Nobody else.
    let sorted = |mut ids: Vec<CarrierId>| {
        ids.sort();
        ids
    };
    let answered = answer.carriers.iter().map(|c| c.carrier.clone()).collect();
    assert_eq!(sorted(answered), sorted(asked));
    let not_asked = answer.skipped.iter().map(|s| s.carrier.clone()).collect();
    assert_eq!(sorted(not_asked), sorted(skipped));
}

#[tokio::test]
async fn with_every_carrier_shipping_from_a_warehouse_it_serves_one_fan_out_gets_them_all() {
    let toronto = Address::new("CA", "M5V 3L9").with_region("ON");
    let request = RateRequest::new(new_york(), toronto, vec![parcel()]).unwrap();
    let setup = setup(None, Some(&request)).await;
    let answer = setup.host.quote(&request).await.expect("a valid request");
    assert_eq!(
        answer.carriers.len(),
        builtins().len(),
        "every carrier was asked"
    );
    assert!(answer.skipped.is_empty(), "{:?}", answer.skipped);
    assert_eq!(
        answer.errors().count(),
        0,
        "no carrier fails: {:?}",
        answer.errors().collect::<Vec<_>>()
    );
    for b in builtins() {
        assert_quotes(&answer, b, "US → CA");
    }
    // Canada Post priced a domestic parcel from its Canadian warehouse (in Canadian dollars),
    // the others an export from New York (USPS in US dollars).
    let currency = |c: &str| match answer.get(&CarrierId::new(c).unwrap()) {
        Some(Ok(rates)) => rates[0].total.currency.to_string(),
        other => panic!("{c}: {other:?}"),
    };
    assert_eq!(currency(shipmux_canadapost::DESCRIPTOR.id), "CAD");
    assert_eq!(currency(shipmux_usps::DESCRIPTOR.id), "USD");
}

/// Canada and the US as zones, each offering a real-time method of every built-in carrier.
fn rules() -> String {
    let methods: Vec<_> = builtins()
        .iter()
        .map(|b| json!({"id": b.id(), "name": b.carrier.name, "type": "real_time", "carrier": b.id()}))
        .collect();
    json!({"zones": [
        {"id": "us", "name": "United States", "type": "country",
         "locations": [{"country": "US"}], "methods": methods},
        {"id": "ca", "name": "Canada", "type": "country",
         "locations": [{"country": "CA"}], "methods": methods},
    ]})
    .to_string()
}

fn checkout(origin: &Address, destination: &Address, currency: &str) -> Checkout {
    let address = |a: &Address| json!({"country": a.country, "postal_code": a.postal_code, "region": a.region});
    Checkout::from_json(
        &json!({
            "origin": address(origin),
            "currency": currency,
            "line_items": [{"id": "li-1", "quantity": 1, "unit_price": "120.00",
                            "weight": {"value": "2.2", "unit": "kg"}}],
            "consignments": [{"id": "c1", "address": address(destination),
                              "line_items": [{"item_id": "li-1", "quantity": 1}]}],
        })
        .to_string(),
    )
    .expect("a valid checkout")
}

/// A checkout asks each real-time method's carrier itself: one that cannot serve the route
/// offers no option and refuses the origin (`invalid_request` on `origin.country`, asked
/// without a network call), one error per such carrier.
#[tokio::test]
async fn a_checkout_zone_with_real_time_methods_of_every_carrier() {
    let setup = setup(Some(&rules()), None).await;
    for (origin, destination, currency) in
        [(ottawa(), new_york(), "CAD"), (new_york(), ottawa(), "USD")]
    {
        let way = format!("{} → {}", origin.country, destination.country);
        let request =
            RateRequest::new(origin.clone(), destination.clone(), vec![parcel()]).unwrap();
        let calls_before: Vec<u64> = setup.fleet.members.iter().map(|m| m.all_calls()).collect();
        let quote = setup
            .host
            .quote_checkout(&checkout(&origin, &destination, currency))
            .await
            .expect("a valid checkout");
        let consignment = &quote.consignments[0];
        let carriers: Vec<&str> = consignment
            .options
            .iter()
            .filter_map(|o| o.carrier.as_ref().map(|c| c.as_str()))
            .collect();
        let mut cannot = Vec::new();
        for (m, before) in setup.fleet.members.iter().zip(calls_before) {
            let b = m.builtin();
            if cannot_serve(b, &request) {
                assert!(!carriers.contains(&b.id()), "{way}: {}", b.id());
                assert_eq!(m.all_calls(), before, "{way}: {} was called", b.id());
                cannot.push(b.id());
            } else {
                assert!(
                    carriers.contains(&b.id()),
                    "{way}: no {} option in {carriers:?}; errors {:?}",
                    b.id(),
                    consignment.errors
                );
            }
        }
        assert!(!cannot.is_empty(), "{way}: some carrier cannot serve it");
        for option in &consignment.options {
            assert_eq!(option.cost.currency.as_str(), currency, "{way}: {option:?}");
        }
        let mut refused: Vec<&str> = consignment
            .errors
            .iter()
            .map(|e| e.carrier.as_ref().map_or("", |c| c.as_str()))
            .collect();
        refused.sort();
        cannot.sort();
        assert_eq!(refused, cannot, "{way}: {:?}", consignment.errors);
        for e in &consignment.errors {
            assert_eq!(e.kind, ErrorKind::InvalidRequest, "{way}: {e}");
            assert!(e.message.contains("origin.country"), "{way}: {e}");
        }
    }
}
