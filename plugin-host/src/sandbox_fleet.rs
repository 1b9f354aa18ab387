//! Every built-in carrier's simulator started in this process, and the carriers pointed at
//! them (feature `sandboxes`): what `shipmux demo`, `quote` and `loadtest` run against with no
//! config, and what the end-to-end tests start.
//!
//! ```no_run
//! # async fn example() -> shipmux_core::Result<()> {
//! use shipmux_host::HttpDriver;
//! use shipmux_host::sandbox_fleet::{FleetOptions, SandboxFleet};
//!
//! let driver = HttpDriver::new()?;
//! let fleet = SandboxFleet::start(FleetOptions::default(), &driver).await?;
//! for c in &fleet.carriers {
//!     println!("{} at {} ({})", c.id, c.base_url, c.origin);
//! }
//! fleet.shutdown().await;
//! # Ok(()) }
//! ```

use std::sync::Arc;

use shipmux_core::{Carrier, CarrierId, CarrierProtocol, Error, ErrorKind, Result};
use shipmux_sandbox::{Sandbox, SandboxOptions};

use crate::builtin::{Builtin, builtin, builtin_ids, builtin_of_plugin, builtins, expect_carrier};
use crate::http::{HttpCarrier, HttpCarrierOptions, HttpDriver};
use crate::plugin::{Plugin, dylib_file_name, find_library};

/// A simulator running in this process.
pub struct RunningSandbox {
    /// Which carrier it simulates.
    pub carrier: CarrierId,
    /// The server (stopped when dropped).
    pub sandbox: Sandbox,
    /// The carrier it simulates.
    pub builtin: &'static Builtin,
}

impl RunningSandbox {
    /// Rate calls the simulator has answered (faults included).
    pub fn rate_calls(&self) -> u64 {
        self.builtin.sandbox.rate_calls(&self.sandbox.stats())
    }

    /// Token calls the simulator has answered.
    pub fn token_calls(&self) -> u64 {
        self.sandbox.stats().tokens_issued
    }
}

/// One carrier of a fleet and where it is served.
pub struct FleetCarrier {
    /// Its id.
    pub id: CarrierId,
    /// Where its simulator listens.
    pub base_url: String,
    /// The carrier, driven over HTTP.
    pub carrier: Arc<dyn Carrier>,
    /// Where its protocol came from: `built-in` or the plugin file.
    pub origin: String,
    /// The plugin its protocol runs on, when it runs on one.
    pub plugin: Option<Plugin>,
}

/// Each simulator's options, by position and carrier.
pub type SandboxOptionsFn<'a> = Box<dyn Fn(usize, &CarrierId) -> SandboxOptions + 'a>;
/// Each carrier's call options.
pub type CarrierOptionsFn<'a> = Box<dyn Fn(&CarrierId) -> HttpCarrierOptions + 'a>;

/// What a fleet starts.
pub struct FleetOptions<'a> {
    /// The carriers, in order; empty for every built-in.
    pub carriers: Vec<CarrierId>,
    /// Each simulator's options, by position and carrier.
    pub sandbox: SandboxOptionsFn<'a>,
    /// Each carrier's call options.
    pub carrier: CarrierOptionsFn<'a>,
    /// Which carriers run on a plugin instead of their built-in protocol.
    pub plugins: PluginChoice,
}

/// Which of a fleet's carriers run on a plugin instead of their built-in protocol.
#[derive(Clone, Debug, Default)]
pub struct PluginChoice {
    /// Plugins standing in for the built-in protocol of their carrier (the CLI's `--plugin`),
    /// `.so` or `.wasm`. Each must be a carrier the fleet starts a simulator for.
    pub given: Vec<Plugin>,
    /// For the other carriers: load one that also ships as a native plugin from its library
    /// when it is found (falling back to the built-in protocol, with a note, when it is not).
    pub find_libraries: bool,
}

impl PluginChoice {
    /// Only the built-in protocols.
    pub fn built_in() -> Self {
        PluginChoice::default()
    }

    /// The given plugin that is a build of the built-in carrier `id`.
    pub fn given_for(&self, id: &str) -> Option<&Plugin> {
        self.given
            .iter()
            .find(|p| builtin_of_plugin(p).is_some_and(|b| b.id() == id))
    }
}

impl Default for FleetOptions<'_> {
    fn default() -> Self {
        FleetOptions {
            carriers: Vec::new(),
            // Different seeds so the carriers' jitter and faults are not in lockstep.
            sandbox: Box::new(|i, _| SandboxOptions::default().with_seed(0x5EED + i as u64)),
            carrier: Box::new(|_| HttpCarrierOptions::default()),
            plugins: PluginChoice::built_in(),
        }
    }
}

/// Simulators running in this process and the carriers pointed at them.
pub struct SandboxFleet {
    /// The simulators.
    pub sandboxes: Vec<RunningSandbox>,
    /// The carriers, in the order asked for.
    pub carriers: Vec<FleetCarrier>,
    /// What was worth saying about how the fleet was built (a plugin not found, say).
    pub notes: Vec<String>,
}

impl SandboxFleet {
    /// Starts a simulator for each carrier of `options` and builds its carrier on `driver`.
    /// A given plugin whose carrier is not among them is a `config` error.
    pub async fn start(options: FleetOptions<'_>, driver: &HttpDriver) -> Result<SandboxFleet> {
        let wanted: Vec<CarrierId> = resolve(&options.carriers)?
            .iter()
            .map(|b| b.carrier.carrier_id())
            .collect();
        for given in &options.plugins.given {
            let of = simulated_builtin(given)?;
            if !wanted.iter().any(|id| id.as_str() == of.id()) {
                return Err(Error::config(format!(
                    "the plugin {} is {}, which is not among the carriers chosen ({})",
                    given.path().display(),
                    of.carrier.name,
                    wanted
                        .iter()
                        .map(CarrierId::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        let sandboxes = start_sandboxes(&options.carriers, &*options.sandbox).await?;
        let mut carriers = Vec::with_capacity(sandboxes.len());
        let mut notes = Vec::new();
        for running in &sandboxes {
            let base_url = running.sandbox.base_url();
            let chosen =
                sandbox_protocol(running.builtin, &base_url, &options.plugins, &mut notes)?;
            let origin = chosen.origin();
            let carrier = HttpCarrier::from_arc_with_options(
                chosen.protocol,
                driver.clone(),
                (options.carrier)(&running.carrier),
            );
            carriers.push(FleetCarrier {
                id: running.carrier.clone(),
                base_url,
                carrier: Arc::new(carrier),
                origin,
                plugin: chosen.plugin,
            });
        }
        Ok(SandboxFleet {
            sandboxes,
            carriers,
            notes,
        })
    }

    /// The carriers as the host's `Arc<dyn Carrier>`s.
    pub fn carriers(&self) -> Vec<Arc<dyn Carrier>> {
        self.carriers.iter().map(|c| c.carrier.clone()).collect()
    }

    /// The simulator of `id`.
    pub fn sandbox(&self, id: &str) -> Option<&RunningSandbox> {
        self.sandboxes.iter().find(|s| s.carrier.as_str() == id)
    }

    /// Stops the simulators and waits until they have stopped.
    pub async fn shutdown(self) {
        for s in self.sandboxes {
            s.sandbox.shutdown().await;
        }
    }
}

/// The built-in carrier that `plugin` is a build of, whose simulator it can be quoted against;
/// a `config` error naming the file when it is no built-in carrier's (it needs an account in
/// a config instead).
pub fn simulated_builtin(plugin: &Plugin) -> Result<&'static Builtin> {
    builtin_of_plugin(plugin).ok_or_else(|| {
        Error::config(format!(
            "the plugin {} ({}) is no built-in carrier's, so it has no simulator to quote: \
             give it an account with a config's [[plugins]] section",
            plugin.path().display(),
            plugin.manifest().name
        ))
    })
}

/// The built-in carriers of `ids` (every built-in when empty), or an error naming the one
/// that is not built in.
pub fn resolve(ids: &[CarrierId]) -> Result<Vec<&'static Builtin>> {
    if ids.is_empty() {
        return Ok(builtins().iter().collect());
    }
    ids.iter()
        .map(|id| {
            builtin(id.as_str()).ok_or_else(|| {
                Error::config(format!(
                    "`{id}` has no sandbox (built in: {})",
                    builtin_ids()
                ))
            })
        })
        .collect()
}

/// Starts one simulator per carrier of `ids` (every built-in when empty), with the options
/// `options` gives each by position and carrier.
pub async fn start_sandboxes(
    ids: &[CarrierId],
    options: &(dyn Fn(usize, &CarrierId) -> SandboxOptions + '_),
) -> Result<Vec<RunningSandbox>> {
    let wanted = resolve(ids)?;
    let mut running = Vec::with_capacity(wanted.len());
    for (i, builtin) in wanted.into_iter().enumerate() {
        let id = builtin.carrier.carrier_id();
        let sandbox = (builtin.sandbox.start)(options(i, &id))
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::Unavailable,
                    format!("cannot start the {id} sandbox: {e}"),
                )
            })?;
        running.push(RunningSandbox {
            carrier: id,
            sandbox,
            builtin,
        });
    }
    Ok(running)
}

/// A carrier's protocol aimed at its simulator, and the plugin it runs on, if any.
pub struct SandboxProtocol {
    /// The protocol.
    pub protocol: Arc<dyn CarrierProtocol>,
    /// The plugin it runs on; `None` for the built-in protocol.
    pub plugin: Option<Plugin>,
}

impl SandboxProtocol {
    /// Where the protocol came from: `built-in` or the plugin file.
    pub fn origin(&self) -> String {
        match &self.plugin {
            Some(p) => p.path().display().to_string(),
            None => "built-in".to_string(),
        }
    }
}

/// The protocol of `builtin` aimed at its simulator at `base_url` with credentials the
/// simulator accepts: a plugin given for the carrier in `plugins`, else — when `plugins` says
/// to look — the carrier's plugin library when it ships as one and is found (a note says so
/// when it is not), else the built-in protocol.
pub fn sandbox_protocol(
    builtin: &Builtin,
    base_url: &str,
    plugins: &PluginChoice,
    notes: &mut Vec<String>,
) -> Result<SandboxProtocol> {
    let config = (builtin.sandbox.config)(base_url);
    let on_plugin = |plugin: Plugin| -> Result<SandboxProtocol> {
        let protocol = plugin.instantiate(&config)?;
        expect_carrier(&protocol, &plugin, builtin.id())?;
        Ok(SandboxProtocol {
            protocol: Arc::new(protocol),
            plugin: Some(plugin),
        })
    };
    if let Some(given) = plugins.given_for(builtin.id()) {
        return on_plugin(given.clone());
    }
    if plugins.find_libraries
        && let Some(stem) = builtin.carrier.plugin_library
    {
        match find_library(stem) {
            Some(path) => return on_plugin(Plugin::load(&path)?),
            None => notes.push(format!(
                "note: the {} plugin ({}) was not found next to the binary or in target/; \
                 using the built-in {} (build the plugin with `cargo build --release -p {}`)",
                builtin.carrier.name,
                dylib_file_name(stem),
                builtin.carrier.name,
                stem.replace('_', "-"),
            )),
        }
    }
    let protocol = builtin
        .carrier
        .protocol_from_config(&format!("sandbox {}", builtin.id()), &config)?;
    Ok(SandboxProtocol {
        protocol,
        plugin: None,
    })
}
