//! `GET /metrics`: Prometheus text — requests by route and status, request latency, quotes
//! shed, carrier errors in answers by carrier and kind, upstream HTTP attempts and failed
//! attempts by carrier (and kind), token fetches, rate-limit waits and refusals by carrier,
//! the quote cache's hits, misses and coalesced loads, and the store accounts held. Labels
//! never carry secrets, tracking numbers, store ids or account numbers (the route is the
//! matched pattern, `/v1/tracking/{number}`; a store's own account counts under its carrier).

use std::fmt;
use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use shipmux_core::Error;

use crate::cache::QuoteCache;
use crate::http::{UpstreamSnapshot, UpstreamStats};

/// A request's route and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The matched route pattern (`unmatched` for a 404 on no route).
    pub route: String,
    /// The HTTP status.
    pub status: u16,
}

/// A route.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The matched route pattern.
    pub route: String,
}

/// A carrier's failure.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CarrierErrorLabels {
    /// The carrier id.
    pub carrier: String,
    /// The error kind (`timeout`, `unavailable`, …).
    pub kind: String,
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    carrier_errors: Family<CarrierErrorLabels, Counter>,
    shed: Counter,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Metrics reading, at each scrape, the cache's counters, the number of store accounts and,
    /// when given, the upstream counters of the carriers' driver.
    pub fn new(
        cache: Arc<QuoteCache>,
        upstream: Option<Arc<UpstreamStats>>,
        tenants: impl Fn() -> u64 + Send + Sync + 'static,
    ) -> Self {
        let mut registry = Registry::with_prefix("shipmux");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.5 ms … ~16 s.
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response, by route",
            latency.clone(),
        );
        let carrier_errors = Family::<CarrierErrorLabels, Counter>::default();
        registry.register(
            "carrier_errors",
            "Carrier failures in answers (each carrier once per answer), by carrier and kind",
            carrier_errors.clone(),
        );
        let shed = Counter::default();
        registry.register(
            "requests_shed",
            "Requests refused with 503 because the server was at its concurrency limit",
            shed.clone(),
        );
        registry.register_collector(Box::new(HostCollector {
            cache,
            tenants: Box::new(tenants),
        }));
        if let Some(stats) = upstream {
            registry.register_collector(Box::new(UpstreamCollector { stats }));
        }
        Metrics {
            registry,
            requests,
            latency,
            carrier_errors,
            shed,
        }
    }

    /// Counts one answered request.
    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        let route = route.to_string();
        self.requests
            .get_or_create(&RequestLabels {
                route: route.clone(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { route })
            .observe(seconds);
    }

    /// Counts the carrier errors of one answer.
    pub fn carrier_errors<'a>(&self, errors: impl IntoIterator<Item = &'a Error>) {
        for e in errors {
            let carrier = e
                .carrier
                .as_ref()
                .map_or_else(|| "none".to_string(), ToString::to_string);
            self.carrier_errors
                .get_or_create(&CarrierErrorLabels {
                    carrier,
                    kind: e.kind.as_str().to_string(),
                })
                .inc();
        }
    }

    /// Counts one shed request.
    pub fn shed(&self) {
        self.shed.inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Values read at scrape time: the cache's counters and the store accounts held.
struct HostCollector {
    cache: Arc<QuoteCache>,
    tenants: Box<dyn Fn() -> u64 + Send + Sync>,
}

impl fmt::Debug for HostCollector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostCollector").finish_non_exhaustive()
    }
}

impl Collector for HostCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let stats = self.cache.stats();
        for (name, help, value) in [
            ("cache_hits", "Quotes answered from the cache", stats.hits),
            ("cache_misses", "Quotes that asked a carrier", stats.misses),
            (
                "cache_coalesced",
                "Quotes that waited on an identical quote in flight",
                stats.coalesced,
            ),
            (
                "cache_shared_hits",
                "Local misses answered by the shared second level (Redis)",
                stats.shared_hits,
            ),
            (
                "cache_stale",
                "Quotes answered with a stale entry because the carrier failed",
                stats.stale,
            ),
        ] {
            let metric = ConstCounter::new(value);
            metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)?;
        }
        if let Some(second) = self.cache.second_level() {
            let health = second.health();
            for (name, help, value) in [
                ("redis_calls", "Redis calls that answered", health.calls),
                (
                    "redis_errors",
                    "Redis calls that failed or timed out",
                    health.errors,
                ),
                (
                    "redis_skipped",
                    "Redis calls not made while it was marked down (local state served)",
                    health.skipped,
                ),
            ] {
                let metric = ConstCounter::new(value);
                metric.encode(encoder.encode_descriptor(
                    name,
                    help,
                    None,
                    metric.metric_type(),
                )?)?;
            }
            let down = ConstGauge::new(i64::from(health.down));
            down.encode(encoder.encode_descriptor(
                "redis_down",
                "1 while Redis is marked down and this process works on its own state",
                None,
                down.metric_type(),
            )?)?;
        }
        let tenants = ConstGauge::new((self.tenants)() as i64);
        tenants.encode(encoder.encode_descriptor(
            "tenants",
            "Store accounts held (from BigCommerce connection options)",
            None,
            tenants.metric_type(),
        )?)?;
        Ok(())
    }
}

/// The carriers' upstream counters, read at scrape time.
#[derive(Debug)]
struct UpstreamCollector {
    stats: Arc<UpstreamStats>,
}

/// Reads one counter from a carrier's snapshot.
type ReadCounter = fn(&UpstreamSnapshot) -> f64;

/// A carrier.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CarrierLabels {
    carrier: String,
}

impl Collector for UpstreamCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let snapshot = self.stats.snapshot();
        let per_carrier: [(&str, &str, ReadCounter); 5] = [
            (
                "upstream_requests",
                "HTTP attempts sent to carriers (retries and token requests included)",
                |s| s.attempts as f64,
            ),
            ("token_fetches", "OAuth token fetches started", |s| {
                s.token_fetches as f64
            }),
            (
                "rate_limit_waits",
                "Carrier calls that waited for a rate-limit permit",
                |s| s.limit_waits as f64,
            ),
            (
                "rate_limit_wait_seconds",
                "Time carrier calls spent waiting for rate-limit permits",
                |s| s.limit_wait.as_secs_f64(),
            ),
            (
                "rate_limit_refusals",
                "Carrier calls refused because no permit could come before their deadline",
                |s| s.limit_refusals as f64,
            ),
        ];
        for (name, help, value) in per_carrier {
            let mut family = encoder.encode_descriptor(
                name,
                help,
                None,
                prometheus_client::metrics::MetricType::Counter,
            )?;
            for (carrier, s) in &snapshot {
                let labels = CarrierLabels {
                    carrier: carrier.to_string(),
                };
                ConstCounter::new(value(s)).encode(family.encode_family(&labels)?)?;
            }
        }
        let mut family = encoder.encode_descriptor(
            "upstream_failures",
            "HTTP attempts to carriers that failed: no answer, or an error status, by kind",
            None,
            prometheus_client::metrics::MetricType::Counter,
        )?;
        for (carrier, s) in &snapshot {
            for (kind, count) in &s.failures {
                let labels = CarrierErrorLabels {
                    carrier: carrier.to_string(),
                    kind: (*kind).to_string(),
                };
                ConstCounter::new(*count).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}
