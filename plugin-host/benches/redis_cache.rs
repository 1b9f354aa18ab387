//! What the shared second level costs: a quote answered from this process's cache (L1) against
//! one answered from Redis after a local miss (L2), side by side in one run, against a real
//! `redis-server` on a Unix socket. Without `redis-server` it says so and measures nothing.
//!
//! `cargo bench -p shipmux-host --bench redis_cache`

// criterion_group! writes public functions without docs.
#![allow(missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use shipmux_core::testkit::TableCarrier;
use shipmux_core::{Carrier, Rate, Result};
use shipmux_host::cache::{CacheOptions, CacheSource, QuoteCache};
use shipmux_host::redis::{Redis, RedisCache, RedisOptions};

fn second_level(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("redis.sock");
    let mut server = match Command::new("redis-server")
        .args(["--port", "0", "--save", "", "--appendonly", "no"])
        .arg("--unixsocket")
        .arg(&socket)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(server) => server,
        Err(e) => {
            eprintln!("skipped: cannot start redis-server ({e})");
            return;
        }
    };
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        if line
            .to_ascii_lowercase()
            .contains("ready to accept connections")
        {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _inside = rt.enter();
    let redis = Redis::connect(RedisOptions::new(format!(
        "redis+unix://{}",
        socket.display()
    )))
    .unwrap();
    let cache = || {
        QuoteCache::new(CacheOptions::default())
            .with_second_level(Arc::new(RedisCache::new(redis.clone())))
    };
    let (a, b) = (cache(), cache());
    let table = TableCarrier::example();
    let request = TableCarrier::example_request();
    let rates = rt.block_on(table.quote(&request)).unwrap();
    let key = a.key(&table.info().id, &Arc::from(""), &request);
    let load = || async { Ok(rates.clone()) };
    let (_, source) = rt.block_on(a.get_or_load(key.clone(), load)).unwrap();
    assert_eq!(source, CacheSource::Miss);

    let mut group = c.benchmark_group("quote_cache_second_level");
    group.bench_function("l1_hit", |bench| {
        bench.to_async(&rt).iter(|| async {
            let (_, source) = a.get_or_load(key.clone(), never).await.unwrap();
            assert_eq!(source, CacheSource::Hit);
        })
    });
    group.bench_function("l1_miss_answered_by_redis", |bench| {
        bench.to_async(&rt).iter_batched(
            || b.clear(),
            |()| async {
                let (_, source) = b.get_or_load(key.clone(), never).await.unwrap();
                assert_eq!(source, CacheSource::Shared);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    let _ = server.kill();
    let _ = server.wait();
}

/// The load of a quote that must come from a cache.
async fn never() -> Result<Vec<Rate>> {
    unreachable!("the carrier is not asked")
}

criterion_group!(benches, second_level);
criterion_main!(benches);
