//! UPS Tracking v1 answers through `UpsProtocol::parse_track`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipmux_core::TrackingNumber;
use shipmux_fuzz::{numbers, track, ups};

fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(shipmux_ups::UpsProtocol, Vec<TrackingNumber>)> = OnceLock::new();
    let (protocol, numbers) = SETUP.get_or_init(|| (ups(), numbers(&["1Z5R89390357567127"])));
    track(protocol, numbers, data);
});
