//! Tracking (scope `tracking`): v3 `GET /tracking/v3/tracking/{n}?expand=DETAIL|SUMMARY`
//! and v3r2 `POST /tracking/v3r2/tracking` (1–35 numbers; 200 when all are known, 207
//! multi-status otherwise). Stories come from the kit; numbers ending `0000` are unknown.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{NaiveDateTime, TimeDelta};
use serde_json::{Value, json};
use shipmux_sandbox::tracking::{
    StoryEvent, StoryEventKind, StoryOutcome, TrackingStory, US_PLACES, default_base_date,
};

use super::State;
use super::http::{bad_request, forbidden, json_body, json_response, usps_error};
use super::model::UNKNOWN_TRACKING_SUFFIX;

/// Most numbers in one v3r2 request.
const MAX_BATCH: usize = 35;
const NOT_FOUND_TEXT: &str = "7: The tracking number may be incorrect or the status update is not yet available. Please verify your tracking number and try again later.";

/// The tracking routes.
pub fn routes(state: Arc<State>) -> Router {
    Router::new()
        .route("/tracking/v3/tracking/{number}", get(single))
        .route("/tracking/v3r2/tracking", post(batch))
        .with_state(state)
}

#[derive(serde::Deserialize)]
struct SingleQuery {
    expand: Option<String>,
}

async fn single(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Path(number): Path<String>,
    Query(query): Query<SingleQuery>,
) -> Response {
    if !state.has_scope(&headers, &["tracking"]) {
        return forbidden("Insufficient scope: the token does not grant `tracking`");
    }
    let Some(number) = valid_number(&number) else {
        return bad_request("150002", NOT_FOUND_TEXT, Some("trackingNumber"));
    };
    if number.ends_with(UNKNOWN_TRACKING_SUFFIX) {
        return bad_request("150002", NOT_FOUND_TEXT, None);
    }
    let story = TrackingStory::generate(&number, default_base_date(), US_PLACES);
    let summary = query
        .expand
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case("summary"));
    if summary {
        let text = story
            .latest()
            .map(|e| {
                format!(
                    "{} at {} in {}, {}.",
                    e.kind.description(),
                    e.at.format("%-I:%M %P on %B %-d, %Y"),
                    e.place.city,
                    e.place.region
                )
            })
            .unwrap_or_default();
        return json_response(
            StatusCode::OK,
            json!({"TrackResults": {"RequestSeqNumber": null, "TrackInfo": {"@ID": number, "TrackSummary": text}}}),
        );
    }
    json_response(StatusCode::OK, detail(&number, &story, false))
}

async fn batch(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !state.has_scope(&headers, &["tracking"]) {
        return forbidden("Insufficient scope: the token does not grant `tracking`");
    }
    let request = match json_body(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let Some(items) = request
        .as_array()
        .filter(|a| !a.is_empty() && a.len() <= MAX_BATCH)
    else {
        return usps_error(
            StatusCode::BAD_REQUEST,
            "400",
            "The request must be an array of 1 to 35 tracking requests",
            None,
        );
    };
    let mut all_found = true;
    let mut answers = Vec::with_capacity(items.len());
    for item in items {
        let raw = item
            .get("trackingNumber")
            .and_then(Value::as_str)
            .unwrap_or("");
        let Some(number) = valid_number(raw) else {
            return bad_request(
                "030010",
                "trackingNumber is required: 4 to 34 letters and digits",
                Some("trackingNumber"),
            );
        };
        if number.ends_with(UNKNOWN_TRACKING_SUFFIX) {
            all_found = false;
            answers.push(json!({
                "statusCode": "404",
                "trackingNumber": number,
                "apiVersion": super::http::API_VERSION,
                "error": {
                    "code": "404",
                    "message": "Not Found",
                    "errors": [{"status": "404", "code": "150002", "title": NOT_FOUND_TEXT, "detail": NOT_FOUND_TEXT}],
                },
            }));
        } else {
            let story = TrackingStory::generate(&number, default_base_date(), US_PLACES);
            answers.push(detail(&number, &story, true));
        }
    }
    if all_found {
        json_response(StatusCode::OK, Value::Array(answers))
    } else {
        json_response(StatusCode::MULTI_STATUS, Value::Array(answers))
    }
}

fn valid_number(raw: &str) -> Option<String> {
    let n: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    (4..=34).contains(&n.len()).then_some(())?;
    n.bytes().all(|b| b.is_ascii_alphanumeric()).then_some(n)
}

/// One tracking detail. v3 writes booleans as strings and local times with `GMTOffset`;
/// v3r2 real booleans, offsets in the timestamp and a `statusCode`.
fn detail(number: &str, story: &TrackingStory, v3r2: bool) -> Value {
    let boolean = |b: bool| if v3r2 { json!(b) } else { json!(b.to_string()) };
    let (status, category) = match story.outcome {
        StoryOutcome::PreTransit => ("Shipping Label Created, USPS Awaiting Item", "Pre-Shipment"),
        StoryOutcome::InTransit => ("In Transit to Next Facility", "In Transit"),
        StoryOutcome::OutForDelivery => ("Out for Delivery", "Out for Delivery"),
        StoryOutcome::Delivered => ("Delivered, Left with Individual", "Delivered"),
        StoryOutcome::Exception => ("Delivery Exception", "Alert"),
        StoryOutcome::Returned => ("Return to Sender Processed", "Return to Sender"),
    };
    let events: Vec<Value> = story
        .events
        .iter()
        .map(|e| event(e, story, v3r2, &boolean))
        .collect();
    let mut d = json!({
        "trackingNumber": number,
        "mailClass": "Priority Mail<SUP>&reg;</SUP>",
        "mailType": "DM",
        "originCity": story.origin.city,
        "originState": story.origin.region,
        "destinationCity": story.destination.city,
        "destinationState": story.destination.region,
        "emailEnabled": boolean(true),
        "kahalaIndicator": boolean(false),
        "proofOfDeliveryEnabled": boolean(false),
        "serviceTypeCode": "001",
        "status": status,
        "statusCategory": category,
        "statusSummary": format!("{status}."),
        "trackingEvents": events,
    });
    let zip_key = if v3r2 { "originZIPCode" } else { "originZIP" };
    d[zip_key] = json!(story.origin.postal_code);
    let zip_key = if v3r2 {
        "destinationZIPCode"
    } else {
        "destinationZIP"
    };
    d[zip_key] = json!(story.destination.postal_code);
    if let Some(date) = story.estimated_delivery {
        if v3r2 {
            d["statusCode"] = json!("200");
            d["deliveryDateExpectation"] = json!({
                "expectedDeliveryDate": date.to_string(),
                "predictedDeliveryDate": date.to_string(),
            });
        } else {
            d["expectedDeliveryDate"] = json!(date.to_string());
        }
    }
    if v3r2 {
        d["statusCode"] = json!("200");
        d["mailClassCode"] = json!("PM");
    }
    d
}

fn event(
    e: &StoryEvent,
    story: &TrackingStory,
    v3r2: bool,
    boolean: &dyn Fn(bool) -> Value,
) -> Value {
    let (code, text) = match e.kind {
        StoryEventKind::LabelCreated => (
            "GX",
            "Shipping Label Created, USPS Awaiting Item".to_string(),
        ),
        StoryEventKind::PickedUp => ("03", "USPS in possession of item".to_string()),
        StoryEventKind::Arrived => ("A1", "Arrived at USPS Regional Facility".to_string()),
        StoryEventKind::Departed => ("T1", "Departed USPS Regional Facility".to_string()),
        StoryEventKind::OutForDelivery => ("OF", "Out for Delivery".to_string()),
        StoryEventKind::Delivered => ("01", "Delivered, Left with Individual".to_string()),
        StoryEventKind::Exception => (
            "07",
            format!(
                "Delivery Exception, {}",
                story.exception_reason.unwrap_or("Delayed")
            ),
        ),
        StoryEventKind::ReturnedToSender => ("09", "Return to Sender Processed".to_string()),
    };
    let local = e.at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let gmt = gmt(e.at, e.place.utc_offset);
    let delivered = e.kind == StoryEventKind::Delivered;
    let mut v = json!({
        "eventType": text,
        "eventTimestamp": if v3r2 { e.time_with_offset() } else { local },
        "GMTTimestamp": gmt,
        "GMTOffset": e.place.utc_offset,
        "eventCountry": null,
        "eventCity": e.place.city,
        "eventState": e.place.region,
        "firm": null,
        "name": if delivered { story.signed_by.clone() } else { None },
        "authorizedAgent": boolean(false),
        "eventCode": code,
    });
    let zip_key = if v3r2 { "eventZIPCode" } else { "eventZIP" };
    v[zip_key] = json!(e.place.postal_code);
    v
}

/// The UTC time of a local time with a `-05:00` offset.
fn gmt(local: NaiveDateTime, offset: &str) -> Value {
    let minutes = shipmux_core::raw::time::normalize_offset(offset).and_then(|o| {
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let h: i64 = o.get(1..3)?.parse().ok()?;
        let m: i64 = o.get(4..6)?.parse().ok()?;
        Some(sign * (h * 60 + m))
    });
    match minutes {
        Some(m) => json!(
            (local - TimeDelta::minutes(m))
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        ),
        None => Value::Null,
    }
}
