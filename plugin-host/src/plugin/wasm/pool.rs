//! The instances of one Wasm carrier: each a store with its own memory, holding one carrier
//! resource made from the account's config. A call borrows an idle instance (or makes one),
//! runs under the call budget, and gives it back; an instance whose call trapped, ran out of
//! budget or answered garbage is dropped, and the next call makes a fresh one.

use std::sync::{Arc, Mutex};

use shipmux_core::plugin::Op;
use wasmtime::component::ResourceAny;
use wasmtime::{ResourceLimiter, Store, StoreLimits, StoreLimitsBuilder, Trap};

use super::WasmPlugin;
use super::engine::EPOCH_TICK;
use super::world::{Failure, Methods};

/// What a store carries: its resource limits, and how much linear memory it holds.
pub(crate) struct State {
    limits: StoreLimits,
    memory_bytes: usize,
}

impl ResourceLimiter for State {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if allowed {
            self.memory_bytes = self.memory_bytes + desired - current;
        }
        Ok(allowed)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

/// One live instance.
pub(crate) struct Slot {
    store: Store<State>,
    methods: Methods,
    carrier: ResourceAny,
}

/// Why a call into an instance did not answer: a trap of some kind. The instance is gone.
#[derive(Debug)]
pub(crate) struct Fault {
    /// `budget`, `memory` or `trap`: the error code.
    pub code: &'static str,
    /// What happened, for the message.
    pub detail: String,
}

/// How a call ended.
pub(crate) enum Outcome<R> {
    /// The method answered (an answer, or its own failure), read into `R`.
    Answered(R),
    /// The instance trapped; it was dropped.
    Faulted(Fault),
}

/// The idle instances of one carrier account, and how to make more.
pub(crate) struct Pool {
    plugin: Arc<WasmPlugin>,
    config: String,
    idle: Mutex<Vec<Slot>>,
}

impl Pool {
    /// A pool for `config`, with one instance made right away: a config the plugin refuses
    /// is refused here, at instantiation, rather than on the first quote.
    pub(crate) fn new(
        plugin: Arc<WasmPlugin>,
        config: String,
    ) -> Result<Pool, Result<Failure, Fault>> {
        let pool = Pool {
            plugin,
            config,
            idle: Mutex::new(Vec::new()),
        };
        let slot = pool.make()?;
        pool.put_back(slot);
        Ok(pool)
    }

    /// A fresh instance with its carrier made from the config.
    fn make(&self) -> Result<Slot, Result<Failure, Fault>> {
        let plugin = &self.plugin;
        let mut store = new_store(plugin);
        let instance = plugin
            .pre
            .instantiate(&mut store)
            .map_err(|e| Err(fault(e)))?;
        let methods = plugin
            .exports
            .methods(&mut store, &instance)
            .map_err(|e| Err(fault(e)))?;
        let create = plugin
            .exports
            .create(&mut store, &instance)
            .map_err(|e| Err(fault(e)))?;
        store.set_epoch_deadline(plugin.limits.deadline_ticks());
        let (made,) = create
            .call(&mut store, (self.config.clone(),))
            .map_err(|e| Err(fault(e)))?;
        let carrier = made.map_err(Ok)?;
        Ok(Slot {
            store,
            methods,
            carrier,
        })
    }

    fn take(&self) -> Option<Slot> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    fn put_back(&self, slot: Slot) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < self.plugin.limits.max_idle {
            idle.push(slot);
        }
    }

    /// Runs `op` with `input` on an idle instance (or a new one) under the call budget, and
    /// reads the answer with `read`, which also says whether the answer was sound: the
    /// instance goes back to the pool only then (one that answered garbage is dropped).
    pub(crate) fn call<R>(
        &self,
        op: Op,
        input: Vec<u8>,
        read: impl FnOnce(Result<Vec<u8>, Failure>) -> (R, bool),
    ) -> Result<Outcome<R>, Failure> {
        let mut slot = match self.take() {
            Some(slot) => slot,
            None => match self.make() {
                Ok(slot) => slot,
                Err(Ok(failure)) => return Err(failure),
                Err(Err(fault)) => return Ok(Outcome::Faulted(fault)),
            },
        };
        slot.store
            .set_epoch_deadline(self.plugin.limits.deadline_ticks());
        match slot.methods.call(&mut slot.store, slot.carrier, op, input) {
            Ok(answer) => {
                let (read, sound) = read(answer);
                if sound {
                    self.put_back(slot);
                }
                Ok(Outcome::Answered(read))
            }
            // The slot is dropped here: its memory and state are unknown after a trap.
            Err(e) => Ok(Outcome::Faulted(fault(e))),
        }
    }

    /// How many instances are idle.
    pub(crate) fn idle(&self) -> usize {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The linear memory of the idle instances, in bytes, each.
    pub(crate) fn idle_memory(&self) -> Vec<usize> {
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|slot| slot.store.data().memory_bytes)
            .collect()
    }
}

/// A store for one instance of `plugin`: its memory cap, and its budget armed.
pub(crate) fn new_store(plugin: &WasmPlugin) -> Store<State> {
    let limits = StoreLimitsBuilder::new()
        .memory_size(plugin.limits.memory_bytes)
        .instances(plugin.limits.max_instances)
        .tables(plugin.limits.max_instances)
        .memories(plugin.limits.max_instances)
        .trap_on_grow_failure(true)
        .build();
    let mut store = Store::new(
        plugin.engine,
        State {
            limits,
            memory_bytes: 0,
        },
    );
    store.limiter(|state| state);
    store.epoch_deadline_trap();
    store.set_epoch_deadline(plugin.limits.deadline_ticks());
    store
}

/// What a wasmtime error from a call means: the trap, or the root cause, without the wasm
/// backtrace.
fn fault(error: wasmtime::Error) -> Fault {
    let messages: Vec<String> = error.chain().map(|cause| cause.to_string()).collect();
    let all = messages.join(": ");
    let (code, detail) = match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => ("budget", "interrupted".to_string()),
        _ if all.contains("forcing trap when growing memory") => (
            "memory",
            messages
                .iter()
                .find(|m| m.contains("growing memory"))
                .cloned()
                .unwrap_or_default(),
        ),
        Some(trap) => ("trap", trap.to_string()),
        // A call into one of the inert WASI functions: the panic handler printing its message
        // is the usual one.
        None if all.contains("unknown import: ") => (
            "trap",
            messages
                .iter()
                .find_map(|m| m.strip_prefix("unknown import: "))
                .map(|import| {
                    format!(
                        "it called {}, which the sandbox does not grant (a panic does, on its way to \
                         aborting)",
                        import.trim_end_matches(" has not been defined")
                    )
                })
                .unwrap_or_default(),
        ),
        None => (
            "trap",
            messages
                .iter()
                .rev()
                .find(|m| !m.starts_with("error while executing"))
                .cloned()
                .unwrap_or(all),
        ),
    };
    Fault { code, detail }
}

/// The epoch ticks of a budget.
pub(crate) fn ticks(budget: std::time::Duration) -> u64 {
    (budget.as_micros() / EPOCH_TICK.as_micros().max(1)) as u64 + 1
}
