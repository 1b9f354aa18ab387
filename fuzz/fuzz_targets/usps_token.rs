//! USPS OAuth token answers through `UspsProtocol::parse_token`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipmux_fuzz::{token, usps};

fuzz_target!(|data: &[u8]| {
    static PROTOCOL: OnceLock<shipmux_usps::UspsProtocol> = OnceLock::new();
    token(PROTOCOL.get_or_init(|| usps(false, false)), data);
});
