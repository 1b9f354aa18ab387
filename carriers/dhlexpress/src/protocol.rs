//! [`DhlExpressProtocol`]: DHL Express as a [`CarrierProtocol`].

use base64::Engine;
use shipmux_core::{
    Capabilities, CarrierId, CarrierInfo, CarrierProtocol, Exchange, HttpRequest, HttpResponse,
    Rate, RateRequest, Result, Step, Tracking, TrackingNumber,
};

use crate::config::DhlExpressConfig;
use crate::{CARRIER_ID, codes, error, rate, track};

/// The MyDHL API version this crate speaks (the `x-version` header every call carries).
pub const API_VERSION: &str = "3.3.1";

/// DHL Express rates and tracking as pure functions. Every request carries HTTP Basic auth
/// itself (MyDHL has no tokens), so [`auth`](CarrierProtocol::auth) is `None`.
#[derive(Clone, Debug)]
pub struct DhlExpressProtocol {
    config: DhlExpressConfig,
}

impl DhlExpressProtocol {
    /// Checks the config and makes the protocol.
    pub fn new(config: DhlExpressConfig) -> Result<Self> {
        config.validate()?;
        Ok(DhlExpressProtocol { config })
    }

    /// The config.
    pub fn config(&self) -> &DhlExpressConfig {
        &self.config
    }
}

/// Adds what every MyDHL API call carries: Basic auth, `x-version`, `Accept`.
pub(crate) fn authorized(config: &DhlExpressConfig, request: HttpRequest) -> HttpRequest {
    let pair = format!("{}:{}", config.username.expose(), config.password.expose());
    request
        .header(
            "Authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ),
        )
        .header("x-version", API_VERSION)
        .header("Accept", "application/json")
}

impl CarrierProtocol for DhlExpressProtocol {
    fn info(&self) -> CarrierInfo {
        CarrierInfo {
            id: CarrierId::from_static(CARRIER_ID),
            name: crate::DESCRIPTOR.name.to_string(),
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

    /// DHL plans every rate on a date; the host gives today's when the request names none
    /// (without it, the protocol learns the date from an address look-up's `Date` header).
    fn needs_ship_date(&self) -> bool {
        true
    }

    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        rate::build(&self.config, request)
    }

    fn parse_rate(&self, request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        rate::parse(&self.config, request, exchange)
    }

    fn track_batch_size(&self) -> usize {
        track::MAX_BATCH
    }

    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        track::build(&self.config, numbers)
    }

    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        track::parse(numbers, exchange)
    }

    /// `GET /address-validate` for DHL's home in Bonn: cheap, and answered only to valid
    /// credentials.
    fn build_connect(&self) -> Result<Option<HttpRequest>> {
        Ok(Some(authorized(
            &self.config,
            HttpRequest::get(format!(
                "{}/address-validate?type=pickup&countryCode=DE&postalCode=53113&strictValidation=false",
                self.config.base()
            )),
        )))
    }

    /// The credentials work when the look-up answers with its `address` list (empty when DHL
    /// knows no such place); any other 200 body is unreadable, not a success.
    fn parse_connect(&self, response: &HttpResponse) -> Result<()> {
        let answer = error::read(response, "address-validate")?;
        if answer
            .get("address")
            .is_some_and(serde_json::Value::is_array)
        {
            return Ok(());
        }
        Err(error::carrier(shipmux_core::Error::parse(format!(
            "DHL Express address-validate answer has no `address` list; status {}",
            response.status
        ))))
    }
}
