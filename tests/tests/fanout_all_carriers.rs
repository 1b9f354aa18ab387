//! One host over all four carriers: UPS, FedEx and USPS built in, Canada Post loaded from its
//! plugin `.so`, each against its own sandbox over loopback. The fan-out asks all four at once
//! and a checkout's zone offers real-time methods of all four.
//!
//! No single shipment is served by all four: USPS ships only from the United States and
//! Canada Post only from Canada (both carriers' APIs take only a domestic origin). So the
//! fan-out goes both ways across the border, and in each direction the one carrier that
//! cannot serve it must answer exactly that (`invalid_request` on `origin.country`, asked
//! without a network call) while the other three answer rates; over the two directions every
//! carrier quotes. A merchant who ships Canada Post parcels from a Canadian warehouse says so
//! in the account's `ship_from`: then one fan-out gets rates from all four with no error.

mod plugin_support;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use plugin_support::canadapost_plugin;
use rust_decimal::Decimal;
use serde_json::json;
use shipmux_core::checkout::Checkout;
use shipmux_core::{
    Address, Carrier, CarrierId, Dimensions, Error, ErrorKind, LengthUnit, Money, Parcel,
    RateRequest, Weight,
};
use shipmux_host::layers::{Layer, ShipFromLayer};
use shipmux_host::plugin::Plugin;
use shipmux_host::{Host, HostOptions, HttpCarrier, HttpDriver, Registry};
use shipmux_sandbox::{Sandbox, SandboxOptions};

/// The four sandboxes, kept alive as long as the host that uses them.
struct Fleet {
    host: Host,
    _sandboxes: Vec<Sandbox>,
}

async fn fleet(rules: Option<&str>, canadapost_ships_from: Option<Address>) -> Fleet {
    let (ups, fedex, usps, canadapost) = tokio::join!(
        shipmux_ups::sandbox::start(SandboxOptions::default()),
        shipmux_fedex::sandbox::start(SandboxOptions::default()),
        shipmux_usps::sandbox::start(SandboxOptions::default()),
        shipmux_canadapost::sandbox::start(SandboxOptions::default()),
    );
    let (ups, fedex, usps, canadapost) = (
        ups.expect("UPS sandbox"),
        fedex.expect("FedEx sandbox"),
        usps.expect("USPS sandbox"),
        canadapost.expect("Canada Post sandbox"),
    );
    let driver = || HttpDriver::new().expect("driver");
    let mut registry = Registry::new();
    let ups_protocol = shipmux_ups::Ups::builder()
        .client_id("fanout-ups")
        .client_secret("fanout-ups-secret")
        .account_number("A1B2C3")
        .base_url(&ups.base_url())
        .build()
        .expect("UPS config");
    let fedex_protocol = shipmux_fedex::Fedex::builder()
        .client_id("fanout-fedex")
        .client_secret("fanout-fedex-secret")
        .account_number("740561073")
        .base_url(fedex.base_url())
        .build()
        .expect("FedEx config");
    let usps_protocol = shipmux_usps::Usps::builder()
        .client_id("fanout-usps")
        .client_secret("fanout-usps-secret")
        .base_url(usps.base_url())
        .build()
        .expect("USPS config");
    let plugin = Plugin::load(canadapost_plugin()).expect("the Canada Post plugin loads");
    assert!(
        plugin.uses_frames(),
        "a current plugin is called with frames"
    );
    let canadapost_protocol = plugin
        .instantiate(&json!({
            "username": "fanout", "password": "fanout-password",
            "customer_number": "2004381", "base_url": canadapost.base_url(),
        }))
        .expect("the Canada Post plugin instantiates");
    let mut canadapost_carrier: Arc<dyn Carrier> =
        Arc::new(HttpCarrier::new(canadapost_protocol, driver()));
    if let Some(warehouse) = canadapost_ships_from {
        canadapost_carrier = ShipFromLayer::new(warehouse)
            .expect("a warehouse in Canada")
            .layer(canadapost_carrier);
    }
    let carriers: [Arc<dyn Carrier>; 4] = [
        Arc::new(HttpCarrier::new(ups_protocol, driver())),
        Arc::new(HttpCarrier::new(fedex_protocol, driver())),
        Arc::new(HttpCarrier::new(usps_protocol, driver())),
        canadapost_carrier,
    ];
    for carrier in carriers {
        registry.register(carrier).expect("distinct carrier ids");
    }
    let mut host = Host::builder(registry).options(HostOptions {
        quote_deadline: Duration::from_secs(10),
        ..HostOptions::default()
    });
    if let Some(rules) = rules {
        host = host.rules(serde_json::from_str(rules).expect("rules JSON"));
    }
    Fleet {
        host: host.build(),
        _sandboxes: vec![ups, fedex, usps, canadapost],
    }
}

fn id(s: &str) -> CarrierId {
    CarrierId::new(s).unwrap()
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

/// The one refusal a carrier owes a shipment leaving a country it does not ship from.
fn assert_refuses_origin(result: Option<&Result<Vec<shipmux_core::Rate>, Error>>, who: &str) {
    let Some(Err(e)) = result else {
        panic!("{who} must refuse a foreign origin, got {result:?}")
    };
    assert_eq!(e.kind, ErrorKind::InvalidRequest, "{who}: {e}");
    assert!(e.message.contains("origin.country"), "{who}: {e}");
}

#[tokio::test]
async fn one_fan_out_asks_all_four_and_every_carrier_quotes_across_the_border() {
    let fleet = fleet(None, None).await;
    let mut quoted: Vec<CarrierId> = Vec::new();
    for (origin, destination, cannot) in [
        (ottawa(), new_york(), "usps"),
        (new_york(), ottawa(), "canadapost"),
    ] {
        let way = format!("{} → {}", origin.country, destination.country);
        let request = RateRequest::new(origin, destination, vec![parcel()]).unwrap();
        let answer = fleet.host.quote(&request).await.expect("a valid request");
        assert_eq!(answer.carriers.len(), 4, "{way}: all four were asked");
        for carrier in ["ups", "fedex", "usps", "canadapost"] {
            let result = answer.get(&id(carrier));
            if carrier == cannot {
                assert_refuses_origin(result, carrier);
                continue;
            }
            let rates = match result {
                Some(Ok(rates)) => rates,
                other => panic!("{way}: {carrier} must quote, got {other:?}"),
            };
            assert!(!rates.is_empty(), "{way}: {carrier} quoted no service");
            for rate in rates {
                assert_eq!(rate.carrier.as_str(), carrier, "{way}");
                assert!(rate.total.amount > Decimal::ZERO, "{way}: {rate:?}");
            }
            if !quoted.contains(&id(carrier)) {
                quoted.push(id(carrier));
            }
        }
        assert_eq!(answer.errors().count(), 1, "{way}: only {cannot} fails");
    }
    quoted.sort();
    let mut all = vec![id("canadapost"), id("fedex"), id("ups"), id("usps")];
    all.sort();
    assert_eq!(
        quoted, all,
        "every carrier quoted in one direction or the other"
    );
}

#[tokio::test]
async fn with_canada_post_shipping_from_its_own_warehouse_one_fan_out_gets_all_four() {
    let fleet = fleet(None, Some(ottawa())).await;
    let toronto = Address::new("CA", "M5V 3L9").with_region("ON");
    let request = RateRequest::new(new_york(), toronto, vec![parcel()]).unwrap();
    let answer = fleet.host.quote(&request).await.expect("a valid request");
    assert_eq!(answer.carriers.len(), 4, "all four were asked");
    assert_eq!(
        answer.errors().count(),
        0,
        "no carrier fails: {:?}",
        answer.errors().collect::<Vec<_>>()
    );
    for carrier in ["ups", "fedex", "usps", "canadapost"] {
        let Some(Ok(rates)) = answer.get(&id(carrier)) else {
            panic!("{carrier} must quote, got {:?}", answer.get(&id(carrier)))
        };
        assert!(!rates.is_empty(), "{carrier} quoted no service");
        for rate in rates {
            assert_eq!(rate.carrier.as_str(), carrier);
            assert!(rate.total.amount > Decimal::ZERO, "{rate:?}");
        }
    }
    // Canada Post priced a domestic parcel (in Canadian dollars), the others an export from
    // New York (in US dollars).
    let currency = |c: &str| match answer.get(&id(c)) {
        Some(Ok(rates)) => rates[0].total.currency.to_string(),
        _ => unreachable!(),
    };
    assert_eq!(currency("canadapost"), "CAD");
    assert_eq!(currency("usps"), "USD");
}

/// Canada and the US as zones, each offering a real-time method of every carrier.
const RULES: &str = r#"{"zones": [
  {"id": "us", "name": "United States", "type": "country", "locations": [{"country": "US"}],
   "methods": [
     {"id": "ups", "name": "UPS", "type": "real_time", "carrier": "ups"},
     {"id": "fedex", "name": "FedEx", "type": "real_time", "carrier": "fedex"},
     {"id": "usps", "name": "USPS", "type": "real_time", "carrier": "usps"},
     {"id": "canadapost", "name": "Canada Post", "type": "real_time", "carrier": "canadapost"}
   ]},
  {"id": "ca", "name": "Canada", "type": "country", "locations": [{"country": "CA"}],
   "methods": [
     {"id": "ups", "name": "UPS", "type": "real_time", "carrier": "ups"},
     {"id": "fedex", "name": "FedEx", "type": "real_time", "carrier": "fedex"},
     {"id": "usps", "name": "USPS", "type": "real_time", "carrier": "usps"},
     {"id": "canadapost", "name": "Canada Post", "type": "real_time", "carrier": "canadapost"}
   ]}
]}"#;

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

#[tokio::test]
async fn a_checkout_zone_with_real_time_methods_of_all_four() {
    let fleet = fleet(Some(RULES), None).await;
    for (origin, destination, currency, cannot) in [
        (ottawa(), new_york(), "CAD", "usps"),
        (new_york(), ottawa(), "USD", "canadapost"),
    ] {
        let way = format!("{} → {}", origin.country, destination.country);
        let quote = fleet
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
        for carrier in ["ups", "fedex", "usps", "canadapost"] {
            if carrier == cannot {
                assert!(!carriers.contains(&carrier), "{way}: {carrier}");
            } else {
                assert!(
                    carriers.contains(&carrier),
                    "{way}: no {carrier} option in {carriers:?}; errors {:?}",
                    consignment.errors
                );
            }
        }
        for option in &consignment.options {
            assert_eq!(option.cost.currency.as_str(), currency, "{way}: {option:?}");
        }
        assert_eq!(
            consignment.errors.len(),
            1,
            "{way}: {:?}",
            consignment.errors
        );
        let e = &consignment.errors[0];
        assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some(cannot), "{e}");
        assert_eq!(e.kind, ErrorKind::InvalidRequest, "{e}");
    }
}
