//! Host overheads: a checkout quote answered from the cache, and fan-out over instant carriers.
//!
//! `cargo bench -p shipmux-host --bench host`

// criterion_group! writes public functions without docs.
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use criterion::{Criterion, criterion_group, criterion_main};
use shipmux_core::checkout::Checkout;
use shipmux_core::testkit::TableCarrier;
use shipmux_core::{
    Carrier, CarrierInfo, Error, ErrorKind, Rate, RateRequest, Result, Tracking, TrackingNumber,
};
use shipmux_host::{Host, Registry, quote_all};

const RULES: &str = r#"{"zones": [{"id": "us", "name": "United States", "type": "country",
  "locations": [{"country": "US"}], "handling_fee": {"fixed": "1.00"},
  "methods": [{"id": "flat", "name": "Flat", "type": "per_order", "rate": "8.00"},
              {"id": "rt", "name": "Table", "type": "real_time", "carrier": "table",
               "markup": {"percent": "10"}}]}]}"#;

const CHECKOUT: &str = r#"{"origin": {"country": "US", "postal_code": "90210", "region": "CA"},
  "currency": "USD",
  "line_items": [{"id": "li-1", "quantity": 2, "unit_price": "19.99",
                  "weight": {"value": "1.2", "unit": "lb"}}],
  "consignments": [{"id": "c1", "address": {"country": "US", "postal_code": "10001", "region": "NY"},
                    "line_items": [{"item_id": "li-1", "quantity": 2}]}]}"#;

/// A carrier that answers at once with prepared rates.
struct Instant {
    info: CarrierInfo,
    rates: Vec<Rate>,
}

#[async_trait]
impl Carrier for Instant {
    fn info(&self) -> &CarrierInfo {
        &self.info
    }
    async fn connect(&self) -> Result<()> {
        Ok(())
    }
    async fn quote(&self, _request: &RateRequest) -> Result<Vec<Rate>> {
        Ok(self.rates.clone())
    }
    async fn track(&self, _number: &TrackingNumber) -> Result<Tracking> {
        Err(Error::new(ErrorKind::Unsupported, "no tracking"))
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn checkout_cache_hit(c: &mut Criterion) {
    let rt = runtime();
    let mut registry = Registry::new();
    registry
        .register(Arc::new(TableCarrier::example()))
        .unwrap();
    let host = Host::builder(registry)
        .rules(serde_json::from_str(RULES).unwrap())
        .build();
    let checkout = Checkout::from_json(CHECKOUT).unwrap();
    let warm = rt.block_on(host.quote_checkout(&checkout)).unwrap();
    assert_eq!(warm.consignments[0].options.len(), 3);
    c.bench_function("checkout_quote/cache_hit", |b| {
        b.to_async(&rt)
            .iter(|| async { host.quote_checkout(&checkout).await.unwrap() })
    });
}

fn fan_out_overhead(c: &mut Criterion) {
    let rt = runtime();
    let request = TableCarrier::example_request();
    let carriers: Vec<Arc<dyn Carrier>> = (0..4)
        .map(|i| {
            let table = TableCarrier::example_with_id(&format!("c{i}"));
            let rates = rt.block_on(table.quote(&request)).unwrap();
            Arc::new(Instant {
                info: table.info().clone(),
                rates,
            }) as Arc<dyn Carrier>
        })
        .collect();
    let mut group = c.benchmark_group("fan_out_4_instant_carriers");
    group.bench_function("direct_sequential", |b| {
        b.to_async(&rt).iter(|| async {
            let mut n = 0;
            for c in &carriers {
                n += c.quote(&request).await.unwrap().len();
            }
            n
        })
    });
    group.bench_function("quote_all", |b| {
        b.to_async(&rt).iter(|| async {
            quote_all(&request, &carriers, Duration::from_secs(5))
                .await
                .rates()
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, checkout_cache_hit, fan_out_overhead);
criterion_main!(benches);
