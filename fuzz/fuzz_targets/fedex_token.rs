//! FedEx OAuth token answers through `FedexProtocol::parse_token`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipmux_fuzz::{fedex, token};

fuzz_target!(|data: &[u8]| {
    static PROTOCOL: OnceLock<shipmux_fedex::FedexProtocol> = OnceLock::new();
    token(PROTOCOL.get_or_init(fedex), data);
});
