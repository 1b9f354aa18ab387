//! Tracking-number formats, check digits and carrier detection.
//!
//! Every number here was computed for these tests with the carriers' published algorithms
//! (see `core/src/orders/check_digit.rs`); none is a real shipment.

use shipmux_core::orders::tracking_number::{
    TrackingFormat, detect, detect_one, matching_formats, validate,
};
use shipmux_core::{CarrierId, ErrorKind};

fn id(carrier: &str) -> CarrierId {
    CarrierId::new(carrier).unwrap()
}

/// (carrier, number, format it must be recognised as).
const VALID: &[(&str, &str, TrackingFormat)] = &[
    ("ups", "1ZA1B2C30312345673", TrackingFormat::Ups1Z),
    ("ups", "1Z B7X9 Q2YW 7654 3214", TrackingFormat::Ups1Z),
    ("ups", "1za1b2c30312345673", TrackingFormat::Ups1Z),
    ("ups", "K1234567895", TrackingFormat::UpsWaybill),
    ("fedex", "123456789012", TrackingFormat::FedexExpress12),
    ("fedex", "7770 0011 1228", TrackingFormat::FedexExpress12),
    ("fedex", "612345678901235", TrackingFormat::FedexGround15),
    ("fedex", "009876543210123452", TrackingFormat::FedexSscc18),
    ("fedex", "00009876543210123452", TrackingFormat::FedexSscc18),
    (
        "fedex",
        "9612345987654300012340",
        TrackingFormat::FedexGround96,
    ),
    (
        "fedex",
        "1234567890123451000101234567890129",
        TrackingFormat::FedexExpress34,
    ),
    (
        "fedex",
        "9622123450123456789000045678912340",
        TrackingFormat::FedexGroundGsn,
    ),
    (
        "fedex",
        "31234567812345675556667778802014",
        TrackingFormat::FedexAstra32,
    ),
    ("usps", "03123456789123456786", TrackingFormat::Usps20),
    ("usps", "23123456789123456782", TrackingFormat::UspsLegacy),
    ("usps", "9123123456789123456782", TrackingFormat::UspsLegacy),
    (
        "usps",
        "9400 1912 3456 7876 5432 19",
        TrackingFormat::UspsImpb,
    ),
    (
        "usps",
        "420100019400191234567876543219",
        TrackingFormat::UspsImpb,
    ),
    (
        "usps",
        "92055912345678123456789016",
        TrackingFormat::UspsImpb,
    ),
    (
        "usps",
        "93612123456123456789012343",
        TrackingFormat::UspsImpb,
    ),
    (
        "usps",
        "940019123456781234567890123451",
        TrackingFormat::UspsImpb,
    ),
    ("usps", "RR472913856US", TrackingFormat::S10),
    ("usps", "RR472913856GB", TrackingFormat::S10),
    (
        "canadapost",
        "1234567890123452",
        TrackingFormat::CanadaPost16,
    ),
    (
        "canadapost",
        "7000 1112 2233 3445",
        TrackingFormat::CanadaPost16,
    ),
    ("canadapost", "RR472913856CA", TrackingFormat::S10),
];

#[test]
fn numbers_we_computed_validate_for_their_carrier() {
    install_carriers();
    for &(carrier, number, format) in VALID {
        let valid =
            validate(&id(carrier), number).unwrap_or_else(|e| panic!("{carrier} {number}: {e}"));
        assert_eq!(valid.format, Some(format), "{carrier} {number}");
        assert_eq!(valid.carrier.as_str(), carrier);
        assert!(!valid.number.as_str().contains(' '));
    }
}

/// (carrier, number, text the error must contain).
const INVALID: &[(&str, &str, &str)] = &[
    (
        "ups",
        "1ZA1B2C30312345674",
        "check digit should be 3, not 4",
    ),
    ("ups", "K1234567890", "check digit should be 5, not 0"),
    ("ups", "2ZA1B2C30312345673", "is not a UPS tracking number"),
    ("ups", "123456789012", "is not a UPS tracking number"),
    ("fedex", "123456789015", "check digit should be 2, not 5"),
    ("fedex", "612345678901230", "check digit should be 5, not 0"),
    (
        "fedex",
        "9612345987654300012349",
        "check digit should be 0, not 9",
    ),
    (
        "fedex",
        "1ZA1B2C30312345673",
        "is not a FedEx tracking number",
    ),
    ("usps", "03123456789123456789", "USPS"),
    (
        "usps",
        "9400191234567876543210",
        "check digit should be 9, not 0",
    ),
    ("usps", "RR472913857US", "check digit should be 6, not 7"),
    ("usps", "RR472913856XX", "`XX` is not a country code"),
    ("usps", "12345", "is not a USPS tracking number"),
    (
        "canadapost",
        "1234567890123456",
        "check digit should be 2, not 6",
    ),
    ("canadapost", "ABC", "is not a tracking number"),
];

#[test]
fn wrong_check_digits_and_shapes_are_refused_saying_why() {
    install_carriers();
    for &(carrier, number, expected) in INVALID {
        let err = validate(&id(carrier), number)
            .expect_err(&format!("{carrier} {number} should be refused"));
        assert_eq!(err.kind, ErrorKind::InvalidRequest, "{carrier} {number}");
        assert!(
            err.message.starts_with("tracking_number"),
            "{carrier} {number}: {}",
            err.message
        );
        assert!(
            err.message.contains(expected),
            "{carrier} {number}: `{}` should contain `{expected}`",
            err.message
        );
    }
}

#[test]
fn a_twenty_digit_usps_number_failing_both_readings_names_both_digits() {
    install_carriers();
    // As USPS (20 digits) the check digit is 6; read as a legacy 91 number it is 4.
    let err = validate(&id("usps"), "03123456789123456789").unwrap_err();
    assert!(
        err.message.contains("should be 6, not 9"),
        "{}",
        err.message
    );
    assert!(err.message.contains("USPS legacy"), "{}", err.message);
}

#[test]
fn carriers_without_known_formats_are_checked_on_syntax_only() {
    install_carriers();
    let valid = validate(&id("dhl"), "JD0141 2345 6789").unwrap();
    assert_eq!(valid.format, None);
    assert_eq!(valid.number.as_str(), "JD014123456789");
    assert!(validate(&id("dhl"), "no!").is_err());
}

#[test]
fn detection_finds_the_carrier_of_each_number() {
    install_carriers();
    let cases: &[(&str, &[&str])] = &[
        ("1ZA1B2C30312345673", &["ups"]),
        ("K1234567895", &["ups"]),
        ("123456789012", &["fedex"]),
        ("612345678901235", &["fedex"]),
        ("9612345987654300012340", &["fedex"]),
        ("1234567890123451000101234567890129", &["fedex"]),
        ("9400191234567876543219", &["usps"]),
        ("420100019400191234567876543219", &["usps"]),
        ("03123456789123456786", &["usps"]),
        ("1234567890123452", &["canadapost"]),
        ("RR472913856US", &["usps"]),
        ("RR472913856CA", &["canadapost"]),
        // Issued abroad: either post that delivers it may track it.
        ("RR472913856GB", &["usps", "canadapost"]),
        // Wrong check digits match nothing.
        ("1ZA1B2C30312345674", &[]),
        ("123456789015", &[]),
        ("not a number", &[]),
    ];
    for &(number, expected) in cases {
        let found: Vec<String> = detect(number).into_iter().map(String::from).collect();
        assert_eq!(found, expected, "{number}");
    }
}

#[test]
fn detect_one_refuses_numbers_several_carriers_could_own() {
    install_carriers();
    let err = detect_one("RR472913856GB").unwrap_err();
    assert!(
        err.message.contains("usps or canadapost"),
        "{}",
        err.message
    );
    let err = detect_one("1ZA1B2C30312345674").unwrap_err();
    assert!(err.message.contains("name the tracking_carrier"));
    let one = detect_one("9400 1912 3456 7876 5432 19").unwrap();
    assert_eq!(one.carrier.as_str(), "usps");
    assert_eq!(one.number.as_str(), "9400191234567876543219");
}

#[test]
fn matching_formats_lists_distinctive_formats_first() {
    install_carriers();
    // 20 digits starting 00: an SSCC with its application identifier, and also (by chance
    // or not) a USPS shape; whatever matches, the order is by distinctiveness, stable.
    let formats = matching_formats("00009876543210123452");
    assert!(formats.contains(&TrackingFormat::FedexSscc18));
    assert_eq!(
        matching_formats("1ZA1B2C30312345673"),
        vec![TrackingFormat::Ups1Z]
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
