//! FedEx Rate quotes answers through `FedexProtocol::parse_rate`.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use shipmux_core::{CarrierProtocol, RateRequest};
use shipmux_fuzz::{offline, rate_rounds, us_request};

fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(Arc<dyn CarrierProtocol>, [RateRequest; 2])> = OnceLock::new();
    let (protocol, requests) = SETUP.get_or_init(|| {
        (
            offline(&shipmux_fedex::DESCRIPTOR),
            [us_request(false), us_request(true)],
        )
    });
    let abroad = data.get(1).is_some_and(|h| h & 0x20 != 0);
    rate_rounds(&**protocol, &requests[usize::from(abroad)], data);
});
