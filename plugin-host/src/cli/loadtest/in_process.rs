//! The in-process target: the real host in this process (zones, packing, cache, fan-out,
//! `HttpCarrier`, HTTP over loopback) against carrier sandboxes — started here, or running in
//! another process (`--target`) — and, at the end, the sandboxes' and the cache's counters.

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::checkout::Checkout;
use shipmux_core::{CarrierProtocol, Error};
use shipmux_host::sandbox_fleet::{PluginChoice, sandbox_protocol};
use shipmux_host::{
    CacheOptions, CacheStats, DriverOptions, Host, HostOptions, HttpCarrier, HttpCarrierOptions,
    HttpDriver,
};

use super::report::{Cache, Upstream};
use super::target::{Answer, Target};
use super::upstreams::{Calls, Upstreams};
use super::{LoadtestArgs, Switch, workload};
use crate::cli::error::CliError;
use crate::cli::setup::{host_over, load_plugins};

/// The host and the sandboxes it quotes against.
pub struct InProcess {
    host: Arc<Host>,
    /// The protocols of the host's carriers, aimed at the sandboxes (for `--floor`).
    pub protocols: Vec<Arc<dyn CarrierProtocol>>,
    /// Where the checkouts ship from.
    origin: shipmux_core::Address,
    /// The carriers and their sandboxes.
    pub upstreams: Upstreams,
    /// What the sandboxes and the cache had counted before the measured run (after a floor).
    baseline: Option<(Calls, CacheStats)>,
}

impl InProcess {
    /// Starts the sandboxes (see [`Upstreams::start`]), builds the host and, with
    /// `--connect-first`, connects every carrier.
    pub async fn start(args: &LoadtestArgs) -> Result<Self, CliError> {
        let plugins = PluginChoice {
            given: load_plugins(&args.plugin.plugins)?,
            find_libraries: true,
        };
        let upstreams = Upstreams::start(args, &plugins.given).await?;
        let (host, protocols) = build_host(args, &upstreams, &plugins)?;
        let host = Arc::new(host);
        // As a host that serves warms up when it is built: with --connect-first before the
        // clock starts, otherwise while the first quotes run.
        let warm_up = {
            let host = host.clone();
            let within = Duration::from_millis(args.deadline);
            async move {
                for (carrier, error) in host.warm_up(within).await {
                    if let Some(e) = error {
                        tracing::warn!(%carrier, error = %e, "warm-up: connect failed");
                    }
                }
            }
        };
        if args.connect_first {
            warm_up.await;
        } else {
            tokio::spawn(warm_up);
        }
        Ok(InProcess {
            host,
            protocols,
            origin: args.origin(),
            upstreams,
            baseline: None,
        })
    }

    /// The host.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// Counts from here on: what the sandboxes and the cache count before this (a floor's
    /// calls, its warm-up) is left out of [`finish`](Self::finish)'s figures.
    pub async fn start_counting(&mut self) -> Result<(), CliError> {
        self.baseline = Some((self.upstreams.calls().await?, self.host.cache().stats()));
        Ok(())
    }

    /// Reads what the carriers' sandboxes received and the cache's counters (since
    /// [`start_counting`](Self::start_counting), if called), then stops the sandboxes
    /// started here.
    pub async fn finish(self) -> Result<Upstream, CliError> {
        let mut calls = self.upstreams.calls().await?;
        let mut cache = self.host.cache().stats();
        if let Some((before, cached)) = &self.baseline {
            calls = calls.minus(before);
            cache.hits -= cached.hits.min(cache.hits);
            cache.misses -= cached.misses.min(cache.misses);
            cache.coalesced -= cached.coalesced.min(cache.coalesced);
            cache.stale -= cached.stale.min(cache.stale);
            cache.shared_hits -= cached.shared_hits.min(cache.shared_hits);
        }
        self.upstreams.shutdown().await;
        Ok(Upstream {
            upstream_calls: calls.rate,
            token_calls: calls.token,
            cache: Cache {
                hits: cache.hits,
                misses: cache.misses,
                coalesced: cache.coalesced,
                stale: cache.stale,
                shared_hits: cache.shared_hits,
            },
        })
    }
}

impl Target for InProcess {
    type Request = Checkout;

    fn prepare(&self, key: u64) -> Result<Checkout, Error> {
        workload::checkout(&self.origin, key)
    }

    async fn quote(&self, _n: u64, checkout: Checkout) -> Answer {
        Answer {
            quote: self.host.quote_checkout(&checkout).await,
            http: None,
        }
    }
}

/// The host: one HTTP carrier per chosen carrier on a shared driver (on the plugins chosen),
/// the load-test zone, the cache on or off, the deadline. Rate limits only where
/// `--rate-limit` sets one.
fn build_host(
    args: &LoadtestArgs,
    upstreams: &Upstreams,
    plugins: &PluginChoice,
) -> Result<(Host, Vec<Arc<dyn CarrierProtocol>>), CliError> {
    let carriers = &upstreams.carriers;
    let driver = HttpDriver::with_options(DriverOptions {
        pool_max_idle_per_host: (args.concurrency as usize).max(64),
        ..DriverOptions::default()
    })?;
    let mut built = Vec::new();
    let mut protocols = Vec::new();
    for id in carriers {
        let url = upstreams.url(id)?;
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
        let chosen = sandbox_protocol(builtin, url, plugins, &mut notes)?;
        for note in notes {
            eprintln!("{note}");
        }
        protocols.push(chosen.protocol.clone());
        let carrier = HttpCarrier::from_arc_with_options(chosen.protocol, driver.clone(), options);
        built.push(Arc::new(carrier) as Arc<dyn shipmux_core::Carrier>);
    }
    let cache = match args.cache {
        Switch::On => CacheOptions {
            capacity: workload::cache_capacity(args.distinct, carriers.len()),
            ..CacheOptions::default()
        },
        // No cache: every quote asks the carriers.
        Switch::Off => CacheOptions::off(),
    };
    let host = host_over(
        built,
        workload::rules(carriers)?,
        cache,
        HostOptions {
            quote_deadline: Duration::from_millis(args.deadline),
            ..HostOptions::default()
        },
    )?;
    Ok((host, protocols))
}
