//! # A carrier plugin in one file: Acme Freight
//!
//! Acme Freight is a made-up carrier with a small JSON API:
//!
//! - `POST {base_url}/v1/quotes` with `X-Api-Key`, body
//!   `{"from": {"country", "postal_code"}, "to": {…}, "parcels_g": [1134]}`, answers
//!   `{"quotes": [{"code": "STD", "label": "Acme Standard", "price": "12.40", "currency": "USD",
//!   "days": 5}]}`;
//! - `GET {base_url}/v1/shipments/{number}` answers `{"status": "DELIVERED", "events": [{"time",
//!   "code", "description"}]}`;
//! - an error is any non-2xx status with `{"error": {"code", "message"}}`.
//!
//! [`AcmeProtocol`] translates between that API and shipmux's types. It never opens a socket:
//! the host sends the requests it describes and hands back the answers, with its own retries,
//! deadlines, rate limits and cache. The last line of this file, `export_plugin!`, makes the
//! crate's `cdylib` (`libacme_freight.so`) a plugin the host loads at run time;
//! `examples/run_plugin.rs` loads it and quotes through it beside the built-in carriers.
//!
//! Build: `cargo build -p shipmux-example-plugin`. Check: `shipmux plugin check
//! target/debug/libacme_freight.so`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use shipmux_core::plugin::{PluginCarrier, config_from_json};
use shipmux_core::{
    Capabilities, CarrierId, CarrierInfo, CarrierProtocol, Error, ErrorKind, Exchange, HttpRequest,
    HttpResponse, Location, Money, Parcel, Rate, RateRequest, Result, Secret, ServiceInfo, Status,
    Step, Tracking, TrackingEvent, TrackingNumber, WeightUnit,
};

/// The id Acme's rates, trackings and errors carry.
pub const CARRIER_ID: &str = "acme";

/// An Acme account: what the host passes from the `[[plugins]]` config section. `Debug` never
/// shows the key ([`Secret`]).
#[derive(Debug, Deserialize)]
pub struct AcmeConfig {
    /// Sent as `X-Api-Key`.
    pub api_key: Secret,
    /// Where the API is (a local server in the example).
    pub base_url: String,
}

/// Acme Freight as pure functions from our types to HTTP and back.
#[derive(Debug)]
pub struct AcmeProtocol {
    config: AcmeConfig,
}

impl PluginCarrier for AcmeProtocol {
    /// Called by the host with the carrier's config JSON; a bad config is a typed error the
    /// host reports with the plugin's name, never a panic.
    fn from_config(config: serde_json::Value) -> Result<Self> {
        let config: AcmeConfig = config_from_json(config)?;
        if config.api_key.expose().is_empty() {
            return Err(Error::config("api_key is empty"));
        }
        let base_url = config.base_url.trim_end_matches('/').to_string();
        if !base_url.starts_with("http://") && !base_url.starts_with("https://") {
            return Err(Error::config(format!(
                "base_url `{base_url}` is not an http(s) URL"
            )));
        }
        Ok(AcmeProtocol {
            config: AcmeConfig { base_url, ..config },
        })
    }
}

impl CarrierProtocol for AcmeProtocol {
    fn info(&self) -> CarrierInfo {
        CarrierInfo {
            id: CarrierId::from_static(CARRIER_ID),
            name: "Acme Freight".to_string(),
            services: vec![
                ServiceInfo::new("STD", "Acme Standard"),
                ServiceInfo::new("EXP", "Acme Express"),
            ],
            capabilities: Capabilities {
                rates: true,
                tracking: true,
                tracking_batch: 1,
                international: false,
                transit_times: true,
                origin_countries: vec!["US".to_string()],
            },
        }
    }

    fn build_rate(&self, request: &RateRequest) -> Result<Vec<HttpRequest>> {
        let place = |a: &shipmux_core::Address| Place {
            country: a.country.clone(),
            postal_code: a.postal_code.clone(),
        };
        let body = QuoteBody {
            from: place(&request.origin),
            to: place(&request.destination),
            parcels_g: request.parcels.iter().map(whole_grams).collect(),
        };
        let call = HttpRequest::post(format!("{}/v1/quotes", self.config.base_url))
            .header("X-Api-Key", self.config.api_key.expose())
            .json(&body)?;
        Ok(vec![call])
    }

    fn parse_rate(&self, _request: &RateRequest, exchange: &Exchange) -> Result<Step<Vec<Rate>>> {
        let response = only_response(exchange)?;
        if !response.is_success() {
            return Err(carrier_error(response));
        }
        let answer: QuoteAnswer = response.json("Acme quote answer").map_err(with_carrier)?;
        let carrier = CarrierId::from_static(CARRIER_ID);
        answer
            .quotes
            .into_iter()
            .map(|q| {
                let total =
                    Money::parse(&q.price.to_string(), &q.currency).map_err(with_carrier)?;
                let mut rate = Rate::new(carrier.clone(), &q.code, &q.label, total);
                rate.transit_days = q.days;
                Ok(rate)
            })
            .collect::<Result<Vec<_>>>()
            .map(Step::Done)
    }

    fn build_track(&self, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
        Ok(numbers
            .iter()
            .map(|n| {
                HttpRequest::get(format!(
                    "{}/v1/shipments/{}",
                    self.config.base_url,
                    n.as_str()
                ))
                .header("X-Api-Key", self.config.api_key.expose())
            })
            .collect())
    }

    fn parse_track(
        &self,
        numbers: &[TrackingNumber],
        exchange: &Exchange,
    ) -> Result<Vec<Result<Tracking>>> {
        Ok(numbers
            .iter()
            .zip(&exchange.responses)
            .map(|(number, response)| tracking(number, response))
            .collect())
    }
}

#[derive(Serialize)]
struct QuoteBody {
    from: Place,
    to: Place,
    parcels_g: Vec<u64>,
}

#[derive(Serialize)]
struct Place {
    country: String,
    postal_code: Option<String>,
}

#[derive(Deserialize)]
struct QuoteAnswer {
    quotes: Vec<WireQuote>,
}

#[derive(Deserialize)]
struct WireQuote {
    code: String,
    label: String,
    price: Decimal,
    currency: String,
    days: Option<u32>,
}

#[derive(Deserialize)]
struct ShipmentAnswer {
    status: String,
    #[serde(default)]
    events: Vec<WireEvent>,
}

#[derive(Deserialize)]
struct WireEvent {
    time: Option<String>,
    code: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: WireError,
}

#[derive(Deserialize)]
struct WireError {
    code: String,
    message: String,
}

/// A parcel's weight in whole grams, rounded up (Acme's unit).
fn whole_grams(parcel: &Parcel) -> u64 {
    let grams = parcel.weight.to(WeightUnit::G).value.ceil();
    u64::try_from(grams.mantissa() / 10i128.pow(grams.scale())).unwrap_or(u64::MAX)
}

fn only_response(exchange: &Exchange) -> Result<&HttpResponse> {
    exchange
        .responses
        .first()
        .ok_or_else(|| Error::parse("no response to read"))
}

fn with_carrier(error: Error) -> Error {
    error.with_carrier(&CarrierId::from_static(CARRIER_ID))
}

/// Acme's error body as our error: the status decides the kind (401 → auth, 429 → rate
/// limited, 5xx → unavailable, …), Acme's code and message are kept.
fn carrier_error(response: &HttpResponse) -> Error {
    let error = match response.json::<ErrorAnswer>("Acme error") {
        Ok(answer) => {
            Error::from_status(response.status, answer.error.message).with_code(answer.error.code)
        }
        Err(_) => Error::from_status(
            response.status,
            format!("Acme answered HTTP {}", response.status),
        ),
    };
    with_carrier(error)
}

fn tracking(number: &TrackingNumber, response: &HttpResponse) -> Result<Tracking> {
    if response.status == 404 {
        return Err(with_carrier(Error::new(
            ErrorKind::NotFound,
            format!("Acme does not know {}", number.as_str()),
        )));
    }
    if !response.is_success() {
        return Err(carrier_error(response));
    }
    let answer: ShipmentAnswer = response.json("Acme shipment").map_err(with_carrier)?;
    let status = status_of(&answer.status);
    let events: Vec<TrackingEvent> = answer
        .events
        .into_iter()
        .map(|e| TrackingEvent {
            time: e.time,
            status: e.code.as_deref().map_or(Status::Unknown, status_of),
            code: e.code,
            description: e.description,
            location: Location::default(),
        })
        .collect();
    let delivered_at = events
        .iter()
        .find(|e| e.status == Status::Delivered)
        .and_then(|e| e.time.clone());
    Ok(Tracking {
        carrier: CarrierId::from_static(CARRIER_ID),
        tracking_number: number.as_str().to_string(),
        status,
        estimated_delivery: None,
        delivered_at,
        signed_by: None,
        events,
    })
}

/// Acme's statuses (and event codes, which use the same words) as ours.
fn status_of(code: &str) -> Status {
    match code {
        "LABEL" => Status::PreTransit,
        "MOVING" => Status::InTransit,
        "OUT" => Status::OutForDelivery,
        "DELIVERED" => Status::Delivered,
        "RETURNED" => Status::Returned,
        "PROBLEM" => Status::Exception,
        _ => Status::Unknown,
    }
}

shipmux_core::export_plugin!(AcmeProtocol);
