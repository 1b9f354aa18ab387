//! The faulty plugin: loads fine, then misbehaves as its config says (see the crate docs).
//! Built for a Wasm target it is a component whose `build-rate` answers garbage in the
//! `garbage` and `wrong_shape` modes, and otherwise runs the standard glue.

#[cfg(not(target_family = "wasm"))]
use shipmux_core::plugin::PluginV1;

/// Entry point.
#[cfg(not(target_family = "wasm"))]
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    static TABLE: PluginV1 = shipmux_faulty_plugin::table(shipmux_faulty_plugin::standard_manifest);
    &TABLE
}

#[cfg(target_family = "wasm")]
mod component {
    use shipmux_core::plugin::Op;
    use shipmux_core::plugin::component::bindings::exports::shipmux::carrier::protocol::{
        Carrier, Failure, Guest, GuestCarrier,
    };
    use shipmux_core::plugin::component::{CarrierResource, Component, ComponentPlugin};
    use shipmux_core::plugin::frame::FrameWriter;
    use shipmux_faulty_plugin::{FaultyProtocol, Mode};

    struct Faulty;

    impl ComponentPlugin for Faulty {
        type Protocol = FaultyProtocol;
        const NAME: &'static str = env!("CARGO_PKG_NAME");
        const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    }

    /// The component: the standard one, but with a `build-rate` that can answer garbage.
    pub struct FaultyComponent;

    impl Guest for FaultyComponent {
        type Carrier = FaultyCarrier;

        fn manifest() -> String {
            <Component<Faulty> as Guest>::manifest()
        }
    }

    /// One faulty carrier.
    pub struct FaultyCarrier(CarrierResource<FaultyProtocol>);

    impl GuestCarrier for FaultyCarrier {
        fn create(config: String) -> Result<Carrier, Failure> {
            Ok(Carrier::new(FaultyCarrier(CarrierResource::from_config(
                &config,
            )?)))
        }
        fn info(&self) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::Info, b"")
        }
        fn auth(&self) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::Auth, b"")
        }
        fn build_token(&self) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::BuildToken, b"")
        }
        fn parse_token(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::ParseToken, &input)
        }
        fn build_rate(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
            self.garbage()
                .unwrap_or_else(|| self.0.run(Op::BuildRate, &input))
        }
        fn parse_rate(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::ParseRate, &input)
        }
        fn build_rate_binary(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
            self.garbage()
                .unwrap_or_else(|| self.0.run(Op::BuildRateBinary, &input))
        }
        fn parse_rate_binary(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::ParseRateBinary, &input)
        }
        fn track_batch_size(&self) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::TrackBatchSize, b"")
        }
        fn build_track(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::BuildTrack, &input)
        }
        fn parse_track(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::ParseTrack, &input)
        }
        fn build_connect(&self) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::BuildConnect, b"")
        }
        fn parse_connect(&self, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
            self.0.run(Op::ParseConnect, &input)
        }
    }

    impl FaultyCarrier {
        /// The garbage `build-rate` answers in the garbage modes.
        fn garbage(&self) -> Option<Result<Vec<u8>, Failure>> {
            match self.0.0.mode() {
                Mode::Garbage => Some(Ok(b"\xff\xfe definitely not a frame".to_vec())),
                Mode::WrongShape => FrameWriter::new(Vec::new())
                    .finish(&serde_json::json!({"rates": "not a list of requests"}))
                    .ok()
                    .map(Ok),
                _ => None,
            }
        }
    }

    shipmux_core::plugin::component::bindings::__shipmux_export_component!(
        FaultyComponent with_types_in shipmux_core::plugin::component::bindings
    );
}
