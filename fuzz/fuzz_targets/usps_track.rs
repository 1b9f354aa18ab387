//! USPS tracking answers (v3r2 batches with 207, v3 single) through
//! `UspsProtocol::parse_track`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipmux_core::TrackingNumber;
use shipmux_fuzz::{numbers, track, usps};
use shipmux_usps::UspsProtocol;

fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(UspsProtocol, UspsProtocol, Vec<TrackingNumber>)> = OnceLock::new();
    let (batch, single, numbers) = SETUP.get_or_init(|| {
        (
            usps(false, false),
            usps(false, true),
            numbers(&[
                "9400100000000000000017",
                "9400100000000000000024",
                "LZ123456785US",
            ]),
        )
    });
    if data.get(1).is_some_and(|h| h & 0x20 != 0) {
        track(single, &numbers[..1], data);
    } else {
        track(batch, numbers, data);
    }
});
