//! The load-test report: the JSON of `--json`, and the summary printed at the end.

use std::collections::BTreeMap;

use serde::Serialize;

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
#[derive(Debug, Serialize)]
pub struct Cache {
    pub hits: u64,
    pub misses: u64,
    pub coalesced: u64,
    pub stale: u64,
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
}

/// How the run was set up.
#[derive(Debug, Serialize)]
pub struct Settings {
    pub carriers: Vec<String>,
    pub distinct: u32,
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
    /// Rate calls each carrier's sandbox received.
    pub upstream_calls: BTreeMap<String, u64>,
    /// Token requests each carrier's sandbox received.
    pub token_calls: BTreeMap<String, u64>,
    pub cache: Cache,
    /// Errors per carrier per kind.
    pub errors: ErrorCounts,
    /// Quotes in which every carrier answered.
    pub complete_quotes: u64,
    /// With `--duration`: quotes still running when the time was up, cancelled then and not
    /// counted in `quotes` (their carrier calls stop with them).
    pub cancelled_at_end: u64,
    pub samples: Vec<Sample>,
    pub settings: Settings,
}

impl Report {
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
        if let (Some(cpu), Some(per)) = (self.cpu_s, self.cpu_ms_per_quote) {
            s.push_str(&format!(
                "cpu           {cpu:.2} s ({per:.3} ms per quote{})\n",
                if self.settings.in_process_sandboxes {
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
        s.push_str(&format!(
            "upstream      rate calls: {}; token calls: {}\n",
            per_carrier(&self.upstream_calls),
            per_carrier(&self.token_calls)
        ));
        s.push_str(&format!(
            "cache         {} hits, {} misses, {} coalesced\n",
            self.cache.hits, self.cache.misses, self.cache.coalesced
        ));
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
