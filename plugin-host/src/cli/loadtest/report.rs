//! The load-test report: the JSON of `--json`, and the summary printed at the end.

use std::collections::BTreeMap;

use serde::Serialize;

use super::floor::FloorReport;
use super::process;
use super::runner::Run;
use super::tally::ErrorCounts;

/// Latency percentiles in milliseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
    pub mean: f64,
}

/// Cache counters over the run.
#[derive(Debug, Default, Serialize)]
pub struct Cache {
    pub hits: u64,
    pub misses: u64,
    pub coalesced: u64,
    pub stale: u64,
    /// Local misses answered by the replicas' shared Redis.
    pub shared_hits: u64,
}

/// One sample of the run over time.
#[derive(Debug, Serialize)]
pub struct Sample {
    /// Seconds since the start.
    pub t_s: f64,
    /// Quotes completed in the interval ending here, per second.
    pub quotes_per_s: f64,
    /// Resident memory now, MB.
    pub rss_mb: Option<f64>,
    /// Median latency of the quotes answered in the interval, ms (none answered: `None`).
    pub p50_ms: Option<f64>,
    /// 99th percentile latency of the quotes answered in the interval, ms.
    pub p99_ms: Option<f64>,
    /// Quotes answered in the interval with at least one error.
    pub errors: u64,
}

/// What the sandboxes and the cache counted during an in-process run (the client of a server
/// cannot see them).
pub struct Upstream {
    /// Rate calls each carrier's sandbox received.
    pub upstream_calls: BTreeMap<String, u64>,
    /// Token requests each carrier's sandbox received.
    pub token_calls: BTreeMap<String, u64>,
    /// The host's cache counters.
    pub cache: Cache,
}

/// Over HTTP: how the exchanges ended.
#[derive(Debug, Serialize)]
pub struct HttpCounts {
    /// Answers by HTTP status (`"200": n`).
    pub status: BTreeMap<String, u64>,
    /// Requests that got no answer, by what failed (`connect`, `timeout`, `body`, `other`).
    pub transport_errors: BTreeMap<String, u64>,
}

/// How the run was set up.
#[derive(Debug, Serialize)]
pub struct Settings {
    pub distinct: u32,
    /// Whether the workers started slowly (one more per answer) rather than all at once.
    pub ramp_up: bool,
    /// The in-process host's settings.
    #[serde(flatten)]
    pub in_process: Option<InProcessSettings>,
    /// The servers driven over HTTP.
    #[serde(flatten)]
    pub server: Option<ServerSettings>,
    /// `--replicas`: the fleet started for the run.
    #[serde(flatten)]
    pub fleet: Option<FleetSettings>,
}

/// `--replicas`: how many `serve` processes, and whether they shared a Redis.
#[derive(Debug, Serialize)]
pub struct FleetSettings {
    pub replicas: u32,
    /// Whether `--redis` was given (never its URL: it may hold a password).
    pub redis: bool,
}

/// `--server`: where the quotes went.
#[derive(Debug, Serialize)]
pub struct ServerSettings {
    /// The servers' base URLs, quoted round-robin.
    pub servers: Vec<String>,
    /// Whether an API key was sent (never the key).
    pub api_key: bool,
}

/// The in-process host's settings.
#[derive(Debug, Serialize)]
pub struct InProcessSettings {
    pub carriers: Vec<String>,
    /// Where the checkouts shipped from ("US 90210").
    pub from: String,
    /// `--plugin`: the file each carrier that ran on a given plugin ran on.
    pub plugins: BTreeMap<String, String>,
    pub cache: bool,
    pub deadline_ms: u64,
    pub latency_ms: u64,
    pub jitter_ms: u64,
    pub slow: BTreeMap<String, u64>,
    pub fail_rate: f64,
    pub faults: Vec<String>,
    pub rate_limits: BTreeMap<String, String>,
    pub targets: BTreeMap<String, String>,
    /// Whether sandboxes ran in this process (then `cpu_s` includes theirs).
    pub in_process_sandboxes: bool,
    /// Whether the carriers were connected (tokens fetched) before the clock started.
    pub connect_first: bool,
}

/// The `--json` report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub quotes: u64,
    pub concurrency: u32,
    pub elapsed_s: f64,
    pub quotes_per_s: f64,
    pub latency_ms: Latency,
    /// CPU seconds used by this process during the run.
    pub cpu_s: Option<f64>,
    /// CPU milliseconds per quote.
    pub cpu_ms_per_quote: Option<f64>,
    /// Peak resident memory of this process, MB.
    pub rss_mb: Option<f64>,
    /// Rate calls each carrier's sandbox received (`null` over HTTP: not visible to a client).
    pub upstream_calls: Option<BTreeMap<String, u64>>,
    /// Token requests each carrier's sandbox received (`null` over HTTP).
    pub token_calls: Option<BTreeMap<String, u64>>,
    /// The host's cache counters (`null` over HTTP).
    pub cache: Option<Cache>,
    /// Over HTTP: answers by status and transport failures (absent in process).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpCounts>,
    /// Errors per carrier per kind.
    pub errors: ErrorCounts,
    /// Quotes in which every carrier answered.
    pub complete_quotes: u64,
    /// With `--duration`: quotes still running when the time was up, cancelled then and not
    /// counted in `quotes` (their carrier calls stop with them).
    pub cancelled_at_end: u64,
    pub samples: Vec<Sample>,
    pub settings: Settings,
    /// `--floor`: the floor measured in the same run, and our ratios to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor: Option<FloorReport>,
    /// `--floor --cache off`: the same floor reading each answer as JSON, and our ratios to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_floor: Option<FloorReport>,
}

impl Report {
    /// The report of `run` at `concurrency`, with the in-process counters when there are
    /// any.
    pub fn build(
        concurrency: u32,
        run: Run,
        upstream: Option<Upstream>,
        settings: Settings,
    ) -> Report {
        let h = &run.tally.latency_us;
        let ms = |us: u64| us as f64 / 1000.0;
        let quotes = run.tally.quotes;
        let elapsed_s = run.elapsed.as_secs_f64();
        let http = settings.server.as_ref().map(|_| HttpCounts {
            status: run
                .tally
                .http_status
                .iter()
                .map(|(status, n)| (status.to_string(), *n))
                .collect(),
            transport_errors: run
                .tally
                .transport_errors
                .iter()
                .map(|(what, n)| ((*what).to_string(), *n))
                .collect(),
        });
        let (upstream_calls, token_calls, cache) = match upstream {
            Some(u) => (Some(u.upstream_calls), Some(u.token_calls), Some(u.cache)),
            None => (None, None, None),
        };
        Report {
            quotes,
            concurrency,
            elapsed_s,
            quotes_per_s: quotes as f64 / elapsed_s.max(1e-9),
            latency_ms: Latency {
                p50: ms(h.value_at_quantile(0.50)),
                p90: ms(h.value_at_quantile(0.90)),
                p99: ms(h.value_at_quantile(0.99)),
                p999: ms(h.value_at_quantile(0.999)),
                max: ms(h.max()),
                mean: h.mean() / 1000.0,
            },
            cpu_s: run.cpu_s,
            cpu_ms_per_quote: run
                .cpu_s
                .filter(|_| quotes > 0)
                .map(|c| c * 1000.0 / quotes as f64),
            rss_mb: process::peak_rss_mb(),
            upstream_calls,
            token_calls,
            cache,
            http,
            errors: run.tally.errors,
            complete_quotes: run.tally.complete,
            cancelled_at_end: run.cancelled_at_end,
            samples: run.samples,
            settings,
            floor: None,
            json_floor: None,
        }
    }

    /// The summary for people.
    pub fn summary(&self) -> String {
        let l = &self.latency_ms;
        let mut s = format!(
            "quotes        {} in {:.2} s at concurrency {} — {:.0} quotes/s\n\
             latency ms    p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}\n",
            self.quotes,
            self.elapsed_s,
            self.concurrency,
            self.quotes_per_s,
            l.p50,
            l.p90,
            l.p99,
            l.p999,
            l.max
        );
        if let Some(p) = self.settings.in_process.as_ref() {
            for (carrier, file) in &p.plugins {
                s.push_str(&format!("plugin        {carrier} on {file}\n"));
            }
        }
        if let Some(server) = &self.settings.server {
            s.push_str(&format!(
                "servers       {} (round-robin, POST /v1/checkouts/quote)\n",
                server.servers.join(", ")
            ));
        }
        if let (Some(cpu), Some(per)) = (self.cpu_s, self.cpu_ms_per_quote) {
            let sandboxes_here = self
                .settings
                .in_process
                .as_ref()
                .is_some_and(|p| p.in_process_sandboxes);
            s.push_str(&format!(
                "cpu           {cpu:.2} s ({per:.3} ms per quote{})\n",
                if sandboxes_here {
                    ", sandboxes included"
                } else {
                    ", client only"
                }
            ));
        }
        if let Some(rss) = self.rss_mb {
            s.push_str(&format!("peak rss      {rss:.1} MB\n"));
        }
        let per_carrier = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(http) = &self.http {
            let statuses: Vec<String> = http
                .status
                .iter()
                .map(|(status, n)| format!("{status}: {n}"))
                .collect();
            s.push_str(&format!("http status   {}\n", statuses.join(", ")));
            if http.transport_errors.is_empty() {
                s.push_str("no answer     none\n");
            } else {
                s.push_str(&format!(
                    "no answer     {}\n",
                    per_carrier(&http.transport_errors)
                ));
            }
        }
        match (&self.upstream_calls, &self.token_calls) {
            (Some(rate), Some(token)) => s.push_str(&format!(
                "upstream      rate calls: {}; token calls: {}\n",
                per_carrier(rate),
                per_carrier(token)
            )),
            _ => s.push_str("upstream      n/a (the server's carriers are not visible here)\n"),
        }
        match &self.cache {
            Some(cache) => {
                let shared = match cache.shared_hits {
                    0 => String::new(),
                    n => format!(" ({n} from the shared Redis)"),
                };
                s.push_str(&format!(
                    "cache         {} hits{shared}, {} misses, {} coalesced\n",
                    cache.hits + cache.shared_hits,
                    cache.misses,
                    cache.coalesced
                ));
            }
            None => s.push_str("cache         n/a (see the server's /metrics)\n"),
        }
        for floor in self.floor.iter().chain(&self.json_floor) {
            s.push_str(&floor.summary());
        }
        if self.cancelled_at_end > 0 {
            s.push_str(&format!(
                "cancelled     {} quotes still running when the time was up\n",
                self.cancelled_at_end
            ));
        }
        if self.errors.is_empty() {
            s.push_str("errors        none\n");
        } else {
            for (carrier, kinds) in &self.errors {
                s.push_str(&format!(
                    "errors        {carrier}: {}\n",
                    per_carrier(kinds)
                ));
            }
        }
        s
    }
}
