//! What every quoting command starts from: a [`Host`] built from `--config`, or — with no
//! config — from embedded sandboxes of every built-in carrier and the Canada Post plugin.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use shipmux_core::rules::ZoneMatcher;
use shipmux_core::{Carrier, CarrierId};
use shipmux_host::cache::QuoteCache;
use shipmux_host::http::{DriverOptions, SharedTokens};
use shipmux_host::plugin::Plugin;
use shipmux_host::redis::{Redis, RedisCache, RedisLimit, RedisTokens};
use shipmux_host::resilience::SharedLimits;
use shipmux_host::{
    CacheOptions, Config, Host, HostOptions, HttpCarrierOptions, HttpDriver, Registry,
    registry_from_config,
};

use super::args::SimulationArgs;
use super::error::CliError;
use super::fleet::start_sandbox_fleet;
use shipmux_host::sandbox_fleet::SandboxFleet;

/// A ready host, and the sandboxes it talks to when no config was given (kept alive here).
pub struct Setup {
    /// The host.
    pub host: Host,
    /// The embedded sandboxes, when no config was given.
    pub fleet: Option<SandboxFleet>,
    /// The driver the host's carriers share.
    pub driver: HttpDriver,
    /// The Redis replicas share, when one is configured.
    pub redis: Option<Arc<Redis>>,
}

impl Setup {
    /// Stops the embedded sandboxes, if any.
    pub async fn shutdown(self) {
        if let Some(fleet) = self.fleet {
            fleet.shutdown().await;
        }
    }
}

/// What a command wants from its host.
#[derive(Default)]
pub struct Wanted<'a> {
    /// `--config`.
    pub config: Option<&'a Path>,
    /// `--carriers` (empty: all).
    pub carriers: &'a [CarrierId],
    /// `--deadline`, overriding the config's.
    pub deadline: Option<Duration>,
    /// Rules replacing the config's (`--zones`, the demo's).
    pub rules: Option<ZoneMatcher>,
    /// `--redis`: the quote cache's shared second level, overriding the config's `[redis]`.
    pub redis: Option<&'a str>,
    /// `--plugin`: plugin files standing in for their carrier (see [`load_plugins`]).
    pub plugins: &'a [PathBuf],
}

/// `--plugin FILE` (repeatable): a carrier plugin, `.so` or `.wasm`, standing in for the
/// carrier it is a build of. With a config, the account of that carrier (a `[carriers.<id>]`
/// of the built-in it is a build of, or a `[[plugins]]` section of the same library) runs on
/// it with its settings; without one, the carrier's simulator is quoted through it.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct PluginArgs {
    /// A carrier plugin (`.so` or `.wasm`) to run a carrier on instead of its built-in or
    /// configured protocol (repeatable).
    #[arg(long = "plugin", value_name = "FILE")]
    pub plugins: Vec<PathBuf>,
}

/// Loads and checks each of `paths`; a refused file is a usage error saying why, and two
/// files of one carrier are one too many.
pub fn load_plugins(paths: &[PathBuf]) -> Result<Vec<Plugin>, CliError> {
    let mut loaded: Vec<Plugin> = Vec::with_capacity(paths.len());
    for path in paths {
        let plugin = Plugin::load(path).map_err(|e| CliError::usage(e.message))?;
        if let Some(twin) = loaded
            .iter()
            .find(|p| p.library_stem() == plugin.library_stem())
        {
            return Err(CliError::usage(format!(
                "--plugin {} and --plugin {} are both {}: give one",
                twin.path().display(),
                path.display(),
                plugin.manifest().name
            )));
        }
        loaded.push(plugin);
    }
    Ok(loaded)
}

/// Builds the host: from the config file, or from embedded sandboxes.
pub async fn setup(wanted: Wanted<'_>) -> Result<Setup, CliError> {
    let plugins = load_plugins(wanted.plugins)?;
    let config = match wanted.config {
        Some(path) => Some(Config {
            stand_ins: plugins.clone(),
            ..Config::load(path)?
        }),
        None => None,
    };
    let redis_section = config
        .as_ref()
        .unwrap_or(&Config::default())
        .redis_section(wanted.redis);
    let redis = redis_section.as_ref().map(|s| s.connect()).transpose()?;
    // With Redis, carriers' rate limits and tokens are kept there, shared by every replica.
    let driver = HttpDriver::with_options(DriverOptions {
        shared_limits: redis
            .as_ref()
            .zip(redis_section.as_ref())
            .map(|(r, s)| SharedLimits {
                backend: Arc::new(RedisLimit::new(r.clone())),
                replicas: s.replicas(),
            }),
        shared_tokens: redis
            .as_ref()
            .map(|r| Arc::new(RedisTokens::new(r.clone())) as Arc<dyn SharedTokens>),
        ..DriverOptions::default()
    })?;
    let over_redis = |cache: QuoteCache| match &redis {
        Some(r) => cache.with_second_level(Arc::new(RedisCache::new(r.clone()))),
        None => cache,
    };
    match config {
        Some(config) => {
            let env = |name: &str| std::env::var(name).ok();
            let all = registry_from_config(&config, &driver, &env)?;
            let registry = only(&all, wanted.carriers)?;
            let rules = match wanted.rules {
                Some(rules) => rules,
                None => config.load_rules()?,
            };
            let mut options = config.host_options();
            if let Some(d) = wanted.deadline {
                options.quote_deadline = d;
            }
            let host = Host::builder(registry)
                .rules(rules)
                .cache(Arc::new(over_redis(QuoteCache::new(
                    config.cache_options()?,
                ))))
                .options(options)
                .exchange_rates(config.exchange_rates()?)
                .build();
            Ok(Setup {
                host,
                fleet: None,
                driver,
                redis,
            })
        }
        None => {
            let fleet = start_sandbox_fleet(
                wanted.carriers,
                plugins,
                &SimulationArgs::default(),
                &driver,
                |_| HttpCarrierOptions::default(),
            )
            .await?;
            for note in &fleet.notes {
                eprintln!("{note}");
            }
            let cache = over_redis(QuoteCache::new(CacheOptions::default()));
            let host = host_with_cache(
                fleet.carriers(),
                wanted.rules.unwrap_or_default(),
                cache,
                HostOptions {
                    quote_deadline: wanted.deadline.unwrap_or(Duration::from_secs(5)),
                    ..HostOptions::default()
                },
            )?;
            Ok(Setup {
                host,
                fleet: Some(fleet),
                driver,
                redis,
            })
        }
    }
}

/// A host over `carriers`.
pub fn host_over(
    carriers: Vec<Arc<dyn Carrier>>,
    rules: ZoneMatcher,
    cache: CacheOptions,
    options: HostOptions,
) -> Result<Host, CliError> {
    host_with_cache(carriers, rules, QuoteCache::new(cache), options)
}

/// A host over `carriers` with `cache`.
fn host_with_cache(
    carriers: Vec<Arc<dyn Carrier>>,
    rules: ZoneMatcher,
    cache: QuoteCache,
    options: HostOptions,
) -> Result<Host, CliError> {
    let mut registry = Registry::new();
    for c in carriers {
        registry.register(c)?;
    }
    Ok(Host::builder(registry)
        .rules(rules)
        .cache(Arc::new(cache))
        .options(options)
        .build())
}

/// The carriers of `all` named in `ids` (all of them when `ids` is empty); an unknown id is a
/// usage error listing the known ones.
fn only(all: &Registry, ids: &[CarrierId]) -> Result<Registry, CliError> {
    if ids.is_empty() {
        let mut r = Registry::new();
        for c in all.all() {
            r.register(c)?;
        }
        return Ok(r);
    }
    let mut r = Registry::new();
    for id in ids {
        let c = all.get(id).ok_or_else(|| {
            let known: Vec<String> = all.ids().iter().map(ToString::to_string).collect();
            CliError::usage(format!(
                "carrier `{id}` is not configured (configured: {})",
                known.join(", ")
            ))
        })?;
        r.register(c.clone())?;
    }
    Ok(r)
}
