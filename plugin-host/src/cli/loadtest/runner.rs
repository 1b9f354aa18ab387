//! The runner: `concurrency` workers asking a [`Target`] for quotes until the quotes are done
//! or the time is up, sampling throughput and memory and drawing the progress bar.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::report::Sample;
use super::tally::Tally;
use super::target::Target;
use super::{LoadtestArgs, process, workload};

/// Quotes run when neither `--quotes` nor `--duration` is given.
const DEFAULT_QUOTES: u64 = 10_000;
/// Most tallies the workers share.
const TALLY_SHARDS: u32 = 8;
/// How often throughput and memory are sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// What the run measured.
pub struct Run {
    /// Every worker's counts, merged.
    pub tally: Tally,
    /// From the first quote to the last answer.
    pub elapsed: Duration,
    /// CPU seconds this process used meanwhile.
    pub cpu_s: Option<f64>,
    /// Throughput and memory over time.
    pub samples: Vec<Sample>,
    /// Quotes still running when `--duration` ended, cancelled and not counted.
    pub cancelled_at_end: u64,
}

/// Runs `concurrency` workers until the quotes are done or the time is up, sampling
/// throughput and memory and drawing the progress bar.
pub async fn drive<T: Target>(args: &LoadtestArgs, target: Arc<T>) -> Run {
    let total = match (args.quotes, args.duration) {
        (Some(n), _) => Some(n),
        (None, Some(_)) => None,
        (None, None) => Some(DEFAULT_QUOTES),
    };
    let until = args.duration.map(|s| Duration::from_secs_f64(s.max(0.0)));
    let bar = progress_bar(total, until);
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let cancelled = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let distinct = u64::from(args.distinct);
    let cpu_before = process::cpu_seconds();
    let started = Instant::now();
    // With `--duration` (and no `--quotes`), when the run ends.
    let end = match (total, until) {
        (None, Some(until)) => Some(started + until),
        _ => None,
    };

    // Workers share a few tallies (a histogram is ~0.5 MB; one per worker would make a
    // 1,000-worker run measure its own counters).
    let shards: Arc<Vec<Mutex<Tally>>> = Arc::new(
        (0..args.concurrency.min(TALLY_SHARDS))
            .map(|_| Mutex::new(Tally::new()))
            .collect(),
    );
    let sampler = {
        let (done, stop, bar) = (done.clone(), stop.clone(), bar.clone());
        let shards = shards.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut last = (Instant::now(), 0u64);
            let mut tick = tokio::time::interval(SAMPLE_EVERY);
            tick.tick().await;
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                let now = Instant::now();
                let n = done.load(Ordering::Relaxed);
                samples.push(sample(started, now, last, n, &shards));
                last = (now, n);
                bar.set_position(match total {
                    Some(_) => n,
                    None => started.elapsed().as_millis() as u64,
                });
            }
            let now = Instant::now();
            let n = done.load(Ordering::Relaxed);
            if now > last.0 + Duration::from_millis(20) {
                samples.push(sample(started, now, last, n, &shards));
            }
            samples
        })
    };

    let ramp = Arc::new(SlowStart::new(args.concurrency, !args.no_ramp_up));
    let workers: Vec<_> = (0..args.concurrency)
        .map(|w| {
            let (target, next, done) = (target.clone(), next.clone(), done.clone());
            let cancelled = cancelled.clone();
            let shards = shards.clone();
            let ramp = ramp.clone();
            tokio::spawn(async move {
                let shard = &shards[w as usize % shards.len()];
                ramp.admit(w).await;
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let more = match (total, end) {
                        (Some(total), _) => n < total,
                        (None, Some(end)) => Instant::now() < end,
                        (None, None) => false,
                    };
                    if !more {
                        break;
                    }
                    // A checkout we cannot build is a bug in this workload: stop rather than
                    // spin.
                    let request = match target.prepare(workload::key_for(n, distinct)) {
                        Ok(request) => request,
                        Err(e) => {
                            tracing::error!(error = %e, "load-test checkout not built");
                            break;
                        }
                    };
                    let t = Instant::now();
                    // A quote still waiting at the end of the run (e.g. for a rate-limit
                    // permit) is cancelled, not finished afterwards.
                    let answer = match end {
                        Some(end) => match tokio::time::timeout_at(
                            tokio::time::Instant::from_std(end),
                            target.quote(n, request),
                        )
                        .await
                        {
                            Ok(answer) => answer,
                            Err(_) => {
                                cancelled.fetch_add(1, Ordering::Relaxed);
                                break;
                            }
                        },
                        None => target.quote(n, request).await,
                    };
                    let micros = t.elapsed().as_micros() as u64;
                    shard
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .record(micros, &answer);
                    done.fetch_add(1, Ordering::Relaxed);
                    ramp.answered();
                    // An answer that says the workload is wrong for the target (refused as
                    // invalid, unauthenticated) is a bug or a misconfiguration, not a carrier
                    // problem: stop rather than spin.
                    if answer.stops_worker() {
                        break;
                    }
                    // Cache hits never wait on I/O; without this, a worker answering from the
                    // cache would keep its thread from the quotes waiting on a carrier.
                    tokio::task::yield_now().await;
                }
                // Whoever is still waiting to start finds the work done.
                ramp.open();
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    let elapsed = started.elapsed();
    let cpu_s = match (cpu_before, process::cpu_seconds()) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.await.unwrap_or_default();
    bar.finish_and_clear();
    // Every worker and the sampler are done with the tallies now.
    let mut tally = Tally::new();
    for shard in Arc::try_unwrap(shards).unwrap_or_default() {
        tally.merge(shard.into_inner().unwrap_or_else(|p| p.into_inner()));
    }
    Run {
        tally,
        elapsed,
        cpu_s,
        samples,
        cancelled_at_end: cancelled.load(Ordering::Relaxed),
    }
}

/// Slow start: the first worker starts at once, and each answer lets one more in until all
/// run, so concurrency doubles every round trip. A cold host's first quotes then find tokens
/// fetched and connections open (by the warm-up, or by the quotes before them) instead of 64
/// quotes queueing behind the same token fetch, as they would not in a shop that fills up.
struct SlowStart {
    gate: tokio::sync::Semaphore,
    /// Workers that start without waiting.
    start: u64,
    /// Workers let in so far.
    admitted: AtomicU64,
    concurrency: u64,
}

impl SlowStart {
    /// A ramp for `concurrency` workers; when `on` is false, every worker starts at once.
    fn new(concurrency: u32, on: bool) -> Self {
        let start = if on { 1 } else { u64::from(concurrency) };
        SlowStart {
            gate: tokio::sync::Semaphore::new(0),
            start,
            admitted: AtomicU64::new(start),
            concurrency: u64::from(concurrency),
        }
    }

    /// Waits until worker `w` may start.
    async fn admit(&self, w: u32) {
        if u64::from(w) < self.start {
            return;
        }
        if let Ok(permit) = self.gate.acquire().await {
            permit.forget();
        }
    }

    /// One answer came back: let one more worker in.
    fn answered(&self) {
        let more = self
            .admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.concurrency).then_some(n + 1)
            })
            .is_ok();
        if more {
            self.gate.add_permits(1);
        }
    }

    /// Lets every worker still waiting in (the run is over for them).
    fn open(&self) {
        self.gate.close();
    }
}

/// The sample at `now`: throughput since `last` (when `last.1` quotes were done; `n` now),
/// memory, and the latencies and errors the workers' tallies counted meanwhile.
fn sample(
    started: Instant,
    now: Instant,
    last: (Instant, u64),
    n: u64,
    shards: &[Mutex<Tally>],
) -> Sample {
    let dt = now.duration_since(last.0).as_secs_f64().max(1e-9);
    let mut latency_us = Tally::new().latency_us;
    let mut errors = 0;
    for shard in shards {
        shard
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take_interval(&mut latency_us, &mut errors);
    }
    let ms =
        |q: f64| (!latency_us.is_empty()).then(|| latency_us.value_at_quantile(q) as f64 / 1000.0);
    Sample {
        t_s: now.duration_since(started).as_secs_f64(),
        quotes_per_s: n.saturating_sub(last.1) as f64 / dt,
        rss_mb: process::rss_mb(),
        p50_ms: ms(0.50),
        p99_ms: ms(0.99),
        errors,
    }
}

/// A progress bar on a terminal; hidden otherwise (pipes, CI, tests).
fn progress_bar(total: Option<u64>, until: Option<Duration>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (len, template) = match (total, until) {
        (Some(n), _) => (n, "{bar:40} {pos}/{len} quotes  {per_sec}  eta {eta}"),
        (None, Some(d)) => (d.as_millis() as u64, "{bar:40} {elapsed} of the run"),
        (None, None) => (0, "{spinner}"),
    };
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
