//! `shipmux sandbox`: runs the carrier simulators until interrupted.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use shipmux_core::CarrierId;

use super::args::{SimulationArgs, builtin_carriers, sandbox_carrier};
use super::error::CliError;
use super::sandboxes;

/// Flags of `shipmux sandbox`.
#[derive(Debug, Args)]
#[command(
    after_help = "Prints one line per carrier, `<carrier> <base-url>`, then serves until \
Ctrl-C. Each sandbox reports its counters as JSON at GET <base-url>/_sandbox/stats."
)]
pub struct SandboxArgs {
    /// Carriers to simulate (default: every built-in).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = sandbox_carrier)]
    pub carriers: Vec<CarrierId>,
    #[command(flatten)]
    pub sim: SimulationArgs,
    /// First port; carriers take consecutive ports in `--carriers` order (default: any free).
    #[arg(long = "port-base", value_name = "N")]
    pub port_base: Option<u16>,
}

/// Starts the simulators, prints where they listen, serves until Ctrl-C or SIGTERM.
pub async fn run(args: SandboxArgs) -> Result<ExitCode, CliError> {
    let mut carriers = args.carriers.clone();
    carriers.dedup();
    if carriers.is_empty() {
        carriers = builtin_carriers();
    }
    let running = sandboxes::start_all(&carriers, &args.sim, args.port_base).await?;
    {
        let mut out = std::io::stdout().lock();
        for r in &running {
            writeln!(out, "{} {}", r.carrier, r.sandbox.base_url())
                .and_then(|_| out.flush())
                .map_err(|e| CliError::failed(format!("cannot write to stdout: {e}")))?;
        }
    }
    wait_for_interrupt().await?;
    for r in running {
        r.sandbox.shutdown().await;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(unix)]
async fn wait_for_interrupt() -> Result<(), CliError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())
        .map_err(|e| CliError::failed(format!("cannot listen for SIGTERM: {e}")))?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.map_err(|e| CliError::failed(format!("cannot listen for Ctrl-C: {e}"))),
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_interrupt() -> Result<(), CliError> {
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::failed(format!("cannot listen for Ctrl-C: {e}")))
}
