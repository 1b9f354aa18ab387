//! What replicas share through a real `redis-server` (Debian's package), one per test, on a
//! Unix socket in a temporary folder (no port to pick, no persistence): the quote cache's
//! second level and carriers' rate limits. Hosts and drivers of their own stand for replicas.
//! Without `redis-server` on the PATH the tests say so and pass, unless
//! `SHIPMUX_REQUIRE_REDIS` is set (CI sets it).

mod redis_support;

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::Carrier;
use shipmux_core::{Address, CarrierId, Parcel, RateRequest, Weight, WeightUnit};
use shipmux_host::cache::{CacheOptions, QuoteCache};
use shipmux_host::http::{DriverOptions, HttpCarrier, HttpCarrierOptions};
use shipmux_host::redis::{Redis, RedisCache, RedisLimit, RedisOptions, RedisTokens};
use shipmux_host::resilience::{RateLimit, SharedLimits};
use shipmux_host::sandbox_fleet::{FleetOptions, PluginChoice, SandboxFleet, sandbox_protocol};
use shipmux_host::{Host, HttpDriver, Registry, builtin};

use redis_support::RedisServer;

/// Options for `server`. The timeout is generous: these tests check what is shared, and a
/// loaded CI machine can take longer than the 50 ms default to schedule an answer.
fn options(server: &RedisServer) -> RedisOptions {
    let mut options = RedisOptions::new(server.url());
    options.timeout = Duration::from_secs(2);
    options
}

/// A replica: its own host and local cache, over the shared Redis and the same carriers.
fn replica(fleet: &SandboxFleet, redis: &Arc<Redis>) -> Host {
    let mut registry = Registry::new();
    for c in fleet.carriers() {
        registry.register(c).unwrap();
    }
    let cache = QuoteCache::new(CacheOptions::default())
        .with_second_level(Arc::new(RedisCache::new(redis.clone())));
    Host::builder(registry).cache(Arc::new(cache)).build()
}

async fn fleet(driver: &HttpDriver) -> SandboxFleet {
    SandboxFleet::start(
        FleetOptions {
            carriers: vec![
                CarrierId::new("ups").unwrap(),
                CarrierId::new("usps").unwrap(),
            ],
            ..FleetOptions::default()
        },
        driver,
    )
    .await
    .unwrap()
}

fn request(to: &str, pounds: u32) -> RateRequest {
    RateRequest::new(
        Address::new("US", "90210"),
        Address::new("US", to),
        vec![Parcel::new(Weight::whole(pounds, WeightUnit::Lb))],
    )
    .unwrap()
}

/// HTTP attempts the carriers made so far (tokens included).
fn upstream(driver: &HttpDriver) -> u64 {
    driver
        .stats()
        .snapshot()
        .iter()
        .map(|(_, s)| s.attempts)
        .sum()
}

#[tokio::test]
async fn a_quote_one_replica_paid_for_is_a_hit_on_another() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let driver = HttpDriver::new().unwrap();
    let fleet = fleet(&driver).await;
    let redis = Redis::connect(options(&server)).unwrap();
    let (a, b) = (replica(&fleet, &redis), replica(&fleet, &redis));

    let first = a.quote(&request("10001", 2)).await.unwrap();
    assert!(first.errors().next().is_none());
    let calls = upstream(&driver);
    assert!(calls >= 2, "replica a asked both carriers");

    let second = b.quote(&request("10001", 2)).await.unwrap();
    assert_eq!(upstream(&driver), calls, "replica b asked no carrier");
    assert_eq!(
        b.cache().stats().shared_hits,
        2,
        "one shared hit per carrier"
    );
    let rates = |q: &shipmux_host::fanout::FanOutQuote| {
        let mut r: Vec<_> = q.rates().cloned().collect();
        r.sort_by(|x, y| (x.carrier.as_str(), &x.service).cmp(&(y.carrier.as_str(), &y.service)));
        r
    };
    assert_eq!(
        rates(&second),
        rates(&first),
        "the same rates, amounts exact"
    );
    // Now in b's own cache: no Redis call at all.
    let calls_to_redis = redis.stats().calls;
    b.quote(&request("10001", 2)).await.unwrap();
    assert_eq!(redis.stats().calls, calls_to_redis);
    assert_eq!(b.cache().stats().hits, 2);
    fleet.shutdown().await;
}

#[tokio::test]
async fn identical_cold_quotes_on_three_replicas_make_one_call_per_carrier() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let driver = HttpDriver::new().unwrap();
    let fleet = fleet(&driver).await;
    let hosts: Vec<Host> = (0..3)
        .map(|_| replica(&fleet, &Redis::connect(options(&server)).unwrap()))
        .collect();
    // 30 identical checkouts' quotes at once, ten on each replica, none cached anywhere.
    let same = request("10001", 7);
    let quotes = hosts
        .iter()
        .flat_map(|host| (0..10).map(|_| host.quote(&same)));
    let answers = futures::future::join_all(quotes).await;
    for answer in &answers {
        let quote = answer.as_ref().unwrap();
        assert!(quote.errors().next().is_none(), "every quote has its rates");
        assert!(quote.rates().count() > 0);
    }
    for sandbox in &fleet.sandboxes {
        assert_eq!(
            sandbox.rate_calls(),
            1,
            "{}: one rate call for the three replicas",
            sandbox.carrier
        );
    }
    fleet.shutdown().await;
}

#[tokio::test]
async fn quotes_go_on_while_redis_is_down_and_sharing_resumes_when_it_is_back() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let driver = HttpDriver::new().unwrap();
    let fleet = fleet(&driver).await;
    let mut options = options(&server);
    // Try again at once after a failure, so the test needs no clock.
    options.retry_after = Duration::ZERO;
    let redis = Redis::connect(options).unwrap();
    let (a, b) = (replica(&fleet, &redis), replica(&fleet, &redis));
    a.quote(&request("10001", 1)).await.unwrap();
    assert!(!redis.is_down());

    server.stop();
    for to in ["60601", "30301"] {
        let quote = a.quote(&request(to, 1)).await.unwrap();
        assert!(quote.errors().next().is_none(), "no quote fails for Redis");
        assert!(quote.rates().count() > 0);
    }
    assert!(redis.is_down(), "the failure was noticed");
    assert!(redis.stats().errors >= 1);

    let socket = server.socket.clone();
    let _back = RedisServer::start_at(&socket, None).unwrap();
    // The first call after Redis returns may still find the old connection broken; the
    // connection manager reconnects, and the next quote shares again.
    let mut shared = false;
    for (i, to) in ["94105", "98101", "02108", "75201"].into_iter().enumerate() {
        a.quote(&request(to, 3)).await.unwrap();
        let hits_before = b.cache().stats().shared_hits;
        let quote = b.quote(&request(to, 3)).await.unwrap();
        assert!(quote.errors().next().is_none());
        if b.cache().stats().shared_hits > hits_before {
            shared = true;
            assert!(!redis.is_down(), "round {i}: back up");
            break;
        }
    }
    assert!(shared, "sharing resumed once Redis was back");
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_config_names_redis_and_never_shows_its_password() {
    let config = shipmux_host::Config::from_toml(
        "[redis]\nurl = \"redis://:hunter2@127.0.0.1:6390\"\ntimeout_ms = 20\n",
        ".",
    )
    .unwrap();
    // Connecting is lazy: a replica starts while Redis is still coming up.
    let cache = config.quote_cache(None).unwrap();
    assert!(cache.second_level().is_some());
    assert!(!format!("{config:?} {cache:?}").contains("hunter2"));

    let bad = shipmux_host::Config::from_toml("[redis]\nurl = \"http://:hunter2@x\"\n", ".")
        .unwrap()
        .quote_cache(None)
        .unwrap_err();
    assert_eq!(bad.kind, shipmux_core::ErrorKind::Config);
    assert!(!bad.to_string().contains("hunter2"), "{bad}");

    // `--redis` adds Redis to a config without a section.
    let plain = shipmux_host::Config::from_toml("", ".").unwrap();
    assert!(plain.quote_cache(None).unwrap().second_level().is_none());
    let flagged = plain.quote_cache(Some("redis://127.0.0.1:6390")).unwrap();
    assert!(flagged.second_level().is_some());
}

/// UPS on a driver of its own (a replica's), pointed at the fleet's UPS simulator.
fn ups_replica(
    fleet: &SandboxFleet,
    driver: HttpDriver,
    options: HttpCarrierOptions,
) -> Arc<dyn Carrier> {
    let ups = fleet
        .carriers
        .iter()
        .find(|c| c.id.as_str() == "ups")
        .unwrap();
    let mut notes = Vec::new();
    let chosen = sandbox_protocol(
        builtin("ups").unwrap(),
        &ups.base_url,
        &PluginChoice::built_in(),
        &mut notes,
    )
    .unwrap();
    Arc::new(HttpCarrier::from_arc_with_options(
        chosen.protocol,
        driver,
        options,
    ))
}

#[tokio::test]
async fn replicas_fetch_one_token_for_the_fleet() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let fleet = fleet(&HttpDriver::new().unwrap()).await;
    let replicas: Vec<Arc<dyn Carrier>> = (0..3)
        .map(|_| {
            let redis = Redis::connect(options(&server)).unwrap();
            let driver = HttpDriver::with_options(DriverOptions {
                shared_tokens: Some(Arc::new(RedisTokens::new(redis))),
                ..DriverOptions::default()
            })
            .unwrap();
            ups_replica(&fleet, driver, HttpCarrierOptions::default())
        })
        .collect();
    // Every replica needs a token at once, several times over.
    let quotes = replicas.iter().enumerate().flat_map(|(r, carrier)| {
        (0..4u32).map(move |i| {
            let carrier = carrier.clone();
            async move { carrier.quote(&request("10001", 1 + r as u32 * 4 + i)).await }
        })
    });
    let answers = futures::future::join_all(quotes).await;
    assert!(answers.iter().all(Result::is_ok), "every quote answered");
    let ups = fleet
        .sandboxes
        .iter()
        .find(|s| s.carrier.as_str() == "ups")
        .unwrap();
    assert_eq!(
        ups.sandbox.stats().tokens_issued,
        1,
        "one token fetch for the three replicas"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn replicas_together_keep_to_one_rate_limit() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let fleet = fleet(&HttpDriver::new().unwrap()).await;
    // 20 a second, no burst: 3 replicas × 10 quotes need about 1.5 s together, where limits of
    // their own would let them through in 0.5 s.
    let limit = RateLimit::per_second(20).burst(1);
    let replicas: Vec<Arc<dyn Carrier>> = (0..3)
        .map(|_| {
            let redis = Redis::connect(options(&server)).unwrap();
            let driver = HttpDriver::with_options(DriverOptions {
                shared_limits: Some(SharedLimits {
                    backend: Arc::new(RedisLimit::new(redis)),
                    replicas: 3,
                }),
                ..DriverOptions::default()
            })
            .unwrap();
            let options = HttpCarrierOptions {
                rate_limit: Some(limit),
                ..HttpCarrierOptions::default()
            };
            ups_replica(&fleet, driver, options)
        })
        .collect();
    let started = tokio::time::Instant::now();
    let quotes = replicas.iter().enumerate().flat_map(|(r, carrier)| {
        (0..10u32).map(move |i| {
            let carrier = carrier.clone();
            async move {
                carrier
                    .quote(&request("10001", 1 + r as u32 * 10 + i))
                    .await
            }
        })
    });
    let answers = futures::future::join_all(quotes).await;
    let elapsed = started.elapsed();
    assert!(answers.iter().all(Result::is_ok), "every quote answered");
    // 33 permits (30 rates, 3 tokens) at 20/s with no burst: the last one ≥ 1.6 s after the
    // first. Limits of each replica's own would have taken about 0.55 s.
    assert!(
        elapsed >= Duration::from_millis(1400),
        "the three replicas shared one limit: {elapsed:?}"
    );
    fleet.shutdown().await;
}

#[test]
fn connecting_outside_a_runtime_is_an_error_not_a_panic() {
    let refused = Redis::connect(RedisOptions::new("redis://127.0.0.1:6390")).unwrap_err();
    assert_eq!(refused.kind, shipmux_core::ErrorKind::Config);
}

#[tokio::test]
async fn replicas_share_over_tls_trusting_the_configured_certificate() {
    // A CA and a certificate for 127.0.0.1 signed by it; Redis serves TLS with the latter.
    let dir = tempfile::tempdir().unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let (ca_file, cert_file, key_file) = (
        dir.path().join("ca.pem"),
        dir.path().join("redis.pem"),
        dir.path().join("redis.key"),
    );
    std::fs::write(&ca_file, ca.pem()).unwrap();
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    // Redis takes a port number, not 0: one the OS just gave out, released for it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Some(_server) = RedisServer::start_tls(port, &cert_file, &key_file) else {
        return;
    };
    let url = format!("rediss://127.0.0.1:{port}");
    let tls = |ca: Option<&std::path::Path>| {
        let mut o = RedisOptions::new(url.as_str());
        o.timeout = Duration::from_secs(2);
        o.ca_file = ca.map(|p| p.to_path_buf());
        o
    };

    let driver = HttpDriver::new().unwrap();
    let fleet = fleet(&driver).await;
    let redis = Redis::connect(tls(Some(&ca_file))).unwrap();
    let (a, b) = (replica(&fleet, &redis), replica(&fleet, &redis));
    a.quote(&request("10001", 2)).await.unwrap();
    let calls = upstream(&driver);
    b.quote(&request("10001", 2)).await.unwrap();
    assert_eq!(upstream(&driver), calls, "replica b asked no carrier");
    assert_eq!(b.cache().stats().shared_hits, 2, "found in Redis, over TLS");
    assert_eq!(redis.stats().errors, 0);

    // Without the CA, the server's certificate is not trusted: no shared state, no failure.
    let untrusting = Redis::connect(tls(None)).unwrap();
    let c = replica(&fleet, &untrusting);
    let quote = c.quote(&request("10001", 2)).await.unwrap();
    assert!(quote.errors().next().is_none(), "the quote does not fail");
    assert_eq!(c.cache().stats().shared_hits, 0);
    assert!(untrusting.stats().errors >= 1);
    fleet.shutdown().await;
}

#[tokio::test]
async fn replicas_on_one_redis_draw_one_fleet_key() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (a, b) = (
        Redis::connect(options(&server)).unwrap(),
        Redis::connect(options(&server)).unwrap(),
    );
    let key = a.fleet_key("scope-key").await.expect("redis answers");
    assert_eq!(
        b.fleet_key("scope-key").await,
        Some(key),
        "the same for every replica"
    );
    assert_ne!(a.fleet_key("other-key").await, Some(key));
    let mut elsewhere = options(&server);
    elsewhere.prefix = "another-deployment:".into();
    let c = Redis::connect(elsewhere).unwrap();
    assert_ne!(
        c.fleet_key("scope-key").await,
        Some(key),
        "prefixes keep deployments apart"
    );
}
