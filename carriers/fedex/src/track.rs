//! Tracking: `POST /track/v1/trackingnumbers`, up to 30 numbers a call,
//! read as docs/carriers/fedex.md says.

use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use serde_json::json;
use shipmux_core::{
    Error, ErrorKind, HttpRequest, HttpResponse, Location, Status, Tracking, TrackingEvent,
    TrackingNumber,
};

use crate::codes;
use crate::config::FedexConfig;
use crate::error::{self, Call, ErrorItem};
use shipmux_core::raw::json::{self, List, Text};
use shipmux_core::raw::time::date_part;

/// The tracking path.
pub const TRACK_PATH: &str = "/track/v1/trackingnumbers";

/// The most numbers FedEx tracks in one request.
pub const MAX_BATCH: usize = 30;

/// One request for up to [`MAX_BATCH`] numbers, with detailed scans.
pub fn build_track(config: &FedexConfig, numbers: &[TrackingNumber]) -> Result<HttpRequest, Error> {
    if numbers.is_empty() || numbers.len() > MAX_BATCH {
        return Err(Error::invalid_request(
            "tracking_numbers",
            format!(
                "FedEx tracks 1 to {MAX_BATCH} numbers per request, got {}",
                numbers.len()
            ),
        ));
    }
    let info: Vec<_> = numbers
        .iter()
        .map(|n| json!({"trackingNumberInfo": {"trackingNumber": n.as_str()}}))
        .collect();
    let body = json!({"includeDetailedScans": true, "trackingInfo": info});
    HttpRequest::post(format!("{}{TRACK_PATH}", config.base()))
        .header("Accept", "application/json")
        .header("X-locale", "en_US")
        .json(&body)
}

#[derive(Deserialize)]
struct TrackReply<'a> {
    #[serde(default, borrow)]
    output: Option<TrackOutput<'a>>,
    #[serde(default, borrow)]
    errors: List<ErrorItem<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackOutput<'a> {
    #[serde(default, borrow)]
    complete_track_results: List<CompleteTrackResult<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompleteTrackResult<'a> {
    #[serde(default, borrow)]
    tracking_number: Text<'a>,
    #[serde(default, borrow)]
    track_results: List<TrackResult<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackResult<'a> {
    #[serde(default, borrow)]
    tracking_number_info: Option<TrackingNumberInfo<'a>>,
    #[serde(default, borrow)]
    latest_status_detail: Option<StatusDetail<'a>>,
    #[serde(default, borrow)]
    date_and_times: List<DateAndTime<'a>>,
    #[serde(default, borrow)]
    delivery_details: Option<DeliveryDetails<'a>>,
    #[serde(default, borrow)]
    scan_events: List<ScanEvent<'a>>,
    #[serde(default, borrow)]
    error: Option<ErrorItem<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackingNumberInfo<'a> {
    #[serde(default, borrow)]
    tracking_number: Text<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusDetail<'a> {
    #[serde(default, borrow)]
    code: Text<'a>,
    #[serde(default, borrow)]
    derived_code: Text<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DateAndTime<'a> {
    #[serde(default, borrow, rename = "type")]
    kind: Text<'a>,
    #[serde(default, borrow)]
    date_time: Text<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryDetails<'a> {
    #[serde(default, borrow)]
    signed_by_name: Text<'a>,
    #[serde(default, borrow)]
    received_by_name: Text<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScanEvent<'a> {
    #[serde(default, borrow)]
    date: Text<'a>,
    #[serde(default, borrow)]
    event_type: Text<'a>,
    #[serde(default, borrow)]
    event_description: Text<'a>,
    #[serde(default, borrow)]
    derived_status_code: Text<'a>,
    #[serde(default, borrow)]
    scan_location: Option<ScanLocation<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScanLocation<'a> {
    #[serde(default, borrow)]
    city: Text<'a>,
    #[serde(default, borrow)]
    state_or_province_code: Text<'a>,
    #[serde(default, borrow)]
    postal_code: Text<'a>,
    #[serde(default, borrow)]
    country_code: Text<'a>,
}

/// Reads a tracking answer: one result per number, in the order of `numbers`. A failed call
/// fails them all; inside a 200, each number's `error` is its own (`…NOTFOUND` → not_found).
pub fn parse_track(
    numbers: &[TrackingNumber],
    response: &HttpResponse,
) -> Result<Vec<Result<Tracking, Error>>, Error> {
    if !response.is_success() {
        return Err(error::from_response(Call::Track, response));
    }
    let reply: TrackReply<'_> = json::from_body(&response.body).map_err(|e| {
        error::parse(format!(
            "FedEx tracking answer is not the expected JSON ({e})"
        ))
    })?;
    let Some(output) = reply.output else {
        return Err(if reply.errors.is_empty() {
            error::parse("FedEx tracking answer has no output")
        } else {
            error::from_response(Call::Track, response)
        });
    };
    Ok(numbers
        .iter()
        .map(
            |number| match find(&output.complete_track_results, number) {
                Some(complete) => tracking_of(number, complete),
                None => Err(error::parse(format!(
                    "FedEx's tracking answer has no result for {number}"
                ))),
            },
        )
        .collect())
}

/// The `completeTrackResults` entry for `number`: by its `trackingNumber`, else by a
/// result's `trackingNumberInfo.trackingNumber`.
fn find<'r, 'a>(
    results: &'r [CompleteTrackResult<'a>],
    number: &TrackingNumber,
) -> Option<&'r CompleteTrackResult<'a>> {
    let same = |s: Option<&str>| {
        s.and_then(|s| TrackingNumber::new(s).ok())
            .is_some_and(|n| n == *number)
    };
    results
        .iter()
        .find(|c| same(c.tracking_number.get()))
        .or_else(|| {
            results.iter().find(|c| {
                c.track_results.iter().any(|r| {
                    same(
                        r.tracking_number_info
                            .as_ref()
                            .and_then(|i| i.tracking_number.get()),
                    )
                })
            })
        })
}

fn has_data(result: &TrackResult<'_>) -> bool {
    result.latest_status_detail.is_some() || !result.scan_events.is_empty()
}

fn error_code<'r>(result: &'r TrackResult<'_>) -> Option<&'r str> {
    result.error.as_ref().and_then(|e| e.code.get())
}

fn is_not_found(code: &str) -> bool {
    code.contains("NOTFOUND") || code.contains("NOT.FOUND")
}

fn tracking_of(
    number: &TrackingNumber,
    complete: &CompleteTrackResult<'_>,
) -> Result<Tracking, Error> {
    // A number FedEx reused has one result per shipment: the newest shipment is the one
    // asked about. Results that are only an error never win over results with data.
    let usable = complete
        .track_results
        .iter()
        .filter(|r| has_data(r) && !error_code(r).is_some_and(is_not_found));
    let mut best: Option<&TrackResult<'_>> = None;
    for result in usable {
        if best.is_none_or(|b| newest_scan(result) > newest_scan(b)) {
            best = Some(result);
        }
    }
    let Some(result) = best else {
        return Err(result_error(number, complete));
    };
    let events: Vec<TrackingEvent> = result.scan_events.iter().map(event_of).collect();
    let latest = result.latest_status_detail.as_ref();
    let status = codes::status_of(
        latest.and_then(|l| l.code.get()),
        latest.and_then(|l| l.derived_code.get()),
    );
    let estimated_delivery = result
        .date_and_times
        .iter()
        .find(|d| d.kind.get() == Some("ESTIMATED_DELIVERY"))
        .and_then(|d| d.date_time.get())
        .and_then(date_part);
    let delivery = result.delivery_details.as_ref();
    let signed_by = delivery
        .and_then(|d| d.signed_by_name.to_owned_text())
        .or_else(|| delivery.and_then(|d| d.received_by_name.to_owned_text()));
    let tracking_number = result
        .tracking_number_info
        .as_ref()
        .and_then(|i| i.tracking_number.to_owned_text())
        .or_else(|| complete.tracking_number.to_owned_text())
        .unwrap_or_else(|| number.to_string());
    Ok(Tracking {
        carrier: error::carrier(),
        tracking_number,
        status,
        estimated_delivery,
        delivered_at: events
            .iter()
            .find(|e| e.status == Status::Delivered)
            .and_then(|e| e.time.clone()),
        signed_by,
        events,
    })
}

/// The error for a number with no usable result: FedEx's own per-number error when it gave
/// one (a `…NOTFOUND` code is `not_found`, other codes `rejected`), else not_found.
fn result_error(number: &TrackingNumber, complete: &CompleteTrackResult<'_>) -> Error {
    let found = complete
        .track_results
        .iter()
        .find_map(|r| r.error.as_ref().filter(|e| e.code.get().is_some()));
    let Some(item) = found else {
        return Error::new(
            ErrorKind::NotFound,
            format!("FedEx has no tracking data for {number}"),
        )
        .with_carrier(&error::carrier());
    };
    let code = item.code.get().unwrap_or_default();
    let kind = if is_not_found(code) {
        ErrorKind::NotFound
    } else {
        ErrorKind::Rejected
    };
    let message = item
        .message
        .to_owned_text()
        .unwrap_or_else(|| format!("FedEx could not track {number}"));
    Error::new(kind, message)
        .with_carrier(&error::carrier())
        .with_code(code)
}

/// The newest scan's instant, for choosing among duplicate results (times without an
/// offset count as UTC; only their order matters here).
fn newest_scan(result: &TrackResult<'_>) -> Option<i64> {
    result
        .scan_events
        .iter()
        .filter_map(|e| instant(e.date.get()?))
        .max()
}

fn instant(time: &str) -> Option<i64> {
    let time = time.trim();
    DateTime::parse_from_rfc3339(time)
        .map(|t| t.timestamp())
        .or_else(|_| {
            NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M:%S")
                .map(|t| t.and_utc().timestamp())
        })
        .ok()
}

fn event_of(scan: &ScanEvent<'_>) -> TrackingEvent {
    let location = scan.scan_location.as_ref();
    let field = |f: fn(&ScanLocation<'_>) -> Option<String>| location.and_then(f);
    TrackingEvent {
        time: scan.date.to_owned_text(),
        status: codes::status_of(scan.event_type.get(), scan.derived_status_code.get()),
        code: scan.event_type.to_owned_text(),
        description: scan.event_description.to_owned_text(),
        location: Location {
            city: field(|l| l.city.to_owned_text()),
            region: field(|l| l.state_or_province_code.to_owned_text()),
            postal_code: field(|l| l.postal_code.to_owned_text()),
            country: field(|l| l.country_code.to_owned_text()),
        },
    }
}
