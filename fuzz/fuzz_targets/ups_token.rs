//! UPS OAuth token answers through `UpsProtocol::parse_token`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipmux_fuzz::{token, ups};

fuzz_target!(|data: &[u8]| {
    static PROTOCOL: OnceLock<shipmux_ups::UpsProtocol> = OnceLock::new();
    token(PROTOCOL.get_or_init(ups), data);
});
