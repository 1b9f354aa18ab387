//! Tracking: `POST /track/v1/trackingnumbers`, up to 30 numbers a call (CONTRACTS.md §2.5),
//! read per NORMALIZATION.md §2.

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
use crate::json::{date_part, null_as_default, text};

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
struct TrackReply {
    #[serde(default)]
    output: Option<TrackOutput>,
    #[serde(default, deserialize_with = "null_as_default")]
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackOutput {
    #[serde(default, deserialize_with = "null_as_default")]
    complete_track_results: Vec<CompleteTrackResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompleteTrackResult {
    #[serde(default)]
    tracking_number: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    track_results: Vec<TrackResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackResult {
    #[serde(default)]
    tracking_number_info: Option<TrackingNumberInfo>,
    #[serde(default)]
    latest_status_detail: Option<StatusDetail>,
    #[serde(default, deserialize_with = "null_as_default")]
    date_and_times: Vec<DateAndTime>,
    #[serde(default)]
    delivery_details: Option<DeliveryDetails>,
    #[serde(default, deserialize_with = "null_as_default")]
    scan_events: Vec<ScanEvent>,
    #[serde(default)]
    error: Option<ErrorItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackingNumberInfo {
    #[serde(default)]
    tracking_number: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusDetail {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    derived_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DateAndTime {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    date_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryDetails {
    #[serde(default)]
    signed_by_name: Option<String>,
    #[serde(default)]
    received_by_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScanEvent {
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    event_type: Option<String>,
    #[serde(default)]
    event_description: Option<String>,
    #[serde(default)]
    derived_status_code: Option<String>,
    #[serde(default)]
    scan_location: Option<ScanLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScanLocation {
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    state_or_province_code: Option<String>,
    #[serde(default)]
    postal_code: Option<String>,
    #[serde(default)]
    country_code: Option<String>,
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
    let reply: TrackReply = serde_json::from_slice(&response.body).map_err(|e| {
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
fn find<'a>(
    results: &'a [CompleteTrackResult],
    number: &TrackingNumber,
) -> Option<&'a CompleteTrackResult> {
    let same = |s: Option<&str>| {
        s.and_then(|s| TrackingNumber::new(s).ok())
            .is_some_and(|n| n == *number)
    };
    results
        .iter()
        .find(|c| same(c.tracking_number.as_deref()))
        .or_else(|| {
            results.iter().find(|c| {
                c.track_results.iter().any(|r| {
                    same(
                        r.tracking_number_info
                            .as_ref()
                            .and_then(|i| i.tracking_number.as_deref()),
                    )
                })
            })
        })
}

fn has_data(result: &TrackResult) -> bool {
    result.latest_status_detail.is_some() || !result.scan_events.is_empty()
}

fn error_code(result: &TrackResult) -> Option<&str> {
    result
        .error
        .as_ref()
        .and_then(|e| text_ref(e.code.as_deref()))
}

fn text_ref(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn is_not_found(code: &str) -> bool {
    code.contains("NOTFOUND") || code.contains("NOT.FOUND")
}

fn tracking_of(number: &TrackingNumber, complete: &CompleteTrackResult) -> Result<Tracking, Error> {
    // A number FedEx reused has one result per shipment: the newest shipment is the one
    // asked about. Results that are only an error never win over results with data.
    let usable = complete
        .track_results
        .iter()
        .filter(|r| has_data(r) && !error_code(r).is_some_and(is_not_found));
    let mut best: Option<&TrackResult> = None;
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
        latest.and_then(|l| l.code.as_deref()),
        latest.and_then(|l| l.derived_code.as_deref()),
    );
    let estimated_delivery = result
        .date_and_times
        .iter()
        .find(|d| d.kind.as_deref().map(str::trim) == Some("ESTIMATED_DELIVERY"))
        .and_then(|d| date_part(d.date_time.as_deref()));
    let delivery = result.delivery_details.as_ref();
    let signed_by = delivery
        .and_then(|d| text(d.signed_by_name.as_deref()))
        .or_else(|| delivery.and_then(|d| text(d.received_by_name.as_deref())));
    let tracking_number = text(
        result
            .tracking_number_info
            .as_ref()
            .and_then(|i| i.tracking_number.as_deref()),
    )
    .or_else(|| text(complete.tracking_number.as_deref()))
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
fn result_error(number: &TrackingNumber, complete: &CompleteTrackResult) -> Error {
    let found = complete.track_results.iter().find_map(|r| {
        r.error
            .as_ref()
            .filter(|e| text_ref(e.code.as_deref()).is_some())
    });
    let Some(item) = found else {
        return Error::new(
            ErrorKind::NotFound,
            format!("FedEx has no tracking data for {number}"),
        )
        .with_carrier(&error::carrier());
    };
    let code = text_ref(item.code.as_deref()).unwrap_or_default();
    let kind = if is_not_found(code) {
        ErrorKind::NotFound
    } else {
        ErrorKind::Rejected
    };
    let message =
        text(item.message.as_deref()).unwrap_or_else(|| format!("FedEx could not track {number}"));
    Error::new(kind, message)
        .with_carrier(&error::carrier())
        .with_code(code)
}

/// The newest scan's instant, for choosing among duplicate results (times without an
/// offset count as UTC; only their order matters here).
fn newest_scan(result: &TrackResult) -> Option<i64> {
    result
        .scan_events
        .iter()
        .filter_map(|e| instant(e.date.as_deref()?))
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

fn event_of(scan: &ScanEvent) -> TrackingEvent {
    let location = scan.scan_location.as_ref();
    let field =
        |f: fn(&ScanLocation) -> Option<&String>| text(location.and_then(f).map(String::as_str));
    TrackingEvent {
        time: text(scan.date.as_deref()),
        status: codes::status_of(
            scan.event_type.as_deref(),
            scan.derived_status_code.as_deref(),
        ),
        code: text(scan.event_type.as_deref()),
        description: text(scan.event_description.as_deref()),
        location: Location {
            city: field(|l| l.city.as_ref()),
            region: field(|l| l.state_or_province_code.as_ref()),
            postal_code: field(|l| l.postal_code.as_ref()),
            country: field(|l| l.country_code.as_ref()),
        },
    }
}
