//! Tracking: v3r2 batches (`POST /tracking/v3r2/tracking`, up to 35 numbers, 207 multi-status
//! per number) and v3 single (`GET /tracking/v3/tracking/{n}?expand=DETAIL`).

use serde_json::{Value, json};
use shipmux_core::{
    CarrierId, Error, ErrorKind, Exchange, HttpRequest, HttpResponse, Location, Result, Status,
    Tracking, TrackingEvent, TrackingNumber,
};

use crate::codes::clean;
use crate::codes::{status_from_category, status_from_event_code};
use crate::config::{TrackApi, UspsConfig};
use crate::error::{error_from_body, error_from_response};
use shipmux_core::raw::json::value::{get, list, text};
use shipmux_core::raw::time::{date_part, event_time};

/// v3r2 batch path.
pub const BATCH_PATH: &str = "/tracking/v3r2/tracking";
/// v3 single path prefix (`/{trackingNumber}?expand=DETAIL` follows).
pub const SINGLE_PATH: &str = "/tracking/v3/tracking";
/// Most numbers in one v3r2 call.
pub const MAX_BATCH: usize = 35;

/// The numbers one `build_track` call takes.
pub fn batch_size(config: &UspsConfig) -> usize {
    match config.track_api {
        TrackApi::V3r2 => MAX_BATCH,
        TrackApi::V3 => 1,
    }
}

/// One v3r2 POST for the whole batch, or one v3 GET per number.
pub fn build_track(config: &UspsConfig, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
    if numbers.is_empty() {
        return Err(Error::invalid_request(
            "tracking_numbers",
            "at least one tracking number is required",
        ));
    }
    let limit = batch_size(config);
    if numbers.len() > limit {
        return Err(Error::invalid_request(
            "tracking_numbers",
            format!(
                "USPS tracks at most {limit} numbers per call, got {}",
                numbers.len()
            ),
        ));
    }
    match config.track_api {
        TrackApi::V3r2 => {
            let body: Vec<Value> = numbers
                .iter()
                .map(|n| json!({ "trackingNumber": n.as_str() }))
                .collect();
            Ok(vec![
                HttpRequest::post(format!("{}{BATCH_PATH}", config.base()))
                    .header("Accept", "application/json")
                    .json(&body)?,
            ])
        }
        TrackApi::V3 => Ok(numbers
            .iter()
            .map(|n| {
                HttpRequest::get(format!(
                    "{}{SINGLE_PATH}/{}?expand=DETAIL",
                    config.base(),
                    n.as_str()
                ))
                .header("Accept", "application/json")
            })
            .collect()),
    }
}

/// One result per number, in order. A v3r2 call that fails as a whole (401, 429, 503 …)
/// fails the batch; a 207's failed items, or a v3 GET's error, fail only their number.
pub fn parse_track(
    numbers: &[TrackingNumber],
    exchange: &Exchange,
) -> Result<Vec<Result<Tracking>>> {
    let pairs: Vec<(&HttpRequest, &HttpResponse)> = exchange.pairs().collect();
    if pairs.len() != exchange.requests.len() || pairs.len() != exchange.responses.len() {
        return Err(carrier_error(Error::parse(
            "USPS tracking round has a different number of requests and responses",
        )));
    }
    match pairs.as_slice() {
        [(request, response)] if request.url.contains(BATCH_PATH) => parse_batch(numbers, response),
        _ if pairs.len() == numbers.len() => Ok(numbers
            .iter()
            .zip(&pairs)
            .map(|(number, (_, response))| parse_single(number, response))
            .collect()),
        _ => Err(carrier_error(Error::parse(format!(
            "USPS tracking round answered {} responses for {} numbers",
            pairs.len(),
            numbers.len()
        )))),
    }
}

/// A v3 single answer (or any one tracking detail body) for one number.
pub fn parse_single(number: &TrackingNumber, response: &HttpResponse) -> Result<Tracking> {
    if !response.is_success() {
        return Err(error_from_response(response, "tracking"));
    }
    let body: Value = response
        .json("USPS tracking response")
        .map_err(carrier_error)?;
    let detail = match &body {
        Value::Array(items) => items.first().cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    item_result(number, &detail, response.status)
}

/// A v3r2 answer: 200 with every detail, or 207 mixing details and failures.
fn parse_batch(
    numbers: &[TrackingNumber],
    response: &HttpResponse,
) -> Result<Vec<Result<Tracking>>> {
    if !response.is_success() {
        return Err(error_from_response(response, "tracking"));
    }
    let body: Value = response
        .json("USPS tracking response")
        .map_err(carrier_error)?;
    let items: Vec<&Value> = match &body {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) if body.get("error").is_some() && body.get("trackingNumber").is_none() => {
            return Err(error_from_response(response, "tracking"));
        }
        Value::Object(_) => vec![&body],
        _ => {
            return Err(carrier_error(Error::parse(
                "USPS tracking response is neither an array nor an object",
            )));
        }
    };
    let positional = items.len() == numbers.len();
    Ok(numbers
        .iter()
        .enumerate()
        .map(|(i, number)| {
            let by_number = items.iter().find(|item| {
                text(get(item, "trackingNumber"))
                    .is_some_and(|t| t.replace(' ', "").eq_ignore_ascii_case(number.as_str()))
            });
            let item = by_number.or_else(|| {
                positional
                    .then(|| items.get(i))
                    .flatten()
                    .filter(|item| text(get(item, "trackingNumber")).is_none())
            });
            match item {
                Some(item) => item_result(number, item, response.status),
                None => Err(carrier_error(
                    Error::new(
                        ErrorKind::NotFound,
                        format!("USPS answered nothing for tracking number {number}"),
                    )
                    .retryable(false),
                )),
            }
        })
        .collect())
}

/// One item: a failure (`statusCode` not 2xx, or an `error` object) or a tracking detail.
fn item_result(number: &TrackingNumber, item: &Value, http_status: u16) -> Result<Tracking> {
    if !item.is_object() {
        return Err(carrier_error(Error::parse(format!(
            "USPS tracking answer for {number} is not an object"
        ))));
    }
    let status = text(get(item, "statusCode"))
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(http_status);
    let failed = !(200..300).contains(&status) || get(item, "error").is_some();
    if failed {
        let status = if (200..300).contains(&status) {
            404
        } else {
            status
        };
        return Err(error_from_body(status, item, "tracking"));
    }
    // An object with none of a detail's fields (`{}`) says nothing about the number: an
    // unreadable answer, not a tracking with an unknown status.
    let detail_fields = [
        "trackingNumber",
        "status",
        "statusCategory",
        "statusSummary",
        "trackingEvents",
    ];
    if !detail_fields.iter().any(|k| get(item, k).is_some()) {
        return Err(carrier_error(Error::parse(format!(
            "USPS tracking answer for {number} is not a tracking detail"
        ))));
    }
    Ok(tracking_from_detail(number, item))
}

/// A tracking detail → `Tracking` (docs/carriers/usps.md, "Tracking").
pub fn tracking_from_detail(number: &TrackingNumber, detail: &Value) -> Tracking {
    let events: Vec<TrackingEvent> = list(get(detail, "trackingEvents"))
        .into_iter()
        .map(event)
        .collect();
    let delivered = list(get(detail, "trackingEvents"))
        .into_iter()
        .zip(&events)
        .find(|(_, e)| e.status == Status::Delivered);
    let expectation = get(detail, "deliveryDateExpectation");
    let estimated_delivery = [
        "expectedDeliveryTimeStamp",
        "expectedDeliveryDate",
        "predictedDeliveryDate",
    ]
    .iter()
    .find_map(|k| {
        text(get(detail, k))
            .or_else(|| expectation.and_then(|x| text(get(x, k))))
            .and_then(|d| date_part(&d))
    });
    Tracking {
        carrier: carrier(),
        tracking_number: text(get(detail, "trackingNumber"))
            .unwrap_or_else(|| number.as_str().to_string()),
        status: text(get(detail, "statusCategory"))
            .map(|c| status_from_category(&c))
            .unwrap_or(Status::Unknown),
        estimated_delivery,
        delivered_at: delivered.as_ref().and_then(|(_, e)| e.time.clone()),
        signed_by: delivered.and_then(|(raw, _)| {
            text(get(raw, "name"))
                .or_else(|| text(get(raw, "recipientName")))
                .as_deref()
                .and_then(clean)
        }),
        events,
    }
}

fn event(raw: &Value) -> TrackingEvent {
    let code = text(get(raw, "eventCode"));
    TrackingEvent {
        time: text(get(raw, "eventTimestamp"))
            .and_then(|t| event_time(&t, text(get(raw, "GMTOffset")).as_deref())),
        status: code
            .as_deref()
            .map(status_from_event_code)
            .unwrap_or(Status::Unknown),
        code,
        description: text(get(raw, "eventType")).as_deref().and_then(clean),
        location: Location {
            city: text(get(raw, "eventCity")),
            region: text(get(raw, "eventState")),
            postal_code: text(get(raw, "eventZIP")).or_else(|| text(get(raw, "eventZIPCode"))),
            country: text(get(raw, "eventCountry")),
        },
    }
}

fn carrier() -> CarrierId {
    CarrierId::from_static(crate::CARRIER_ID)
}

fn carrier_error(e: Error) -> Error {
    e.with_carrier(&carrier())
}
