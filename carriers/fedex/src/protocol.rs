//! `FedexProtocol`: FedEx's REST APIs as a pure [`CarrierProtocol`].

use shipmux_core::{
    AccessToken, Auth, Capabilities, CarrierInfo, CarrierProtocol, Exchange, HttpRequest,
    HttpResponse, Rate, RateRequest, Result, Step, Tracking, TrackingNumber,
};

use crate::config::FedexConfig;
use crate::{auth, codes, error, rate, track};

/// FedEx as a translator: OAuth tokens, rate quotes and batch tracking, no I/O.
/// Make one with [`Fedex::builder()`](crate::Fedex::builder) or [`FedexProtocol::new`].
#[derive(Debug, Clone)]
pub struct FedexProtocol {
    config: FedexConfig,
}

impl FedexProtocol {
    /// Checks the config and makes the protocol.
    pub fn new(config: FedexConfig) -> Result<Self> {
        config.validate()?;
        Ok(FedexProtocol { config })
    }

    /// The settings in use (the secret stays redacted in `Debug`).
    pub fn config(&self) -> &FedexConfig {
        &self.config
    }
}

fn only_response<'a>(exchange: &'a Exchange, what: &str) -> Result<&'a HttpResponse> {
    exchange
        .responses
        .first()
        .ok_or_else(|| error::parse(format!("no FedEx response to read for the {what}")))
}

impl CarrierProtocol for FedexProtocol {
    fn info(&self) -> CarrierInfo {
        CarrierInfo {
            id: error::carrier(),
            name: "FedEx".to_string(),
            services: codes::services(),
            capabilities: Capabilities {
                rates: true,
                tracking: true,
                tracking_batch: track::MAX_BATCH,
                international: true,
                transit_times: true,
                origin_countries: crate::DESCRIPTOR.reach.origin_countries(),
            },
        }
    }

    /// OAuth2 client credentials, cached per API key and host.
    fn auth(&self) -> Auth {
        Auth::OAuth2 {
            cache_key: format!("{}@{}", self.config.client_id.trim(), self.config.base()),
        }
    }

    fn build_token(&self) -> Result<HttpRequest> {
        auth::build_token(&self.config)
    }

    fn parse_token(&self, response: &HttpResponse) -> Result<AccessToken> {
        auth::parse_token(response)
    }

    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        Ok(vec![rate::build_rate(&self.config, request)?])
    }

    fn parse_rate(&self, _request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        rate::parse_rate(only_response(exchange, "rate quote")?).map(Step::Done)
    }

    /// FedEx tracks up to 30 numbers per request.
    fn track_batch_size(&self) -> usize {
        track::MAX_BATCH
    }

    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        Ok(vec![track::build_track(&self.config, numbers)?])
    }

    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        track::parse_track(numbers, only_response(exchange, "tracking request")?)
    }

    /// FedEx has no credential-check endpoint: getting a token proves the API key and
    /// secret; the account number is checked by the first quote.
    fn build_connect(&self) -> Result<Option<HttpRequest>> {
        Ok(None)
    }

    fn parse_connect(&self, response: &HttpResponse) -> Result<()> {
        if response.is_success() {
            Ok(())
        } else {
            Err(error::from_response(error::Call::Rate, response))
        }
    }
}
