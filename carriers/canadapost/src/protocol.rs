//! [`CanadaPostProtocol`]: Canada Post as a [`CarrierProtocol`] and a plugin.

use base64::Engine;
use shipmux_core::plugin::{PluginCarrier, config_from_json};
use shipmux_core::{
    Capabilities, CarrierId, CarrierInfo, CarrierProtocol, Error, Exchange, HttpRequest,
    HttpResponse, Rate, RateRequest, Result, Step, Tracking, TrackingNumber,
};

use crate::config::CanadaPostConfig;
use crate::{CARRIER_ID, codes, error, rate, track};

/// Canada Post's Get Rates and tracking as pure functions. Every request carries HTTP Basic
/// auth itself, so [`auth`](CarrierProtocol::auth) is `None`.
#[derive(Clone, Debug)]
pub struct CanadaPostProtocol {
    config: CanadaPostConfig,
}

impl CanadaPostProtocol {
    /// Checks the config and makes the protocol.
    pub fn new(config: CanadaPostConfig) -> Result<Self> {
        config.validate()?;
        Ok(CanadaPostProtocol { config })
    }

    /// The config.
    pub fn config(&self) -> &CanadaPostConfig {
        &self.config
    }
}

/// Adds the headers every Canada Post call carries.
pub(crate) fn authorized(config: &CanadaPostConfig, request: HttpRequest) -> HttpRequest {
    let pair = format!("{}:{}", config.username.expose(), config.password.expose());
    request
        .header(
            "Authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ),
        )
        .header("Accept-language", config.language.clone())
}

impl CarrierProtocol for CanadaPostProtocol {
    fn info(&self) -> CarrierInfo {
        CarrierInfo {
            id: CarrierId::from_static(CARRIER_ID),
            name: "Canada Post".to_string(),
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

    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        rate::build(&self.config, request)
    }

    fn parse_rate(&self, _request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        rate::parse(exchange).map(Step::Done)
    }

    fn track_batch_size(&self) -> usize {
        1
    }

    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        numbers
            .iter()
            .map(|n| track::build(&self.config, n))
            .collect()
    }

    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        if exchange.responses.len() != numbers.len() {
            return Err(Error::parse(format!(
                "Canada Post: {} tracking answers for {} numbers",
                exchange.responses.len(),
                numbers.len()
            )));
        }
        Ok(numbers
            .iter()
            .zip(&exchange.responses)
            .map(|(n, r)| track::parse(n, r))
            .collect())
    }

    fn build_connect(&self) -> Result<Option<HttpRequest>> {
        Ok(Some(authorized(
            &self.config,
            HttpRequest::get(format!("{}/rs/ship/service?country=CA", self.config.base()))
                .header("Accept", rate::RATE_MEDIA_TYPE),
        )))
    }

    fn parse_connect(&self, response: &HttpResponse) -> Result<()> {
        error::read(response, &["services"]).map(|_| ())
    }
}

impl PluginCarrier for CanadaPostProtocol {
    fn from_config(config: serde_json::Value) -> Result<Self> {
        CanadaPostProtocol::new(config_from_json(config)?)
    }
}
