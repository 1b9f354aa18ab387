//! Checks our formats against the reference tracking-number data's own valid and invalid
//! examples, format by format. Runs only when `SHIPMUX_SHARED` points at that data.

use std::path::PathBuf;

use shipmux_core::orders::tracking_number::{TrackingFormat, detect, matching_formats};

/// The reference data's format (by `id`, else `name`) as ours, with the carrier that tracks it.
fn ours(entry: &serde_json::Value) -> Option<(TrackingFormat, Option<&'static str>)> {
    let key = entry["id"].as_str().or(entry["name"].as_str())?;
    Some(match key {
        "ups" => (TrackingFormat::Ups1Z, Some("ups")),
        "UPS Waybill" => (TrackingFormat::UpsWaybill, Some("ups")),
        "fedex_12" => (TrackingFormat::FedexExpress12, Some("fedex")),
        "fedex_34" => (TrackingFormat::FedexExpress34, Some("fedex")),
        "fedex_astra_32" => (TrackingFormat::FedexAstra32, Some("fedex")),
        "fedex_ground" => (TrackingFormat::FedexGround15, Some("fedex")),
        "fedex_ground_sscc_18" => (TrackingFormat::FedexSscc18, Some("fedex")),
        "fedex_ground_96" => (TrackingFormat::FedexGround96, Some("fedex")),
        "fedex_ground_gsn" => (TrackingFormat::FedexGroundGsn, Some("fedex")),
        "usps_20" => (TrackingFormat::Usps20, Some("usps")),
        "usps_legacy" => (TrackingFormat::UspsLegacy, Some("usps")),
        "usps_impb_n" | "usps_impb_c" => (TrackingFormat::UspsImpb, Some("usps")),
        "canada_post" => (TrackingFormat::CanadaPost16, Some("canadapost")),
        "s10" => (TrackingFormat::S10, None),
        _ => return None,
    })
}

#[test]
fn reference_examples_match_our_formats() {
    shipmux_core::descriptor::install(&[
        &shipmux_ups::DESCRIPTOR,
        &shipmux_fedex::DESCRIPTOR,
        &shipmux_usps::DESCRIPTOR,
        &shipmux_canadapost::DESCRIPTOR,
    ]);
    let Some(shared) = std::env::var_os("SHIPMUX_SHARED") else {
        eprintln!("SHIPMUX_SHARED is not set: skipping the reference tracking-number examples");
        return;
    };
    let shared = PathBuf::from(shared).join("carrier-api");
    let files = [
        "tracking-numbers/ups.json",
        "tracking-numbers/fedex.json",
        "tracking-numbers/usps.json",
        "tracking-numbers/s10.json",
        "canadapost/tracking-numbers/canadapost.json",
    ];
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(shared.join(file)).unwrap();
        let data: serde_json::Value = serde_json::from_str(&text).unwrap();
        for entry in data["tracking_numbers"].as_array().unwrap() {
            let (format, carrier) = ours(entry)
                .unwrap_or_else(|| panic!("{file}: a format we do not know: {}", entry["name"]));
            for number in entry["test_numbers"]["valid"].as_array().unwrap() {
                let number = number.as_str().unwrap();
                assert!(
                    matching_formats(number).contains(&format),
                    "{file}: `{number}` should be a valid {format}"
                );
                if let Some(carrier) = carrier {
                    assert!(
                        detect(number).iter().any(|c| c.as_str() == carrier),
                        "{file}: `{number}` should be detected as {carrier}"
                    );
                }
                checked += 1;
            }
            for number in entry["test_numbers"]["invalid"].as_array().unwrap() {
                let number = number.as_str().unwrap();
                assert!(
                    !matching_formats(number).contains(&format),
                    "{file}: `{number}` should not be a valid {format}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} examples read");
}
