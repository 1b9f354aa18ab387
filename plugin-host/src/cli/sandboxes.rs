//! Starting the carriers' simulators in this process, and reading their counters — in this
//! process or in another one through `GET <base-url>/_sandbox/stats`.

use std::time::Duration;

use shipmux_core::CarrierId;
use shipmux_host::sandbox_fleet::start_sandboxes;
use shipmux_sandbox::{SandboxOptions, Stats};

use super::args::SimulationArgs;
use super::error::CliError;

pub use shipmux_host::sandbox_fleet::RunningSandbox;

/// Each simulator's options from `sim`: its latency and faults, a seed of its own so the
/// carriers' jitter and faults are not in lockstep, and with `port_base` consecutive ports in
/// order.
pub fn sandbox_options(
    sim: &SimulationArgs,
    port_base: Option<u16>,
) -> impl Fn(usize, &CarrierId) -> SandboxOptions + '_ {
    move |i, carrier| {
        let mut options = SandboxOptions::default()
            .with_latency(sim.latency_of(carrier), Duration::from_millis(sim.jitter))
            .with_seed(0x5EED + i as u64);
        if sim.fail_rate > 0.0 {
            options = options.with_fault_rate(sim.fail_rate, sim.fault_kinds());
        }
        if let Some(base) = port_base {
            // Checked by `start_all` before anything starts.
            options = options.with_port(base.saturating_add(i as u16));
        }
        options
    }
}

/// Starts one simulator per carrier with the latency and faults of `sim`; with `port_base`,
/// the carriers take consecutive ports from it in order.
pub async fn start_all(
    carriers: &[CarrierId],
    sim: &SimulationArgs,
    port_base: Option<u16>,
) -> Result<Vec<RunningSandbox>, CliError> {
    if let Some(base) = port_base
        && usize::from(base) + carriers.len().saturating_sub(1) > usize::from(u16::MAX)
    {
        return Err(CliError::usage(format!(
            "--port-base {base} leaves no port for {}",
            carriers.last().map(CarrierId::as_str).unwrap_or_default()
        )));
    }
    start_sandboxes(carriers, &sandbox_options(sim, port_base))
        .await
        .map_err(|e| CliError::failed(e.message))
}

/// Reads a simulator's counters over HTTP (for one running in another process).
pub async fn remote_stats(client: &reqwest::Client, base_url: &str) -> Result<Stats, String> {
    let url = format!("{}/_sandbox/stats", base_url.trim_end_matches('/'));
    let response = client
        .get(&url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let body = response.bytes().await.map_err(|e| format!("{url}: {e}"))?;
    serde_json::from_slice(&body).map_err(|e| format!("{url}: {e}"))
}

/// Zeroes a simulator's counters over HTTP.
pub async fn remote_reset(client: &reqwest::Client, base_url: &str) -> Result<(), String> {
    let url = format!("{}/_sandbox/stats", base_url.trim_end_matches('/'));
    client
        .delete(&url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    Ok(())
}
