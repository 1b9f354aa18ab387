//! `UspsProtocol`: the USPS APIs v3 as a pure `CarrierProtocol`.

use shipmux_core::{
    AccessToken, Auth, Capabilities, CarrierId, CarrierInfo, CarrierProtocol, Exchange,
    HttpRequest, HttpResponse, Rate, RateRequest, Result, Step, Tracking, TrackingNumber,
};

use crate::config::UspsConfig;
use crate::{auth, codes, rate, track};

/// The USPS adapter: builds USPS requests and reads USPS answers; the host does the I/O.
#[derive(Clone, Debug)]
pub struct UspsProtocol {
    config: UspsConfig,
    info: CarrierInfo,
}

impl UspsProtocol {
    /// A protocol for a checked config.
    pub fn new(config: UspsConfig) -> Result<Self> {
        config.validate()?;
        let info = CarrierInfo {
            id: CarrierId::new(crate::CARRIER_ID)?,
            name: "USPS".to_string(),
            services: codes::services(),
            capabilities: Capabilities {
                rates: true,
                tracking: true,
                tracking_batch: track::batch_size(&config),
                international: true,
                transit_times: true,
                origin_countries: crate::DESCRIPTOR.reach.origin_countries(),
            },
        };
        Ok(UspsProtocol { config, info })
    }

    /// The config it runs with.
    pub fn config(&self) -> &UspsConfig {
        &self.config
    }
}

impl CarrierProtocol for UspsProtocol {
    fn info(&self) -> CarrierInfo {
        self.info.clone()
    }

    fn auth(&self) -> Auth {
        Auth::OAuth2 {
            cache_key: format!("{}@{}", self.config.client_id, self.config.base()),
        }
    }

    fn build_token(&self) -> Result<HttpRequest> {
        auth::build_token(&self.config)
    }

    fn parse_token(&self, response: &HttpResponse) -> Result<AccessToken> {
        auth::parse_token(response).map_err(|e| e.with_carrier(&self.info.id))
    }

    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        rate::build_rate(&self.config, request).map_err(|e| e.with_carrier(&self.info.id))
    }

    fn parse_rate(&self, request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        rate::parse_rate(&self.config, request, exchange).map_err(|e| e.with_carrier(&self.info.id))
    }

    fn track_batch_size(&self) -> usize {
        track::batch_size(&self.config)
    }

    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        track::build_track(&self.config, numbers).map_err(|e| e.with_carrier(&self.info.id))
    }

    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        track::parse_track(numbers, exchange).map_err(|e| e.with_carrier(&self.info.id))
    }

    fn parse_connect(&self, response: &HttpResponse) -> Result<()> {
        if response.is_success() {
            Ok(())
        } else {
            Err(crate::error::error_from_response(response, "connect"))
        }
    }
}
