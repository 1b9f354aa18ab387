//! The per-quote cost of calling Canada Post through the plugin ABI versus the same protocol
//! linked in: `build_rate` + `parse_rate` on a real sandbox answer, no network in the loop.
//! The difference is what the ABI adds (the messages both ways, the copies, the table calls).
//! Since the binary extensions, the plugin is called with `build_rate_binary` and
//! `parse_rate_binary`; the `canadapost_quote_parts` group shows each message's cost in every
//! form (1.0 JSON, 1.1 frames, binary).
//!
//! `cargo bench -p shipmux-host --bench plugin_abi` (builds the release `.so` first, into
//! `target/plugin-build`). With `SHIPMUX_BENCH_BASELINE_SO=/path/to/libshipmux_canadapost.so`
//! (a build from another commit) it also measures that plugin, and the difference between the
//! two, interleaved in the same run.

// criterion_group! writes public functions without docs.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use shipmux_canadapost::CanadaPost;
use shipmux_core::plugin::binary::{
    BinaryParseRateInput, BinaryParseRateInputRef, BinaryRates, BinaryRequest, BinaryRequestRef,
};
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

/// `iters` quotes on each of `a` and `b`, interleaved in batches of 8 so that a change in
/// the machine's load hits both alike; returns (time of `b` − time of `a`). A sample where
/// noise made `b` faster counts as (almost) nothing: criterion refuses a zero, so this can
/// only overstate the difference.
fn interleaved(
    iters: u64,
    a: &dyn CarrierProtocol,
    b: &dyn CarrierProtocol,
    request: &RateRequest,
    exchange: &Exchange,
) -> Duration {
    const BATCH: u64 = 8;
    let (mut a_time, mut b_time) = (Duration::ZERO, Duration::ZERO);
    let mut left = iters;
    while left > 0 {
        let n = left.min(BATCH);
        let start = Instant::now();
        for _ in 0..n {
            black_box(quote(a, request, exchange));
        }
        a_time += start.elapsed();
        let start = Instant::now();
        for _ in 0..n {
            black_box(quote(b, request, exchange));
        }
        b_time += start.elapsed();
        left -= n;
    }
    b_time.saturating_sub(a_time).max(Duration::from_nanos(1))
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
    let plugin_config = serde_json::json!({
        "username": "bench", "password": "bench-password",
        "customer_number": "2004381", "base_url": sandbox.base_url(),
    });
    let plugin = Plugin::load(built.library("shipmux_canadapost"))
        .expect("loads")
        .instantiate(&plugin_config)
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
        b.iter_custom(|iters| interleaved(iters, &linked, &plugin, &request, &exchange))
    });
    // With SHIPMUX_BENCH_BASELINE_SO naming a Canada Post plugin built from an older commit
    // (for instance `main` before a change to the ABI), the same for it, and the difference
    // between the two plugins, interleaved likewise: (baseline − this build) per quote.
    if let Some(path) = std::env::var_os("SHIPMUX_BENCH_BASELINE_SO") {
        let baseline = Plugin::load(&path)
            .expect("the baseline plugin loads")
            .instantiate(&plugin_config)
            .expect("instantiates");
        assert_eq!(quote(&baseline, &request, &exchange), rates);
        println!(
            "baseline: {} (extensions {:?})",
            Path::new(&path).display(),
            baseline.plugin().manifest().extensions
        );
        group.bench_function("abi_overhead_baseline", |b| {
            b.iter_custom(|iters| interleaved(iters, &linked, &baseline, &request, &exchange))
        });
        group.bench_function("saving_vs_baseline", |b| {
            b.iter_custom(|iters| interleaved(iters, &plugin, &baseline, &request, &exchange))
        });
    }
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
    let binary_input = BinaryParseRateInputRef(ParseRateInputRef {
        request: &request,
        exchange: &exchange,
    });
    parts.bench_function("parse_rate_input/binary", |b| {
        b.iter(|| {
            let bytes = FrameWriter::encode(Vec::new(), &binary_input).expect("encodes");
            let frame = Frame::parse(&bytes).expect("a frame");
            frame.decode::<BinaryParseRateInput>().expect("decodes")
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
    parts.bench_function("rates/frame_encode", |b| {
        b.iter(|| FrameWriter::encode(Vec::new(), &rates).expect("encodes"))
    });
    let rates_frame = FrameWriter::encode(Vec::new(), &rates).expect("encodes");
    parts.bench_function("rates/frame_decode", |b| {
        b.iter(|| {
            let frame = Frame::parse(&rates_frame).expect("a frame");
            frame.decode::<Step<Vec<Rate>>>().expect("decodes")
        })
    });
    // The `parse_rate_binary` extension: the same rates as a binary blob in the frame.
    let binary = match &rates {
        Step::Done(rates) => Step::Done(BinaryRates(rates.clone())),
        Step::Next(_) => unreachable!("one round"),
    };
    parts.bench_function("rates/binary", |b| {
        b.iter(|| {
            let bytes = FrameWriter::encode(Vec::new(), &binary).expect("encodes");
            let frame = Frame::parse(&bytes).expect("a frame");
            frame.decode::<Step<BinaryRates>>().expect("decodes")
        })
    });
    parts.bench_function("rates/binary_encode", |b| {
        b.iter(|| FrameWriter::encode(Vec::new(), &binary).expect("encodes"))
    });
    let binary_frame = FrameWriter::encode(Vec::new(), &binary).expect("encodes");
    println!("rates: {} bytes as a binary frame", binary_frame.len());
    parts.bench_function("rates/binary_decode", |b| {
        b.iter(|| {
            let frame = Frame::parse(&binary_frame).expect("a frame");
            frame.decode::<Step<BinaryRates>>().expect("decodes")
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
            (request, calls_through_frame(&exchange.requests))
        })
    });
    parts.bench_function("build_rate/binary", |b| {
        b.iter(|| {
            let bytes =
                FrameWriter::encode(Vec::new(), &BinaryRequestRef(&request)).expect("encodes");
            let BinaryRequest(request) = Frame::parse(&bytes)
                .expect("a frame")
                .decode()
                .expect("decodes");
            (request, calls_through_frame(&exchange.requests))
        })
    });
    parts.finish();
    drop(sandbox);
}

/// `build_rate`'s answer as it crosses back: the HTTP requests written to a frame and read.
fn calls_through_frame(calls: &[HttpRequest]) -> Vec<HttpRequest> {
    let bytes = FrameWriter::encode(Vec::new(), &calls.to_vec()).expect("encodes");
    Frame::parse(&bytes)
        .expect("a frame")
        .decode()
        .expect("decodes")
}

criterion_group!(benches, bench);
criterion_main!(benches);
