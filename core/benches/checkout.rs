//! Checkout quoting before any carrier answers, as the host does it (`plugin-host/src/host.rs`):
//! `validate`, `summarize` the consignment, `items_to_pack`, then combined packing — for carts
//! of 1,000 / 3,000 / 10,000 line items of 1 lb each in one consignment.
//!
//! `cargo bench -p shipmux-core --bench checkout`

// criterion_group! writes public functions without docs.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use shipmux_core::checkout::{Checkout, Consignment, ConsignmentLine, LineItem, PackingStrategy};
use shipmux_core::{Address, Currency, Weight};

/// `n` distinct line items, one unit of 1 lb each, all in one consignment.
fn cart(n: usize) -> Checkout {
    let line_items = (0..n)
        .map(|i| {
            LineItem::new(
                &format!("li-{i}"),
                1,
                Decimal::new(1999, 2),
                Weight::lb(Decimal::ONE),
            )
        })
        .collect();
    let lines = (0..n)
        .map(|i| ConsignmentLine::new(&format!("li-{i}"), 1))
        .collect();
    Checkout {
        origin: Address::new("US", "90210").with_region("CA"),
        currency: Currency::usd(),
        line_items,
        consignments: vec![Consignment::new(
            "c1",
            Address::new("US", "10001").with_region("NY"),
            lines,
        )],
    }
}

fn checkout(c: &mut Criterion) {
    // 150 lb parcels, as UPS and FedEx take (`carrier_max_weight`).
    let packing = PackingStrategy::Combined {
        max_weight: Weight::lb(Decimal::from(150)),
    };
    let mut group = c.benchmark_group("checkout_linear");
    group.sample_size(10);
    for n in [1_000, 3_000, 10_000] {
        let checkout = cart(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &checkout, |b, checkout| {
            b.iter(|| {
                checkout.validate().unwrap();
                let consignment = &checkout.consignments[0];
                let summary = checkout.summarize(consignment).unwrap();
                let parcels = packing.pack(&checkout.items_to_pack(consignment)).unwrap();
                black_box((summary, parcels))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, checkout);
criterion_main!(benches);
