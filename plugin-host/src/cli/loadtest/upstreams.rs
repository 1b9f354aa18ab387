//! The carriers a load test quotes against: their sandboxes — started in this process, or
//! running in another one (`--target`) — and, at the end, the calls each received. Shared by
//! the in-process host ([`InProcess`]) and the fleet of `serve` processes ([`Fleet`]): either
//! way the counts are what the carrier saw, whoever sent the calls.
//!
//! [`InProcess`]: super::in_process::InProcess
//! [`Fleet`]: super::fleet::Fleet

use std::collections::BTreeMap;

use shipmux_core::CarrierId;
use shipmux_host::plugin::Plugin;
use shipmux_host::sandbox_fleet::simulated_builtin;
use shipmux_sandbox::Stats;

use super::{LoadtestArgs, workload};
use crate::cli::error::CliError;
use crate::cli::sandboxes::{self, RunningSandbox};

/// The chosen carriers and where each one's sandbox answers.
pub struct Upstreams {
    /// The carriers quoted, in order.
    pub carriers: Vec<CarrierId>,
    /// Each carrier's sandbox base URL.
    pub urls: BTreeMap<CarrierId, String>,
    /// `--plugin`: the file each carrier that runs on a given plugin runs on.
    pub plugins: BTreeMap<CarrierId, String>,
    /// Sandboxes started in this process.
    running: Vec<RunningSandbox>,
    /// `--target`: sandboxes in another process, by carrier.
    targets: BTreeMap<CarrierId, String>,
    /// For the remote sandboxes' counters.
    http: reqwest::Client,
}

/// What the sandboxes received, by carrier.
pub struct Calls {
    /// Rate calls.
    pub rate: BTreeMap<String, u64>,
    /// Token calls.
    pub token: BTreeMap<String, u64>,
}

impl Calls {
    /// The calls received since `before` was read.
    pub fn minus(mut self, before: &Calls) -> Calls {
        for (now, then) in [
            (&mut self.rate, &before.rate),
            (&mut self.token, &before.token),
        ] {
            for (carrier, n) in now.iter_mut() {
                *n -= then.get(carrier).copied().unwrap_or(0).min(*n);
            }
        }
        self
    }
}

impl Upstreams {
    /// Checks the carriers (those of `--carriers`, or every one that can quote the workload,
    /// and those `plugins` are builds of), starts the sandboxes not given by `--target` and
    /// zeroes the remote sandboxes' counters.
    pub async fn start(args: &LoadtestArgs, plugins: &[Plugin]) -> Result<Self, CliError> {
        let mut carriers = args.carriers.clone();
        carriers.dedup();
        if carriers.is_empty() {
            carriers = workload::default_carriers(&args.origin());
        }
        let mut on_plugins = BTreeMap::new();
        for plugin in plugins {
            let id = simulated_builtin(plugin)?.carrier.carrier_id();
            on_plugins.insert(id.clone(), plugin.path().display().to_string());
            if !carriers.contains(&id) {
                carriers.push(id);
            }
        }
        let origin = args.origin();
        if let Some(refusal) = carriers.iter().find_map(|c| workload::refusal(c, &origin)) {
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
        let local: Vec<CarrierId> = carriers
            .iter()
            .filter(|c| !targets.contains_key(*c))
            .cloned()
            .collect();
        // (An empty list means every built-in to `start_all`: none is wanted here then.)
        let running = if local.is_empty() {
            Vec::new()
        } else {
            sandboxes::start_all(&local, &args.sim, None).await?
        };
        let mut urls = targets.clone();
        for r in &running {
            urls.insert(r.carrier.clone(), r.sandbox.base_url());
        }
        let http = reqwest::Client::new();
        for url in targets.values() {
            sandboxes::remote_reset(&http, url)
                .await
                .map_err(|e| CliError::failed(format!("cannot reset the sandbox counters: {e}")))?;
        }
        Ok(Upstreams {
            carriers,
            urls,
            plugins: on_plugins,
            running,
            targets,
            http,
        })
    }

    /// The sandbox base URL of `carrier`.
    pub fn url(&self, carrier: &CarrierId) -> Result<&str, CliError> {
        self.urls
            .get(carrier)
            .map(String::as_str)
            .ok_or_else(|| CliError::failed(format!("{carrier}: no sandbox")))
    }

    /// Whether sandboxes run in this process (then this process's CPU includes theirs).
    pub fn has_local_sandboxes(&self) -> bool {
        !self.running.is_empty()
    }

    /// The rate and token calls each carrier's sandbox has received.
    pub async fn calls(&self) -> Result<Calls, CliError> {
        let mut calls = Calls {
            rate: BTreeMap::new(),
            token: BTreeMap::new(),
        };
        for c in &self.carriers {
            let builtin = shipmux_host::builtin(c.as_str())
                .ok_or_else(|| CliError::usage(format!("`{c}` is not a built-in carrier")))?;
            let stats = self.stats_of(c).await?;
            calls
                .rate
                .insert(c.to_string(), builtin.sandbox.rate_calls(&stats));
            calls.token.insert(c.to_string(), stats.tokens_issued);
        }
        Ok(calls)
    }

    /// Stops the sandboxes started here.
    pub async fn shutdown(self) {
        for r in self.running {
            r.sandbox.shutdown().await;
        }
    }

    /// A sandbox's counters: in this process, or over HTTP for a `--target`.
    async fn stats_of(&self, carrier: &CarrierId) -> Result<Stats, CliError> {
        if let Some(r) = self.running.iter().find(|r| &r.carrier == carrier) {
            return Ok(r.sandbox.stats());
        }
        let url = self
            .targets
            .get(carrier)
            .ok_or_else(|| CliError::failed(format!("{carrier}: no sandbox")))?;
        sandboxes::remote_stats(&self.http, url)
            .await
            .map_err(|e| CliError::failed(format!("cannot read the sandbox counters: {e}")))
    }
}
