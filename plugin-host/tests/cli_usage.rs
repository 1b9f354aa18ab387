//! `shipmux` usage: help everywhere, one-line usage errors with exit 2.

use std::process::{Command, Output};

fn shipmux(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .args(args)
        .output()
        .expect("the shipmux binary runs")
}

#[test]
fn every_command_has_help() {
    for command in [
        vec![],
        vec!["demo"],
        vec!["sandbox"],
        vec!["quote"],
        vec!["checkout"],
        vec!["track"],
        vec!["connect"],
        vec!["carriers"],
        vec!["decode"],
        vec!["plugin"],
        vec!["plugin", "check"],
        vec!["loadtest"],
    ] {
        let mut args = command.clone();
        args.push("--help");
        let out = shipmux(&args);
        assert!(out.status.success(), "{args:?}: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: shipmux"), "{args:?}: {text}");
    }
}

#[test]
fn usage_errors_are_one_line_with_exit_2() {
    for args in [
        vec!["quote", "--bogus"],
        vec!["quote", "--from", "US 90210"],
        vec![
            "quote", "--from", "90210", "--to", "US 10001", "--parcel", "2lb",
        ],
        vec![
            "quote", "--from", "US 90210", "--to", "US 10001", "--parcel", "2stone",
        ],
        vec!["loadtest", "--quotes", "10", "--duration", "1"],
        vec!["loadtest", "--slow", "dhl=5"],
        vec!["sandbox", "--faults", "gremlins"],
        vec!["decode", "ups", "fly", "x.json"],
        vec!["teleport"],
    ] {
        let out = shipmux(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("shipmux: "), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_missing_input_file_is_a_usage_error_naming_it() {
    let out = shipmux(&["checkout", "--request", "/nonexistent/checkout.json"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/checkout.json"), "{err}");
}

#[test]
fn an_unrecognized_tracking_number_says_so() {
    let out = shipmux(&["track", "12345"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fits no"), "{err}");
}
