//! Rates: `POST /rates` for every parcel of the request in one call, after the
//! `GET /address-validate` look-ups the request may need (docs/carriers/dhlexpress.md).
//!
//! A request that names both cities and a ship date is one round: the rate call. Otherwise
//! round 0 looks up the missing cities and, without a ship date, the shipper's date now (from
//! the answer's `Date` header, so the protocol never reads a clock); round 1 is the rate call.

pub mod request;
pub mod response;

use shipmux_core::{Error, Exchange, HttpRequest, Rate, RateRequest, Result, Step};

use crate::config::DhlExpressConfig;
use crate::error;
use request::{End, Resolved};

/// The first round for `request`: the look-ups it needs, or the rate call itself.
pub fn build(config: &DhlExpressConfig, request: &RateRequest) -> Result<Vec<HttpRequest>> {
    request.validate()?;
    let lookups = request::lookups(config, request)?;
    if !lookups.is_empty() {
        return Ok(lookups);
    }
    Ok(vec![request::rate_request(
        config,
        request,
        &Resolved::default(),
    )?])
}

/// Reads a round: after the look-ups, the rate call; after the rate call, the rates.
pub fn parse(
    config: &DhlExpressConfig,
    request: &RateRequest,
    exchange: &Exchange,
) -> Result<Step<Vec<Rate>>> {
    let pairs: Vec<_> = exchange.pairs().collect();
    if pairs.is_empty() {
        return Err(error::carrier(Error::parse(
            "DHL Express: no rate answer to read",
        )));
    }
    if pairs.iter().any(|(sent, _)| End::of(sent).is_some()) {
        let resolved = request::resolve(request, &pairs)?;
        return Ok(Step::Next(vec![request::rate_request(
            config, request, &resolved,
        )?]));
    }
    let (_, response) = pairs[0];
    let answer = error::read(response, "rates")?;
    response::parse(&answer).map(Step::Done)
}
