//! FedEx Track answers (batches, NOTFOUND inside a 200) through `FedexProtocol::parse_track`.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use shipmux_core::{CarrierProtocol, TrackingNumber};
use shipmux_fuzz::{numbers, offline, track};

fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(Arc<dyn CarrierProtocol>, Vec<TrackingNumber>)> = OnceLock::new();
    let (protocol, numbers) = SETUP.get_or_init(|| {
        (
            offline(&shipmux_fedex::DESCRIPTOR),
            numbers(&["794843185271", "123456789012345", "39936862321"]),
        )
    });
    track(&**protocol, numbers, data);
});
