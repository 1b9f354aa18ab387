//! Canada Post through the protocol conformance kit: every error status, unreadable and cut
//! XML, Canada Post's own `<messages>` codes (which decide over the status), tracking
//! answers per PIN, and neither half of the API key in `Debug`.

mod conformance_support;

use shipmux_canadapost::CanadaPost;
use shipmux_core::testkit::run_protocol_conformance;

const USER: &str = "cp-conformance-user";
const PASSWORD: &str = "cp-conformance-password";

#[test]
fn the_check_digit_matches_our_fixtures_pin() {
    assert_eq!(
        conformance_support::pin(702_321_003_941_460),
        "7023210039414604"
    );
}

#[test]
fn canada_post_meets_the_protocol_conformance_kit() {
    let protocol = CanadaPost::builder()
        .username(USER)
        .password(PASSWORD)
        .customer_number("2004381")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    run_protocol_conformance(&protocol, &conformance_support::fixture(&[USER, PASSWORD]));
}
