//! The in-process target: the real host in this process (zones, packing, cache, fan-out,
//! `HttpCarrier`, HTTP over loopback) against carrier sandboxes — started here, or running in
//! another process (`--target`) — and, at the end, the sandboxes' and the cache's counters.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use shipmux_core::checkout::Checkout;
use shipmux_core::{CarrierId, Error};
use shipmux_host::sandbox_fleet::sandbox_protocol;
use shipmux_host::{
    CacheOptions, DriverOptions, Host, HostOptions, HttpCarrier, HttpCarrierOptions, HttpDriver,
};
use shipmux_sandbox::Stats;

use super::report::{Cache, Upstream};
use super::target::{Answer, Target};
use super::{LoadtestArgs, Switch, workload};
use crate::cli::error::CliError;
use crate::cli::sandboxes::{self, RunningSandbox};
use crate::cli::setup::host_over;

/// The host and the sandboxes it quotes against.
pub struct InProcess {
    host: Arc<Host>,
    /// The carriers quoted, in order.
    pub carriers: Vec<CarrierId>,
    /// Sandboxes started in this process.
    running: Vec<RunningSandbox>,
    /// `--target`: sandboxes in another process, by carrier.
    targets: BTreeMap<CarrierId, String>,
    /// For the remote sandboxes' counters.
    http: reqwest::Client,
}

impl InProcess {
    /// Checks the carriers, starts the sandboxes not given by `--target`, builds the host,
    /// zeroes the remote sandboxes' counters and, with `--connect-first`, connects every
    /// carrier.
    pub async fn start(args: &LoadtestArgs) -> Result<Self, CliError> {
        let mut carriers = args.carriers.clone();
        carriers.dedup();
        if carriers.is_empty() {
            carriers = workload::default_carriers();
        }
        if let Some(refusal) = carriers.iter().find_map(workload::refusal) {
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

        // Upstreams: the --target URLs, else sandboxes in this process.
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
        let mut urls: BTreeMap<CarrierId, String> = targets.clone();
        for r in &running {
            urls.insert(r.carrier.clone(), r.sandbox.base_url());
        }

        let host = Arc::new(build_host(args, &carriers, &urls)?);
        let http = reqwest::Client::new();
        for url in targets.values() {
            sandboxes::remote_reset(&http, url)
                .await
                .map_err(|e| CliError::failed(format!("cannot reset the sandbox counters: {e}")))?;
        }
        if args.connect_first {
            connect_all(&host, Duration::from_millis(args.deadline)).await;
        }
        Ok(InProcess {
            host,
            carriers,
            running,
            targets,
            http,
        })
    }

    /// Whether sandboxes run in this process (then this process's CPU includes theirs).
    pub fn has_local_sandboxes(&self) -> bool {
        !self.running.is_empty()
    }

    /// Reads what the carriers' sandboxes received and the cache's counters, then stops the
    /// sandboxes started here.
    pub async fn finish(self) -> Result<Upstream, CliError> {
        let mut upstream_calls = BTreeMap::new();
        let mut token_calls = BTreeMap::new();
        for c in &self.carriers {
            let stats = self.stats_of(c).await?;
            let (rate, token) = split_calls(&stats);
            upstream_calls.insert(c.to_string(), rate);
            token_calls.insert(c.to_string(), token);
        }
        let cache = self.host.cache().stats();
        for r in self.running {
            r.sandbox.shutdown().await;
        }
        Ok(Upstream {
            upstream_calls,
            token_calls,
            cache: Cache {
                hits: cache.hits,
                misses: cache.misses,
                coalesced: cache.coalesced,
                stale: cache.stale,
            },
        })
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

impl Target for InProcess {
    type Request = Checkout;

    fn prepare(&self, key: u64) -> Result<Checkout, Error> {
        workload::checkout(key)
    }

    async fn quote(&self, _n: u64, checkout: Checkout) -> Answer {
        Answer {
            quote: self.host.quote_checkout(&checkout).await,
            http: None,
        }
    }
}

/// Connects every carrier at once, each within `deadline`. A carrier that cannot connect is
/// only noted: its quotes will say why, and the run measures that.
async fn connect_all(host: &Host, deadline: Duration) {
    let carriers = host.registry().all();
    let connects = carriers.iter().map(|c| async move {
        match tokio::time::timeout(deadline, c.connect()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(carrier = %c.info().id, error = %e, "connect failed"),
            Err(_) => tracing::warn!(carrier = %c.info().id, "connect timed out"),
        }
    });
    futures::future::join_all(connects).await;
}

/// The host: one HTTP carrier per chosen carrier on a shared driver, the load-test zone, the
/// cache on or off, the deadline. Rate limits only where `--rate-limit` sets one.
fn build_host(
    args: &LoadtestArgs,
    carriers: &[CarrierId],
    urls: &BTreeMap<CarrierId, String>,
) -> Result<Host, CliError> {
    let driver = HttpDriver::with_options(DriverOptions {
        pool_max_idle_per_host: (args.concurrency as usize).max(64),
        ..DriverOptions::default()
    })?;
    let mut built = Vec::new();
    for id in carriers {
        let url = urls
            .get(id)
            .ok_or_else(|| CliError::failed(format!("{id}: no sandbox")))?;
        let options = HttpCarrierOptions {
            rate_limit: args
                .rate_limit
                .iter()
                .rev()
                .find(|l| &l.carrier == id)
                .map(|l| l.limit),
            ..HttpCarrierOptions::default()
        };
        let builtin = shipmux_host::builtin(id.as_str())
            .ok_or_else(|| CliError::usage(format!("`{id}` is not a built-in carrier")))?;
        let mut notes = Vec::new();
        let (protocol, _origin) = sandbox_protocol(builtin, url, true, &mut notes)?;
        for note in notes {
            eprintln!("{note}");
        }
        let carrier = HttpCarrier::from_arc_with_options(protocol, driver.clone(), options);
        built.push(Arc::new(carrier) as Arc<dyn shipmux_core::Carrier>);
    }
    let cache = match args.cache {
        Switch::On => CacheOptions {
            // Room for every key with a quarter to spare (moka sizes its bookkeeping by it).
            capacity: (u64::from(args.distinct) * carriers.len() as u64 * 5 / 4).max(10_000),
            ..CacheOptions::default()
        },
        // No cache: every quote asks the carriers.
        Switch::Off => CacheOptions::off(),
    };
    host_over(
        built,
        workload::rules(carriers)?,
        cache,
        HostOptions {
            quote_deadline: Duration::from_millis(args.deadline),
            ..HostOptions::default()
        },
    )
}

/// (rate-API calls, token calls) from a sandbox's counters: token endpoints are the ones
/// whose path names OAuth or a token.
fn split_calls(stats: &Stats) -> (u64, u64) {
    let mut token = 0;
    let mut other = 0;
    for (endpoint, e) in &stats.endpoints {
        let lower = endpoint.to_ascii_lowercase();
        if lower.contains("oauth") || lower.contains("token") {
            token += e.requests;
        } else if !lower.contains("track") {
            other += e.requests;
        }
    }
    (other, token)
}
