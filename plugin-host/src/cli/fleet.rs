//! The carriers a command talks to when no `--config` is given: every built-in carrier pointed
//! at its simulator in this process, carriers that also ship as a plugin loaded from it.

use shipmux_core::{CarrierId, Secret};
use shipmux_host::plugin::Plugin;
use shipmux_host::sandbox_fleet::{FleetOptions, PluginChoice, SandboxFleet, simulated_builtin};
use shipmux_host::{HttpCarrierOptions, HttpDriver};
use shipmux_sandbox::{SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SandboxOptions};

use super::args::SimulationArgs;
use super::error::CliError;
use super::sandboxes::sandbox_options;

/// Starts a simulator for each of `wanted` (every built-in when empty) and builds its carrier
/// on `driver` with `options(carrier)`. A carrier that one of `plugins` (`--plugin`) is a build
/// of runs on it (and is started even when `wanted` leaves it out); another that also ships as
/// a plugin (Canada Post) is loaded from its plugin library when it is found, else built in,
/// with a note. Like a real carrier, each simulator accepts only its own test credentials (a
/// store connecting other credentials through `serve` is refused).
pub async fn start_sandbox_fleet(
    wanted: &[CarrierId],
    plugins: Vec<Plugin>,
    sim: &SimulationArgs,
    driver: &HttpDriver,
    options: impl Fn(&CarrierId) -> HttpCarrierOptions,
) -> Result<SandboxFleet, CliError> {
    let each = sandbox_options(sim, None);
    let mut carriers = wanted.to_vec();
    if !carriers.is_empty() {
        for plugin in &plugins {
            let id = simulated_builtin(plugin)?.carrier.carrier_id();
            if !carriers.contains(&id) {
                carriers.push(id);
            }
        }
    }
    let options = FleetOptions {
        carriers,
        sandbox: Box::new(move |i, carrier| SandboxOptions {
            credentials: Some((
                SANDBOX_CLIENT_ID.to_string(),
                Secret::new(SANDBOX_CLIENT_SECRET),
            )),
            ..each(i, carrier)
        }),
        carrier: Box::new(options),
        plugins: PluginChoice {
            given: plugins,
            find_libraries: true,
        },
    };
    SandboxFleet::start(options, driver)
        .await
        .map_err(|e| match e.kind {
            shipmux_core::ErrorKind::Config => CliError::usage(e.message),
            _ => CliError::failed(e.message),
        })
}
