//! FedEx rate answers → shipmux rates, on our own FedEx-format fixtures (docs/carriers/fedex.md).

mod common;

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use shipmux_core::{
    Address, CarrierProtocol, ChargeKind, ErrorKind, Money, Parcel, Rate, RateRequest, Step, Weight,
};

use common::{error_body, exchange, fedex};

const DOMESTIC: &str = include_str!("fixtures/rate_domestic_account_list.json");
const INTERNATIONAL: &str = include_str!("fixtures/rate_international_duties.json");

fn request(to: Address) -> RateRequest {
    RateRequest::new(
        Address::new("US", "38017").with_region("TN"),
        to,
        vec![Parcel::new(Weight::lb(Decimal::from(3)))],
    )
    .unwrap()
}

fn rates(status: u16, body: &str) -> Result<Vec<Rate>, shipmux_core::Error> {
    let req = request(Address::new("US", "10001"));
    match fedex().parse_rate(&req, &exchange(status, body))? {
        Step::Done(rates) => Ok(rates),
        Step::Next(_) => panic!("FedEx never asks for another round"),
    }
}

fn usd(amount: &str) -> Money {
    Money::parse(amount, "USD").unwrap()
}

fn cad(amount: &str) -> Money {
    Money::parse(amount, "CAD").unwrap()
}

fn charges(rate: &Rate) -> Vec<(ChargeKind, Option<&str>, String)> {
    rate.charges
        .iter()
        .map(|c| (c.kind, c.code.as_deref(), c.amount.amount.to_string()))
        .collect()
}

#[test]
fn account_rate_is_the_total_and_list_rate_the_list_total() {
    let rates = rates(200, DOMESTIC).unwrap();
    let services: Vec<_> = rates.iter().map(|r| r.service.as_str()).collect();
    // One Rate per rated entry in response order; the unrated PRIORITY_OVERNIGHT is skipped.
    assert_eq!(
        services,
        ["FEDEX_GROUND", "FEDEX_2_DAY", "FEDEX_GROUND_ECONOMY_TEST"]
    );

    let ground = &rates[0];
    assert_eq!(ground.carrier.as_str(), "fedex");
    assert_eq!(ground.service_name, "FedEx Ground®");
    // ACCOUNT wins although PREFERRED_CURRENCY and LIST come first; "16.00" keeps its scale.
    assert_eq!(ground.total, usd("16.00"));
    assert_eq!(ground.total.amount.to_string(), "16.00");
    assert_eq!(ground.list_total, Some(usd("18.35")));
    assert_eq!(
        charges(ground),
        [
            (ChargeKind::Base, None, "14.05".to_string()),
            (ChargeKind::Fuel, Some("FUEL"), "2.30".to_string()),
            (
                ChargeKind::Surcharge,
                Some("RESIDENTIAL_DELIVERY"),
                "2.00".to_string()
            ),
            (ChargeKind::Other, Some("DISCOUNT"), "-2.35".to_string()),
        ]
    );
    let sum: Decimal = ground.charges.iter().map(|c| c.amount.amount).sum();
    assert_eq!(sum, ground.total.amount);
    // commit.transitDays wins over operationalDetail.transitTime.
    assert_eq!(ground.transit_days, Some(3));
    assert_eq!(
        ground.estimated_delivery,
        NaiveDate::from_ymd_opt(2026, 11, 26)
    );
    assert!(!ground.guaranteed);
    assert_eq!(ground.billed_weight.unwrap().value.to_string(), "3.0");
}

#[test]
fn equal_list_price_is_null_and_operational_detail_gives_transit() {
    let rates = rates(200, DOMESTIC).unwrap();
    let two_day = &rates[1];
    assert_eq!(
        two_day.total,
        usd("36.66"),
        "currency from shipmentRateDetail"
    );
    assert_eq!(two_day.list_total, None);
    assert_eq!(two_day.transit_days, Some(2));
    assert_eq!(
        two_day.estimated_delivery,
        NaiveDate::from_ymd_opt(2026, 11, 25)
    );

    let economy = &rates[2];
    assert_eq!(economy.total, usd("9.8"));
    assert_eq!(
        economy.list_total, None,
        "LIST only: no ACCOUNT to differ from"
    );
    assert_eq!(economy.service_name, "FEDEX_GROUND_ECONOMY_TEST");
    assert_eq!(
        economy.transit_days, None,
        "SMARTPOST_TRANSIT_DAYS and UNKNOWN are null"
    );
}

#[test]
fn international_rates_keep_their_currency_and_leave_out_duties() {
    let rates = rates(200, INTERNATIONAL).unwrap();
    let priority = &rates[0];
    // The shipment is quoted from the US, the account bills in CAD.
    assert_eq!(
        priority.total,
        cad("97.86"),
        "totalNetCharge, not WithDutiesAndTaxes"
    );
    assert_eq!(priority.list_total, Some(cad("104.47")));
    assert_eq!(
        charges(priority),
        [
            (ChargeKind::Base, None, "82.35".to_string()),
            (ChargeKind::Fuel, Some("FUEL"), "10.85".to_string()),
            (ChargeKind::Tax, Some("GST"), "4.66".to_string()),
        ]
    );
    assert_eq!(priority.transit_days, Some(2));
    assert_eq!(
        priority.estimated_delivery,
        NaiveDate::from_ymd_opt(2026, 12, 2)
    );
    let billed = priority.billed_weight.unwrap();
    assert_eq!(
        (billed.value.to_string(), billed.unit),
        ("2.5".into(), shipmux_core::WeightUnit::Kg)
    );

    let freight = &rates[1];
    assert!(freight.guaranteed, "commit.guaranteedType present");
    assert_eq!(freight.transit_days, Some(1), "from commit.daysInTransit");
    assert_eq!(freight.total, cad("540.75"));
}

#[test]
fn each_error_class_maps_to_its_kind() {
    let cases = [
        (400, "ACCOUNT.NUMBER.MISMATCH", ErrorKind::Rejected, false),
        (
            401,
            "NOT.AUTHORIZED.ERROR",
            ErrorKind::Unauthenticated,
            false,
        ),
        (403, "FORBIDDEN.ERROR", ErrorKind::Unauthenticated, false),
        (404, "NOT.FOUND.ERROR", ErrorKind::NotFound, false),
        (429, "TOO.MANY.REQUESTS", ErrorKind::RateLimited, true),
        (500, "INTERNAL.SERVER.ERROR", ErrorKind::Unavailable, true),
        (
            503,
            "SERVICE.UNAVAILABLE.ERROR",
            ErrorKind::Unavailable,
            true,
        ),
    ];
    for (status, code, kind, retryable) in cases {
        let e = rates(status, &error_body(code, "text")).unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_deref(), e.retryable),
            (kind, Some(code), retryable)
        );
        assert_eq!(e.carrier.as_ref().map(|c| c.as_str()), Some("fedex"));
    }
    let forbidden = rates(403, &error_body("FORBIDDEN.ERROR", "No")).unwrap_err();
    assert!(
        forbidden.message.contains("blocks an IP address"),
        "{forbidden}"
    );
}

#[test]
fn unreadable_success_bodies_are_parse_errors() {
    for body in [
        "",
        "<html>",
        "{\"output\": {\"rateReplyDetails\": 7}}",
        "{}",
        "[1,2]",
    ] {
        assert_eq!(
            rates(200, body).unwrap_err().kind,
            ErrorKind::Parse,
            "{body}"
        );
    }
    let no_currency = r#"{"output":{"rateReplyDetails":[{"serviceType":"FEDEX_GROUND",
        "ratedShipmentDetails":[{"rateType":"ACCOUNT","totalNetCharge":1.00}]}]}}"#;
    let e = rates(200, no_currency).unwrap_err();
    assert!(e.message.contains("currency"), "{e}");
    // A 200 with only FedEx errors is FedEx refusing, with its code.
    let e = rates(200, &error_body("RATE.PACKAGE.WEIGHT.MISSING", "no weight")).unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("RATE.PACKAGE.WEIGHT.MISSING"))
    );
}

#[test]
fn an_empty_reply_is_no_rates() {
    assert!(
        rates(200, r#"{"output":{"rateReplyDetails":[]}}"#)
            .unwrap()
            .is_empty()
    );
    assert!(
        rates(200, r#"{"output":{"rateReplyDetails":null}}"#)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn decimal_text_is_kept_for_every_amount() {
    let body = r#"{"output":{"rateReplyDetails":[{"serviceType":"FEDEX_GROUND","ratedShipmentDetails":[
        {"rateType":"ACCOUNT","totalNetCharge":7.60,"totalBaseCharge":7.60,"currency":"usd",
         "shipmentRateDetail":{"totalBillingWeight":{"units":"LB","value":12.30}}}]}]}}"#;
    let rate = &rates(200, body).unwrap()[0];
    assert_eq!(rate.total.amount.to_string(), "7.60");
    assert_eq!(rate.total.currency.as_str(), "USD");
    assert_eq!(rate.billed_weight.unwrap().value.to_string(), "12.30");
    assert_eq!(Decimal::from_str("7.60").unwrap(), rate.total.amount);
}
