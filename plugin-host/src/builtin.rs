//! The one place that knows the built-in carriers: turns `[carriers.*]` and `[[plugins]]` into
//! a [`Registry`] of [`HttpCarrier`]s on one shared [`HttpDriver`].

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use shipmux_core::{Carrier, CarrierProtocol, Error, Result};

use crate::config::{CallSettings, Config, resolve_env};
use crate::host::Host;
use crate::http::{HttpCarrier, HttpCarrierOptions, HttpDriver};
use crate::layers::{Layer, ShipFromLayer};
use crate::plugin::Plugin;
use crate::registry::Registry;
use crate::resilience::{RateLimit, RetryPolicy};

/// The built-in carrier kinds.
pub const BUILTIN_KINDS: [&str; 4] = [
    shipmux_ups::CARRIER_ID,
    shipmux_fedex::CARRIER_ID,
    shipmux_usps::CARRIER_ID,
    shipmux_canadapost::CARRIER_ID,
];

/// The rate limit a carrier gets when its config names none (FedEx publishes 1,400 per 10 s).
pub fn default_rate_limit(kind: &str) -> Option<RateLimit> {
    match kind {
        shipmux_fedex::CARRIER_ID => {
            let (n, per) = shipmux_fedex::DEFAULT_RATE_LIMIT;
            Some(RateLimit::new(n, per))
        }
        _ => None,
    }
}

fn options(call: &CallSettings, kind: &str) -> HttpCarrierOptions {
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

fn config_of<T: DeserializeOwned>(section: &str, json: serde_json::Value) -> Result<T> {
    serde_json::from_value(json).map_err(|e| Error::config(format!("{section}: {e}")))
}

fn driven<P: CarrierProtocol>(
    protocol: P,
    driver: &HttpDriver,
    options: HttpCarrierOptions,
) -> Arc<dyn Carrier> {
    Arc::new(HttpCarrier::with_options(protocol, driver.clone(), options))
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
    let o = options(call, kind);
    let named = |e: Error| Error::config(format!("{section}: {}", e.message));
    let carrier = match kind {
        shipmux_ups::CARRIER_ID => driven(
            shipmux_ups::UpsProtocol::new(config_of(section, json)?).map_err(named)?,
            driver,
            o,
        ),
        shipmux_fedex::CARRIER_ID => driven(
            shipmux_fedex::FedexProtocol::new(config_of(section, json)?).map_err(named)?,
            driver,
            o,
        ),
        shipmux_usps::CARRIER_ID => driven(
            shipmux_usps::UspsProtocol::new(config_of(section, json)?).map_err(named)?,
            driver,
            o,
        ),
        shipmux_canadapost::CARRIER_ID => driven(
            shipmux_canadapost::CanadaPostProtocol::new(config_of(section, json)?)
                .map_err(named)?,
            driver,
            o,
        ),
        other => {
            return Err(Error::config(format!(
                "{section}: unknown carrier kind `{other}` (built in: {})",
                BUILTIN_KINDS.join(", ")
            )));
        }
    };
    shipping_from(carrier, section, call)
}

/// Every enabled carrier and plugin of `config`, reading credentials with `lookup`
/// (`std::env::var` in production).
pub fn registry_from_config(
    config: &Config,
    driver: &HttpDriver,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Registry> {
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
        let loaded = Plugin::load(config.resolve_path(&plugin.path))?;
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
        .cache_options(config.cache_options()?)
        .options(config.host_options())
        .build())
}
