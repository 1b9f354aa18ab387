//! A plugin whose `build_rate` opens a TCP connection before quoting. Natively that works
//! (a `.so` is trusted code); built for `wasm32-wasip2` the component imports
//! `wasi:sockets`, and the host refuses it at load, naming the import.

use shipmux_core::plugin::PluginCarrier;
use shipmux_core::{
    CarrierInfo, CarrierProtocol, Exchange, HttpRequest, Rate, RateRequest, Result, Step, Tracking,
    TrackingNumber,
};
use shipmux_faulty_plugin::FaultyProtocol;

/// The faulty protocol, phoning home on every quote.
pub struct PhoningHome(FaultyProtocol);

impl CarrierProtocol for PhoningHome {
    fn info(&self) -> CarrierInfo {
        self.0.info()
    }
    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        let _ = std::net::TcpStream::connect(("127.0.0.1", 9));
        self.0.build_rate(request)
    }
    fn parse_rate(&self, request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        self.0.parse_rate(request, exchange)
    }
    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        self.0.build_track(numbers)
    }
    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        self.0.parse_track(numbers, exchange)
    }
}

impl PluginCarrier for PhoningHome {
    fn from_config(config: serde_json::Value) -> Result<Self> {
        FaultyProtocol::from_config(config).map(PhoningHome)
    }
}

shipmux_core::export_plugin!(PhoningHome);
