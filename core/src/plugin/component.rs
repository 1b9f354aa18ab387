//! The guest side of WebAssembly carrier plugins: a [`PluginCarrier`] exported as a component
//! of the WIT world `shipmux:carrier/plugin@1.0.0` (`core/wit/v1.0/carrier.wit`). Compiled
//! only for `target_family = "wasm"`, where [`export_plugin!`](crate::export_plugin) exports
//! the component instead of the native `shipmux_plugin_v1` table.
//!
//! Every function answers exactly what the native table's `call_framed` answers for the same
//! operation ([`Op`]): the same dispatch runs behind both, so a carrier crate behaves the
//! same as a `.so` and as a `.wasm`.

use std::marker::PhantomData;

use super::PluginCarrier;
use super::abi::status;
use super::export::{Codec, Reply, dispatch, encode, guarded};
use super::manifest::Manifest;
use super::ops::Op;

/// The bindings `wit-bindgen` generates for the world (public for the export macro and for
/// test plugins that answer some functions by hand).
#[doc(hidden)]
#[allow(missing_docs, clippy::all)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/v1.0",
        world: "shipmux:carrier/plugin@1.0.0",
        pub_export_macro: true,
        export_macro_name: "__shipmux_export_component",
        default_bindings_module: "shipmux_core::plugin::component::bindings",
    });
}

use bindings::exports::shipmux::carrier::protocol::{Carrier, Failure, Guest, GuestCarrier};

/// What [`export_plugin!`](crate::export_plugin) tells the component about the plugin crate.
pub trait ComponentPlugin: 'static {
    /// The exported protocol.
    type Protocol: PluginCarrier + 'static;
    /// The plugin crate's name (`CARGO_PKG_NAME`).
    const NAME: &'static str;
    /// The plugin crate's version (`CARGO_PKG_VERSION`).
    const VERSION: &'static str;
}

/// The component of plugin `D`: implements the world's exports.
pub struct Component<D>(PhantomData<D>);

/// One carrier resource: the protocol made from its config.
pub struct CarrierResource<P>(pub P);

impl<D: ComponentPlugin> Guest for Component<D> {
    type Carrier = CarrierResource<D::Protocol>;

    fn manifest() -> String {
        let manifest =
            Manifest::current(D::NAME, D::VERSION, cfg!(panic = "abort")).with_extensions();
        serde_json::to_string(&manifest).unwrap_or_default()
    }
}

/// A native reply as the world's result.
pub fn answer((code, bytes): Reply) -> Result<Vec<u8>, Failure> {
    let text = || String::from_utf8_lossy(&bytes).into_owned();
    match code {
        status::OK => Ok(bytes),
        status::ERROR => Err(Failure::Error(text())),
        status::PANIC => Err(Failure::Panic(text())),
        _ => Err(Failure::BadInput(text())),
    }
}

impl<P: PluginCarrier + 'static> CarrierResource<P> {
    /// Makes the protocol from its config JSON.
    pub fn from_config(config: &str) -> Result<Self, Failure> {
        let value = serde_json::from_str::<serde_json::Value>(config)
            .map_err(|e| Failure::BadInput(format!("config is not JSON: {e}")))?;
        P::from_config(value).map(CarrierResource).map_err(|e| {
            Failure::Error(String::from_utf8_lossy(&encode(status::ERROR, &e).1).into_owned())
        })
    }

    /// Runs `op` on the protocol with a frame as input.
    pub fn run(&self, op: Op, input: &[u8]) -> Result<Vec<u8>, Failure> {
        answer(guarded(|| dispatch(&self.0, Codec::Framed, op, input)))
    }
}

impl<P: PluginCarrier + 'static> GuestCarrier for CarrierResource<P> {
    fn create(config: String) -> Result<Carrier, Failure> {
        Self::from_config(&config).map(Carrier::new)
    }

    fn info(&self) -> Result<Vec<u8>, Failure> {
        self.run(Op::Info, b"")
    }
    fn auth(&self) -> Result<Vec<u8>, Failure> {
        self.run(Op::Auth, b"")
    }
    fn build_token(&self) -> Result<Vec<u8>, Failure> {
        self.run(Op::BuildToken, b"")
    }
    fn parse_token(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.run(Op::ParseToken, &input)
    }
    fn build_rate(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.run(Op::BuildRate, &input)
    }
    fn parse_rate(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.run(Op::ParseRate, &input)
    }
    fn build_rate_binary(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.run(Op::BuildRateBinary, &input)
    }
    fn parse_rate_binary(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.run(Op::ParseRateBinary, &input)
    }
    fn track_batch_size(&self) -> Result<Vec<u8>, Failure> {
        self.run(Op::TrackBatchSize, b"")
    }
    fn build_track(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.run(Op::BuildTrack, &input)
    }
    fn parse_track(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.run(Op::ParseTrack, &input)
    }
    fn build_connect(&self) -> Result<Vec<u8>, Failure> {
        self.run(Op::BuildConnect, b"")
    }
    fn parse_connect(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.run(Op::ParseConnect, &input)
    }
}
