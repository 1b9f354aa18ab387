//! `shipmux connect`: checks that a carrier answers with the configured credentials, and
//! says what is wrong when it does not.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use shipmux_core::{CarrierId, Error, ErrorKind};

use super::args::carrier_id;
use super::error::CliError;
use super::output::print_text;
use super::setup::{Wanted, setup};

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

/// Connects and reports: exit 0 when the carrier accepted the credentials, 1 otherwise.
pub async fn run(args: ConnectArgs) -> Result<ExitCode, CliError> {
    let ready = setup(Wanted {
        config: args.config.as_deref(),
        carriers: std::slice::from_ref(&args.carrier),
        ..Wanted::default()
    })
    .await?;
    let carrier = ready
        .host
        .registry()
        .require(args.carrier.as_str())?
        .clone();
    let place = match &ready.fleet {
        Some(fleet) => fleet
            .carriers
            .iter()
            .find(|c| c.id == args.carrier)
            .map_or_else(String::new, |c| format!(" (sandbox at {})", c.base_url)),
        None => String::new(),
    };
    let started = Instant::now();
    let result = carrier.connect().await;
    ready.shutdown().await;
    match result {
        Ok(()) => {
            print_text(&format!(
                "{}: connected{place} in {} ms\n",
                args.carrier,
                started.elapsed().as_millis()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(CliError::failed(format!("{}{place}", explain(&e)))),
    }
}

/// The error, and what to do about it.
pub fn explain(e: &Error) -> String {
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
    format!("{e} — {advice}")
}
