//! `shipmux loadtest --replicas N --redis URL`: real `shipmux serve` processes sharing one
//! real `redis-server` and one set of carrier simulators, driven over HTTP — what a fleet
//! behind a load balancer costs the carriers: one call per cold quote, one token per account,
//! one rate limit for all, and each replica's share of it while Redis is away.

mod redis_support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use redis_support::RedisServer;

/// Runs `shipmux loadtest ARGS --json report` and returns the report.
fn loadtest(args: &[&str], dir: &Path) -> Value {
    let report = dir.join("report.json");
    let out = Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .arg("loadtest")
        .args(args)
        .arg("--json")
        .arg(&report)
        .env_remove("RUST_LOG")
        .output()
        .expect("the shipmux binary runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(&report).expect("report written");
    serde_json::from_str(&text).expect("report is JSON")
}

/// The report's count for each carrier under `field` (`upstream_calls`, `token_calls`).
fn per_carrier(report: &Value, field: &str) -> Vec<(String, u64)> {
    report[field]
        .as_object()
        .unwrap_or_else(|| panic!("{field}: {report}"))
        .iter()
        .map(|(c, n)| (c.clone(), n.as_u64().unwrap()))
        .collect()
}

/// Every quote answered 200, with every carrier's rates.
fn assert_all_answered(report: &Value, quotes: u64) {
    assert_eq!(report["http"]["status"]["200"], quotes, "{report}");
    assert_eq!(report["complete_quotes"], quotes, "{report}");
    assert_eq!(report["errors"], serde_json::json!({}), "{report}");
}

/// Carriers whose simulator issues OAuth tokens.
const OAUTH: [&str; 3] = ["fedex", "ups", "usps"];

#[test]
fn a_thousand_identical_cold_quotes_over_three_replicas_cost_one_call_and_one_token_per_carrier() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = redis.url();
    let cold_identical = [
        "--replicas",
        "3",
        "--distinct",
        "1",
        "--quotes",
        "1000",
        "--concurrency",
        "64",
    ];
    // A generous Redis timeout: this checks what is shared, not how a replica copes with a
    // machine too busy to answer within the 50 ms default (it would work on its own then).
    let mut shared = cold_identical.to_vec();
    shared.extend(["--redis", &url, "--redis-timeout-ms", "2000"]);
    let report = loadtest(&shared, dir.path());
    assert_eq!(report["settings"]["replicas"], 3, "{report}");
    assert_eq!(report["settings"]["redis"], true, "{report}");
    assert_eq!(report["settings"]["servers"].as_array().unwrap().len(), 3);
    assert_all_answered(&report, 1000);
    let carriers = per_carrier(&report, "upstream_calls");
    assert!(carriers.len() >= 4, "{report}");
    for (carrier, calls) in &carriers {
        assert_eq!(
            *calls, 1,
            "{carrier}: one rate call for the fleet: {report}"
        );
    }
    for (carrier, tokens) in per_carrier(&report, "token_calls") {
        let expected = u64::from(OAUTH.contains(&carrier.as_str()));
        assert_eq!(tokens, expected, "{carrier}: {report}");
    }
    // The two replicas that did not ask a carrier found its answer in Redis.
    assert_eq!(
        report["cache"]["shared_hits"],
        2 * carriers.len() as u64,
        "{report}"
    );

    // Without Redis, the same run costs every carrier a call and a token per replica.
    let report = loadtest(&cold_identical, dir.path());
    assert_eq!(report["settings"]["redis"], false, "{report}");
    assert_all_answered(&report, 1000);
    for (carrier, calls) in per_carrier(&report, "upstream_calls") {
        assert_eq!(calls, 3, "{carrier}: {report}");
    }
    for (carrier, tokens) in per_carrier(&report, "token_calls") {
        let expected = 3 * u64::from(OAUTH.contains(&carrier.as_str()));
        assert_eq!(tokens, expected, "{carrier}: {report}");
    }
}

#[test]
fn three_replicas_on_one_redis_keep_to_one_rate_limit_for_ten_seconds() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = redis.url();
    // Cache off: every quote asks UPS, far more often than 50 times a second (a slower limit
    // than a real UPS account's, so that a loaded CI machine still runs past it;
    // BENCHMARKS.md has the 100/s run).
    let report = loadtest(
        &[
            "--replicas",
            "3",
            "--redis",
            &url,
            "--redis-timeout-ms",
            "2000",
            "--carriers",
            "ups",
            "--rate-limit",
            "ups=50/s burst 5",
            "--cache",
            "off",
            "--duration",
            "10",
            "--concurrency",
            "32",
        ],
        dir.path(),
    );
    let calls = report["upstream_calls"]["ups"].as_u64().unwrap();
    // GCRA: the burst at once, then one call every 20 ms — 5 + 50 × 10 s for the fleet
    // (each replica alone would allow as much: three times that together).
    assert!(calls <= 505, "{calls} UPS calls: {report}");
    // The limit, not the load, set the pace: quotes queued for permits (32 in flight at 50/s
    // wait about 0.6 s each).
    let p50 = report["latency_ms"]["p50"].as_f64().unwrap();
    assert!(
        calls >= 400 && p50 >= 200.0,
        "{calls} calls, p50 {p50} ms: {report}"
    );
    assert_eq!(report["http"]["transport_errors"], serde_json::json!({}));
}

#[test]
fn with_redis_away_each_replica_keeps_to_its_share_and_every_quote_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on this socket: every replica finds Redis unavailable from the start.
    let url = format!("redis+unix://{}", dir.path().join("none.sock").display());
    let report = loadtest(
        &[
            "--replicas",
            "3",
            "--redis",
            &url,
            "--carriers",
            "ups",
            "--rate-limit",
            "ups=90/s burst 3",
            "--cache",
            "off",
            "--duration",
            "3",
            "--concurrency",
            "16",
        ],
        dir.path(),
    );
    let quotes = report["quotes"].as_u64().unwrap();
    assert!(quotes > 0, "{report}");
    // Every quote got an answer: Redis being away never fails a checkout (quotes beyond
    // UPS's limit say `rate_limited` for UPS, inside a 200).
    assert_eq!(report["http"]["status"]["200"], quotes, "{report}");
    // Each replica keeps to 90/s ÷ 3 = 30/s (burst 1): at most 3 × (1 + 30 × 3 s) = 273,
    // where three replicas each using the whole limit would make about 810.
    let calls = report["upstream_calls"]["ups"].as_u64().unwrap();
    assert!(calls <= 280, "{calls} UPS calls: {report}");
    assert!(calls >= 150, "{calls} UPS calls: {report}");
}
