//! `shipmux loadtest`: drives one-consignment checkout quotes through the real host against
//! carrier sandboxes and reports throughput, latency, CPU, memory, upstream calls and errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use shipmux_core::CarrierId;

use super::args::{CarrierRateLimit, CarrierUrl, SimulationArgs, sandbox_carrier};
use super::error::CliError;

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
    /// Carriers whose real-time methods the zone offers.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = sandbox_carrier,
          default_value = "ups,fedex,usps")]
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
}

/// Runs the load test.
pub async fn run(_args: LoadtestArgs) -> Result<ExitCode, CliError> {
    Err(CliError::failed("loadtest: not built yet"))
}
