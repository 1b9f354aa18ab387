//! Canada Post rate-v4 XML answers through `CanadaPostProtocol::parse_rate`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipmux_canadapost::CanadaPostProtocol;
use shipmux_core::RateRequest;
use shipmux_fuzz::{canadapost, rate_rounds, sample_request};

fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(CanadaPostProtocol, RateRequest)> = OnceLock::new();
    let (protocol, request) = SETUP.get_or_init(|| {
        (
            canadapost(false),
            sample_request(&shipmux_canadapost::DESCRIPTOR),
        )
    });
    rate_rounds(protocol, request, data);
});
