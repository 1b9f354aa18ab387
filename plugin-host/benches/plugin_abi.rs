//! The per-quote cost of calling Canada Post through the plugin ABI versus the same protocol
//! linked in: `build_rate` + `parse_rate` on a real sandbox answer, no network in the loop.
//! The difference is what the ABI adds (JSON both ways, base64 bodies, the table calls).
//!
//! `cargo bench -p shipmux-host --bench plugin_abi` (builds the release `.so` first, into
//! `target/plugin-build`).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use shipmux_canadapost::CanadaPost;
use shipmux_core::plugin::frame::{Frame, FrameWriter};
use shipmux_core::plugin::{ParseRateInput, ParseRateInputRef};
use shipmux_core::{
    Address, CarrierProtocol, Dimensions, Exchange, HttpRequest, LengthUnit, Parcel, Rate,
    RateRequest, Step, Weight,
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
    // The difference itself, measured with the two interleaved in small batches so that a
    // change in the machine's load hits both sides alike: the time reported per iteration is
    // (plugin − linked) per quote.
    group.bench_function("abi_overhead", |b| {
        b.iter_custom(|iters| {
            const BATCH: u64 = 8;
            let (mut linked_time, mut plugin_time) = (Duration::ZERO, Duration::ZERO);
            let mut left = iters;
            while left > 0 {
                let n = left.min(BATCH);
                let start = Instant::now();
                for _ in 0..n {
                    black_box(quote(&linked, &request, &exchange));
                }
                linked_time += start.elapsed();
                let start = Instant::now();
                for _ in 0..n {
                    black_box(quote(&plugin, &request, &exchange));
                }
                plugin_time += start.elapsed();
                left -= n;
            }
            // A sample where noise made the plugin side faster counts as (almost) nothing;
            // criterion refuses a zero, so this can only overstate the overhead.
            plugin_time
                .saturating_sub(linked_time)
                .max(Duration::from_nanos(1))
        })
    });
    group.finish();

    // Where the ABI's time goes: each message's encoding and decoding, done in-process
    // (both halves in this binary), in the ABI 1.1 frames and in 1.0's plain JSON.
    let mut parts = c.benchmark_group("canadapost_quote_parts");
    let rates = match linked.parse_rate(&request, &exchange).expect("parses") {
        Step::Done(rates) => Step::<Vec<Rate>>::Done(rates),
        Step::Next(_) => unreachable!("one round"),
    };
    let input = ParseRateInputRef {
        request: &request,
        exchange: &exchange,
    };
    parts.bench_function("parse_rate_input/frame", |b| {
        b.iter(|| {
            let bytes = FrameWriter::encode(Vec::new(), &input).expect("encodes");
            let frame = Frame::parse(&bytes).expect("a frame");
            frame.decode::<ParseRateInput>().expect("decodes")
        })
    });
    parts.bench_function("parse_rate_input/json", |b| {
        b.iter(|| {
            let bytes = serde_json::to_vec(&input).expect("encodes");
            serde_json::from_slice::<ParseRateInput>(&bytes).expect("decodes")
        })
    });
    parts.bench_function("rates/frame", |b| {
        b.iter(|| {
            let bytes = FrameWriter::encode(Vec::new(), &rates).expect("encodes");
            let frame = Frame::parse(&bytes).expect("a frame");
            frame.decode::<Step<Vec<Rate>>>().expect("decodes")
        })
    });
    parts.bench_function("rates/encode", |b| {
        b.iter(|| serde_json::to_vec(&rates).expect("encodes"))
    });
    let rates_json = serde_json::to_vec(&rates).expect("encodes");
    println!("rates: {} bytes of JSON", rates_json.len());
    let input_json = serde_json::to_vec(&input).expect("encodes");
    let input_frame = FrameWriter::encode(Vec::new(), &input).expect("encodes");
    println!(
        "parse_rate input: {} bytes of JSON, {} bytes as a frame",
        input_json.len(),
        input_frame.len()
    );
    parts.bench_function("rates/decode_str", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(&rates_json).expect("utf-8");
            serde_json::from_str::<Step<Vec<Rate>>>(text).expect("decodes")
        })
    });
    parts.bench_function("rates/decode", |b| {
        b.iter(|| serde_json::from_slice::<Step<Vec<Rate>>>(&rates_json).expect("decodes"))
    });
    parts.bench_function("build_rate/frame", |b| {
        b.iter(|| {
            let bytes = FrameWriter::encode(Vec::new(), &request).expect("encodes");
            let request: RateRequest = Frame::parse(&bytes)
                .expect("a frame")
                .decode()
                .expect("decodes");
            let calls = exchange.requests.clone();
            let bytes = FrameWriter::encode(Vec::new(), &calls).expect("encodes");
            let calls: Vec<HttpRequest> = Frame::parse(&bytes)
                .expect("a frame")
                .decode()
                .expect("decodes");
            (request, calls)
        })
    });
    parts.finish();
    drop(sandbox);
}

criterion_group!(benches, bench);
criterion_main!(benches);
