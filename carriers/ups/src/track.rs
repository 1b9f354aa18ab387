//! UPS Tracking v1: `GET /api/track/v1/details/{inquiryNumber}` → [`Tracking`]
//! (docs/carriers/ups.md, "Tracking").

use serde_json::Value;
use shipmux_core::{
    Error, ErrorKind, HttpRequest, HttpResponse, Location, Status, Tracking, TrackingEvent,
    TrackingNumber,
};

use crate::codes::status_from_type;
use crate::config::UpsConfig;
use crate::error::{self, NOT_FOUND_CODE};
use crate::rate::transaction_id;
use shipmux_core::raw::json::value::{at, list, text, text_at};
use shipmux_core::raw::time::{compact_time, yyyymmdd};

/// The tracking request for one number.
pub fn build_track(config: &UpsConfig, number: &TrackingNumber) -> HttpRequest {
    HttpRequest::get(format!(
        "{}/api/track/v1/details/{}?locale=en_US&returnSignature=false&returnMilestones=false&returnPOD=false",
        config.base(),
        number.as_str()
    ))
    .header("Accept", "application/json")
    .header("transId", transaction_id(number.as_str().as_bytes()))
    .header("transactionSrc", config.transaction_src.clone())
}

/// Reads the answer for `number` (any status).
pub fn parse_track(number: &TrackingNumber, response: &HttpResponse) -> Result<Tracking, Error> {
    let what = format!("tracking {number}");
    if !response.is_success() {
        return Err(error::from_response(response, &what));
    }
    let body: Value = serde_json::from_slice(&response.body).map_err(|e| {
        Error::parse(format!("ups {what}: body is not JSON ({e})"))
            .with_carrier(&crate::carrier_id())
    })?;
    let Some(track) = at(&body, &["trackResponse"]) else {
        if error::first_error(&body).is_some() {
            return Err(error::from_response(response, &what));
        }
        return Err(
            Error::parse(format!("ups {what}: the answer has no trackResponse"))
                .with_carrier(&crate::carrier_id()),
        );
    };
    let shipment = list(track.get("shipment")).into_iter().next();
    let packages = shipment.map(|s| list(s.get("package"))).unwrap_or_default();
    let package = packages
        .iter()
        .find(|p| {
            text(p.get("trackingNumber")).is_some_and(|n| n.eq_ignore_ascii_case(number.as_str()))
        })
        .or(packages.first());
    let Some(package) = package else {
        let warning = shipment
            .map(|s| list(s.get("warnings")))
            .unwrap_or_default()
            .into_iter()
            .next();
        let code = warning
            .and_then(|w| text(w.get("code")))
            .unwrap_or_else(|| NOT_FOUND_CODE.to_string());
        let message = warning
            .and_then(|w| text(w.get("message")))
            .unwrap_or_else(|| "Tracking Information Not Found".to_string());
        return Err(Error::new(ErrorKind::NotFound, message)
            .with_code(code)
            .with_carrier(&crate::carrier_id()));
    };

    let events: Vec<TrackingEvent> = list(package.get("activity"))
        .into_iter()
        .map(event)
        .collect();
    let status = text_at(package, &["currentStatus", "type"])
        .map(|t| status_from_type(&t))
        .unwrap_or(Status::Unknown);
    let delivery_dates = list(package.get("deliveryDate"));
    let date_of = |kind: &str| {
        delivery_dates
            .iter()
            .find(|d| text(d.get("type")).is_some_and(|t| t.eq_ignore_ascii_case(kind)))
            .and_then(|d| text(d.get("date")))
            .and_then(|d| yyyymmdd(&d))
    };
    let estimated_delivery = date_of("RDD").or_else(|| date_of("SDD"));
    let delivered_at = events
        .iter()
        .find(|e| e.status == Status::Delivered)
        .and_then(|e| e.time.clone());
    Ok(Tracking {
        carrier: crate::carrier_id(),
        tracking_number: number.as_str().to_string(),
        status,
        estimated_delivery,
        delivered_at,
        signed_by: text_at(package, &["deliveryInformation", "receivedBy"]),
        events,
    })
}

/// One `activity` entry.
fn event(activity: &Value) -> TrackingEvent {
    let address = at(activity, &["location", "address"]);
    let field = |key: &str| address.and_then(|a| text(a.get(key)));
    TrackingEvent {
        time: text(activity.get("date"))
            .zip(text(activity.get("time")))
            .and_then(|(date, time)| {
                compact_time(&date, &time, text(activity.get("gmtOffset")).as_deref())
            }),
        status: text_at(activity, &["status", "type"])
            .map(|t| status_from_type(&t))
            .unwrap_or(Status::Unknown),
        code: text_at(activity, &["status", "code"]),
        description: text_at(activity, &["status", "description"]),
        location: Location {
            city: field("city"),
            region: field("stateProvince"),
            postal_code: field("postalCode"),
            country: field("countryCode"),
        },
    }
}
