//! The CPU cost of one USPS quote with the cache off: building the Shipping Options request,
//! reading the sandbox's answer, and the sandbox answering one request over loopback.
//!
//! `cargo bench -p shipmux-usps --features sandbox --bench rate -- --warm-up-time 1 --measurement-time 4`
//!
//! The response parsed is captured from the sandbox at start-up, so it is exactly what the
//! load test's client reads: a one-parcel domestic quote (1 lb, no dimensions, as the load
//! test's checkouts send) answered with every mail class.
//!
//! `usps/sandbox_rate_cpu` is not wall time: it is the CPU time this process spends per
//! Shipping Options request sent over loopback to the in-process sandbox, 32 in flight
//! (client and sandbox together, read from `/proc/self/task/*/schedstat`). Wall time would
//! mostly measure the kit's latency timer, which rounds even a zero delay up to the next
//! millisecond tick.

// criterion_group! writes public functions without docs.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures::StreamExt;
use rust_decimal::Decimal;
use shipmux_core::{
    Address, CarrierProtocol, Exchange, HttpRequest, HttpResponse, Parcel, RateRequest, Step,
    Weight,
};
use shipmux_sandbox::SandboxOptions;
use shipmux_usps::{Usps, UspsProtocol};

/// The load test's checkout as a rate request: 16 oz from Beverly Hills to a residence.
fn rate_request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "90210").with_region("CA"),
        Address::new("US", "10001").residential(true),
        vec![Parcel::new(Weight::oz(Decimal::from(16)))],
    )
    .expect("a valid rate request")
}

/// Sends one request as the host's driver does: a shared client, the bearer token added.
async fn send(client: &reqwest::Client, request: &HttpRequest, token: &str) -> HttpResponse {
    let mut builder = client
        .post(&request.url)
        .bearer_auth(token)
        .body(request.body.clone());
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let response = builder.send().await.expect("the sandbox answers");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("a whole body");
    HttpResponse::new(status, body.to_vec())
}

/// CPU time used so far by this process's live threads, when Linux tells it (nanosecond
/// resolution, unlike `/proc/self/stat`'s 10 ms ticks).
fn process_cpu() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// Requests in flight while measuring the sandbox's CPU, as under load.
const IN_FLIGHT: usize = 32;

fn bench_rate(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let sandbox = runtime
        .block_on(shipmux_usps::sandbox::start(SandboxOptions::default()))
        .expect("the USPS sandbox starts");
    let usps: UspsProtocol = Usps::builder()
        .client_id("bench-client")
        .client_secret("bench-secret")
        .base_url(sandbox.base_url())
        .build()
        .expect("a USPS config");
    let client = reqwest::Client::new();
    let token = runtime.block_on(async {
        let token_request = usps.build_token().expect("a token request");
        let response = client
            .post(&token_request.url)
            .headers(
                token_request
                    .headers
                    .iter()
                    .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
                    .collect(),
            )
            .body(token_request.body.clone())
            .send()
            .await
            .expect("the token endpoint answers");
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("a token body").to_vec();
        usps.parse_token(&HttpResponse::new(status, body))
            .expect("a token")
            .token
            .expose()
            .to_string()
    });

    let request = rate_request();
    let requests = usps.build_rate(&request).expect("a rate request");
    assert_eq!(requests.len(), 1, "one Shipping Options search per parcel");
    let response = runtime.block_on(send(&client, &requests[0], &token));
    assert_eq!(response.status, 200, "{}", response.text());
    let exchange = Exchange {
        round: 0,
        requests: requests.clone(),
        responses: vec![response],
    };
    match usps.parse_rate(&request, &exchange).expect("rates") {
        Step::Done(rates) => assert!(rates.len() >= 4, "{rates:?}"),
        Step::Next(_) => panic!("Shipping Options is enabled in the sandbox"),
    }

    let mut group = c.benchmark_group("usps");
    group.bench_function("build_rate", |b| {
        b.iter(|| usps.build_rate(black_box(&request)).expect("built"))
    });
    group.bench_function("parse_rate", |b| {
        b.iter(|| {
            usps.parse_rate(black_box(&request), black_box(&exchange))
                .expect("parsed")
        })
    });
    // The least any reader of this answer does: serde_json scanning it, building nothing
    // (parse_rate ÷ scan_answer is what our reading costs over that).
    group.bench_function("scan_answer", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde::de::IgnoredAny>(&exchange.responses[0].body)
                .expect("JSON")
        })
    });
    if process_cpu().is_some() {
        group.bench_function("sandbox_rate_cpu", |b| {
            b.iter_custom(|iters| {
                let (cpu_before, wall_before) = (process_cpu(), Instant::now());
                runtime.block_on(
                    futures::stream::iter(0..iters)
                        .map(|_| send(&client, &requests[0], &token))
                        .buffer_unordered(IN_FLIGHT)
                        .for_each(|r| {
                            assert_eq!(r.status, 200);
                            async {}
                        }),
                );
                match (cpu_before, process_cpu()) {
                    (Some(before), Some(after)) => after.saturating_sub(before),
                    _ => wall_before.elapsed(),
                }
            })
        });
    } else {
        eprintln!("usps/sandbox_rate_cpu skipped: /proc/self/task/*/schedstat is not readable");
    }
    group.finish();
    runtime.block_on(sandbox.shutdown());
}

criterion_group!(benches, bench_rate);
criterion_main!(benches);
