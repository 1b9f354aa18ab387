//! What each load-test worker counts: latencies (hdrhistogram, microseconds), errors per
//! carrier per kind, complete answers and, over HTTP, statuses and transport failures; merged
//! at the end.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use shipmux_core::Error;

use super::target::{Answer, HttpOutcome};

/// Highest latency recorded exactly: one hour, in microseconds.
const MAX_MICROS: u64 = 3_600_000_000;

/// Errors per carrier per kind.
pub type ErrorCounts = BTreeMap<String, BTreeMap<String, u64>>;

/// One worker's counts.
pub struct Tally {
    /// Latency of each quote, in microseconds.
    pub latency_us: Histogram<u64>,
    /// The same since the sampler last took it (see [`Tally::take_interval`]).
    interval_us: Histogram<u64>,
    /// Quotes with an error since the sampler last took them.
    interval_errors: u64,
    /// Errors by carrier (`checkout` for a quote that failed as a whole) and kind.
    pub errors: ErrorCounts,
    /// Quotes in which every carrier answered.
    pub complete: u64,
    /// Quotes done.
    pub quotes: u64,
    /// Over HTTP: answers by status.
    pub http_status: BTreeMap<u16, u64>,
    /// Over HTTP: requests that got no answer, by what failed (`connect`, `timeout`, …).
    pub transport_errors: BTreeMap<&'static str, u64>,
}

impl Tally {
    /// Empty counts.
    pub fn new() -> Self {
        let histogram = || {
            Histogram::new_with_bounds(1, MAX_MICROS, 3)
                .expect("1..1h at 3 significant figures is a valid histogram")
        };
        Tally {
            latency_us: histogram(),
            interval_us: histogram(),
            interval_errors: 0,
            errors: BTreeMap::new(),
            complete: 0,
            quotes: 0,
            http_status: BTreeMap::new(),
            transport_errors: BTreeMap::new(),
        }
    }

    /// Counts one quote that took `micros`.
    pub fn record(&mut self, micros: u64, answer: &Answer) {
        self.quotes += 1;
        self.latency_us
            .saturating_record(micros.clamp(1, MAX_MICROS));
        self.interval_us
            .saturating_record(micros.clamp(1, MAX_MICROS));
        match answer.http {
            Some(HttpOutcome::Status(status)) => *self.http_status.entry(status).or_default() += 1,
            Some(HttpOutcome::Transport(what)) => {
                *self.transport_errors.entry(what).or_default() += 1;
            }
            None => {}
        }
        match &answer.quote {
            Ok(quote) => {
                let mut clean = true;
                for c in &quote.consignments {
                    for e in &c.errors {
                        clean = false;
                        self.error(e);
                    }
                }
                if clean {
                    self.complete += 1;
                } else {
                    self.interval_errors += 1;
                }
            }
            Err(e) => {
                self.interval_errors += 1;
                self.error(e);
            }
        }
    }

    fn error(&mut self, e: &Error) {
        let carrier = e
            .carrier
            .as_ref()
            .map_or_else(|| "checkout".to_string(), ToString::to_string);
        *self
            .errors
            .entry(carrier)
            .or_default()
            .entry(e.kind.as_str().to_string())
            .or_default() += 1;
    }

    /// Adds the latencies and the count of quotes with errors since the last call to
    /// `latency_us` and `errors`, and starts the next interval.
    pub fn take_interval(&mut self, latency_us: &mut Histogram<u64>, errors: &mut u64) {
        // Both histograms share bounds, so adding cannot fail.
        let _ = latency_us.add(&self.interval_us);
        self.interval_us.reset();
        *errors += std::mem::take(&mut self.interval_errors);
    }

    /// Adds another worker's counts.
    pub fn merge(&mut self, other: Tally) {
        // Both histograms share bounds, so adding cannot fail.
        let _ = self.latency_us.add(&other.latency_us);
        for (carrier, kinds) in other.errors {
            let mine = self.errors.entry(carrier).or_default();
            for (kind, n) in kinds {
                *mine.entry(kind).or_default() += n;
            }
        }
        self.complete += other.complete;
        self.quotes += other.quotes;
        for (status, n) in other.http_status {
            *self.http_status.entry(status).or_default() += n;
        }
        for (what, n) in other.transport_errors {
            *self.transport_errors.entry(what).or_default() += n;
        }
    }
}
