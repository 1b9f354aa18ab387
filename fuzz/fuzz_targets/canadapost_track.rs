//! Canada Post track-v2 XML answers (detail and summary views) through
//! `CanadaPostProtocol::parse_track`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipmux_canadapost::CanadaPostProtocol;
use shipmux_core::TrackingNumber;
use shipmux_fuzz::{canadapost, numbers, track};

fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(CanadaPostProtocol, CanadaPostProtocol, Vec<TrackingNumber>)> =
        OnceLock::new();
    let (detail, summary, numbers) = SETUP.get_or_init(|| {
        (
            canadapost(false),
            canadapost(true),
            numbers(&["7023210039414604"]),
        )
    });
    let protocol = if data.get(1).is_some_and(|h| h & 0x20 != 0) {
        summary
    } else {
        detail
    };
    track(protocol, numbers, data);
});
