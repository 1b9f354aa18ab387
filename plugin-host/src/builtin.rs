//! The one place that knows the built-in carriers: turns `[carriers.*]` and `[[plugins]]` into
//! a [`Registry`] of [`HttpCarrier`]s on one shared [`HttpDriver`].

use std::sync::Arc;
use std::time::Duration;

use shipmux_core::{Carrier, CarrierDescriptor, CarrierProtocol, Error, Result};

use crate::config::{CallSettings, Config, resolve_env};
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
    let carrier = HttpCarrier::from_arc_with_options(protocol, driver.clone(), options(call, kind));
    shipping_from(Arc::new(carrier), section, call)
}

/// Every enabled carrier and plugin of `config`, reading credentials with `lookup`
/// (`std::env::var` in production).
pub fn registry_from_config(
    config: &Config,
    driver: &HttpDriver,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Registry> {
    install_builtins();
    let mut registry = Registry::new();
    for (id, section) in &config.carriers {
        if !section.enabled {
            continue;
        }
        let name = format!("carriers.{id}");
        let kind = section.kind.as_deref().unwrap_or(id);
        let json = resolve_env(&name, &section.settings, lookup)?;
        let carrier = builtin_carrier(kind, &name, json, driver, &(&section.call).into())?;
        registry.register(carrier)?;
    }
    for (i, plugin) in config.plugins.iter().enumerate() {
        let name = format!("plugins[{i}]");
        let json = resolve_env(&format!("{name}.config"), &plugin.config, lookup)?;
        let path = config.resolve_path(&plugin.path);
        #[cfg(feature = "wasm")]
        let loaded = if path.extension().is_some_and(|e| e == "wasm") {
            Plugin::load_wasm(&path, plugin.wasm_limits())?
        } else {
            Plugin::load(&path)?
        };
        #[cfg(not(feature = "wasm"))]
        let loaded = Plugin::load(&path)?;
        let protocol: Arc<dyn CarrierProtocol> = Arc::new(loaded.instantiate(&json)?);
        let call = CallSettings {
            rate_limit: plugin.rate_limit,
            timeout_ms: plugin.timeout_ms,
            ship_from: plugin.ship_from.clone(),
            ..CallSettings::default()
        };
        let kind = protocol.info().id.as_str().to_string();
        let carrier =
            HttpCarrier::from_arc_with_options(protocol, driver.clone(), options(&call, &kind));
        registry.register(shipping_from(Arc::new(carrier), &name, &call)?)?;
    }
    Ok(registry)
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
