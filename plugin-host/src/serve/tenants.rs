//! Store accounts: a store may connect its own account of a carrier by sending the carrier's
//! connection fields (its descriptor's `connection`, as `<carrier>_<field>`, e.g.
//! `ups_client_id`) in BigCommerce's `connection_options`. Each (carrier, credentials) gets its
//! own [`HttpCarrier`] on the shared [`HttpDriver`] — its own OAuth token, rate limit, circuit
//! breaker and cache entries — built on the operator's account of that carrier (its endpoint
//! and settings, never its credentials). Accounts idle for a while, or beyond the most held,
//! are dropped; the next request builds them again.

use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use shipmux_core::descriptor::CarrierDescriptor;
use shipmux_core::{Carrier, CarrierId, Error};

use crate::http::{HttpCarrier, HttpCarrierOptions, HttpDriver};

/// The operator's account of one carrier: what a store's own account of it starts from.
#[derive(Clone)]
pub struct AccountTemplate {
    /// The carrier.
    pub descriptor: &'static CarrierDescriptor,
    /// The operator's config JSON for it (credentials are replaced by the store's).
    pub config: serde_json::Value,
    /// How its calls are made.
    pub call: HttpCarrierOptions,
    /// The plugin the operator's account runs on (a store's account runs on it too);
    /// `None` for the built-in protocol.
    pub plugin: Option<crate::plugin::Plugin>,
}

impl std::fmt::Debug for AccountTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountTemplate")
            .field("carrier", &self.descriptor.id)
            .finish_non_exhaustive()
    }
}

/// A carrier to ask for one store, and the cache scope of its account (`""`: the operator's).
#[derive(Clone)]
pub struct StoreCarrier {
    /// The carrier.
    pub carrier: Arc<dyn Carrier>,
    /// Keeps its cached answers apart from other accounts'.
    pub scope: String,
}

/// The store accounts held, built on demand.
pub struct Tenants {
    driver: Option<HttpDriver>,
    templates: BTreeMap<CarrierId, AccountTemplate>,
    accounts: moka::sync::Cache<AccountKey, Arc<dyn Carrier>>,
    /// Keys the accounts' scope digests (SipHash-1-3, 128 bits): a store's scope names its
    /// account without revealing any of its fields.
    scope_key: [u8; 16],
}

impl std::fmt::Debug for Tenants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenants")
            .field("templates", &self.templates.keys().collect::<Vec<_>>())
            .field("accounts", &self.accounts.entry_count())
            .finish_non_exhaustive()
    }
}

/// One store account: the carrier and every connection field's value.
#[derive(Clone, PartialEq, Eq, Hash)]
struct AccountKey {
    carrier: CarrierId,
    fields: Vec<(&'static str, String)>,
}

impl Tenants {
    /// Accounts built on `accounts`' templates (none: stores use the operator's accounts), at
    /// most `max` held, each dropped after `idle` unused.
    pub fn new(accounts: Option<super::Accounts>, max: u64, idle: Duration) -> Self {
        let (driver, templates, scope_key) = match accounts {
            Some(a) => (Some(a.driver), a.templates, a.scope_key),
            None => (None, BTreeMap::new(), None),
        };
        Tenants {
            driver,
            templates,
            accounts: moka::sync::Cache::builder()
                .max_capacity(max)
                .time_to_idle(idle)
                .build(),
            scope_key: scope_key.unwrap_or_else(rand::random),
        }
    }

    /// How many store accounts are held.
    pub fn len(&self) -> u64 {
        self.accounts.run_pending_tasks();
        self.accounts.entry_count()
    }

    /// Whether no store account is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The carriers a store with `options` (BigCommerce `connection_options`) is quoted by:
    /// for each of `carriers` (the operator's, registered in the host), the store's own
    /// account when it sent that carrier's fields, else the operator's. An incomplete set of
    /// fields, a field that is not text, or fields of a carrier with no operator account are
    /// an `invalid_request` naming `connection_options.<field>`.
    pub fn for_store(
        &self,
        carriers: &[Arc<dyn Carrier>],
        options: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Vec<StoreCarrier>, Error> {
        let mut out = Vec::with_capacity(carriers.len());
        for carrier in carriers {
            let id = carrier.info().id.clone();
            match self.account(&id, options)? {
                Some(own) => out.push(own),
                None => out.push(StoreCarrier {
                    carrier: carrier.clone(),
                    scope: String::new(),
                }),
            }
        }
        // Fields for a carrier the operator does not run.
        for key in options.keys() {
            if let Some((carrier, _)) = key.split_once('_')
                && shipmux_core::descriptor::known()
                    .iter()
                    .any(|d| d.id == carrier && key_is_field(d, key))
                && !carriers.iter().any(|c| c.info().id.as_str() == carrier)
            {
                return Err(Error::invalid_request(
                    &format!("connection_options.{key}"),
                    format!("carrier `{carrier}` is not offered by this server"),
                ));
            }
        }
        Ok(out)
    }

    /// The store's own account of `carrier`, when `options` carries any of its fields.
    fn account(
        &self,
        carrier: &CarrierId,
        options: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Option<StoreCarrier>, Error> {
        let (Some(template), Some(driver)) = (self.templates.get(carrier), &self.driver) else {
            return Ok(None);
        };
        let d = template.descriptor;
        let mut fields = Vec::new();
        for field in d.connection {
            let name = format!("{}_{}", d.id, field.name);
            match options.get(&name) {
                None | Some(serde_json::Value::Null) => {}
                Some(serde_json::Value::String(v)) if v.trim().is_empty() => {}
                Some(serde_json::Value::String(v)) => {
                    fields.push((field.name, v.trim().to_string()))
                }
                Some(_) => {
                    return Err(Error::invalid_request(
                        &format!("connection_options.{name}"),
                        "must be text",
                    ));
                }
            }
        }
        if fields.is_empty() {
            return Ok(None);
        }
        if let Some(missing) = d
            .connection
            .iter()
            .find(|f| f.required && !fields.iter().any(|(n, _)| n == &f.name))
        {
            return Err(Error::invalid_request(
                &format!("connection_options.{}_{}", d.id, missing.name),
                format!("is required to connect a {} account", d.name),
            ));
        }
        let key = AccountKey {
            carrier: carrier.clone(),
            fields,
        };
        let scope = format!("acct-{:032x}", self.digest_of(&key));
        let carrier = match self.accounts.get(&key) {
            Some(c) => c,
            None => {
                let built = build(driver, template, &key, &scope)?;
                self.accounts.insert(key, built.clone());
                built
            }
        };
        Ok(Some(StoreCarrier { carrier, scope }))
    }

    fn digest_of(&self, key: &AccountKey) -> u128 {
        use siphasher::sip128::Hasher128;
        let mut hasher = siphasher::sip128::SipHasher13::new_with_key(&self.scope_key);
        key.hash(&mut hasher);
        hasher.finish128().as_u128()
    }
}

/// A store's account of `template`'s carrier with the store's fields.
fn build(
    driver: &HttpDriver,
    template: &AccountTemplate,
    key: &AccountKey,
    scope: &str,
) -> Result<Arc<dyn Carrier>, Error> {
    {
        let d = template.descriptor;
        let mut config = match &template.config {
            serde_json::Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        for field in d.connection {
            config.remove(field.name);
        }
        for (name, value) in &key.fields {
            config.insert(
                (*name).to_string(),
                serde_json::Value::String(value.clone()),
            );
        }
        let section = "connection_options";
        let config = serde_json::Value::Object(config);
        let protocol = match &template.plugin {
            Some(plugin) => plugin
                .instantiate(&config)
                .map(|p| Arc::new(p) as Arc<dyn shipmux_core::CarrierProtocol>),
            None => d.protocol_from_config(section, &config),
        }
        .map_err(|e| Error::invalid_request(section, e.message))?;
        let options = HttpCarrierOptions {
            token_scope: Some(scope.to_string()),
            ..template.call.clone()
        };
        Ok(Arc::new(HttpCarrier::from_arc_with_options(
            protocol,
            driver.clone(),
            options,
        )))
    }
}

fn key_is_field(d: &CarrierDescriptor, key: &str) -> bool {
    d.connection
        .iter()
        .any(|f| key.len() == d.id.len() + 1 + f.name.len() && key.ends_with(f.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenants_with(scope_key: [u8; 16]) -> Tenants {
        Tenants {
            scope_key,
            ..Tenants::new(None, 10, Duration::from_secs(60))
        }
    }

    #[test]
    fn replicas_with_one_scope_key_name_an_account_alike_and_reveal_none_of_its_fields() {
        let account = AccountKey {
            carrier: CarrierId::from_static("ups"),
            fields: vec![("client_secret", "hunter2".to_string())],
        };
        let (a, b) = (tenants_with([7; 16]), tenants_with([7; 16]));
        assert_eq!(a.digest_of(&account), b.digest_of(&account));
        let other = tenants_with([8; 16]);
        assert_ne!(a.digest_of(&account), other.digest_of(&account));
        let changed = AccountKey {
            fields: vec![("client_secret", "hunter3".to_string())],
            ..account.clone()
        };
        assert_ne!(a.digest_of(&account), a.digest_of(&changed));
        let scope = format!("acct-{:032x}", a.digest_of(&account));
        assert!(!scope.contains("hunter2"));
        // Without a fleet key, each process draws its own.
        let (c, d) = (
            Tenants::new(None, 10, Duration::from_secs(60)),
            Tenants::new(None, 10, Duration::from_secs(60)),
        );
        assert_ne!(c.digest_of(&account), d.digest_of(&account));
    }
}
