//! A short `shipmux loadtest` against in-process sandboxes: the report has every field and no
//! errors; the counters agree with each other.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

#[test]
fn a_short_load_test_reports_every_field_and_no_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plot = dir.path().join("plot.svg");
    let (_, v) = loadtest(
        dir.path(),
        [
            "--quotes",
            "200",
            "--concurrency",
            "16",
            "--distinct",
            "20",
            "--carriers",
            "ups,fedex,usps",
            "--plot",
        ]
        .map(OsStr::new)
        .into_iter()
        .chain([plot.as_os_str()]),
    );

    assert_eq!(v["quotes"], 200);
    assert_eq!(v["concurrency"], 16);
    for field in ["elapsed_s", "quotes_per_s", "cpu_s", "rss_mb"] {
        assert!(v[field].as_f64().is_some_and(|x| x > 0.0), "{field}: {v}");
    }
    for p in ["p50", "p90", "p99", "p999", "max"] {
        assert!(
            v["latency_ms"][p].as_f64().is_some_and(|x| x > 0.0),
            "{p}: {v}"
        );
    }
    assert!(v["latency_ms"]["p50"].as_f64() <= v["latency_ms"]["max"].as_f64());
    assert_eq!(v["errors"], serde_json::json!({}), "unexpected errors: {v}");
    assert_eq!(v["complete_quotes"], 200);

    let cache = &v["cache"];
    let (hits, misses, coalesced) = (
        cache["hits"].as_u64().unwrap(),
        cache["misses"].as_u64().unwrap(),
        cache["coalesced"].as_u64().unwrap(),
    );
    // 200 quotes x 3 carriers, each answered by the cache or upstream.
    assert_eq!(hits + misses + coalesced, 600, "{cache}");
    // 20 distinct shipments (the draw is deterministic and covers all 20): one upstream call
    // per shipment and one token per carrier.
    assert_eq!(misses, 60, "{cache}");
    for carrier in ["ups", "fedex", "usps"] {
        assert_eq!(v["upstream_calls"][carrier], 20, "{carrier}: {v}");
        assert_eq!(v["token_calls"][carrier], 1, "{carrier}");
    }

    let svg = std::fs::read_to_string(&plot).expect("plot written");
    assert!(
        svg.starts_with("<svg") && svg.contains("<polyline"),
        "{svg}"
    );
}

/// `--rate-limit` for a `--duration`: the carrier never sees more calls than the limit allows
/// in that time, every caller gets its permit in turn (none starves into a timeout), and the
/// quotes still queued when the time is up are cancelled and reported, not finished late.
#[test]
fn a_rate_limited_run_stays_inside_the_limit_for_its_duration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, v) = loadtest(
        dir.path(),
        [
            "--duration",
            "1",
            "--concurrency",
            "16",
            "--carriers",
            "ups",
            "--rate-limit",
            "ups=20/s",
            "--connect-first",
            "--cache",
            "off",
            "--distinct",
            "1000000",
        ]
        .map(OsStr::new),
    );
    // 20/s with its default burst of 2: at most 2 + 20 calls in one second.
    let calls = v["upstream_calls"]["ups"].as_u64().unwrap();
    assert!(calls <= 22, "{calls} UPS calls in 1 s at 20/s: {v}");
    assert!(calls >= 1, "the limit still lets calls through: {v}");
    assert_eq!(v["errors"], serde_json::json!({}), "no caller starved: {v}");
    assert_eq!(v["settings"]["connect_first"], true);
    assert_eq!(
        v["token_calls"]["ups"], 1,
        "connecting first fetched the one token: {v}"
    );
    assert!(
        v["cancelled_at_end"].as_u64().unwrap() > 0,
        "16 callers at 20/s leave some waiting at the end: {v}"
    );
}

/// `loadtest --floor` with `extra` flags: the report as JSON.
fn floor_report(extra: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let flags = ["--floor", "--concurrency", "16", "--carriers", "ups,usps"];
    let (out, v) = loadtest(dir.path(), flags.iter().chain(extra).map(OsStr::new));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("vs floor"), "{summary}");
    v
}

/// `shipmux loadtest ARGS --json FILE` (the file in `dir`), which must succeed: its output and
/// the report as JSON.
fn loadtest<'a>(
    dir: &Path,
    args: impl IntoIterator<Item = &'a OsStr>,
) -> (Output, serde_json::Value) {
    let report = dir.join("report.json");
    let out = Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .arg("loadtest")
        .args(args)
        .arg("--json")
        .arg(&report)
        .output()
        .expect("the shipmux binary runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(&report).expect("report written");
    (out, serde_json::from_str(&text).expect("report is JSON"))
}

/// The floor's figures are there, and its ratios are ours over its.
fn assert_ratios(v: &serde_json::Value) {
    assert_floor_ratios(v, &v["floor"]);
}

/// `floor`'s figures are there, and its ratios are ours (in `v`) over its.
fn assert_floor_ratios(v: &serde_json::Value, floor: &serde_json::Value) {
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or_else(|| panic!("a number: {floor}"));
    assert!(f(&floor["quotes_per_s"]) > 0.0, "{floor}");
    assert!(f(&floor["p99_ms"]) > 0.0, "{floor}");
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
    assert!(
        close(
            f(&floor["ratio"]["quotes_per_s"]),
            f(&v["quotes_per_s"]) / f(&floor["quotes_per_s"])
        ),
        "{v}"
    );
    assert!(
        close(
            f(&floor["ratio"]["p99"]),
            f(&v["latency_ms"]["p99"]) / f(&floor["p99_ms"])
        ),
        "{v}"
    );
    assert!(f(&floor["ratio"]["cpu_per_quote"]) > 0.0, "{floor}");
}

#[test]
fn the_http_floor_runs_first_and_its_calls_are_not_counted_as_ours() {
    let v = floor_report(&["--cache", "off", "--quotes", "150"]);
    assert_eq!(v["floor"]["kind"], "http", "{v}");
    assert_eq!(v["floor"]["quotes"], 150, "{v}");
    assert_eq!(v["errors"], serde_json::json!({}), "{v}");
    assert_ratios(&v);
    // Then the same calls with each answer read as JSON: it costs at least the reading.
    let json = &v["json_floor"];
    assert_eq!(json["kind"], "http+json", "{v}");
    assert_eq!(json["quotes"], 150, "{v}");
    assert_floor_ratios(&v, json);
    // The floors sent 300 rate calls to each sandbox as well; the report counts ours only.
    for carrier in ["ups", "usps"] {
        assert_eq!(v["upstream_calls"][carrier], 150, "{carrier}: {v}");
    }
}

#[test]
fn the_lookup_floor_warms_every_key_so_both_runs_answer_from_memory() {
    let v = floor_report(&["--quotes", "400", "--distinct", "10"]);
    assert_eq!(v["floor"]["kind"], "lookup", "{v}");
    assert!(
        v.get("json_floor").is_none(),
        "the cache-hit floor reads no answer: {v}"
    );
    assert_eq!(v["floor"]["quotes"], 400, "{v}");
    assert_ratios(&v);
    assert_eq!(v["cache"]["misses"], 0, "{v}");
    assert_eq!(v["cache"]["hits"], 800, "{v}");
    for carrier in ["ups", "usps"] {
        assert_eq!(v["upstream_calls"][carrier], 0, "{carrier}: {v}");
    }
}
