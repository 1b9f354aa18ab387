//! `shipmux loadtest --server`: the load test driving running servers over HTTP — a real
//! `shipmux serve` end to end, API keys, round-robin over several servers — and the flags
//! that only make sense in process refused with it; and `--target`, the other way of putting
//! a process boundary into the load test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

fn shipmux() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shipmux"))
}

/// A `shipmux serve` child, killed when dropped (also when a test fails).
struct Serve {
    child: Child,
    url: String,
}

impl Serve {
    /// Starts `shipmux serve --listen 127.0.0.1:0` with `env` and reads its first line.
    fn start(env: &[(&str, &str)]) -> Serve {
        let mut command = shipmux();
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env_remove("SHIPMUX_API_KEYS")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("shipmux serve starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("the listening line");
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
            .to_string();
        Serve { child, url }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `shipmux loadtest` with `args` and `--json report`, returns the output and the report.
fn loadtest(args: &[&str], report: &Path) -> (Output, Value) {
    let out = shipmux()
        .arg("loadtest")
        .args(args)
        .arg("--json")
        .arg(report)
        .output()
        .expect("the shipmux binary runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(report).expect("report written");
    (out, serde_json::from_str(&text).expect("report is JSON"))
}

#[test]
fn drives_a_running_serve_over_http() {
    let serve = Serve::start(&[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    let plot = dir.path().join("plot.svg");
    let (out, v) = loadtest(
        &[
            "--server",
            &serve.url,
            "--quotes",
            "200",
            "--concurrency",
            "8",
            "--plot",
            plot.to_str().unwrap(),
        ],
        &report,
    );

    assert_eq!(v["quotes"], 200, "{v}");
    assert_eq!(v["concurrency"], 8);
    assert_eq!(v["http"]["status"], json!({"200": 200}), "{v}");
    assert_eq!(v["http"]["transport_errors"], json!({}), "{v}");
    assert_eq!(v["errors"], json!({}), "{v}");
    assert_eq!(v["complete_quotes"], 200, "{v}");
    for p in ["p50", "p90", "p99", "p999", "max", "mean"] {
        assert!(
            v["latency_ms"][p].as_f64().is_some_and(|x| x > 0.0),
            "{p}: {v}"
        );
    }
    assert!(v["latency_ms"]["p50"].as_f64() <= v["latency_ms"]["p99"].as_f64());
    assert!(v["latency_ms"]["p99"].as_f64() <= v["latency_ms"]["max"].as_f64());
    for field in ["elapsed_s", "quotes_per_s", "cpu_s", "rss_mb"] {
        assert!(v[field].as_f64().is_some_and(|x| x > 0.0), "{field}: {v}");
    }
    // What only an in-process run can see is not made up.
    for field in ["upstream_calls", "token_calls", "cache"] {
        assert!(v[field].is_null(), "{field}: {v}");
    }
    assert_eq!(v["settings"]["servers"], json!([serve.url]));
    assert_eq!(v["settings"]["api_key"], false);
    assert!(v["settings"].get("carriers").is_none(), "{v}");

    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("http status   200: 200"), "{text}");
    assert!(text.contains("upstream      n/a"), "{text}");
    let svg = std::fs::read_to_string(&plot).expect("plot written");
    assert!(svg.contains("over HTTP"), "{svg}");
}

#[test]
fn sends_the_api_key_and_stops_on_a_refusal() {
    let serve = Serve::start(&[("SHIPMUX_API_KEYS", "load-key")]);
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");

    // A wrong key: each worker counts its 401 and stops instead of spinning.
    let (_, v) = loadtest(
        &[
            "--server",
            &serve.url,
            "--api-key",
            "wrong",
            "--quotes",
            "100",
            "--concurrency",
            "4",
        ],
        &report,
    );
    assert_eq!(v["http"]["status"], json!({"401": 4}), "{v}");
    assert_eq!(v["errors"]["checkout"]["unauthenticated"], 4, "{v}");
    assert_eq!(v["complete_quotes"], 0);

    let (_, v) = loadtest(
        &[
            "--server",
            &serve.url,
            "--api-key",
            "load-key",
            "--quotes",
            "40",
            "--concurrency",
            "4",
        ],
        &report,
    );
    assert_eq!(v["http"]["status"], json!({"200": 40}), "{v}");
    assert_eq!(v["settings"]["api_key"], true);
    let text = serde_json::to_string(&v).unwrap();
    assert!(!text.contains("load-key"), "the key is never in the report");
}

/// Two in-test servers answering a fixed quote, counting what they get: the quotes are split
/// evenly between them, each with the workload's checkout as its body.
#[test]
fn splits_the_quotes_round_robin_over_the_servers() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let counts: Vec<Arc<AtomicU64>> = (0..2).map(|_| Arc::new(AtomicU64::new(0))).collect();
    let urls: Vec<String> = counts
        .iter()
        .map(|count| runtime.block_on(fixed_quote_server(count.clone())))
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    let servers = urls.join(",");
    let (_, v) = loadtest(
        &[
            "--server",
            &servers,
            "--quotes",
            "100",
            "--concurrency",
            "4",
            "--distinct",
            "7",
        ],
        &report,
    );
    assert_eq!(v["http"]["status"], json!({"200": 100}), "{v}");
    assert_eq!(v["complete_quotes"], 100, "{v}");
    assert_eq!(v["settings"]["servers"], json!(urls));
    let got: Vec<u64> = counts.iter().map(|c| c.load(Ordering::Relaxed)).collect();
    assert_eq!(got, [50, 50]);
    drop(runtime);
}

/// A server on a free loopback port that answers `POST /v1/checkouts/quote` with a fixed quote
/// after checking the body is a checkout; its URL.
async fn fixed_quote_server(count: Arc<AtomicU64>) -> String {
    use axum::routing::post;
    let quote: Value =
        serde_json::from_str(include_str!("../examples/fixed_body_quote.json")).unwrap();
    let app = axum::Router::new().route(
        "/v1/checkouts/quote",
        post(move |axum::Json(checkout): axum::Json<Value>| {
            let (quote, count) = (quote.clone(), count.clone());
            async move {
                assert_eq!(checkout["consignments"][0]["id"], "c1", "{checkout}");
                count.fetch_add(1, Ordering::Relaxed);
                axum::Json(quote)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[test]
fn refuses_in_process_flags_with_server() {
    let cases: [&[&str]; 11] = [
        &["--fail-rate", "0.1"],
        &["--latency", "50"],
        &["--jitter", "5"],
        &["--slow", "ups=100"],
        &["--faults", "hang"],
        &["--cache", "off"],
        &["--deadline", "1000"],
        &["--rate-limit", "ups=10/s"],
        &["--target", "ups=http://127.0.0.1:9"],
        &["--carriers", "ups"],
        &["--connect-first"],
    ];
    for flag in cases {
        let out = shipmux()
            .args([
                "loadtest",
                "--server",
                "http://127.0.0.1:9",
                "--quotes",
                "1",
            ])
            .args(flag)
            .output()
            .expect("the shipmux binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag:?}: {stderr}");
        assert!(
            stderr.contains("--server") && stderr.contains(flag[0]),
            "{flag:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    }
    let out = shipmux()
        .args(["loadtest", "--api-key", "k", "--quotes", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--api-key needs --server");
}

/// `--target` for every carrier: the quotes go to the sandboxes in the other process and none
/// is started here (an empty list of local sandboxes once started every built-in, which then
/// took the targets' place).
#[test]
fn targets_for_every_carrier_start_no_sandbox_here() {
    let mut sandbox = shipmux()
        .args(["sandbox", "--carriers", "ups"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("shipmux sandbox starts");
    let mut first = String::new();
    BufReader::new(sandbox.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the sandbox's line");
    let url = first
        .trim()
        .strip_prefix("ups ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    let target = format!("ups={url}");
    let out = shipmux()
        .args([
            "loadtest",
            "--carriers",
            "ups",
            "--target",
            &target,
            "--cache",
            "off",
            "--quotes",
            "20",
            "--concurrency",
            "4",
            "--json",
        ])
        .arg(&report)
        .output()
        .expect("the shipmux binary runs");
    let _ = sandbox.kill();
    let _ = sandbox.wait();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["upstream_calls"], json!({"ups": 20}), "{v}");
    assert_eq!(v["settings"]["in_process_sandboxes"], false, "{v}");
}
