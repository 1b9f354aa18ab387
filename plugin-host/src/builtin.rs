//! The one place that knows the built-in carriers: turns `[carriers.*]` and `[[plugins]]` into
//! a [`Registry`] of [`HttpCarrier`]s on one shared [`HttpDriver`].

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::{Carrier, CarrierDescriptor, CarrierProtocol, Error, Result};

use crate::config::{CallSettings, Config, PluginSection, resolve_env};
use crate::host::Host;
use crate::http::{HttpCarrier, HttpCarrierOptions, HttpDriver};
use crate::layers::{Layer, ShipFromLayer};
use crate::plugin::Plugin;
use crate::registry::Registry;
use crate::resilience::{RateLimit, RetryPolicy};

/// A built-in carrier: its descriptor and, with feature `sandboxes`, its simulator's.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    /// What the carrier says about itself.
    pub carrier: &'static CarrierDescriptor,
    /// How to run its simulator.
    #[cfg(feature = "sandboxes")]
    pub sandbox: &'static shipmux_sandbox::SandboxDescriptor,
}

impl Builtin {
    /// The carrier's id.
    pub fn id(&self) -> &'static str {
        self.carrier.id
    }
}

/// A carrier crate as a [`Builtin`]: the crate exports `DESCRIPTOR` (and `SANDBOX` under its
/// `sandbox` feature).
#[allow(unused_macros)] // unused in a build with no built-in carrier
macro_rules! builtin {
    ($carrier:ident) => {
        Builtin {
            carrier: &$carrier::DESCRIPTOR,
            #[cfg(feature = "sandboxes")]
            sandbox: &$carrier::SANDBOX,
        }
    };
}

/// The built-in carriers, in the order they are listed, started and printed. Adding a
/// carrier is its crate plus one line here (and its feature in `Cargo.toml`).
static BUILTINS: &[Builtin] = &[
    #[cfg(feature = "ups")]
    builtin!(shipmux_ups),
    #[cfg(feature = "fedex")]
    builtin!(shipmux_fedex),
    #[cfg(feature = "usps")]
    builtin!(shipmux_usps),
    #[cfg(feature = "canadapost")]
    builtin!(shipmux_canadapost),
    #[cfg(feature = "dhlexpress")]
    builtin!(shipmux_dhlexpress),
];

/// Every built-in carrier compiled into this build.
pub fn builtins() -> &'static [Builtin] {
    BUILTINS
}

/// Makes the built-in carriers known to the process ([`shipmux_core::descriptor::install`]),
/// so that core's functions that cannot be handed a list — reading orders and BigCommerce
/// zones, detecting a tracking number's carrier — know them. Called when a host is built, a
/// config is loaded and the CLI starts; cheap to call again.
pub fn install_builtins() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let descriptors: Vec<&'static CarrierDescriptor> = descriptors().collect();
        shipmux_core::descriptor::install(&descriptors);
    });
}

/// The built-in carrier with id `id`.
pub fn builtin(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id() == id)
}

/// The built-in carrier that `plugin` is a build of (its descriptor names the plugin's
/// library), e.g. Canada Post for `shipmux_canadapost.wasm`.
pub fn builtin_of_plugin(plugin: &Plugin) -> Option<&'static Builtin> {
    let stem = plugin.library_stem();
    BUILTINS
        .iter()
        .find(|b| b.carrier.plugin_library == Some(stem.as_str()))
}

/// The built-in carriers' descriptors.
pub fn descriptors() -> impl Iterator<Item = &'static CarrierDescriptor> + Clone {
    BUILTINS.iter().map(|b| b.carrier)
}

/// The built-in carriers' ids, for messages (`ups, fedex, usps, canadapost`).
pub fn builtin_ids() -> String {
    BUILTINS
        .iter()
        .map(Builtin::id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rate limit a carrier gets when its config names none: the quota its descriptor
/// publishes (FedEx: 1,400 per 10 s).
pub fn default_rate_limit(kind: &str) -> Option<RateLimit> {
    let limit = builtin(kind)?.carrier.default_rate_limit?;
    Some(RateLimit::new(limit.requests, limit.per))
}

pub(crate) fn options(call: &CallSettings, kind: &str) -> HttpCarrierOptions {
    let mut o = HttpCarrierOptions {
        rate_limit: call.rate_limit.or_else(|| default_rate_limit(kind)),
        ..HttpCarrierOptions::default()
    };
    if let Some(ms) = call.timeout_ms {
        o.call_timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = call.attempt_timeout_ms {
        o.attempt_timeout = Duration::from_millis(ms);
    }
    if let Some(n) = call.max_attempts {
        o.retry = RetryPolicy {
            max_attempts: n.max(1),
            ..RetryPolicy::default()
        };
    }
    o
}

/// `carrier` shipping from the account's own warehouse when the section names one.
fn shipping_from(
    carrier: Arc<dyn Carrier>,
    section: &str,
    call: &CallSettings,
) -> Result<Arc<dyn Carrier>> {
    let Some(origin) = &call.ship_from else {
        return Ok(carrier);
    };
    let layer = ShipFromLayer::new(origin.clone())
        .map_err(|e| Error::config(format!("{section}.{}", e.message)))?;
    Ok(layer.layer(carrier))
}

/// A built-in carrier of `kind` from its (env-resolved) config JSON.
pub fn builtin_carrier(
    kind: &str,
    section: &str,
    json: serde_json::Value,
    driver: &HttpDriver,
    call: &CallSettings,
) -> Result<Arc<dyn Carrier>> {
    let Some(builtin) = builtin(kind) else {
        return Err(Error::config(format!(
            "{section}: unknown carrier kind `{kind}` (built in: {})",
            builtin_ids()
        )));
    };
    let protocol = builtin.carrier.protocol_from_config(section, &json)?;
    account(protocol, section, driver, call, kind)
}

/// `protocol` as one carrier account on `driver`, called as `call` says.
fn account(
    protocol: Arc<dyn CarrierProtocol>,
    section: &str,
    driver: &HttpDriver,
    call: &CallSettings,
    kind: &str,
) -> Result<Arc<dyn Carrier>> {
    let carrier = HttpCarrier::from_arc_with_options(protocol, driver.clone(), options(call, kind));
    shipping_from(Arc::new(carrier), section, call)
}

/// The protocol of `plugin` standing in for the account of `section`, made from the
/// section's (env-resolved) config; its carrier must be `kind` when one is expected.
fn stand_in_protocol(
    plugin: &Plugin,
    section: &str,
    json: &serde_json::Value,
    kind: Option<&str>,
) -> Result<Arc<dyn CarrierProtocol>> {
    let protocol = plugin.instantiate(json).map_err(|e| {
        Error::config(format!(
            "{section} on {}: {}",
            plugin.path().display(),
            e.message
        ))
    })?;
    if let Some(kind) = kind {
        expect_carrier(&protocol, plugin, kind)
            .map_err(|e| Error::config(format!("{section}: {}", e.message)))?;
    }
    Ok(Arc::new(protocol))
}

/// A `config` error unless `protocol`, made from `plugin`, is carrier `kind`.
pub(crate) fn expect_carrier(
    protocol: &dyn CarrierProtocol,
    plugin: &Plugin,
    kind: &str,
) -> Result<()> {
    let id = protocol.info().id;
    if id.as_str() == kind {
        return Ok(());
    }
    Err(Error::config(format!(
        "the plugin {} calls itself carrier `{id}`, not `{kind}`",
        plugin.path().display()
    )))
}

/// Loads a `[[plugins]]` file: a `.wasm` with the section's sandbox limits.
fn load_plugin(path: &std::path::Path, section: &PluginSection) -> Result<Plugin> {
    #[cfg(feature = "wasm")]
    if path.extension().is_some_and(|e| e == "wasm") {
        return Plugin::load_wasm(path, section.wasm_limits());
    }
    let _ = section;
    Plugin::load(path)
}

/// `plugin` with `section`'s sandbox limits: a `.wasm` loaded again with them (its compiled
/// form is cached), a native library as it is.
fn under_section(plugin: &Plugin, section: &PluginSection) -> Result<Plugin> {
    match plugin.kind() {
        crate::plugin::PluginKind::Wasm => load_plugin(plugin.path(), section),
        crate::plugin::PluginKind::Native => Ok(plugin.clone()),
    }
}

/// The library stem of a plugin file: `shipmux_canadapost` for `libshipmux_canadapost.so`,
/// `shipmux_canadapost.dll` or `shipmux_canadapost.wasm`.
fn file_library_stem(path: &std::path::Path) -> Option<&str> {
    let stem = path.file_stem()?.to_str()?;
    let is_wasm = path.extension().is_some_and(|e| e == "wasm");
    Some(match stem.strip_prefix("lib") {
        Some(rest) if !is_wasm && !cfg!(windows) => rest,
        _ => stem,
    })
}

/// Every enabled carrier and plugin of `config`, reading credentials with `lookup`
/// (`std::env::var` in production). An account with a stand-in ([`Config::stand_ins`]) runs
/// on it.
pub fn registry_from_config(
    config: &Config,
    driver: &HttpDriver,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Registry> {
    install_builtins();
    let mut registry = Registry::new();
    let mut stood_in = vec![false; config.stand_ins.len()];
    let mut used = |plugin: &Plugin| {
        if let Some(i) = config
            .stand_ins
            .iter()
            .position(|p| p.path() == plugin.path())
        {
            stood_in[i] = true;
        }
    };
    for (id, section) in &config.carriers {
        if !section.enabled {
            continue;
        }
        let name = format!("carriers.{id}");
        let kind = section.kind.as_deref().unwrap_or(id);
        let json = resolve_env(&name, &section.settings, lookup)?;
        let call = (&section.call).into();
        let carrier = match config.stand_in_for_builtin(kind) {
            Some(plugin) => {
                used(plugin);
                let protocol = stand_in_protocol(plugin, &name, &json, Some(kind))?;
                account(protocol, &name, driver, &call, kind)?
            }
            None => builtin_carrier(kind, &name, json, driver, &call)?,
        };
        registry.register(carrier)?;
    }
    for (i, plugin) in config.plugins.iter().enumerate() {
        let name = format!("plugins[{i}]");
        let json = resolve_env(&format!("{name}.config"), &plugin.config, lookup)?;
        let path = config.resolve_path(&plugin.path);
        // A stand-in of the same library replaces the file, found by the file's name or,
        // failing that, by what the file says it is.
        let by_name = file_library_stem(&path).and_then(|s| config.stand_in_for_library(s));
        let loaded = match by_name {
            Some(stand_in) => stand_in.clone(),
            None => load_plugin(&path, plugin)?,
        };
        let protocol = match config.stand_in_for_library(&loaded.library_stem()) {
            Some(stand_in) => {
                used(stand_in);
                stand_in_protocol(&under_section(stand_in, plugin)?, &name, &json, None)?
            }
            None => Arc::new(loaded.instantiate(&json)?),
        };
        registry.register(plugin_account(protocol, &name, driver, plugin)?)?;
    }
    if let Some(i) = stood_in.iter().position(|used| !used) {
        let plugin = &config.stand_ins[i];
        return Err(Error::config(format!(
            "the plugin {} ({}) stands in for no account of the config: it needs an enabled \
             [carriers.<id>] of the carrier it is a build of, or a [[plugins]] section of the \
             same library, to take its settings and credentials from",
            plugin.path().display(),
            plugin.manifest().name
        )));
    }
    Ok(registry)
}

/// The account of a `[[plugins]]` section running `protocol`.
fn plugin_account(
    protocol: Arc<dyn CarrierProtocol>,
    name: &str,
    driver: &HttpDriver,
    section: &PluginSection,
) -> Result<Arc<dyn Carrier>> {
    let call = CallSettings {
        rate_limit: section.rate_limit,
        timeout_ms: section.timeout_ms,
        ship_from: section.ship_from.clone(),
        ..CallSettings::default()
    };
    let kind = protocol.info().id.as_str().to_string();
    account(protocol, name, driver, &call, &kind)
}

/// A whole host from `config`: carriers, plugins, rules, cache, deadlines.
pub fn host_from_config(
    config: &Config,
    driver: &HttpDriver,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Host> {
    let registry = registry_from_config(config, driver, lookup)?;
    Ok(Host::builder(registry)
        .rules(config.load_rules()?)
        .cache(Arc::new(config.quote_cache(None)?))
        .options(config.host_options())
        .exchange_rates(config.exchange_rates()?)
        .build())
}
