//! The fault matrix: every built-in carrier (`shipmux_host::builtins()`: UPS, FedEx, USPS,
//! Canada Post loaded from its plugin) × every fault the sandbox kit injects, each through a
//! real fan-out over all the carriers on loopback.
//!
//! The fan-out quotes one US parcel; a carrier that cannot ship from the US (Canada Post)
//! ships from a warehouse in its own country, as a merchant's `ship_from` says, so every
//! carrier is asked — none is skipped — in every fan-out.
//!
//! For each cell: the fan-out answers within its deadline; the faulty carrier's error names
//! it and has the kind and retryability the fault calls for (or the carrier recovers, for an
//! expired token); the other carriers' rates are all there, identical to a fault-free
//! fan-out; and the faulty carrier's sandbox saw no more calls than the retry policy allows
//! (no retry storm), while the healthy ones saw exactly one each.
//!
//! Every cell runs twice: with the host's retries on (what production does: retryable faults
//! are retried up to 3 times, then reported as no longer retryable) and with retries off
//! (each error is exactly what the protocol made of the fault, with its own retryability).
//! Each cell runs on its own sandboxes; two columns (one per carrier) run at a time, the
//! cells of a column one after the other (a hang or a slow drip takes up to the 1.5 s call
//! deadline, the others a few milliseconds).

mod reliability_support;

use std::time::{Duration, Instant};

use futures::StreamExt;
use reliability_support::sandbox_support::build_plugins;
use reliability_support::{ATTEMPTS, Member, RETRY_AFTER_SECS, Retries, fleet, us_request};
use shipmux_core::{ErrorKind, Rate};
use shipmux_host::{builtins, quote_all};
use shipmux_sandbox::Fault;

/// Canada Post, whose errors follow its message codes rather than the HTTP status.
const CANADA_POST: &str = shipmux_canadapost::DESCRIPTOR.id;

/// The fan-out's deadline: longer than a carrier call (1.5 s), so a faulty carrier's own
/// error arrives before it.
const DEADLINE: Duration = Duration::from_millis(2500);
/// Loose allowance on top of the deadline for a loaded machine: this checks "answers in
/// time rather than hanging", not speed.
const SLACK: Duration = Duration::from_secs(3);

/// What a fault must lead to.
#[derive(Debug)]
struct Expect {
    /// The error kind, or `None` when the carrier recovers (an expired token is refreshed).
    kind: Option<ErrorKind>,
    /// Retryability of the error when the host does not retry.
    retryable_alone: bool,
    /// Whether the host retries it (so it reaches the rate endpoint more than once).
    retried: bool,
    /// Whether the retries may be cut short by the call deadline (hang, slow drip).
    deadline_bound: bool,
    /// The carrier's requested wait, carried on the error.
    retry_after_ms: Option<u64>,
}

fn expect(carrier: &Member, fault: &Fault) -> Expect {
    let error = |kind, retryable: bool| Expect {
        kind: Some(kind),
        retryable_alone: retryable,
        retried: retryable,
        deadline_bound: false,
        retry_after_ms: None,
    };
    match fault {
        Fault::Hang | Fault::SlowDrip => Expect {
            deadline_bound: true,
            ..error(ErrorKind::Timeout, true)
        },
        // Canada Post's errors are decided by the message code, not the status
        // (docs/carriers/canadapost.md): its "Server" / "Internal server error" body is `rejected`,
        // not retryable. The host still retries the HTTP 500 itself (it decides by status,
        // before the protocol reads the body).
        Fault::Status500 if carrier.id() == CANADA_POST => Expect {
            retried: true,
            ..error(ErrorKind::Rejected, false)
        },
        Fault::Status500 | Fault::TruncatedBody | Fault::ConnectionReset => {
            error(ErrorKind::Unavailable, true)
        }
        // The carrier asks to wait 2 s, longer than what is left of the call: the host
        // answers at once instead of retrying. Canada Post's 503 is its "Rejected by SLM
        // Monitor" throttling message: `rate_limited`.
        Fault::Status503 { .. } | Fault::Status429 { .. } => Expect {
            retried: false,
            retry_after_ms: Some(RETRY_AFTER_SECS * 1000),
            ..error(
                if matches!(fault, Fault::Status429 { .. }) || carrier.id() == CANADA_POST {
                    ErrorKind::RateLimited
                } else {
                    ErrorKind::Unavailable
                },
                true,
            )
        },
        Fault::MalformedBody | Fault::OversizedBody | Fault::WrongContentType => {
            error(ErrorKind::Parse, false)
        }
        // OAuth carriers get the carrier's 401, fetch one new token and succeed; Canada Post
        // (HTTP Basic) has no token to expire.
        Fault::ExpiredToken => Expect {
            kind: None,
            retryable_alone: false,
            retried: carrier.uses_tokens(),
            deadline_bound: false,
            retry_after_ms: None,
        },
    }
}

/// (service, total) of each rate: what "the same rates" means across two fan-outs.
fn priced(rates: &[Rate]) -> Vec<(String, String)> {
    rates
        .iter()
        .map(|r| (r.service.clone(), r.total.to_string()))
        .collect()
}

/// Runs one cell; returns what went wrong, if anything.
async fn cell(faulty: &str, fault: Fault, retries: Retries) -> Vec<String> {
    let mut problems = Vec::new();
    let fleet = fleet(retries).await;
    let carriers = fleet.carriers();
    let request = us_request();

    // A fault-free fan-out first: the reference rates, and tokens in the cache.
    let baseline = quote_all(&request, &carriers, DEADLINE).await;
    if !baseline.skipped.is_empty() {
        problems.push(format!("baseline skipped {:?}", baseline.skipped));
    }
    for m in &fleet.members {
        if m.builtin().carrier.plugin_library.is_some() && m.origin == "built-in" {
            problems.push(format!("{} is not loaded from its plugin", m.id()));
        }
        match baseline.get(&m.carrier.info().id) {
            Some(Ok(rates)) if !rates.is_empty() => {}
            other => problems.push(format!("baseline {}: {other:?}", m.id())),
        }
    }
    if !problems.is_empty() {
        fleet.shutdown().await;
        return problems;
    }
    let before: Vec<(u64, u64, u64)> = fleet
        .members
        .iter()
        .map(|m| (m.rate_calls(), m.token_calls(), m.all_calls()))
        .collect();

    let count = if fault == Fault::ExpiredToken { 1 } else { 100 };
    let member = fleet.member(faulty);
    member
        .sandbox()
        .inject_at(&member.rate_route(), fault.clone(), count);

    let started = Instant::now();
    let answer = quote_all(&request, &carriers, DEADLINE).await;
    let elapsed = started.elapsed();
    if elapsed > DEADLINE + SLACK {
        problems.push(format!(
            "the fan-out took {} ms (deadline {} ms)",
            elapsed.as_millis(),
            DEADLINE.as_millis()
        ));
    }

    if !answer.skipped.is_empty() {
        problems.push(format!("skipped {:?}", answer.skipped));
    }
    let want = expect(member, &fault);
    for (m, (rate0, token0, all0)) in fleet.members.iter().zip(before) {
        let id = &m.carrier.info().id;
        let got = answer.get(id);
        let reference = match baseline.get(id) {
            Some(Ok(rates)) => priced(rates),
            _ => Vec::new(),
        };
        let rate_calls = m.rate_calls() - rate0;
        let token_calls = m.token_calls() - token0;
        let all_calls = m.all_calls() - all0;
        if all_calls != rate_calls + token_calls {
            problems.push(format!(
                "{}: {all_calls} calls, of which only {rate_calls} rate and {token_calls} token",
                m.id()
            ));
        }
        if m.id() != faulty {
            // A healthy carrier: all its rates, one call, no token traffic.
            match got {
                Some(Ok(rates)) if priced(rates) == reference => {}
                other => problems.push(format!("healthy {} lost its rates: {other:?}", m.id())),
            }
            if (rate_calls, token_calls) != (1, 0) {
                problems.push(format!(
                    "healthy {}: {rate_calls} rate calls, {token_calls} token calls (want 1, 0)",
                    m.id()
                ));
            }
            continue;
        }

        // The faulty carrier.
        match (&want.kind, got) {
            (None, Some(Ok(rates))) if priced(rates) == reference => {}
            (Some(kind), Some(Err(e))) => {
                if e.kind != *kind {
                    problems.push(format!("kind {} (want {kind}): {e}", e.kind));
                }
                if e.carrier.as_ref().map(|c| c.as_str()) != Some(m.id()) {
                    problems.push(format!("the error does not name {}: {e}", m.id()));
                }
                // With retries on, the host has retried what it could: nobody above should.
                let retryable = match retries {
                    Retries::On => false,
                    Retries::Off => want.retryable_alone,
                };
                if e.retryable != retryable {
                    problems.push(format!("retryable {} (want {retryable}): {e}", e.retryable));
                }
                if want.retry_after_ms.is_some() && e.retry_after_ms != want.retry_after_ms {
                    problems.push(format!(
                        "retry_after_ms {:?} (want {:?}): {e}",
                        e.retry_after_ms, want.retry_after_ms
                    ));
                }
            }
            (_, other) => problems.push(format!("want {:?}, got {other:?}", want.kind)),
        }

        // No retry storm: at most the policy's attempts, exactly that many where the
        // deadline cannot cut them short.
        let allowed = match (retries, want.retried) {
            (_, true) if fault == Fault::ExpiredToken => 2, // the 401, then the retry
            (Retries::On, true) => u64::from(ATTEMPTS),
            _ => 1,
        };
        let ok = if want.deadline_bound {
            (1..=allowed).contains(&rate_calls)
        } else {
            rate_calls == allowed
        };
        if !ok {
            problems.push(format!(
                "{rate_calls} rate calls (want {}{allowed})",
                if want.deadline_bound { "1 to " } else { "" }
            ));
        }
        let tokens_allowed = u64::from(fault == Fault::ExpiredToken && m.uses_tokens());
        if token_calls != tokens_allowed {
            problems.push(format!("{token_calls} token calls (want {tokens_allowed})"));
        }
    }
    fleet.shutdown().await;
    problems
}

/// The kit's faults, with the matrix's `Retry-After`.
fn faults() -> Vec<Fault> {
    Fault::all()
        .into_iter()
        .map(|f| match f {
            Fault::Status503 { .. } => Fault::Status503 {
                retry_after_secs: Some(RETRY_AFTER_SECS),
            },
            Fault::Status429 { .. } => Fault::Status429 {
                retry_after_secs: Some(RETRY_AFTER_SECS),
            },
            other => other,
        })
        .collect()
}

/// Every fault of the kit against `faulty`, with retries on and off, one cell after the
/// other; what went wrong, cell by cell.
async fn column(faulty: &str) -> Vec<String> {
    let faults = faults();
    assert_eq!(faults.len(), 11, "a new fault kind needs a row in `expect`");
    let mut failures = Vec::new();
    for fault in faults {
        for retries in [Retries::On, Retries::Off] {
            let problems = cell(faulty, fault.clone(), retries).await;
            if !problems.is_empty() {
                failures.push(format!(
                    "{faulty} × {} (retries {retries:?}):\n    {}",
                    fault.name(),
                    problems.join("\n    ")
                ));
            }
        }
    }
    failures
}

/// A column per built-in carrier, two at a time (as two test threads ran them when each
/// carrier had its own test: the short attempt deadlines assume no more load than that).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_at_any_carrier_costs_only_that_carrier() {
    // Build the plugins before the cells start (cargo runs once per test binary).
    build_plugins().await;
    let failures: Vec<String> = futures::stream::iter(builtins())
        .map(|b| column(b.id()))
        .buffer_unordered(2)
        .flat_map(futures::stream::iter)
        .collect()
        .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
