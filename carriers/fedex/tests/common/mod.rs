//! Helpers shared by the FedEx parser tests.
#![allow(dead_code)]

use shipmux_core::{Exchange, HttpRequest, HttpResponse, Method};
use shipmux_fedex::{Fedex, FedexProtocol};

/// A protocol pointed at a loopback address that nothing listens on.
pub fn fedex() -> FedexProtocol {
    Fedex::builder()
        .client_id("l7xx-test-key")
        .client_secret("test-secret-value")
        .account_number("740561073")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("valid test config")
}

/// An exchange of one response.
pub fn exchange(status: u16, body: &str) -> Exchange {
    Exchange {
        round: 0,
        requests: vec![HttpRequest::new(Method::Post, "http://127.0.0.1:9/")],
        responses: vec![HttpResponse::new(status, body)],
    }
}

/// A FedEx error body.
pub fn error_body(code: &str, message: &str) -> String {
    format!(
        r#"{{"transactionId":"624deea6-b709-470c-8c39-4b5511281492","errors":[{{"code":"{code}","message":"{message}"}}]}}"#
    )
}
