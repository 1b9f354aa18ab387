//! The cache-off quote path of UPS, piece by piece: the client's `build_rate` and
//! `parse_rate`, the sandbox's own work for one rate request, and one whole request over
//! loopback (reqwest client + sandbox, on one thread).
//!
//! `cargo bench -p shipmux-ups --features sandbox --bench rate -- --warm-up-time 1 --measurement-time 4`

// criterion_group! writes public functions without docs.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use shipmux_core::{
    Address, CarrierProtocol, Exchange, HttpRequest, HttpResponse, Parcel, RateRequest, Step,
    Weight,
};
use shipmux_sandbox::{Sandbox, SandboxOptions};
use shipmux_ups::{Ups, UpsProtocol};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The load test's checkout as a rate request: one 16 oz parcel from Beverly Hills to a
/// residential New York address, shopped with time in transit.
fn request() -> RateRequest {
    RateRequest::new(
        Address::new("US", "90210").with_region("CA"),
        Address::new("US", "10001").residential(true),
        vec![Parcel::new(Weight::oz(Decimal::from(16)))],
    )
    .expect("a valid request")
}

/// The load test's UPS: with an account number, so answers carry negotiated rates.
fn protocol(sandbox: &Sandbox) -> UpsProtocol {
    Ups::builder()
        .client_id("bench-client")
        .client_secret("bench-secret")
        .account_number("A1B2C3")
        .base_url(&sandbox.base_url())
        .build()
        .expect("valid settings")
}

/// Sends a protocol-built request as the host's driver would.
async fn send(http: &reqwest::Client, request: &HttpRequest, token: Option<&str>) -> HttpResponse {
    let mut r = http.post(&request.url).body(request.body.clone());
    for (name, value) in &request.headers {
        r = r.header(name, value);
    }
    if let Some(token) = token {
        r = r.bearer_auth(token);
    }
    let response = r.send().await.expect("sandbox answers");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("body");
    HttpResponse::new(status, body.to_vec())
}

fn rate_path(c: &mut Criterion) {
    let rt = runtime();
    let sandbox = rt
        .block_on(shipmux_ups::sandbox::start(SandboxOptions::default()))
        .expect("sandbox starts");
    let ups = protocol(&sandbox);
    let http = reqwest::Client::new();
    let token_response = rt.block_on(send(&http, &ups.build_token().expect("token"), None));
    let token = ups.parse_token(&token_response).expect("a token");
    let token = token.token.expose().to_string();
    let request = request();
    let built = ups.build_rate(&request).expect("request builds");
    let response = rt.block_on(send(&http, &built[0], Some(&token)));
    assert_eq!(response.status, 200, "{}", response.text());
    let exchange = Exchange {
        round: 0,
        requests: built.clone(),
        responses: vec![response],
    };
    let Ok(Step::Done(rates)) = ups.parse_rate(&request, &exchange) else {
        panic!("the sandbox's answer parses");
    };
    assert!(!rates.is_empty());
    println!(
        "rate answer: {} bytes, {} rates; request body: {} bytes",
        exchange.responses[0].body.len(),
        rates.len(),
        built[0].body.len()
    );

    let mut group = c.benchmark_group("ups");
    group.bench_function("build_rate", |b| {
        b.iter(|| ups.build_rate(&request).expect("builds"))
    });
    group.bench_function("parse_rate", |b| {
        b.iter(|| ups.parse_rate(&request, &exchange).expect("parses"))
    });
    // The least any reader of this answer does: serde_json scanning it, building nothing
    // (parse_rate ÷ scan_answer is what our reading costs over that).
    group.bench_function("scan_answer", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde::de::IgnoredAny>(&exchange.responses[0].body)
                .expect("JSON")
        })
    });
    let path = built[0].url.rsplit('/').collect::<Vec<_>>();
    let (option, version) = (path[0].to_string(), path[1].to_string());
    let body = built[0].body.clone();
    group.bench_function("sandbox_answer", |b| {
        b.iter(|| shipmux_ups::sandbox::answer_rate(&version, &option, None, &body))
    });
    group.bench_function("loopback_round_trip", |b| {
        b.to_async(&rt)
            .iter(|| async { send(&http, &built[0], Some(&token)).await })
    });
    group.finish();
    rt.block_on(sandbox.shutdown());
}

criterion_group!(benches, rate_path);
criterion_main!(benches);
