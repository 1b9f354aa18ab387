//! USPS OAuth token answers through `UspsProtocol::parse_token`.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use shipmux_core::CarrierProtocol;
use shipmux_fuzz::{offline, token};

fuzz_target!(|data: &[u8]| {
    static PROTOCOL: OnceLock<Arc<dyn CarrierProtocol>> = OnceLock::new();
    let protocol = PROTOCOL.get_or_init(|| offline(&shipmux_usps::DESCRIPTOR));
    token(&**protocol, data);
});
