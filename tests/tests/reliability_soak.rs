//! Judges a `shipmux loadtest --json` report from a soak run: no panic, no error kinds other
//! than the injected faults can cause, every quote counted, and resident memory flat after
//! warm-up.
//!
//! The soak itself is too long for `cargo test` (BENCHMARKS.md `## Soak`; CI runs 20 s of it
//! in `.ci/extra`). `.ci/extra` runs the release binary, then this test with
//! `SHIPMUX_SOAK_REPORT` (the JSON) and `SHIPMUX_SOAK_STDERR` (what the run printed on
//! stderr). Without `SHIPMUX_SOAK_REPORT` the report check is skipped; the checks themselves
//! are tested on made-up reports every time.

use serde_json::{Value, json};

/// Share of the run that counts as warm-up (connection pools, caches, allocator arenas).
const WARM_UP: f64 = 0.25;
/// How much resident memory may still grow after warm-up: 10 % plus 8 MB of noise.
const RSS_GROWTH_RATIO: f64 = 1.10;
const RSS_GROWTH_MB: f64 = 8.0;

/// The error kinds an injected fault can end in, after the host's retries, deadlines and
/// circuit breaker.
fn kinds_caused_by(fault: &str) -> &'static [&'static str] {
    match fault {
        "status500" | "status503" | "connection_reset" | "truncated_body" => &["unavailable"],
        "status429" => &["rate_limited", "unavailable"],
        "hang" | "slow_drip" => &["timeout", "unavailable"],
        "malformed_body" | "wrong_content_type" | "oversized_body" => &["parse", "unavailable"],
        "expired_token" => &["unauthenticated", "unavailable"],
        _ => &[],
    }
}

/// Everything wrong with a report (empty when the run was clean).
fn problems(report: &Value, stderr: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(line) = stderr.lines().find(|l| l.contains("panicked")) {
        problems.push(format!("a panic: {line}"));
    }
    let quotes = report["quotes"].as_u64().unwrap_or(0);
    if quotes == 0 {
        problems.push("no quotes were made".into());
    }

    let faults: Vec<&str> = report["settings"]["faults"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let allowed: Vec<&str> = faults
        .iter()
        .flat_map(|f| kinds_caused_by(f).iter().copied())
        .collect();
    let mut errors = 0;
    if let Some(by_carrier) = report["errors"].as_object() {
        for (carrier, kinds) in by_carrier {
            for (kind, n) in kinds.as_object().into_iter().flatten() {
                errors += n.as_u64().unwrap_or(0);
                if carrier == "checkout" || !allowed.contains(&kind.as_str()) {
                    problems.push(format!(
                        "{n} `{kind}` errors from {carrier}: not a kind the injected faults \
                         {faults:?} cause"
                    ));
                }
            }
        }
    }
    let complete = report["complete_quotes"].as_u64().unwrap_or(0);
    if complete + errors < quotes {
        problems.push(format!(
            "{quotes} quotes, but only {complete} complete and {errors} carrier errors: \
             some carrier was lost silently"
        ));
    }

    // Resident memory over time: after warm-up it may not keep growing.
    let samples: Vec<(f64, f64)> = report["samples"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| Some((s["t_s"].as_f64()?, s["rss_mb"].as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    if samples.len() < 8 {
        problems.push(format!(
            "only {} memory samples: cannot tell whether memory is flat",
            samples.len()
        ));
    } else {
        let end = samples.last().map_or(0.0, |s| s.0);
        let warm = end * WARM_UP;
        let mid = warm + (end - warm) / 2.0;
        let peak = |from: f64, to: f64| {
            samples
                .iter()
                .filter(|(t, _)| *t >= from && *t <= to)
                .map(|s| s.1)
                .fold(0.0, f64::max)
        };
        let (first, second) = (peak(warm, mid), peak(mid, end));
        if second > first * RSS_GROWTH_RATIO + RSS_GROWTH_MB {
            problems.push(format!(
                "resident memory still grows after warm-up: peak {first:.1} MB in the first \
                 half, {second:.1} MB in the second"
            ));
        }
    }
    problems
}

#[test]
fn the_soak_report_is_clean() {
    let Ok(path) = std::env::var("SHIPMUX_SOAK_REPORT") else {
        eprintln!("SHIPMUX_SOAK_REPORT is not set: no soak report to check (see .ci/extra)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let stderr = std::env::var("SHIPMUX_SOAK_STDERR")
        .ok()
        .map(|p| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .unwrap_or_default();
    let problems = problems(&report, &stderr);
    assert!(problems.is_empty(), "{path}:\n  {}", problems.join("\n  "));
    println!(
        "soak report {path}: {} quotes, errors {}, peak rss {} MB — clean",
        report["quotes"], report["errors"], report["rss_mb"]
    );
}

/// A made-up report: `rss` gives the memory of each of 20 samples over 20 s.
fn report(errors: Value, rss: impl Fn(usize) -> f64) -> Value {
    let samples: Vec<Value> = (1..=20)
        .map(|i| json!({"t_s": i as f64, "quotes_per_s": 1000.0, "rss_mb": rss(i)}))
        .collect();
    json!({
        "quotes": 20000,
        "complete_quotes": 19990,
        "errors": errors,
        "samples": samples,
        "settings": {"faults": ["status500", "status503", "connection_reset"]},
    })
}

#[test]
fn a_clean_run_passes_and_warm_up_growth_is_allowed() {
    let r = report(json!({"ups": {"unavailable": 10}}), |i| {
        if i < 5 { 20.0 + i as f64 * 5.0 } else { 45.0 }
    });
    assert_eq!(
        problems(&r, "quotes 20000 in 20.0 s\n"),
        Vec::<String>::new()
    );
}

#[test]
fn panics_unexpected_kinds_and_lost_carriers_are_caught() {
    let r = report(
        json!({"ups": {"parse": 3}, "checkout": {"invalid_request": 1}}),
        |_| 30.0,
    );
    let p = problems(
        &r,
        "thread 'tokio-runtime-worker' panicked at src/x.rs:1:1:\nboom\n",
    );
    assert!(p.iter().any(|m| m.starts_with("a panic")), "{p:?}");
    assert!(
        p.iter().any(|m| m.contains("`parse` errors from ups")),
        "{p:?}"
    );
    assert!(p.iter().any(|m| m.contains("from checkout")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("lost silently")), "{p:?}");
}

#[test]
fn memory_that_keeps_growing_is_caught() {
    let r = report(json!({"ups": {"unavailable": 10}}), |i| {
        20.0 + i as f64 * 4.0
    });
    let p = problems(&r, "");
    assert!(p.iter().any(|m| m.contains("still grows")), "{p:?}");
}
