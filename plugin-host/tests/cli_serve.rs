//! `shipmux serve` as an operator runs it: the first line says where it listens, it serves
//! with no setup, SIGTERM stops it with exit 0, and it refuses to serve the network open.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn shipmux() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shipmux"))
}

#[test]
fn serves_with_no_setup_and_stops_cleanly_on_sigterm() {
    let mut child = shipmux()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
        assert_eq!(health.status(), 200);
        // Ready once the sandboxes' accounts are connected.
        let started = Instant::now();
        loop {
            let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
            if ready.status() == 200 {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "never ready");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let rates = reqwest::Client::new()
            .post(format!("{base}/v1/rates"))
            .header("content-type", "application/json")
            .body(
                r#"{"origin": {"country": "US", "postal_code": "90210"},
                    "destination": {"country": "US", "postal_code": "10001"},
                    "parcels": [{"weight": {"value": "2", "unit": "lb"}}]}"#,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(rates.status(), 200);
        assert!(rates.headers().contains_key("x-request-id"));
    });
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "did not stop");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn refuses_to_serve_the_network_without_keys() {
    let out = shipmux()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .env_remove("SHIPMUX_API_KEYS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing to serve on 0.0.0.0:0"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-unauthenticated"), "{stderr}");
}
