//! `shipmux connect`: checks that a carrier answers with the configured credentials, and
//! says what is wrong when it does not.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use shipmux_core::{CarrierId, Error, ErrorKind};
use shipmux_host::{HttpCarrierOptions, HttpDriver};

use super::args::{SimulationArgs, carrier_id};
use super::error::CliError;
use super::fleet::start_sandbox_fleet;
use super::output::print_text;

/// Flags of `shipmux connect`.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The carrier to check.
    #[arg(value_parser = carrier_id)]
    pub carrier: CarrierId,
    /// Host configuration (TOML); default: the carrier's embedded sandbox.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Connects and reports.
pub async fn run(args: ConnectArgs) -> Result<ExitCode, CliError> {
    if args.config.is_some() {
        return Err(CliError::usage("connect --config: not built yet"));
    }
    let driver = HttpDriver::new()?;
    let fleet = start_sandbox_fleet(
        std::slice::from_ref(&args.carrier),
        &SimulationArgs::default(),
        &driver,
        |_| HttpCarrierOptions::default(),
    )
    .await?;
    for note in &fleet.notes {
        eprintln!("{note}");
    }
    let Some(target) = fleet.carriers.first() else {
        return Err(CliError::failed(format!(
            "{}: no carrier to connect to",
            args.carrier
        )));
    };
    let started = Instant::now();
    match target.carrier.connect().await {
        Ok(()) => {
            print_text(&format!(
                "{}: connected to {} ({} sandbox) in {} ms\n",
                target.id,
                target.base_url,
                target.id,
                started.elapsed().as_millis()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(CliError::failed(explain(&e, &target.base_url))),
    }
}

/// The error, and what to do about it.
pub fn explain(e: &Error, base_url: &str) -> String {
    let advice = match e.kind {
        ErrorKind::Unauthenticated => {
            "check the client id and secret (or API key pair) and that \
                                       the app is enabled for this API"
        }
        ErrorKind::Config => "fix the configuration",
        ErrorKind::Timeout | ErrorKind::Unavailable => "check that the base URL is reachable",
        ErrorKind::RateLimited => "the account is being throttled; try again later",
        ErrorKind::Rejected | ErrorKind::InvalidRequest => {
            "check the account number and the other account settings"
        }
        ErrorKind::Plugin => "check the plugin library with `shipmux plugin check`",
        _ => "see the carrier's message",
    };
    format!("{e} ({base_url}) — {advice}")
}
