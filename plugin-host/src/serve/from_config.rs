//! The service's options and the operator's accounts from the host's config file.

use std::collections::BTreeMap;
use std::time::Duration;

use shipmux_core::{CarrierId, Error, Result, Secret};

use super::options::ServeOptions;
use super::tenants::AccountTemplate;
use crate::builtin::builtin;
use crate::config::{Config, ServeSection, resolve_env};

/// The environment variable read for `/v1` API keys when the config names none.
pub const API_KEYS_ENV: &str = "SHIPMUX_API_KEYS";

/// [`ServeOptions`] from `[serve]`, reading secrets with `lookup` (`std::env::var`). A named
/// variable that is not set is a `config` error naming it (never a value).
pub fn serve_options(
    section: &ServeSection,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<ServeOptions> {
    let mut o = ServeOptions::default();
    let keys_var = section.api_keys_env.as_deref();
    let keys = match keys_var {
        Some(var) => Some(lookup(var).ok_or_else(|| {
            Error::config(format!(
                "serve.api_keys_env: environment variable {var} is not set"
            ))
        })?),
        None => lookup(API_KEYS_ENV),
    };
    o.api_keys = keys
        .iter()
        .flat_map(|k| k.split(','))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(Secret::new)
        .collect();
    if let Some(kb) = section.body_limit_kb {
        o.body_limit = kb.max(1) * 1024;
    }
    if let Some(n) = section.max_in_flight {
        o.max_in_flight = n.max(1);
    }
    if let Some(ms) = section.deadline_margin_ms {
        o.deadline_margin = Duration::from_millis(ms);
    }
    if let Some(s) = section.tenant_idle_secs {
        o.tenant_idle = Duration::from_secs(s.max(1));
    }
    if let Some(n) = section.max_tenants {
        o.max_tenants = n;
    }
    let bc = &section.bigcommerce;
    if let Some(ttl) = bc.ttl_secs {
        o.bigcommerce.ttl_seconds = ttl;
    }
    if let Some(n) = bc.max_items {
        o.bigcommerce.max_items = n.max(1);
    }
    for (store, s) in &bc.stores {
        let secret = lookup(&s.secret_env).filter(|v| !v.trim().is_empty()).ok_or_else(|| {
            Error::config(format!(
                "serve.bigcommerce.stores.{store}.secret_env: environment variable {} is not set",
                s.secret_env
            ))
        })?;
        o.bigcommerce
            .store_secrets
            .insert(store.clone(), Secret::new(secret.trim()));
    }
    Ok(o)
}

/// The operator's account of each enabled built-in carrier of `config`: what stores' own
/// accounts of it are built on.
pub fn account_templates(
    config: &Config,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<BTreeMap<CarrierId, AccountTemplate>> {
    let mut out = BTreeMap::new();
    for (id, section) in &config.carriers {
        if !section.enabled {
            continue;
        }
        let kind = section.kind.as_deref().unwrap_or(id);
        let Some(b) = builtin(kind) else { continue };
        let name = format!("carriers.{id}");
        let json = resolve_env(&name, &section.settings, lookup)?;
        out.insert(
            b.carrier.carrier_id(),
            AccountTemplate {
                descriptor: b.carrier,
                config: json,
                call: crate::builtin::options(&(&section.call).into(), kind),
                plugin: config.stand_in_for_builtin(kind).cloned(),
            },
        );
    }
    Ok(out)
}
