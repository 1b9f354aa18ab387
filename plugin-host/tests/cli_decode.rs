//! `shipmux decode` on saved bodies: 0 decoded, 3 carrier error, 1 unreadable, 2 usage.

use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/cli/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn decode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .arg("decode")
        .args(args)
        .output()
        .expect("the shipmux binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn a_rate_body_decodes_to_rates() {
    let out = decode(&["ups", "rate", &fixture("ups_rate.json")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json(&out);
    let rates = v["rates"].as_array().expect("rates");
    assert_eq!(rates.len(), 2);
    assert_eq!(rates[0]["service"], "03");
    assert_eq!(rates[0]["total"]["amount"], "14.62");
    assert_eq!(rates[1]["transit_days"], 2);
}

#[test]
fn a_carrier_error_body_exits_3_with_the_error() {
    let out = decode(&["ups", "rate", &fixture("ups_error.json"), "--status", "400"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let v = json(&out);
    assert_eq!(v["error"]["code"], "111210");
    assert_eq!(v["error"]["kind"], "rejected");
    assert_eq!(v["error"]["carrier"], "ups");
}

#[test]
fn a_token_body_decodes_without_showing_the_token() {
    let out = decode(&["ups", "token", &fixture("ups_token.json")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("not-a-real-token"), "{text}");
    assert_eq!(json(&out)["token"]["expires_in_secs"], 14399);
}

#[test]
fn an_unreadable_body_exits_1_with_a_parse_error() {
    let out = decode(&["ups", "rate", &fixture("not_json.html")]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(json(&out)["error"]["kind"], "parse");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["dhl", "rate", "x.json"],
        vec!["ups", "rate", "/nonexistent/body.json"],
        vec!["ups", "rate", "x.json", "--status", "99"],
        vec!["ups", "rate", "x.json", "--header", "no colon"],
    ] {
        let out = decode(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
}
