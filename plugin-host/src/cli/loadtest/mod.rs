//! `shipmux loadtest`: drives one-consignment checkout quotes through the real host against
//! carrier sandboxes — or, with `--server`, through running `shipmux serve` processes over
//! HTTP — and reports throughput, latency, CPU, memory, upstream calls, HTTP statuses and
//! errors.
//!
//! One file per responsibility: the workload ([`workload`]), the carriers' sandboxes
//! ([`upstreams`]), the targets ([`target`]: the host in this process, [`in_process`], or
//! servers over HTTP, [`server`] — running ones, or a fleet started for the run, [`fleet`]),
//! the runner ([`runner`]), the counts ([`tally`]), the report ([`report`]) and its chart
//! ([`plot`]).

mod fleet;
mod floor;
mod in_process;
mod plot;
mod process;
mod report;
mod runner;
mod server;
mod tally;
mod target;
mod upstreams;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use shipmux_core::{Address, CarrierId};

use super::args::{CarrierRateLimit, CarrierUrl, SimulationArgs, place, sandbox_carrier};
use super::error::CliError;
use super::output::print_text;
use super::setup::PluginArgs;
use fleet::Fleet;
use floor::{FloorReport, HttpFloor, LookupFloor};
use in_process::InProcess;
use report::{FleetSettings, InProcessSettings, Report, ServerSettings, Settings};
use server::Servers;
use upstreams::Upstreams;

/// The flags that only set up the in-process host and its sandboxes: refused with `--server`.
const IN_PROCESS_ONLY: [&str; 12] = [
    "carriers",
    "latency",
    "jitter",
    "slow",
    "fail_rate",
    "faults",
    "cache",
    "deadline",
    "rate_limit",
    "target",
    "connect_first",
    "plugins",
];

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
    #[command(flatten)]
    pub plugin: PluginArgs,
    /// Where the checkouts ship from, "COUNTRY POSTCODE" (default "US 90210"); their
    /// destinations are US postcodes. Carriers that cannot ship from there are refused.
    #[arg(long, value_name = "\"US 90210\"", value_parser = place)]
    pub from: Option<Address>,
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
    /// Drive running servers over HTTP instead of a host in this process: each quote is
    /// `POST {URL}/v1/checkouts/quote`, round-robin over the URLs. The flags that set up the
    /// in-process host and its sandboxes are refused with it (configure the server instead).
    #[arg(long, value_name = "URL,...", value_delimiter = ',', value_parser = server::server_url,
          conflicts_with_all = IN_PROCESS_ONLY)]
    pub server: Vec<String>,
    /// Start N `shipmux serve` processes on free loopback ports, all quoting against the
    /// same sandboxes (one account per carrier, as replicas behind a load balancer share),
    /// and drive them round-robin over HTTP. The report's upstream calls are the whole
    /// fleet's.
    #[arg(long, value_name = "N", conflicts_with = "server",
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub replicas: Option<u32>,
    /// With `--replicas`: the replicas share this Redis (`redis://host:port` or
    /// `redis+unix:///path`) for the quote cache, rate limits and tokens.
    #[arg(long, value_name = "URL", requires = "replicas")]
    pub redis: Option<String>,
    /// With `--redis`: the replicas' limit for one Redis call, past which a replica works on
    /// its own state for a while (default 50 ms; a machine running the whole fleet at full
    /// load may need more).
    #[arg(long, value_name = "MS", requires = "redis",
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub redis_timeout_ms: Option<u64>,
    /// With `--server`: send `Authorization: Bearer KEY` (the server's API key).
    #[arg(long, value_name = "KEY", requires = "server")]
    pub api_key: Option<String>,
    /// Write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write an SVG chart here: p50/p99 latency, throughput, errors and memory over time (and
    /// the floor's figures, with `--floor`).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Connect every carrier (fetch its token) before the clock starts, as a host that has
    /// been serving has; without it the first quotes also pay the token round trip.
    #[arg(long)]
    pub connect_first: bool,
    /// First run the same load against a floor — with the cache off, the same rate calls to
    /// the same sandboxes built once and sent by a plain HTTP client, then again with each
    /// answer also read as JSON; with it on, answers cloned out of a `HashMap` (every key is
    /// quoted once beforehand) — then the real run, and report both with their ratios.
    #[arg(long, conflicts_with_all = ["server", "replicas"])]
    pub floor: bool,
    /// Start all workers at once. By default they start slowly: one, then one more for each
    /// answer, so concurrency doubles every round trip, as a shop's traffic builds up.
    #[arg(long)]
    pub no_ramp_up: bool,
}

impl LoadtestArgs {
    /// Where the checkouts ship from: `--from`, or the default origin.
    pub fn origin(&self) -> Address {
        self.from.clone().unwrap_or_else(workload::default_origin)
    }
}

/// Runs the load test: sets up the target (sandboxes and the host, or the servers), drives
/// the quotes, reports.
pub async fn run(args: LoadtestArgs) -> Result<ExitCode, CliError> {
    let mut floors = Vec::new();
    let (run, upstream, settings) = if let Some(count) = args.replicas {
        let fleet = Fleet::start(&args, count).await?;
        let run = runner::drive(&args, fleet.servers.clone()).await;
        let settings = Settings {
            server: Some(ServerSettings {
                servers: fleet.servers.bases.clone(),
                api_key: false,
            }),
            fleet: Some(FleetSettings {
                replicas: count,
                redis: args.redis.is_some(),
            }),
            ..in_process_settings(&args, &fleet.upstreams)
        };
        (run, Some(fleet.finish().await?), settings)
    } else if args.server.is_empty() {
        let mut host = InProcess::start(&args).await?;
        if args.floor {
            floors = run_floors(&args, &mut host).await?;
        }
        let host = Arc::new(host);
        let run = runner::drive(&args, host.clone()).await;
        let host = Arc::into_inner(host)
            .ok_or_else(|| CliError::failed("the load test's workers outlived the run"))?;
        let settings = in_process_settings(&args, &host.upstreams);
        (run, Some(host.finish().await?), settings)
    } else {
        let servers = Servers::new(
            args.server.clone(),
            args.api_key.as_deref(),
            args.concurrency,
            args.distinct,
            args.origin(),
        )?;
        servers.wait_ready().await?;
        let settings = Settings {
            distinct: args.distinct,
            ramp_up: !args.no_ramp_up,
            in_process: None,
            server: Some(ServerSettings {
                servers: servers.bases.clone(),
                api_key: args.api_key.is_some(),
            }),
            fleet: None,
        };
        (
            runner::drive(&args, Arc::new(servers)).await,
            None,
            settings,
        )
    };
    let mut report = Report::build(args.concurrency, run, upstream, settings);
    let mut floors = floors
        .into_iter()
        .map(|(kind, run)| FloorReport::beside(kind, &run, &report))
        .collect::<Vec<_>>()
        .into_iter();
    report.floor = floors.next();
    report.json_floor = floors.next();
    print_text(&report.summary())?;
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::failed(format!("cannot write the report: {e}")))?;
        std::fs::write(path, text + "\n")
            .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    if let Some(path) = &args.plot {
        let over = if args.server.is_empty() && args.replicas.is_none() {
            ""
        } else {
            " over HTTP"
        };
        let title = format!(
            "shipmux loadtest{over}: {} quotes, concurrency {}, {:.0} quotes/s",
            report.quotes, report.concurrency, report.quotes_per_s
        );
        let chart =
            plot::svg(&title, &report.samples, report.floor.as_ref()).map_err(CliError::failed)?;
        std::fs::write(path, chart)
            .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Most keys `--floor` quotes beforehand with the cache on.
const FLOOR_MAX_KEYS: u32 = 100_000;

/// Runs the floors of `--floor` against `host`'s sandboxes (see [`floor`]), then has `host`
/// count from there on.
async fn run_floors(
    args: &LoadtestArgs,
    host: &mut InProcess,
) -> Result<Vec<(&'static str, runner::Run)>, CliError> {
    let origin = args.origin();
    let measured = match args.cache {
        Switch::Off => {
            let floor = HttpFloor::new(&host.protocols, &origin, args.concurrency).await?;
            let reading = floor.reading_json();
            vec![
                (floor.kind(), runner::drive(args, Arc::new(floor)).await),
                (reading.kind(), runner::drive(args, Arc::new(reading)).await),
            ]
        }
        Switch::On => {
            if args.distinct > FLOOR_MAX_KEYS {
                return Err(CliError::usage(format!(
                    "--floor with the cache on quotes every key once first: keep --distinct \
                     at most {FLOOR_MAX_KEYS}"
                )));
            }
            let floor = LookupFloor::new(host.host(), &origin, args.distinct).await?;
            vec![("lookup", runner::drive(args, Arc::new(floor)).await)]
        }
    };
    host.start_counting().await?;
    Ok(measured)
}

/// How the host and its sandboxes were set up (in this process, or as the fleet's config).
fn in_process_settings(args: &LoadtestArgs, upstreams: &Upstreams) -> Settings {
    Settings {
        distinct: args.distinct,
        ramp_up: !args.no_ramp_up,
        server: None,
        fleet: None,
        in_process: Some(InProcessSettings {
            carriers: upstreams.carriers.iter().map(ToString::to_string).collect(),
            from: {
                let from = args.origin();
                format!("{} {}", from.country, from.postal_code.unwrap_or_default())
            },
            plugins: upstreams
                .plugins
                .iter()
                .map(|(c, f)| (c.to_string(), f.clone()))
                .collect(),
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
            in_process_sandboxes: upstreams.has_local_sandboxes(),
            connect_first: args.connect_first,
        }),
    }
}
