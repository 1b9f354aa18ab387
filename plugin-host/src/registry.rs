//! `Registry`: the carriers a host knows, by id.

use std::collections::BTreeMap;
use std::sync::Arc;

use shipmux_core::{Carrier, CarrierId, CarrierInfo, Error, Result};

/// Carriers by id: built-ins from config, plugins, or anything implementing `Carrier`.
#[derive(Clone, Default)]
pub struct Registry {
    carriers: BTreeMap<CarrierId, Arc<dyn Carrier>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.carriers.keys()).finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds a carrier under its own id; a second carrier with the same id is a `config` error.
    pub fn register(&mut self, carrier: Arc<dyn Carrier>) -> Result<()> {
        let id = carrier.info().id.clone();
        if self.carriers.contains_key(&id) {
            return Err(
                Error::config(format!("carrier `{id}` is registered twice")).with_carrier(&id)
            );
        }
        self.carriers.insert(id, carrier);
        Ok(())
    }

    /// Adds or replaces a carrier.
    pub fn replace(&mut self, carrier: Arc<dyn Carrier>) {
        self.carriers.insert(carrier.info().id.clone(), carrier);
    }

    /// The carrier with `id`.
    pub fn get(&self, id: &CarrierId) -> Option<&Arc<dyn Carrier>> {
        self.carriers.get(id)
    }

    /// The carrier with id text `id`, or a `config` error naming the known ids.
    pub fn require(&self, id: &str) -> Result<&Arc<dyn Carrier>> {
        CarrierId::new(id)
            .ok()
            .and_then(|id| self.carriers.get(&id))
            .ok_or_else(|| {
                Error::config(format!(
                    "no carrier `{id}`; known: {}",
                    self.ids()
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// Every carrier, by id order.
    pub fn all(&self) -> Vec<Arc<dyn Carrier>> {
        self.carriers.values().cloned().collect()
    }

    /// Every id.
    pub fn ids(&self) -> Vec<CarrierId> {
        self.carriers.keys().cloned().collect()
    }

    /// Id, name, services and capabilities of every carrier.
    pub fn list(&self) -> Vec<CarrierInfo> {
        self.carriers.values().map(|c| c.info().clone()).collect()
    }

    /// How many carriers.
    pub fn len(&self) -> usize {
        self.carriers.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.carriers.is_empty()
    }
}
