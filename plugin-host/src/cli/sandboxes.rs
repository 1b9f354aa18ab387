//! Starting the carriers' simulators in this process, and reading their counters — in this
//! process or in another one through `GET <base-url>/_sandbox/stats`.

use std::time::Duration;

use shipmux_core::CarrierId;
use shipmux_sandbox::{Sandbox, SandboxOptions, Stats};

use super::args::SimulationArgs;
use super::error::CliError;

/// A simulator running in this process.
pub struct RunningSandbox {
    /// Which carrier it simulates.
    pub carrier: CarrierId,
    /// The server.
    pub sandbox: Sandbox,
}

/// Starts `carrier`'s simulator. FedEx's simulator enforces FedEx's published window of
/// 1,400 calls per 10 s by default; here it is lifted, so load tests measure shipmux, not
/// FedEx's quota (a client-side limit is `loadtest --rate-limit fedex=…`).
pub async fn start(carrier: &CarrierId, options: SandboxOptions) -> std::io::Result<Sandbox> {
    match carrier.as_str() {
        "ups" => shipmux_ups::sandbox::start(options).await,
        "fedex" => {
            let settings = shipmux_fedex::sandbox::FedexSandboxSettings {
                rate_limit: (u32::MAX, Duration::from_secs(10)),
                ..Default::default()
            };
            shipmux_fedex::sandbox::start_with(options, settings).await
        }
        "usps" => shipmux_usps::sandbox::start(options).await,
        "canadapost" => shipmux_canadapost::sandbox::start(options).await,
        other => Err(std::io::Error::other(format!("`{other}` has no sandbox"))),
    }
}

/// Starts one simulator per carrier with the latency and faults of `sim`; with `port_base`,
/// the carriers take consecutive ports from it in order.
pub async fn start_all(
    carriers: &[CarrierId],
    sim: &SimulationArgs,
    port_base: Option<u16>,
) -> Result<Vec<RunningSandbox>, CliError> {
    let mut running = Vec::with_capacity(carriers.len());
    for (i, carrier) in carriers.iter().enumerate() {
        let mut options = SandboxOptions::default()
            .with_latency(sim.latency_of(carrier), Duration::from_millis(sim.jitter))
            // Different seeds so the carriers' jitter and faults are not in lockstep.
            .with_seed(0x5EED + i as u64);
        if sim.fail_rate > 0.0 {
            options = options.with_fault_rate(sim.fail_rate, sim.fault_kinds());
        }
        if let Some(base) = port_base {
            let port = u16::try_from(usize::from(base) + i).map_err(|_| {
                CliError::usage(format!("--port-base {base} leaves no port for {carrier}"))
            })?;
            options = options.with_port(port);
        }
        let sandbox = start(carrier, options)
            .await
            .map_err(|e| CliError::failed(format!("cannot start the {carrier} sandbox: {e}")))?;
        running.push(RunningSandbox {
            carrier: carrier.clone(),
            sandbox,
        });
    }
    Ok(running)
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
