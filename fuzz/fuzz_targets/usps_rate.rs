//! USPS Shipping Options and prices answers (with the fallback round) through
//! `UspsProtocol::parse_rate`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipmux_core::RateRequest;
use shipmux_fuzz::{rate_rounds, us_request, usps};
use shipmux_usps::UspsProtocol;

fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<([UspsProtocol; 2], [RateRequest; 2])> = OnceLock::new();
    let (protocols, requests) = SETUP.get_or_init(|| {
        (
            [usps(false, false), usps(true, false)],
            [us_request(false), us_request(true)],
        )
    });
    let h = data.get(1).copied().unwrap_or(0);
    let protocol = &protocols[usize::from(h & 0x10 != 0)];
    rate_rounds(protocol, &requests[usize::from(h & 0x20 != 0)], data);
});
