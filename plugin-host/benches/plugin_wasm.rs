//! Canada Post through the WebAssembly boundary against the same carrier through the `.so`
//! and linked in, in one run: the per-quote cost (`build_rate` + `parse_rate` on a real
//! sandbox answer, no network in the loop), the cost of making an instance, and the memory one
//! instance holds.
//!
//! `cargo bench -p shipmux-host --bench plugin_wasm` (builds the release `.so` and the release
//! `.wasm` first, into `target/plugin-build`; needs `rustup target add wasm32-wasip2`).

// criterion_group! writes public functions without docs.
#![allow(missing_docs)]

#[path = "support/canadapost_quote.rs"]
mod canadapost_quote;

use std::path::Path;
use std::time::{Duration, Instant};

use canadapost_quote::{Captured, capture, interleaved, quote};
use criterion::{Criterion, criterion_group, criterion_main};
use shipmux_host::plugin::{CargoBuild, Plugin, WasmLimits};

fn bench(c: &mut Criterion) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let so = CargoBuild::new("shipmux-canadapost")
        .workspace(&workspace)
        .release(true)
        .run()
        .expect("the Canada Post plugin builds");
    let wasm = CargoBuild::new("shipmux-canadapost")
        .workspace(&workspace)
        .release(true)
        .target("wasm32-wasip2")
        .run()
        .expect("the Canada Post component builds (rustup target add wasm32-wasip2)");
    let wasm_path = wasm.library("shipmux_canadapost");
    let Captured {
        runtime: _runtime,
        sandbox: _sandbox,
        linked,
        config,
        request,
        exchange,
        rates,
    } = capture();
    let native = Plugin::load(so.library("shipmux_canadapost"))
        .expect("loads")
        .instantiate(&config)
        .expect("instantiates");
    let started = Instant::now();
    let component = Plugin::load_wasm(&wasm_path, WasmLimits::default()).expect("loads");
    println!(
        "compiling {} ({} KiB) took {:?} (once per file; later loads reuse it)",
        wasm_path.display(),
        std::fs::metadata(&wasm_path)
            .map(|m| m.len() / 1024)
            .unwrap_or(0),
        started.elapsed()
    );
    let in_wasm = component.instantiate(&config).expect("instantiates");

    assert_eq!(quote(&native, &request, &exchange), rates);
    assert_eq!(quote(&in_wasm, &request, &exchange), rates);
    println!(
        "answer: {} bytes, {rates} quotes; memory of one instance after a quote: {:?} bytes",
        exchange.responses[0].body.len(),
        in_wasm.wasm_instance_memory().unwrap_or_default()
    );

    let mut group = c.benchmark_group("canadapost_quote_wasm");
    group.bench_function("linked", |b| b.iter(|| quote(&linked, &request, &exchange)));
    group.bench_function("plugin_so", |b| {
        b.iter(|| quote(&native, &request, &exchange))
    });
    group.bench_function("plugin_wasm", |b| {
        b.iter(|| quote(&in_wasm, &request, &exchange))
    });
    // The boundaries' costs, each interleaved with what it is compared to.
    group.bench_function("so_overhead", |b| {
        b.iter_custom(|iters| interleaved(iters, &linked, &native, &request, &exchange))
    });
    group.bench_function("wasm_overhead", |b| {
        b.iter_custom(|iters| interleaved(iters, &linked, &in_wasm, &request, &exchange))
    });
    group.bench_function("wasm_minus_so", |b| {
        b.iter_custom(|iters| interleaved(iters, &native, &in_wasm, &request, &exchange))
    });
    group.finish();

    // Making a carrier account's first instance: a store, the component's instantiation, its
    // `create` from the config JSON, and the three answers the host keeps (info, auth, batch).
    let mut setup = c.benchmark_group("wasm_instantiation");
    setup.bench_function("instantiate_component", |b| {
        b.iter(|| component.instantiate(&config).expect("instantiates"))
    });
    setup.bench_function("instantiate_so", |b| {
        b.iter(|| native.plugin().instantiate(&config).expect("instantiates"))
    });
    setup.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
