//! Zone matching: a store's zones (the `ZoneMatcher` JSON a config holds) and an address
//! (`country|region|postcode` on the first line), plus a few fixed addresses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipmux_core::Address;
use shipmux_core::rules::ZoneMatcher;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (first, zones) = text.split_once('\n').unwrap_or((text, "{}"));
    let Ok(matcher) = serde_json::from_str::<ZoneMatcher>(zones) else {
        return;
    };
    let mut fields = first.splitn(3, '|');
    let mut address = Address::new(
        fields.next().unwrap_or("US"),
        fields.next().unwrap_or_default(),
    );
    address.region = fields.next().map(str::to_string);
    let fixed = [
        Address::new("US", "90210").with_region("CA"),
        Address::new("CA", "K1A"),
        Address::new("GB", "SW1A 1AA"),
        Address::new("DE", "10115"),
    ];
    for a in fixed.iter().chain([&address]) {
        if let Some(zone) = matcher.find(a) {
            assert!(zone.enabled, "a disabled zone matched");
            assert!(matcher.zone(&zone.id).is_some());
        }
        let _ = matcher.zone_for(a).map_err(|no| no.to_string());
    }
    // What was accepted serializes and reads back as the same rules.
    let json = serde_json::to_string(&matcher).expect("zones serialize");
    let back: ZoneMatcher = serde_json::from_str(&json).expect("zones read back");
    assert_eq!(back, matcher);
});
