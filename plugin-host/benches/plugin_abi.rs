//! The per-quote cost of calling Canada Post through the plugin ABI versus the same protocol
//! linked in: `build_rate` + `parse_rate` on a real sandbox answer, no network in the loop.
//! The difference is what the ABI adds (JSON both ways, base64 bodies, the table calls).
//!
//! `cargo bench -p shipmux-host --bench plugin_abi` (builds the release `.so` first, into
//! `target/plugin-build`).

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use shipmux_canadapost::CanadaPost;
use shipmux_core::{
    Address, CarrierProtocol, Dimensions, Exchange, LengthUnit, Parcel, RateRequest, Step, Weight,
};
use shipmux_host::HttpDriver;
use shipmux_host::plugin::{CargoBuild, Plugin};

fn request() -> RateRequest {
    RateRequest::new(
        Address::new("CA", "K1G 3H7"),
        Address::new("CA", "H4T 1Z6"),
        vec![
            Parcel::new(Weight::kg("2.25".parse().expect("decimal"))).with_dimensions(
                Dimensions::new(30.into(), 20.into(), 10.into(), LengthUnit::Cm),
            ),
        ],
    )
    .expect("valid request")
}

/// One quote: build the request, read the answer.
fn quote(protocol: &dyn CarrierProtocol, request: &RateRequest, exchange: &Exchange) -> usize {
    let calls = protocol.build_rate(request).expect("builds");
    assert_eq!(calls.len(), 1);
    match protocol.parse_rate(request, exchange).expect("parses") {
        Step::Done(rates) => rates.len(),
        Step::Next(_) => unreachable!("one round"),
    }
}

fn bench(c: &mut Criterion) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = CargoBuild::new("shipmux-canadapost")
        .workspace(&workspace)
        .release(true)
        .run()
        .expect("the Canada Post plugin builds");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime
        .block_on(shipmux_canadapost::sandbox::start(Default::default()))
        .expect("sandbox starts");
    let linked = CanadaPost::builder()
        .username("bench")
        .password("bench-password")
        .customer_number("2004381")
        .base_url(sandbox.base_url())
        .build()
        .expect("config");
    let plugin = Plugin::load(built.library("shipmux_canadapost"))
        .expect("loads")
        .instantiate(&serde_json::json!({
            "username": "bench", "password": "bench-password",
            "customer_number": "2004381", "base_url": sandbox.base_url(),
        }))
        .expect("instantiates");

    // A real answer from the sandbox, captured once.
    let request = request();
    let calls = linked.build_rate(&request).expect("builds");
    let driver = HttpDriver::new().expect("driver");
    let response = runtime
        .block_on(driver.send(&calls[0], Duration::from_secs(5)))
        .expect("sandbox answers");
    let exchange = Exchange {
        round: 0,
        requests: calls,
        responses: vec![response],
    };
    let rates = quote(&linked, &request, &exchange);
    assert!(rates >= 3, "a realistic answer has several quotes");
    assert_eq!(quote(&plugin, &request, &exchange), rates);
    println!(
        "answer: {} bytes, {rates} quotes",
        exchange.responses[0].body.len()
    );

    let mut group = c.benchmark_group("canadapost_quote");
    group.bench_function("linked", |b| b.iter(|| quote(&linked, &request, &exchange)));
    group.bench_function("plugin_abi", |b| {
        b.iter(|| quote(&plugin, &request, &exchange))
    });
    group.finish();
    drop(sandbox);
}

criterion_group!(benches, bench);
criterion_main!(benches);
