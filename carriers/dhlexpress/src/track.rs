//! Tracking: `GET /tracking` for up to 200 waybills in one call (and a second call for
//! `JD…` piece numbers) → [`Tracking`] (docs/carriers/dhlexpress.md, "Tracking").

use serde_json::Value;
use shipmux_core::{
    CarrierId, Error, ErrorKind, Exchange, HttpRequest, HttpResponse, Location, Result, Status,
    Tracking, TrackingEvent, TrackingNumber,
};

use crate::config::DhlExpressConfig;
use crate::json::{list, text};
use crate::rate::request::encode;
use crate::{CARRIER_ID, codes, error, protocol};
use shipmux_core::raw::time::{date_part, normalize_clock, normalize_offset};

/// The most numbers one `GET /tracking` takes.
pub const MAX_BATCH: usize = 200;

/// Whether `number` is a piece licence plate (`JD…`), tracked as `pieceTrackingNumber`.
pub fn is_piece(number: &str) -> bool {
    number.starts_with("JD") || number.starts_with("JJD")
}

/// The requests that track `numbers`: one for the waybills, one for the piece numbers (each
/// only when there are some).
pub fn build(config: &DhlExpressConfig, numbers: &[TrackingNumber]) -> Result<Vec<HttpRequest>> {
    if numbers.len() > MAX_BATCH {
        return Err(Error::invalid_request(
            "tracking_numbers",
            format!("DHL Express tracks at most {MAX_BATCH} numbers per call"),
        ));
    }
    let (pieces, waybills): (Vec<&TrackingNumber>, Vec<&TrackingNumber>) =
        numbers.iter().partition(|n| is_piece(n.as_str()));
    let mut requests = Vec::new();
    for (list, parameter, level) in [
        (waybills, "shipmentTrackingNumber", "shipment"),
        (pieces, "pieceTrackingNumber", "all"),
    ] {
        if list.is_empty() {
            continue;
        }
        let query: Vec<String> = list
            .iter()
            .map(|n| format!("{parameter}={}", encode(n.as_str())))
            .collect();
        let url = format!(
            "{}/tracking?{}&trackingView=all-checkpoints&levelOfDetail={level}",
            config.base(),
            query.join("&")
        );
        requests.push(protocol::authorized(
            config,
            HttpRequest::get(url).header("Accept-Language", "eng"),
        ));
    }
    Ok(requests)
}

/// One result per number, in order, from the round's answers.
pub fn parse(numbers: &[TrackingNumber], exchange: &Exchange) -> Result<Vec<Result<Tracking>>> {
    let answer_for = |piece: bool| {
        exchange
            .pairs()
            .find(|(sent, _)| sent.url.contains("pieceTrackingNumber=") == piece)
            .map(|(_, response)| response)
    };
    let waybills = answer_for(false).map(read);
    let pieces = answer_for(true).map(read);
    Ok(numbers
        .iter()
        .map(|n| {
            let piece = is_piece(n.as_str());
            match if piece { &pieces } else { &waybills } {
                Some(Ok(answer)) => tracking_in(answer, n, piece),
                Some(Err(e)) => Err(e.clone()),
                None => Err(error::carrier(Error::parse(format!(
                    "DHL Express: no tracking answer for {n}"
                )))),
            }
        })
        .collect())
}

fn read(response: &HttpResponse) -> Result<Value> {
    error::read(response, "tracking")
}

/// The tracking of `number` in a `/tracking` answer; `not_found` when it has no such shipment.
pub fn tracking_in(answer: &Value, number: &TrackingNumber, piece: bool) -> Result<Tracking> {
    if !answer.get("shipments").is_some_and(Value::is_array) {
        return Err(error::carrier(Error::parse(
            "DHL Express tracking answer has no shipments list",
        )));
    }
    let shipment = list(answer, "shipments").iter().find(|s| {
        if piece {
            list(s, "pieces")
                .iter()
                .any(|p| text(p, "trackingNumber").as_deref() == Some(number.as_str()))
        } else {
            text(s, "shipmentTrackingNumber").as_deref() == Some(number.as_str())
        }
    });
    match shipment {
        Some(s) => tracking_from_shipment(s, number, piece),
        None => Err(error::carrier(Error::new(
            ErrorKind::NotFound,
            format!("DHL Express has no shipment for {number}"),
        ))),
    }
}

/// One `shipments[]` entry as our [`Tracking`]. Events come oldest first and are reversed.
pub fn tracking_from_shipment(
    shipment: &Value,
    number: &TrackingNumber,
    piece: bool,
) -> Result<Tracking> {
    let raw: Vec<&Value> = list(shipment, "events").iter().rev().collect();
    let events: Vec<TrackingEvent> = raw.iter().map(|e| event(e)).collect();
    let status = events
        .iter()
        .map(|e| e.status)
        .find(|s| *s != Status::Unknown)
        .unwrap_or(if events.is_empty() {
            Status::PreTransit
        } else {
            Status::Unknown
        });
    let delivered_at = events
        .iter()
        .find(|e| e.status == Status::Delivered)
        .and_then(|e| e.time.clone());
    let signed_by = raw
        .iter()
        .find(|e| text(e, "typeCode").as_deref() == Some("OK"))
        .and_then(|e| text(e, "signedBy"));
    let estimate = text(shipment, "estimatedDeliveryDate")
        .or_else(|| text(shipment, "estimatedTimeOfDelivery"));
    let estimated_delivery = match estimate {
        Some(t) => Some(date_part(&t).ok_or_else(|| {
            error::carrier(Error::parse(format!(
                "DHL Express tracking: estimated delivery `{t}` is not a date"
            )))
        })?),
        None => None,
    };
    let tracking_number = if piece {
        number.to_string()
    } else {
        text(shipment, "shipmentTrackingNumber").unwrap_or_else(|| number.to_string())
    };
    Ok(Tracking {
        carrier: CarrierId::from_static(CARRIER_ID),
        tracking_number,
        status,
        estimated_delivery,
        delivered_at,
        signed_by,
        events,
    })
}

fn event(e: &Value) -> TrackingEvent {
    let code = text(e, "typeCode");
    let time = match (text(e, "date"), text(e, "time")) {
        (Some(d), Some(t)) => Some(format!(
            "{d}T{}{}",
            normalize_clock(&t).unwrap_or(t),
            text(e, "GMTOffset")
                .and_then(|o| normalize_offset(&o))
                .unwrap_or_default()
        )),
        (Some(d), None) => Some(d),
        _ => None,
    };
    TrackingEvent {
        time,
        status: code.as_deref().map_or(Status::Unknown, codes::event_status),
        code,
        description: text(e, "description"),
        location: location(e),
    }
}

/// `serviceArea[0].description`: `SYDNEY-AU` → city `SYDNEY`, country `AU`; anything else
/// is the city.
fn location(e: &Value) -> Location {
    let Some(description) = list(e, "serviceArea")
        .first()
        .and_then(|a| text(a, "description"))
    else {
        return Location::default();
    };
    let b = description.as_bytes();
    let n = b.len();
    if n > 3 && b[n - 3] == b'-' && b[n - 2..].iter().all(u8::is_ascii_uppercase) {
        let city = description[..n - 3].trim();
        return Location {
            city: (!city.is_empty()).then(|| city.to_string()),
            country: Some(description[n - 2..].to_string()),
            ..Location::default()
        };
    }
    Location {
        city: Some(description),
        ..Location::default()
    }
}

/// Reads a tracking answer that is not part of an exchange (tests, `decode`).
pub fn parse_response(number: &TrackingNumber, response: &HttpResponse) -> Result<Tracking> {
    tracking_in(&read(response)?, number, is_piece(number.as_str()))
}
