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

#[path = "support/canadapost_quote.rs"]
mod canadapost_quote;

use std::path::Path;

use canadapost_quote::{Captured, capture, interleaved, quote};
use criterion::{Criterion, criterion_group, criterion_main};
use shipmux_core::plugin::binary::{
    BinaryParseRateInput, BinaryParseRateInputRef, BinaryRates, BinaryRequest, BinaryRequestRef,
};
use shipmux_core::plugin::frame::{Frame, FrameWriter};
use shipmux_core::plugin::{ParseRateInput, ParseRateInputRef};
use shipmux_core::{CarrierProtocol, HttpRequest, Rate, RateRequest, Step};
use shipmux_host::plugin::{CargoBuild, Plugin};

fn bench(c: &mut Criterion) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = CargoBuild::new("shipmux-canadapost")
        .workspace(&workspace)
        .release(true)
        .run()
        .expect("the Canada Post plugin builds");
    let Captured {
        runtime: _runtime,
        sandbox,
        linked,
        config: plugin_config,
        request,
        exchange,
        rates,
    } = capture();
    let plugin = Plugin::load(built.library("shipmux_canadapost"))
        .expect("loads")
        .instantiate(&plugin_config)
        .expect("instantiates");

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
