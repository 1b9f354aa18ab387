//! `shipmux quote` and `checkout` against the embedded sandboxes.

use std::collections::BTreeSet;
use std::process::{Command, Output};

fn shipmux(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .args(args)
        .output()
        .expect("the shipmux binary runs")
}

#[test]
fn quote_json_has_rates_from_every_builtin_carrier() {
    let out = shipmux(&[
        "quote",
        "--from",
        "US 90210",
        "--to",
        "US 10001",
        "--parcel",
        "2lb,12x8x6in",
        "--carriers",
        "ups,fedex,usps",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rates = v["rates"].as_array().expect("rates");
    let carriers: BTreeSet<&str> = rates.iter().filter_map(|r| r["carrier"].as_str()).collect();
    assert_eq!(carriers, BTreeSet::from(["fedex", "ups", "usps"]), "{v}");
    assert_eq!(v["errors"], serde_json::json!([]));
    for r in rates {
        // Money is a decimal string, never a float.
        assert!(r["total"]["amount"].is_string(), "{r}");
    }
}

#[test]
fn checkout_with_bigcommerce_zones_gives_options_per_consignment() {
    let dir = format!("{}/tests/fixtures/cli", env!("CARGO_MANIFEST_DIR"));
    let out = shipmux(&[
        "checkout",
        "--zones",
        &format!("{dir}/zones.json"),
        "--request",
        &format!("{dir}/checkout.json"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let consignments = v["consignments"].as_array().expect("consignments");
    assert_eq!(consignments.len(), 1);
    let c = &consignments[0];
    assert_eq!(c["zone"], "Lower 48");
    let options = c["options"].as_array().expect("options");
    // 5 lb at 2.00 per lb by weight (limits in lb), plus UPS rates marked up by the handling fee.
    assert!(
        options
            .iter()
            .any(|o| o["description"] == "By weight" && o["cost"]["amount"] == "10.00"),
        "{c}"
    );
    assert!(options.iter().any(|o| o["carrier"] == "ups"), "{c}");
    assert_eq!(c["errors"], serde_json::json!([]));
}
