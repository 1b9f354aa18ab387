//! [`UpsProtocol`]: UPS as a pure [`CarrierProtocol`].

use shipmux_core::{
    AccessToken, Auth, Capabilities, CarrierInfo, CarrierProtocol, Error, Exchange, HttpRequest,
    HttpResponse, Rate, RateRequest, Step, Tracking, TrackingNumber,
};

use crate::config::UpsConfig;
use crate::{auth, codes, rate, track};

/// The UPS adapter: builds UPS requests and reads UPS answers; the host does the I/O.
#[derive(Clone, Debug)]
pub struct UpsProtocol {
    config: UpsConfig,
}

impl UpsProtocol {
    /// A protocol for a checked config.
    pub fn new(config: UpsConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(UpsProtocol { config })
    }

    /// Its config.
    pub fn config(&self) -> &UpsConfig {
        &self.config
    }
}

fn missing_response(what: &str) -> Error {
    Error::parse(format!("ups {what}: no response was given to parse"))
        .with_carrier(&crate::carrier_id())
}

impl CarrierProtocol for UpsProtocol {
    fn info(&self) -> CarrierInfo {
        CarrierInfo {
            id: crate::carrier_id(),
            name: "UPS".to_string(),
            services: codes::services(),
            capabilities: Capabilities {
                rates: true,
                tracking: true,
                tracking_batch: 1,
                international: true,
                transit_times: true,
                origin_countries: crate::DESCRIPTOR.reach.origin_countries(),
            },
        }
    }

    fn auth(&self) -> Auth {
        Auth::OAuth2 {
            cache_key: format!("{}@{}", self.config.client_id, self.config.base()),
        }
    }

    fn build_token(&self) -> Result<HttpRequest, Error> {
        auth::build_token(&self.config)
    }

    fn parse_token(&self, response: &HttpResponse) -> Result<AccessToken, Error> {
        auth::parse_token(response)
    }

    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>, Error> {
        Ok(vec![rate::build_rate(&self.config, request)?])
    }

    fn parse_rate(
        &self,
        _request: &RateRequest,
        exchange: &Exchange,
    ) -> Result<Step<Vec<Rate>>, Error> {
        let response = exchange
            .responses
            .first()
            .ok_or_else(|| missing_response("rating"))?;
        rate::parse_rate(response).map(Step::Done)
    }

    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>, Error> {
        Ok(numbers
            .iter()
            .map(|n| track::build_track(&self.config, n))
            .collect())
    }

    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking, Error>>, Error> {
        Ok(numbers
            .iter()
            .enumerate()
            .map(|(i, number)| match exchange.responses.get(i) {
                Some(response) => track::parse_track(number, response),
                None => Err(missing_response("tracking")),
            })
            .collect())
    }
}
