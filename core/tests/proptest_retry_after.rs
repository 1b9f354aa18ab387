//! Regression tests from fuzzing (`fuzz/`, every carrier target): a carrier's `Retry-After`
//! header is text from the network, so no value of it may panic or wrap around.
//!
//! Found by `cargo fuzz run ups_rate` (and the other carrier targets) within seconds:
//! `Retry-After: 1e300` made `HttpResponse::retry_after` panic in `Duration::from_secs_f64`
//! ("value is either too big or NaN") — in every carrier's error mapping and in the host's
//! retry loop. `Retry-After: 18446744073709552` (seconds) wrapped to a 384 ms wait.

use std::time::Duration;

use shipmux_core::{Error, ErrorKind, HttpResponse};

fn retry_after(value: &str) -> Option<Duration> {
    HttpResponse::new(429, "")
        .with_header("Retry-After", value)
        .retry_after()
}

#[test]
fn huge_and_odd_retry_after_values_are_ignored_not_panics() {
    for v in [
        "1e300", "1e20", "NaN", "inf", "-inf", "-1", "-0.5", "", "abc",
    ] {
        assert_eq!(retry_after(v), None, "{v}");
    }
    assert_eq!(retry_after("0"), Some(Duration::ZERO));
    assert_eq!(retry_after(" 2 "), Some(Duration::from_secs(2)));
    assert_eq!(retry_after("1.5"), Some(Duration::from_millis(1500)));
    // An HTTP date is not read (delta-seconds only).
    assert_eq!(retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
}

#[test]
fn the_largest_waits_saturate_instead_of_wrapping() {
    let e =
        |v: &str| Error::new(ErrorKind::RateLimited, "slow down").with_retry_after(retry_after(v));
    // 18446744073709552 s is 18446744073709552000 ms: past u64::MAX, once wrapped to 384.
    assert_eq!(e("18446744073709552").retry_after_ms, Some(u64::MAX));
    assert_eq!(e("18446744073709551615").retry_after_ms, Some(u64::MAX));
    assert_eq!(e("1.8e19").retry_after_ms, Some(u64::MAX));
    assert_eq!(e("3").retry_after_ms, Some(3000));
}

#[test]
fn no_retry_after_text_panics() {
    // A deterministic sweep standing in for a property test: every short mix of the
    // characters a number can hold.
    let alphabet = [
        '0', '1', '9', '.', 'e', 'E', '+', '-', 'i', 'n', 'f', 'N', 'a', ' ',
    ];
    let mut checked = 0;
    for a in alphabet {
        for b in alphabet {
            for c in alphabet {
                for d in ["", "300", "9999", "e308"] {
                    let v = format!("{a}{b}{c}{d}");
                    let wait = retry_after(&v);
                    let _ = Error::new(ErrorKind::Unavailable, "x").with_retry_after(wait);
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 14 * 14 * 14 * 4);
}
