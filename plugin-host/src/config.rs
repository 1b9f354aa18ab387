//! The host's TOML configuration: carriers (credentials from environment variables), rate
//! limits, timeouts, cache, shipping rules, plugins.
//!
//! ```toml
//! [host]
//! quote_deadline_ms = 3000
//! stragglers = "finish"          # or "cancel" (default)
//!
//! [cache]
//! enabled = true                 # false: every quote asks its carriers
//! capacity = 10000
//! max_mb = 64                    # optional memory bound of the entries
//! ttl_secs = 600
//! serve_stale_on_error = true
//! ttl_per_carrier = { usps = 300 }
//!
//! [carriers.ups]                 # the table name is the kind unless `kind` says otherwise
//! client_id_env = "UPS_CLIENT_ID"           # `<field>_env`: the value comes from that variable
//! client_secret_env = "UPS_CLIENT_SECRET"
//! account_number = "A1B2C3"
//! base_url = "https://wwwcie.ups.com"
//! rate_limit = "10/s burst 20"
//! timeout_ms = 5000
//!
//! [[plugins]]
//! path = "target/release/libshipmux_canadapost.so"
//! rate_limit = "5/s"
//! ship_from = { country = "CA", postal_code = "K1G 3H7" }  # this account's own warehouse
//! config = { username_env = "CANADAPOST_USERNAME", password_env = "CANADAPOST_PASSWORD" }
//!
//! [[plugins]]                   # the same carrier as a sandboxed WebAssembly component
//! path = "plugins/shipmux_canadapost.wasm"
//! wasm_call_budget_ms = 100      # the longest one call into the component may run
//! wasm_memory_mib = 64           # its memory cap per instance
//! config = { username_env = "CANADAPOST_USERNAME", password_env = "CANADAPOST_PASSWORD" }
//!
//! [exchange_rates]              # carriers answering in another currency than the store's
//! base = "USD"
//! rates = { CAD = "1.3625" }     # 1 USD = 1.3625 CAD
//!
//! [rules]
//! file = "rules.json"            # shipmux rules JSON: {"zones": [...]}
//! # or a BigCommerce store's export:
//! # bigcommerce_zones = "zones.json"
//! # bigcommerce_methods = { "1" = "zone-1-methods.json" }
//! # weight_unit = "lb"
//! ```
//!
//! Carrier-specific fields go to that carrier's own config type (`UpsConfig`, …) after every
//! `<field>_env` is replaced by the variable's value; relative paths are relative to the
//! config file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use shipmux_core::rules::{BigCommerceImport, ZoneMatcher};
use shipmux_core::{Address, CarrierId, Error, ExchangeRates, Result, Secret, WeightUnit};

use crate::cache::{CacheOptions, QuoteCache};
use crate::fanout::Stragglers;
use crate::host::HostOptions;
use crate::resilience::RateLimit;

/// The whole configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Deadlines and straggler policy.
    #[serde(default)]
    pub host: HostSection,
    /// The quote cache.
    #[serde(default)]
    pub cache: CacheSection,
    /// Built-in carriers by id.
    #[serde(default)]
    pub carriers: BTreeMap<String, CarrierSection>,
    /// Carrier plugins to load.
    #[serde(default)]
    pub plugins: Vec<PluginSection>,
    /// Shipping rules for checkouts.
    #[serde(default)]
    pub rules: Option<RulesSection>,
    /// `shipmux serve`: keys, limits, BigCommerce stores.
    #[serde(default)]
    pub serve: ServeSection,
    /// Exchange rates for pricing carriers' rates in the store's currency:
    /// `[exchange_rates] base = "USD"` and `rates = { CAD = "1.3625" }`.
    #[serde(default)]
    pub exchange_rates: ExchangeRates,
    /// Redis shared by several `serve` replicas: `[redis] url = "redis://…"`.
    #[serde(default)]
    pub redis: Option<RedisSection>,
    /// The folder relative paths are read from (the config file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// Plugins standing in for the configured account of their carrier (the CLI's
    /// `--plugin FILE`): the account keeps its section's settings and credentials and runs on
    /// the plugin instead — a `[carriers.<id>]` of the built-in carrier the plugin is a build
    /// of, or a `[[plugins]]` section of the same plugin library (in another kind of file,
    /// say). A stand-in that matches no enabled account is a `config` error when the
    /// registry is built.
    #[serde(skip)]
    pub stand_ins: Vec<crate::plugin::Plugin>,
}

/// `[redis]`: the state several replicas share (the quote cache's second level).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSection {
    /// `redis://host:port` or `redis+unix:///path`; may hold a password (never logged).
    pub url: Secret,
    /// Longest wait for one Redis call, in milliseconds (default 50).
    pub timeout_ms: Option<u64>,
    /// After a failure, how long to work without Redis before trying again, in milliseconds
    /// (default 1000).
    pub retry_after_ms: Option<u64>,
    /// Put before every key (default `shipmux:`).
    pub prefix: Option<String>,
    /// How many replicas share this Redis: while it is unavailable, each keeps to its share of
    /// every carrier's rate limit (the limit ÷ replicas). Default 1.
    pub replicas: Option<u32>,
    /// With a `rediss://` URL: the PEM certificate(s) to trust for Redis's TLS certificate
    /// instead of the system's roots (relative to the config file).
    pub ca_file: Option<PathBuf>,
}

impl RedisSection {
    /// Redis at `url` with the defaults.
    pub fn at(url: &str) -> Self {
        RedisSection {
            url: Secret::new(url),
            timeout_ms: None,
            retry_after_ms: None,
            prefix: None,
            replicas: None,
            ca_file: None,
        }
    }

    /// How many replicas share each limit (at least 1).
    pub fn replicas(&self) -> u32 {
        self.replicas.unwrap_or(1).max(1)
    }

    /// A connection to this Redis (made on first use).
    #[cfg(feature = "redis")]
    pub fn connect(&self) -> Result<std::sync::Arc<crate::redis::Redis>> {
        let mut options = crate::redis::RedisOptions::new(self.url.expose());
        if let Some(ms) = self.timeout_ms {
            options.timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(ms) = self.retry_after_ms {
            options.retry_after = Duration::from_millis(ms);
        }
        if let Some(prefix) = &self.prefix {
            options.prefix.clone_from(prefix);
        }
        options.ca_file.clone_from(&self.ca_file);
        crate::redis::Redis::connect(options)
    }

    /// `cache` over this Redis as its shared second level.
    #[cfg(feature = "redis")]
    pub fn under(&self, cache: QuoteCache) -> Result<QuoteCache> {
        let redis = self.connect()?;
        Ok(cache.with_second_level(std::sync::Arc::new(crate::redis::RedisCache::new(redis))))
    }

    /// Without the `redis` feature, a config that asks for Redis is refused.
    #[cfg(not(feature = "redis"))]
    pub fn under(&self, _cache: QuoteCache) -> Result<QuoteCache> {
        Err(Error::config(
            "[redis] needs shipmux-host built with its `redis` feature",
        ))
    }
}

/// `[host]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HostSection {
    /// Quote deadline in milliseconds.
    pub quote_deadline_ms: u64,
    /// What happens to carriers still working at the deadline.
    pub stragglers: Stragglers,
}

impl Default for HostSection {
    fn default() -> Self {
        HostSection {
            quote_deadline_ms: 5000,
            stragglers: Stragglers::Cancel,
        }
    }
}

/// `[serve]`: how `shipmux serve` answers (see `serve::ServeOptions` for the defaults).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSection {
    /// The environment variable holding the `/v1` API keys, comma-separated.
    pub api_keys_env: Option<String>,
    /// The largest request body, in KiB.
    pub body_limit_kb: Option<usize>,
    /// Requests worked on at once before shedding with 503.
    pub max_in_flight: Option<usize>,
    /// Added to the quote deadline for each request's deadline, in milliseconds.
    pub deadline_margin_ms: Option<u64>,
    /// Store accounts idle this long are dropped, in seconds.
    pub tenant_idle_secs: Option<u64>,
    /// At most this many store accounts are held.
    pub max_tenants: Option<u64>,
    /// `[serve.bigcommerce]`.
    #[serde(default)]
    pub bigcommerce: BigCommerceSection,
}

/// `[serve.bigcommerce]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BigCommerceSection {
    /// The `ttl` of answers, in seconds.
    pub ttl_secs: Option<u32>,
    /// Line items one rate request may carry.
    pub max_items: Option<usize>,
    /// Per store id, where its shared secret comes from:
    /// `stores = { "1001" = { secret_env = "STORE_1001_SECRET" } }`.
    #[serde(default)]
    pub stores: BTreeMap<String, StoreSection>,
}

/// One BigCommerce store.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSection {
    /// The environment variable holding the store's shared secret.
    pub secret_env: String,
}

/// `[cache]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSection {
    /// Whether quotes are cached at all.
    pub enabled: bool,
    /// Most entries.
    pub capacity: u64,
    /// Approximate memory bound of the entries, in MiB (none by default).
    pub max_mb: Option<u64>,
    /// Freshness in seconds.
    pub ttl_secs: u64,
    /// Per-carrier freshness in seconds.
    pub ttl_per_carrier: BTreeMap<String, u64>,
    /// Serve the last good answer when a carrier fails.
    pub serve_stale_on_error: bool,
    /// How old a stale answer may be, in seconds.
    pub max_stale_secs: u64,
}

impl Default for CacheSection {
    fn default() -> Self {
        let d = CacheOptions::default();
        CacheSection {
            enabled: d.enabled,
            capacity: d.capacity,
            max_mb: d.max_bytes.map(|b| b >> 20),
            ttl_secs: d.ttl.as_secs(),
            ttl_per_carrier: BTreeMap::new(),
            serve_stale_on_error: d.serve_stale_on_error,
            max_stale_secs: d.max_stale.as_secs(),
        }
    }
}

/// How the host calls one carrier account (shared by built-ins and plugins).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSettings {
    /// Requests allowed, e.g. `"10/s burst 20"` (FedEx defaults to `1400/10s`).
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Deadline of a whole call, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Deadline of one HTTP attempt, in milliseconds.
    #[serde(default)]
    pub attempt_timeout_ms: Option<u64>,
    /// Attempts per request including the first.
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// The account's own origin (a warehouse): every quote ships from it instead of the
    /// request's origin (see [`crate::layers::ShipFromLayer`]).
    #[serde(default)]
    pub ship_from: Option<Address>,
}

/// `[carriers.<id>]`: host settings plus the carrier's own fields.
#[derive(Clone, Deserialize)]
pub struct CarrierSection {
    /// Which built-in carrier (`ups`, `fedex`, `usps`, `canadapost`); defaults to the table name.
    #[serde(default)]
    pub kind: Option<String>,
    /// Set `false` to keep the section but not use the carrier.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Rate limit and deadlines.
    #[serde(flatten)]
    pub call: CallSettingsFlat,
    /// Everything else: the carrier's own config (`<field>_env` read from the environment).
    #[serde(flatten)]
    pub settings: toml::Table,
}

/// [`CallSettings`] as flattened fields of a carrier section.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CallSettingsFlat {
    /// See [`CallSettings::rate_limit`].
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// See [`CallSettings::timeout_ms`].
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// See [`CallSettings::attempt_timeout_ms`].
    #[serde(default)]
    pub attempt_timeout_ms: Option<u64>,
    /// See [`CallSettings::max_attempts`].
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// See [`CallSettings::ship_from`].
    #[serde(default)]
    pub ship_from: Option<Address>,
}

impl From<&CallSettingsFlat> for CallSettings {
    fn from(f: &CallSettingsFlat) -> Self {
        CallSettings {
            rate_limit: f.rate_limit,
            timeout_ms: f.timeout_ms,
            attempt_timeout_ms: f.attempt_timeout_ms,
            max_attempts: f.max_attempts,
            ship_from: f.ship_from.clone(),
        }
    }
}

fn yes() -> bool {
    true
}

/// `[[plugins]]`: a carrier plugin library and its config.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginSection {
    /// The `.so` / `.dylib` / `.dll`, or a `.wasm` component.
    pub path: PathBuf,
    /// The plugin's config (`<field>_env` read from the environment).
    #[serde(default)]
    pub config: toml::Table,
    /// Rate limit of the plugin carrier's account.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Deadline of a whole call, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// The plugin account's own origin (see [`CallSettings::ship_from`]).
    #[serde(default)]
    pub ship_from: Option<Address>,
    /// A `.wasm` plugin's call budget in milliseconds (default 100).
    #[serde(default)]
    pub wasm_call_budget_ms: Option<u64>,
    /// A `.wasm` plugin's memory cap per instance in MiB (default 64).
    #[serde(default)]
    pub wasm_memory_mib: Option<u64>,
}

#[cfg(feature = "wasm")]
impl PluginSection {
    /// The sandbox limits of a `.wasm` plugin: the defaults, with this section's settings.
    pub fn wasm_limits(&self) -> crate::plugin::WasmLimits {
        let mut limits = crate::plugin::WasmLimits::default();
        if let Some(ms) = self.wasm_call_budget_ms {
            limits.call_budget = std::time::Duration::from_millis(ms);
        }
        if let Some(mib) = self.wasm_memory_mib {
            limits.memory_bytes =
                usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
        }
        limits
    }
}

/// `[rules]`: where zones and methods come from.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// shipmux rules JSON (`{"zones": [...]}`).
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// BigCommerce `GET /shipping/zones` JSON.
    #[serde(default)]
    pub bigcommerce_zones: Option<PathBuf>,
    /// BigCommerce methods JSON per zone id.
    #[serde(default)]
    pub bigcommerce_methods: BTreeMap<String, PathBuf>,
    /// The store's weight unit for BigCommerce weight ranges (`lb` by default).
    #[serde(default)]
    pub weight_unit: Option<String>,
}

fn is_sensitive(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    !k.ends_with("_env")
        && ["secret", "password", "token", "key", "username"]
            .iter()
            .any(|s| k.contains(s))
}

struct RedactedTable<'a>(&'a toml::Table);

impl fmt::Debug for RedactedTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in self.0 {
            if is_sensitive(k) {
                map.entry(k, &"[redacted]");
            } else if let toml::Value::Table(t) = v {
                map.entry(k, &RedactedTable(t));
            } else {
                map.entry(k, v);
            }
        }
        map.finish()
    }
}

impl fmt::Debug for CarrierSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CarrierSection")
            .field("kind", &self.kind)
            .field("enabled", &self.enabled)
            .field("call", &self.call)
            .field("settings", &RedactedTable(&self.settings))
            .finish()
    }
}

impl fmt::Debug for PluginSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginSection")
            .field("path", &self.path)
            .field("config", &RedactedTable(&self.config))
            .field("rate_limit", &self.rate_limit)
            .field("timeout_ms", &self.timeout_ms)
            .field("ship_from", &self.ship_from)
            .field("wasm_call_budget_ms", &self.wasm_call_budget_ms)
            .field("wasm_memory_mib", &self.wasm_memory_mib)
            .finish()
    }
}

impl Config {
    /// Reads a config file.
    pub fn load(path: impl AsRef<Path>) -> Result<Config> {
        crate::builtin::install_builtins();
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::config(format!("cannot read config file {}: {e}", path.display()))
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Config::from_toml(&text, base).map_err(|mut e| {
            e.message = format!("config file {}: {}", path.display(), e.message);
            e
        })
    }

    /// The stand-in (see [`Config::stand_ins`]) for an account of the built-in carrier `kind`.
    pub fn stand_in_for_builtin(&self, kind: &str) -> Option<&crate::plugin::Plugin> {
        self.stand_ins
            .iter()
            .find(|p| crate::builtin::builtin_of_plugin(p).is_some_and(|b| b.id() == kind))
    }

    /// The stand-in (see [`Config::stand_ins`]) built from the library `stem`
    /// (`shipmux_canadapost`).
    pub fn stand_in_for_library(&self, stem: &str) -> Option<&crate::plugin::Plugin> {
        self.stand_ins.iter().find(|p| p.library_stem() == stem)
    }

    /// Parses config text; relative paths resolve against `base_dir`.
    pub fn from_toml(text: &str, base_dir: impl Into<PathBuf>) -> Result<Config> {
        crate::builtin::install_builtins();
        let mut config: Config =
            toml::from_str(text).map_err(|e| Error::config(format!("invalid TOML: {e}")))?;
        config.base_dir = base_dir.into();
        for id in config.carriers.keys() {
            CarrierId::new(id)
                .map_err(|e| Error::config(format!("carriers.{id}: {}", e.message)))?;
        }
        Ok(config)
    }

    /// The exchange rates, checked.
    pub fn exchange_rates(&self) -> Result<ExchangeRates> {
        self.exchange_rates
            .validate("exchange_rates")
            .map_err(|e| Error::config(e.message))?;
        Ok(self.exchange_rates.clone())
    }

    /// Host options from `[host]`.
    pub fn host_options(&self) -> HostOptions {
        HostOptions {
            quote_deadline: Duration::from_millis(self.host.quote_deadline_ms),
            stragglers: self.host.stragglers,
        }
    }

    /// Cache options from `[cache]`.
    pub fn cache_options(&self) -> Result<CacheOptions> {
        let mut ttl_per_carrier = std::collections::HashMap::new();
        for (id, secs) in &self.cache.ttl_per_carrier {
            let id = CarrierId::new(id)
                .map_err(|e| Error::config(format!("cache.ttl_per_carrier.{id}: {}", e.message)))?;
            ttl_per_carrier.insert(id, Duration::from_secs(*secs));
        }
        Ok(CacheOptions {
            enabled: self.cache.enabled,
            capacity: self.cache.capacity,
            max_bytes: self.cache.max_mb.map(|mb| mb.saturating_mul(1 << 20)),
            ttl: Duration::from_secs(self.cache.ttl_secs),
            ttl_per_carrier,
            serve_stale_on_error: self.cache.serve_stale_on_error,
            max_stale: Duration::from_secs(self.cache.max_stale_secs),
            ..CacheOptions::default()
        })
    }

    /// The quote cache from `[cache]`, over the Redis of `[redis]` when there is one;
    /// `redis_url` (the `--redis` flag) takes the section's URL's place, or adds one.
    pub fn quote_cache(&self, redis_url: Option<&str>) -> Result<QuoteCache> {
        let cache = QuoteCache::new(self.cache_options()?);
        match self.redis_section(redis_url) {
            Some(section) => section.under(cache),
            None => Ok(cache),
        }
    }

    /// `[redis]`, with `redis_url` (the `--redis` flag) in place of its URL, or alone.
    pub fn redis_section(&self, redis_url: Option<&str>) -> Option<RedisSection> {
        let mut section = match (redis_url, &self.redis) {
            (Some(url), Some(section)) => RedisSection {
                url: Secret::new(url),
                ..section.clone()
            },
            (Some(url), None) => RedisSection::at(url),
            (None, section) => section.clone()?,
        };
        section.ca_file = section.ca_file.map(|p| self.resolve_path(&p));
        Some(section)
    }

    /// A path from the config, resolved against the config file's folder.
    pub fn resolve_path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    /// The shipping rules from `[rules]` (no zones when absent).
    pub fn load_rules(&self) -> Result<ZoneMatcher> {
        let Some(rules) = &self.rules else {
            return Ok(ZoneMatcher::default());
        };
        let read = |p: &Path| {
            let p = self.resolve_path(p);
            std::fs::read_to_string(&p)
                .map_err(|e| Error::config(format!("rules: cannot read {}: {e}", p.display())))
        };
        match (&rules.file, &rules.bigcommerce_zones) {
            (Some(_), Some(_)) => Err(Error::config(
                "rules: give either `file` or `bigcommerce_zones`, not both",
            )),
            (Some(file), None) => serde_json::from_str(&read(file)?).map_err(|e| {
                let shown = self.resolve_path(file);
                Error::config(format!("rules.file {}: {e}", shown.display()))
            }),
            (None, Some(zones)) => {
                let unit = match rules.weight_unit.as_deref() {
                    None => WeightUnit::Lb,
                    Some(u) => WeightUnit::parse(u).ok_or_else(|| {
                        Error::config(format!("rules.weight_unit: unknown unit `{u}`"))
                    })?,
                };
                let zones = read(zones)?;
                let methods = rules
                    .bigcommerce_methods
                    .iter()
                    .map(|(id, p)| Ok((id.clone(), read(p)?)))
                    .collect::<Result<Vec<_>>>()?;
                BigCommerceImport::new(unit).rules(
                    &zones,
                    methods
                        .iter()
                        .map(|(id, json)| (id.as_str(), json.as_str())),
                )
            }
            (None, None) => Ok(ZoneMatcher::default()),
        }
    }
}

/// Turns a carrier's TOML fields into JSON for its config type, replacing every
/// `<field>_env = "VAR"` by `<field> = <value of VAR>`. A missing variable is a `config` error
/// naming the variable (never a value).
pub fn resolve_env(
    section: &str,
    table: &toml::Table,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<serde_json::Value> {
    let mut out = serde_json::Map::new();
    for (key, value) in table {
        match (key.strip_suffix("_env"), value) {
            (Some(field), toml::Value::String(var)) => {
                let v = lookup(var).filter(|v| !v.is_empty()).ok_or_else(|| {
                    Error::config(format!(
                        "{section}.{key}: environment variable {var} is not set"
                    ))
                })?;
                out.insert(field.to_string(), serde_json::Value::String(v));
            }
            (_, toml::Value::Table(inner)) => {
                out.insert(
                    key.clone(),
                    resolve_env(&format!("{section}.{key}"), inner, lookup)?,
                );
            }
            _ => {
                let v = serde_json::to_value(value)
                    .map_err(|e| Error::config(format!("{section}.{key}: {e}")))?;
                out.insert(key.clone(), v);
            }
        }
    }
    Ok(serde_json::Value::Object(out))
}
