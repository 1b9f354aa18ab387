//! The cache-off quote path of FedEx, piece by piece: the client's `build_rate` and
//! `parse_rate`, the sandbox's own work for one rate request, and one whole request over
//! loopback (reqwest client + sandbox, on one thread; FedEx's project window lifted, as the
//! load test does).
//!
//! `cargo bench -p shipmux-fedex --features sandbox --bench rate -- --warm-up-time 1 --measurement-time 4`

// criterion_group! writes public functions without docs.
#![allow(missing_docs)]

use std::str::FromStr;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use shipmux_core::{
    Address, CarrierProtocol, Currency, Exchange, HttpRequest, HttpResponse, Money, Parcel,
    RateRequest, Step, Weight,
};
use shipmux_fedex::sandbox::FedexSandboxSettings;
use shipmux_fedex::{Fedex, FedexProtocol};
use shipmux_sandbox::{Sandbox, SandboxOptions};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The load test's checkout as a rate request: one 1 lb parcel from Beverly Hills to a
/// residential New York address.
fn request() -> RateRequest {
    let mut parcel = Parcel::new(Weight::lb(Decimal::ONE));
    parcel.declared_value = Some(Money::new(
        Decimal::from_str("25.00").expect("decimal"),
        Currency::usd(),
    ));
    RateRequest::new(
        Address::new("US", "90210").with_region("CA"),
        Address::new("US", "10001")
            .with_region("NY")
            .residential(true),
        vec![parcel],
    )
    .expect("a valid request")
}

fn protocol(sandbox: &Sandbox) -> FedexProtocol {
    Fedex::builder()
        .client_id("bench-key")
        .client_secret("bench-secret")
        .account_number("740561073")
        .base_url(sandbox.base_url())
        .build()
        .expect("valid settings")
}

/// The sandbox's bearer token, fetched over loopback.
async fn token(http: &reqwest::Client, sandbox: &Sandbox) -> String {
    let text = http
        .post(format!(
            "{}{}",
            sandbox.base_url(),
            shipmux_fedex::TOKEN_PATH
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=bench-key&client_secret=bench-secret")
        .send()
        .await
        .expect("token answer")
        .text()
        .await
        .expect("token body");
    let body: serde_json::Value = serde_json::from_str(&text).expect("token JSON");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// Sends a protocol-built request as the host's driver would.
async fn send(http: &reqwest::Client, request: &HttpRequest, token: &str) -> HttpResponse {
    let mut r = http
        .post(&request.url)
        .bearer_auth(token)
        .body(request.body.clone());
    for (name, value) in &request.headers {
        r = r.header(name, value);
    }
    let response = r.send().await.expect("sandbox answers");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("body");
    HttpResponse::new(status, body.to_vec())
}

fn rate_path(c: &mut Criterion) {
    let rt = runtime();
    // FedEx's window of 1,400 calls per 10 s would turn most iterations into 429s.
    let settings = FedexSandboxSettings {
        rate_limit: (u32::MAX, Duration::from_secs(10)),
        ..Default::default()
    };
    let sandbox = rt
        .block_on(shipmux_fedex::sandbox::start_with(
            SandboxOptions::default(),
            settings,
        ))
        .expect("sandbox starts");
    let fedex = protocol(&sandbox);
    let http = reqwest::Client::new();
    let token = rt.block_on(token(&http, &sandbox));
    let request = request();
    let built = fedex.build_rate(&request).expect("request builds");
    let response = rt.block_on(send(&http, &built[0], &token));
    assert_eq!(response.status, 200, "{}", response.text());
    let exchange = Exchange {
        round: 0,
        requests: built.clone(),
        responses: vec![response],
    };
    let Ok(Step::Done(rates)) = fedex.parse_rate(&request, &exchange) else {
        panic!("the sandbox's answer parses");
    };
    assert!(!rates.is_empty());
    println!(
        "rate answer: {} bytes, {} rates; request body: {} bytes",
        exchange.responses[0].body.len(),
        rates.len(),
        built[0].body.len()
    );

    let mut group = c.benchmark_group("fedex");
    group.bench_function("build_rate", |b| {
        b.iter(|| fedex.build_rate(&request).expect("builds"))
    });
    group.bench_function("parse_rate", |b| {
        b.iter(|| fedex.parse_rate(&request, &exchange).expect("parses"))
    });
    // The least any reader of this answer does: serde_json scanning it, building nothing
    // (parse_rate ÷ scan_answer is what our reading costs over that).
    group.bench_function("scan_answer", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde::de::IgnoredAny>(&exchange.responses[0].body)
                .expect("JSON")
        })
    });

    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let body = built[0].body.clone();
    group.bench_function("sandbox_answer", |b| {
        b.iter(|| shipmux_fedex::sandbox::answer_rate_quote(&headers, &body))
    });
    group.bench_function("loopback_round_trip", |b| {
        b.to_async(&rt).iter(|| async {
            let response = send(&http, &built[0], &token).await;
            assert_eq!(response.status, 200);
            response
        })
    });
    group.finish();
    rt.block_on(sandbox.shutdown());
}

criterion_group!(benches, rate_path);
criterion_main!(benches);
