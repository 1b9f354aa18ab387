//! Rating: Shipping Options (price + commitment in one call, one call per parcel), the
//! prices APIs as fallback (`request.rs`), and the parser for all three USPS price shapes
//! (`response.rs`), as docs/carriers/usps.md ("Rate") says. This file runs the rounds.

mod request;
mod response;

use shipmux_core::{Error, Exchange, HttpRequest, Rate, RateRequest, Result, Step};

use crate::config::{RateApi, UspsConfig};
pub use request::{
    Package, build_prices, build_shipping_options, dimension_step_in, unknown_side_in,
    weight_step_lb,
};
use response::carrier_error;
pub use response::{combine_parcels, parse_rate_body, parse_rate_response};

/// Shipping Options API.
pub const SHIPPING_OPTIONS_PATH: &str = "/shipments/v3/options/search";
/// Domestic prices, every mail class with extra services.
pub const DOMESTIC_PRICES_PATH: &str = "/prices/v3/total-rates/search";
/// International prices, every mail class with extra services.
pub const INTERNATIONAL_PRICES_PATH: &str = "/international-prices/v3/total-rates/search";

/// The first round of a quote: Shipping Options, or the prices APIs when configured.
pub fn build_rate(config: &UspsConfig, request: &RateRequest) -> Result<Vec<HttpRequest>> {
    request.validate()?;
    match config.rate_api {
        RateApi::ShippingOptions => build_shipping_options(config, request),
        RateApi::Prices => build_prices(config, request),
    }
}

fn is_shipping_options(request: &HttpRequest) -> bool {
    let path = request.url.split(['?', '#']).next().unwrap_or("");
    path.ends_with(SHIPPING_OPTIONS_PATH)
}

/// Reads a round. Shipping Options answering 403/404 (not enabled for this account) asks
/// for a second round on the prices APIs; otherwise every parcel's answer is parsed and,
/// for several parcels, summed per mail class (see [`combine_parcels`]).
pub fn parse_rate(
    config: &UspsConfig,
    request: &RateRequest,
    exchange: &Exchange,
) -> Result<Step<Vec<Rate>>> {
    if exchange.requests.len() != exchange.responses.len() {
        return Err(carrier_error(Error::parse(format!(
            "USPS rate round {} has {} requests but {} responses",
            exchange.round,
            exchange.requests.len(),
            exchange.responses.len()
        ))));
    }
    let not_enabled = exchange
        .pairs()
        .any(|(req, resp)| is_shipping_options(req) && matches!(resp.status, 403 | 404));
    if not_enabled {
        return Ok(Step::Next(build_prices(config, request)?));
    }
    let mut per_parcel = Vec::with_capacity(exchange.responses.len());
    for response in &exchange.responses {
        per_parcel.push(parse_rate_response(response)?);
    }
    Ok(Step::Done(combine_parcels(per_parcel)))
}
