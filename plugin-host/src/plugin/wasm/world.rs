//! The world a Wasm plugin exports, `shipmux:carrier/plugin` (`core/wit/v1.0/carrier.wit`):
//! the names of its functions, the versions this host loads, and their typed handles.

use shipmux_core::plugin::Op;
use wasmtime::component::{
    Component, ComponentExportIndex, ComponentType, Func, Instance, Lift, Lower, ResourceAny,
    TypedFunc,
};
use wasmtime::{AsContextMut, Store};

/// The interface every version of the world exports, without its version.
pub const INTERFACE: &str = "shipmux:carrier/protocol";

/// The world's major version this host speaks.
pub const WORLD_MAJOR: u64 = 1;

/// The newest minor version of the world this host knows. A component of an older or equal
/// minor loads; a newer minor of the same major loads too (minors only add functions, and
/// this host calls only the ones it knows).
pub const WORLD_MINOR: u64 = 0;

/// The world's `failure` variant.
#[derive(Clone, Debug, ComponentType, Lift, Lower)]
#[component(variant)]
pub enum Failure {
    /// The JSON of a shipmux `Error`.
    #[component(name = "error")]
    Error(String),
    /// The input could not be read.
    #[component(name = "bad-input")]
    BadInput(String),
    /// A panic the plugin caught.
    #[component(name = "panic")]
    Panic(String),
}

/// The answer of every carrier method.
pub type Answer = Result<Vec<u8>, Failure>;

/// `carrier.create`: the config JSON in, the carrier (or why not) out.
pub type Create = TypedFunc<(String,), (Result<ResourceAny, Failure>,)>;

/// A method that takes no input.
pub type Method0 = TypedFunc<(ResourceAny,), (Answer,)>;

/// A method that takes a message.
pub type Method1 = TypedFunc<(ResourceAny, Vec<u8>), (Answer,)>;

/// The world function of each operation: `[method]carrier.<name>`.
pub fn method_name(op: Op) -> String {
    format!("[method]carrier.{}", op.name().replace('_', "-"))
}

/// True when the operation's function takes no input.
pub fn takes_no_input(op: Op) -> bool {
    matches!(
        op,
        Op::Info | Op::Auth | Op::BuildToken | Op::TrackBatchSize | Op::BuildConnect
    )
}

/// Where the world's functions are in one component, looked up once per component.
pub struct Exports {
    /// The exported interface's full name (with its version).
    pub interface: String,
    manifest: ComponentExportIndex,
    create: ComponentExportIndex,
    methods: Vec<(Op, ComponentExportIndex)>,
}

impl Exports {
    /// Finds every function of world 1.0 under `interface`, or names the first one missing.
    pub fn find(component: &Component, interface: &str) -> Result<Exports, String> {
        let root = component
            .get_export_index(None, interface)
            .ok_or_else(|| format!("it exports no `{interface}`"))?;
        let find = |name: &str| {
            component
                .get_export_index(Some(&root), name)
                .ok_or_else(|| format!("its `{interface}` has no function `{name}`"))
        };
        Ok(Exports {
            interface: interface.to_string(),
            manifest: find("manifest")?,
            create: find("[static]carrier.create")?,
            methods: Op::ALL
                .into_iter()
                .map(|op| Ok((op, find(&method_name(op))?)))
                .collect::<Result<_, String>>()?,
        })
    }

    /// The `manifest` function of `instance`.
    pub fn manifest<T>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
    ) -> wasmtime::Result<TypedFunc<(), (String,)>> {
        instance.get_typed_func(store, self.manifest)
    }

    /// The `carrier.create` function of `instance`.
    pub fn create<T>(&self, store: &mut Store<T>, instance: &Instance) -> wasmtime::Result<Create> {
        instance.get_typed_func(store, self.create)
    }

    /// The typed carrier methods of `instance`, checked against the world's types.
    pub fn methods<T>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
    ) -> wasmtime::Result<Methods> {
        let mut methods = Methods {
            no_input: Vec::new(),
            with_input: Vec::new(),
        };
        for (op, index) in &self.methods {
            let func: Func = instance
                .get_func(store.as_context_mut(), index)
                .ok_or_else(|| wasmtime::format_err!("no function for `{}`", op.name()))?;
            if takes_no_input(*op) {
                methods.no_input.push((*op, func.typed(&*store)?));
            } else {
                methods.with_input.push((*op, func.typed(&*store)?));
            }
        }
        Ok(methods)
    }
}

/// One instance's typed carrier methods.
pub struct Methods {
    no_input: Vec<(Op, Method0)>,
    with_input: Vec<(Op, Method1)>,
}

impl Methods {
    /// Calls `op` on `carrier` with `input` (ignored by operations that take none).
    pub fn call<T>(
        &self,
        store: &mut Store<T>,
        carrier: ResourceAny,
        op: Op,
        input: Vec<u8>,
    ) -> wasmtime::Result<Answer> {
        if let Some((_, f)) = self.no_input.iter().find(|(o, _)| *o == op) {
            return f.call(store, (carrier,)).map(|(answer,)| answer);
        }
        match self.with_input.iter().find(|(o, _)| *o == op) {
            Some((_, f)) => f.call(store, (carrier, input)).map(|(answer,)| answer),
            None => Err(wasmtime::format_err!("no function for `{}`", op.name())),
        }
    }
}
