//! BigCommerce V2 zones and methods import (`GET /shipping/zones`,
//! `GET /shipping/zones/{id}/methods`). Input: zones JSON, a NUL byte, methods JSON for
//! zone `1`; or one JSON read both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipmux_core::rules::BigCommerceImport;
use shipmux_core::{Address, WeightUnit};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let unit = if text.len() % 2 == 0 {
        WeightUnit::Lb
    } else {
        WeightUnit::Kg
    };
    let import = BigCommerceImport::new(unit);
    match text.split_once('\0') {
        Some((zones, methods)) => {
            let Ok(matcher) = import.rules(zones, [("1", methods)]) else {
                return;
            };
            for a in [
                Address::new("US", "90210").with_region("CA"),
                Address::new("AU", "2000"),
            ] {
                let _ = matcher.find(&a);
            }
        }
        None => {
            if let Err(e) = import.zones(text) {
                assert!(!e.message.is_empty());
            }
            if let Err(e) = import.methods(text) {
                assert!(!e.message.is_empty());
            }
        }
    }
});
