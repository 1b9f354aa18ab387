//! What a plugin hands the host as JSON: its manifest, and the answers of its operations
//! (rates, trackings with per-number outcomes, HTTP requests to send).
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipmux_core::plugin::{Manifest, TrackOutcome};
use shipmux_core::{AccessToken, HttpRequest, Rate, Step};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = serde_json::from_slice::<Manifest>(data) {
        let json = serde_json::to_vec(&m).expect("manifest serializes");
        let back: Manifest = serde_json::from_slice(&json).expect("manifest reads back");
        assert_eq!(back, m);
    }
    let _ = serde_json::from_slice::<Vec<TrackOutcome>>(data);
    let _ = serde_json::from_slice::<Step<Vec<Rate>>>(data);
    let _ = serde_json::from_slice::<Vec<HttpRequest>>(data);
    if let Ok(t) = serde_json::from_slice::<AccessToken>(data) {
        let _ = format!("{t:?}");
    }
});
