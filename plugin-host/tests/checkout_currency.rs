//! A checkout in the store's currency with a carrier answering in another: without exchange
//! rates the carrier's options are an error of that carrier (reported, never dropped
//! silently); with them each rate is converted once, fees applied after, and the carrier's own
//! amount kept beside the cost.

use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use shipmux_core::checkout::Checkout;
use shipmux_core::testkit::{TableCarrier, TableService};
use shipmux_core::{Currency, ErrorKind, ExchangeRates, Money};
use shipmux_host::{Host, Registry};

fn host() -> Host {
    let cad = TableCarrier::new("maple", Currency::cad())
        .unwrap()
        .service(TableService::new(
            "REG",
            "Maple Regular",
            Decimal::from_str("10.00").unwrap(),
            Decimal::from_str("1.00").unwrap(),
        ));
    let mut registry = Registry::new();
    registry.register(Arc::new(cad)).unwrap();
    let rules = serde_json::from_str(
        r#"{"zones": [{"id": "us", "name": "US", "type": "country",
            "locations": [{"country": "US"}],
            "methods": [{"id": "maple", "name": "Maple", "type": "real_time",
                         "carrier": "maple", "markup": {"fixed": "1.00"}}]}]}"#,
    )
    .unwrap();
    Host::builder(registry).rules(rules).build()
}

fn checkout() -> Checkout {
    Checkout::from_json(
        r#"{"origin": {"country": "US", "postal_code": "90210"}, "currency": "USD",
            "line_items": [{"id": "li-1", "quantity": 1, "unit_price": "20.00",
                            "weight": {"value": "2", "unit": "lb"}}],
            "consignments": [{"id": "c1", "address": {"country": "US", "postal_code": "10001"},
                              "line_items": [{"item_id": "li-1", "quantity": 1}]}]}"#,
    )
    .unwrap()
}

#[tokio::test]
async fn without_rates_the_foreign_carrier_is_an_error_naming_both_currencies() {
    let quote = host().quote_checkout(&checkout()).await.unwrap();
    let c = &quote.consignments[0];
    assert!(c.options.is_empty());
    let e = &c.errors[0];
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert_eq!(e.carrier.as_ref().unwrap().as_str(), "maple");
    assert!(
        e.message.contains("CAD") && e.message.contains("USD"),
        "{e}"
    );
}

#[tokio::test]
async fn with_rates_the_rate_is_converted_once_then_priced_and_its_own_amount_kept() {
    let host = host();
    host.set_exchange_rates(
        ExchangeRates::new(Currency::usd())
            .with(Currency::cad(), Decimal::from_str("1.25").unwrap()),
    )
    .unwrap();
    let quote = host.quote_checkout(&checkout()).await.unwrap();
    let c = &quote.consignments[0];
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    let option = &c.options[0];
    let carrier = option
        .carrier_total
        .as_ref()
        .expect("the carrier's own amount");
    assert_eq!(carrier.currency, Currency::cad());
    // 12.00 CAD → 9.60 USD, then the 1.00 USD markup.
    assert_eq!(carrier, &Money::parse("12.00", "CAD").unwrap());
    assert_eq!(option.cost, Money::parse("10.60", "USD").unwrap());
    let json = serde_json::to_value(option).unwrap();
    assert_eq!(json["carrier_total"]["currency"], "CAD");

    // Bad rates are refused and the old ones stay.
    let bad = ExchangeRates::new(Currency::usd()).with(Currency::cad(), Decimal::ZERO);
    assert!(host.set_exchange_rates(bad).is_err());
    assert_eq!(
        host.exchange_rates().rates[&Currency::cad()],
        Decimal::from_str("1.25").unwrap()
    );
}
