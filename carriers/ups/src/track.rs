//! UPS Tracking v1: `GET /api/track/v1/details/{inquiryNumber}` → [`Tracking`]
//! (NORMALIZATION.md §0.9–0.14, §0.17, §1).

use serde_json::Value;
use shipmux_core::{
    Error, ErrorKind, HttpRequest, HttpResponse, Location, Status, Tracking, TrackingEvent,
    TrackingNumber,
};

use crate::codes::status_from_type;
use crate::config::UpsConfig;
use crate::error::{self, NOT_FOUND_CODE};
use crate::json::{at, list, text, text_at, yyyymmdd};
use crate::rate::transaction_id;

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
            .and_then(|d| yyyymmdd(text(d.get("date")).as_deref()))
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
        time: event_time(
            text(activity.get("date")).as_deref(),
            text(activity.get("time")).as_deref(),
            text(activity.get("gmtOffset")).as_deref(),
        ),
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

/// `YYYYMMDD` + `HHMMSS` + `-05:00` → `YYYY-MM-DDTHH:MM:SS-05:00`; no offset, no suffix.
fn event_time(date: Option<&str>, time: Option<&str>, offset: Option<&str>) -> Option<String> {
    let date = yyyymmdd(date)?;
    let t = time?.trim();
    if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m, s) = (&t[0..2], &t[2..4], &t[4..6]);
    let valid = h < "24" && m < "60" && s < "61";
    if !valid {
        return None;
    }
    let offset = offset.map(str::trim).filter(|o| is_offset(o)).unwrap_or("");
    Some(format!("{}T{h}:{m}:{s}{offset}", date.format("%Y-%m-%d")))
}

fn is_offset(o: &str) -> bool {
    let b = o.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b[3] == b':'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_the_offset_or_none() {
        assert_eq!(
            event_time(Some("20261124"), Some("101200"), Some("-05:00")).as_deref(),
            Some("2026-11-24T10:12:00-05:00")
        );
        assert_eq!(
            event_time(Some("20261124"), Some("101200"), None).as_deref(),
            Some("2026-11-24T10:12:00")
        );
        assert_eq!(event_time(Some("string"), Some("101200"), None), None);
        assert_eq!(event_time(Some("20261124"), Some("99"), None), None);
    }
}
