//! `shipmux loadtest`: drives one-consignment checkout quotes through the real host against
//! carrier sandboxes and reports throughput, latency, CPU, memory, upstream calls and errors.

mod plot;
mod process;
mod report;
mod tally;
mod workload;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use shipmux_core::CarrierId;
use shipmux_host::sandbox_fleet::sandbox_protocol;
use shipmux_host::{
    CacheOptions, DriverOptions, Host, HostOptions, HttpCarrier, HttpCarrierOptions, HttpDriver,
};
use shipmux_sandbox::Stats;

use super::args::{CarrierRateLimit, CarrierUrl, SimulationArgs, sandbox_carrier};
use super::error::CliError;
use super::output::print_text;
use super::sandboxes::{self, RunningSandbox};
use super::setup::host_over;
use report::{Report, Sample, Settings};
use tally::Tally;

/// Quotes run when neither `--quotes` nor `--duration` is given.
const DEFAULT_QUOTES: u64 = 10_000;
/// Most tallies the workers share.
const TALLY_SHARDS: u32 = 8;
/// How often throughput and memory are sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// `--cache on|off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// Enabled.
    On,
    /// Disabled.
    Off,
}

/// Flags of `shipmux loadtest`.
#[derive(Debug, Args)]
pub struct LoadtestArgs {
    /// Run this many quotes.
    #[arg(long, value_name = "N", conflicts_with = "duration")]
    pub quotes: Option<u64>,
    /// Run for this many seconds.
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// Quotes in flight at once.
    #[arg(long, value_name = "C", default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// Destinations drawn from K postcodes: K distinct cache keys.
    #[arg(long, value_name = "K", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub distinct: u32,
    /// Carriers whose real-time methods the zone offers (default: every built-in that ships
    /// from the US).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = sandbox_carrier)]
    pub carriers: Vec<CarrierId>,
    #[command(flatten)]
    pub sim: SimulationArgs,
    /// The quote cache.
    #[arg(long, value_enum, default_value = "on")]
    pub cache: Switch,
    /// Each quote answers with what arrived after this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub deadline: u64,
    /// A carrier's rate limit, e.g. ups=100/s (none by default against sandboxes).
    #[arg(long = "rate-limit", value_name = "CARRIER=N/s", num_args = 1..)]
    pub rate_limit: Vec<CarrierRateLimit>,
    /// Sandboxes in another process (`shipmux sandbox`), e.g. ups=http://127.0.0.1:18080.
    #[arg(long, value_name = "CARRIER=URL,...", value_delimiter = ',')]
    pub target: Vec<CarrierUrl>,
    /// Write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write an SVG chart (latency histogram, throughput over time) here.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Connect every carrier (fetch its token) before the clock starts, as a host that has
    /// been serving has; without it the first quotes also pay the token round trip.
    #[arg(long)]
    pub connect_first: bool,
}

/// Runs the load test: sets up sandboxes and the host, drives the quotes, reports.
pub async fn run(args: LoadtestArgs) -> Result<ExitCode, CliError> {
    let mut carriers = args.carriers.clone();
    carriers.dedup();
    if carriers.is_empty() {
        carriers = workload::default_carriers();
    }
    if let Some(refusal) = carriers.iter().find_map(workload::refusal) {
        return Err(CliError::usage(refusal));
    }
    let targets: BTreeMap<CarrierId, String> = args
        .target
        .iter()
        .map(|t| (t.carrier.clone(), t.url.clone()))
        .collect();
    if let Some(extra) = targets.keys().find(|c| !carriers.contains(c)) {
        return Err(CliError::usage(format!(
            "--target names {extra}, which is not in --carriers"
        )));
    }

    // Upstreams: the --target URLs, else sandboxes in this process.
    let local: Vec<CarrierId> = carriers
        .iter()
        .filter(|c| !targets.contains_key(*c))
        .cloned()
        .collect();
    let running = sandboxes::start_all(&local, &args.sim, None).await?;
    let mut urls: BTreeMap<CarrierId, String> = targets.clone();
    for r in &running {
        urls.insert(r.carrier.clone(), r.sandbox.base_url());
    }

    let host = Arc::new(build_host(&args, &carriers, &urls)?);
    let http = reqwest::Client::new();
    for url in targets.values() {
        sandboxes::remote_reset(&http, url)
            .await
            .map_err(|e| CliError::failed(format!("cannot reset the sandbox counters: {e}")))?;
    }

    if args.connect_first {
        connect_all(&host, Duration::from_millis(args.deadline)).await;
    }
    let run = drive(&args, host.clone()).await;

    let mut upstream_calls = BTreeMap::new();
    let mut token_calls = BTreeMap::new();
    for c in &carriers {
        let stats = stats_of(c, &running, &targets, &http).await?;
        let (rate, token) = split_calls(&stats);
        upstream_calls.insert(c.to_string(), rate);
        token_calls.insert(c.to_string(), token);
    }
    let report = report(
        &args,
        &carriers,
        &host,
        run,
        upstream_calls,
        token_calls,
        !running.is_empty(),
    );
    print_text(&report.0.summary())?;
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report.0)
            .map_err(|e| CliError::failed(format!("cannot write the report: {e}")))?;
        std::fs::write(path, text + "\n")
            .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    if let Some(path) = &args.plot {
        let title = format!(
            "shipmux loadtest: {} quotes, concurrency {}, {:.0} quotes/s",
            report.0.quotes, report.0.concurrency, report.0.quotes_per_s
        );
        std::fs::write(path, plot::svg(&title, &report.1, &report.0.samples))
            .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    for r in running {
        r.sandbox.shutdown().await;
    }
    Ok(ExitCode::SUCCESS)
}

/// Connects every carrier at once, each within `deadline`. A carrier that cannot connect is
/// only noted: its quotes will say why, and the run measures that.
async fn connect_all(host: &Host, deadline: Duration) {
    let carriers = host.registry().all();
    let connects = carriers.iter().map(|c| async move {
        match tokio::time::timeout(deadline, c.connect()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(carrier = %c.info().id, error = %e, "connect failed"),
            Err(_) => tracing::warn!(carrier = %c.info().id, "connect timed out"),
        }
    });
    futures::future::join_all(connects).await;
}

/// The host: one HTTP carrier per chosen carrier on a shared driver, the load-test zone, the
/// cache on or off, the deadline. Rate limits only where `--rate-limit` sets one.
fn build_host(
    args: &LoadtestArgs,
    carriers: &[CarrierId],
    urls: &BTreeMap<CarrierId, String>,
) -> Result<Host, CliError> {
    let driver = HttpDriver::with_options(DriverOptions {
        pool_max_idle_per_host: (args.concurrency as usize).max(64),
        ..DriverOptions::default()
    })?;
    let mut built = Vec::new();
    for id in carriers {
        let url = urls
            .get(id)
            .ok_or_else(|| CliError::failed(format!("{id}: no sandbox")))?;
        let options = HttpCarrierOptions {
            rate_limit: args
                .rate_limit
                .iter()
                .rev()
                .find(|l| &l.carrier == id)
                .map(|l| l.limit),
            ..HttpCarrierOptions::default()
        };
        let builtin = shipmux_host::builtin(id.as_str())
            .ok_or_else(|| CliError::usage(format!("`{id}` is not a built-in carrier")))?;
        let mut notes = Vec::new();
        let (protocol, _origin) = sandbox_protocol(builtin, url, true, &mut notes)?;
        for note in notes {
            eprintln!("{note}");
        }
        let carrier = HttpCarrier::from_arc_with_options(protocol, driver.clone(), options);
        built.push(Arc::new(carrier) as Arc<dyn shipmux_core::Carrier>);
    }
    let cache = match args.cache {
        Switch::On => CacheOptions {
            // Room for every key with a quarter to spare (moka sizes its bookkeeping by it).
            capacity: (u64::from(args.distinct) * carriers.len() as u64 * 5 / 4).max(10_000),
            ..CacheOptions::default()
        },
        // No cache: every quote asks the carriers.
        Switch::Off => CacheOptions::off(),
    };
    host_over(
        built,
        workload::rules(carriers)?,
        cache,
        HostOptions {
            quote_deadline: Duration::from_millis(args.deadline),
            ..HostOptions::default()
        },
    )
}

/// What the run measured.
struct Run {
    tally: Tally,
    elapsed: Duration,
    cpu_s: Option<f64>,
    samples: Vec<Sample>,
    /// Quotes still running when `--duration` ended, cancelled and not counted.
    cancelled_at_end: u64,
}

/// Runs `concurrency` workers until the quotes are done or the time is up, sampling
/// throughput and memory and drawing the progress bar.
async fn drive(args: &LoadtestArgs, host: Arc<Host>) -> Run {
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

    let sampler = {
        let (done, stop, bar) = (done.clone(), stop.clone(), bar.clone());
        tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut last = (Instant::now(), 0u64);
            let mut tick = tokio::time::interval(SAMPLE_EVERY);
            tick.tick().await;
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                let now = Instant::now();
                let n = done.load(Ordering::Relaxed);
                samples.push(sample(started, now, last, n));
                last = (now, n);
                bar.set_position(match total {
                    Some(_) => n,
                    None => started.elapsed().as_millis() as u64,
                });
            }
            let now = Instant::now();
            let n = done.load(Ordering::Relaxed);
            if now > last.0 + Duration::from_millis(20) {
                samples.push(sample(started, now, last, n));
            }
            samples
        })
    };

    // Workers share a few tallies (a histogram is ~0.5 MB; one per worker would make a
    // 1,000-worker run measure its own counters).
    let shards: Arc<Vec<Mutex<Tally>>> = Arc::new(
        (0..args.concurrency.min(TALLY_SHARDS))
            .map(|_| Mutex::new(Tally::new()))
            .collect(),
    );
    let workers: Vec<_> = (0..args.concurrency)
        .map(|w| {
            let (host, next, done) = (host.clone(), next.clone(), done.clone());
            let cancelled = cancelled.clone();
            let shards = shards.clone();
            tokio::spawn(async move {
                let shard = &shards[w as usize % shards.len()];
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
                    // A checkout we cannot build, or one the host refuses as invalid, is a
                    // bug in this workload, not a carrier problem: stop rather than spin.
                    let checkout = match workload::checkout(workload::key_for(n, distinct)) {
                        Ok(c) => c,
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
                            host.quote_checkout(&checkout),
                        )
                        .await
                        {
                            Ok(answer) => answer,
                            Err(_) => {
                                cancelled.fetch_add(1, Ordering::Relaxed);
                                break;
                            }
                        },
                        None => host.quote_checkout(&checkout).await,
                    };
                    let micros = t.elapsed().as_micros() as u64;
                    shard
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .record(micros, &answer);
                    done.fetch_add(1, Ordering::Relaxed);
                    if matches!(&answer, Err(e) if e.kind == shipmux_core::ErrorKind::InvalidRequest) {
                        break;
                    }
                    // Cache hits never wait on I/O; without this, a worker answering from the
                    // cache would keep its thread from the quotes waiting on a carrier.
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    let mut tally = Tally::new();
    for shard in Arc::try_unwrap(shards).unwrap_or_default() {
        tally.merge(shard.into_inner().unwrap_or_else(|p| p.into_inner()));
    }
    let elapsed = started.elapsed();
    let cpu_s = match (cpu_before, process::cpu_seconds()) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.await.unwrap_or_default();
    bar.finish_and_clear();
    Run {
        tally,
        elapsed,
        cpu_s,
        samples,
        cancelled_at_end: cancelled.load(Ordering::Relaxed),
    }
}

fn sample(started: Instant, now: Instant, last: (Instant, u64), n: u64) -> Sample {
    let dt = now.duration_since(last.0).as_secs_f64().max(1e-9);
    Sample {
        t_s: now.duration_since(started).as_secs_f64(),
        quotes_per_s: n.saturating_sub(last.1) as f64 / dt,
        rss_mb: process::rss_mb(),
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

/// A sandbox's counters: in this process, or over HTTP for a `--target`.
async fn stats_of(
    carrier: &CarrierId,
    running: &[RunningSandbox],
    targets: &BTreeMap<CarrierId, String>,
    http: &reqwest::Client,
) -> Result<Stats, CliError> {
    if let Some(r) = running.iter().find(|r| &r.carrier == carrier) {
        return Ok(r.sandbox.stats());
    }
    let url = targets
        .get(carrier)
        .ok_or_else(|| CliError::failed(format!("{carrier}: no sandbox")))?;
    sandboxes::remote_stats(http, url)
        .await
        .map_err(|e| CliError::failed(format!("cannot read the sandbox counters: {e}")))
}

/// (rate-API calls, token calls) from a sandbox's counters: token endpoints are the ones
/// whose path names OAuth or a token.
fn split_calls(stats: &Stats) -> (u64, u64) {
    let mut token = 0;
    let mut other = 0;
    for (endpoint, e) in &stats.endpoints {
        let lower = endpoint.to_ascii_lowercase();
        if lower.contains("oauth") || lower.contains("token") {
            token += e.requests;
        } else if !lower.contains("track") {
            other += e.requests;
        }
    }
    (other, token)
}

#[allow(clippy::too_many_arguments)]
fn report(
    args: &LoadtestArgs,
    carriers: &[CarrierId],
    host: &Host,
    run: Run,
    upstream_calls: BTreeMap<String, u64>,
    token_calls: BTreeMap<String, u64>,
    in_process: bool,
) -> (Report, hdrhistogram::Histogram<u64>) {
    let h = &run.tally.latency_us;
    let ms = |us: u64| us as f64 / 1000.0;
    let quotes = run.tally.quotes;
    let elapsed_s = run.elapsed.as_secs_f64();
    let cache = host.cache().stats();
    let report = Report {
        quotes,
        concurrency: args.concurrency,
        elapsed_s,
        quotes_per_s: quotes as f64 / elapsed_s.max(1e-9),
        latency_ms: report::Latency {
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
        cache: report::Cache {
            hits: cache.hits,
            misses: cache.misses,
            coalesced: cache.coalesced,
            stale: cache.stale,
        },
        errors: run.tally.errors.clone(),
        complete_quotes: run.tally.complete,
        cancelled_at_end: run.cancelled_at_end,
        samples: run.samples,
        settings: Settings {
            carriers: carriers.iter().map(ToString::to_string).collect(),
            distinct: args.distinct,
            cache: args.cache == Switch::On,
            deadline_ms: args.deadline,
            latency_ms: args.sim.latency,
            jitter_ms: args.sim.jitter,
            slow: args
                .sim
                .slow
                .iter()
                .map(|s| (s.carrier.to_string(), s.delay.as_millis() as u64))
                .collect(),
            fail_rate: args.sim.fail_rate,
            faults: if args.sim.fail_rate > 0.0 {
                args.sim
                    .fault_kinds()
                    .iter()
                    .map(|f| f.name().to_string())
                    .collect()
            } else {
                Vec::new()
            },
            rate_limits: args
                .rate_limit
                .iter()
                .map(|l| (l.carrier.to_string(), l.limit.to_string()))
                .collect(),
            targets: args
                .target
                .iter()
                .map(|t| (t.carrier.to_string(), t.url.clone()))
                .collect(),
            in_process_sandboxes: in_process,
            connect_first: args.connect_first,
        },
    };
    (report, run.tally.latency_us)
}
