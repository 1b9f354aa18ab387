//! `POST /track/v1/trackingnumbers`: up to 30 numbers per request, each answered from the
//! kit's deterministic tracking story, or with FedEx's per-number NOTFOUND error inside the
//! 200, as FedEx answers an unknown number.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use shipmux_sandbox::tracking::{
    StoryEvent, StoryEventKind, StoryOutcome, TrackingStory, US_PLACES, default_base_date,
};

use super::reply::{self, FedexError};
use super::request::text_of;
use crate::track::MAX_BATCH;

/// Does the sandbox know `number`? FedEx Express numbers (12 digits) and Ground numbers (15)
/// must carry a valid check digit (computed below); 20-, 22- and 34-digit numbers are taken
/// as they are. Anything else is "not found", as at FedEx.
pub fn is_known(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != number.len() {
        return false;
    }
    let (payload, check) = match digits.split_last() {
        Some((check, payload)) => (payload, *check),
        None => return false,
    };
    match digits.len() {
        12 => {
            let sum: u32 = payload
                .iter()
                .zip([3, 1, 7].iter().cycle())
                .map(|(d, w)| d * w)
                .sum();
            sum % 11 % 10 == check
        }
        15 => {
            let sum: u32 = payload
                .iter()
                .zip([1, 3].iter().cycle())
                .map(|(d, w)| d * w)
                .sum();
            (10 - sum % 10) % 10 == check
        }
        20 | 22 | 34 => true,
        _ => false,
    }
}

/// Answers a tracking request.
pub async fn track(headers: HeaderMap, body: Bytes) -> Response {
    let customer = reply::customer_transaction_id(&headers);
    let customer = customer.as_deref();
    if !reply::is_json(&headers) {
        return reply::invalid_input(customer);
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return reply::invalid_input(customer);
    };
    let bad = |code: &'static str, message: &str| {
        reply::errors(
            StatusCode::BAD_REQUEST,
            customer,
            &[FedexError::new(code, message)],
        )
    };
    let Some(detailed) = body["includeDetailedScans"].as_bool() else {
        return bad(
            "TRACKING.INCLUDEDETAILEDSCANS.REQUIRED",
            "includeDetailedScans is required (true or false).",
        );
    };
    let Some(infos) = body["trackingInfo"].as_array().filter(|l| !l.is_empty()) else {
        return bad(
            "TRACKING.TRACKINGNUMBER.EMPTY",
            "Please provide tracking number.",
        );
    };
    if infos.len() > MAX_BATCH {
        return bad(
            "TRACKING.TRACKINGNUMBER.LIMIT.EXCEEDED",
            "Please provide at most 30 tracking numbers.",
        );
    }
    let mut numbers = Vec::with_capacity(infos.len());
    for info in infos {
        match text_of(&info["trackingNumberInfo"]["trackingNumber"]) {
            Some(n) => numbers.push(n),
            None => {
                return bad(
                    "TRACKING.TRACKINGNUMBER.EMPTY",
                    "Please provide tracking number.",
                );
            }
        }
    }
    let results: Vec<Value> = numbers
        .iter()
        .map(|n| complete_result(n, detailed))
        .collect();
    reply::output(customer, &json!({"completeTrackResults": results}), 4096)
}

fn complete_result(number: &str, detailed: bool) -> Value {
    let result = if is_known(number) {
        track_result(number, detailed)
    } else {
        json!({
            "trackingNumberInfo": {"trackingNumber": number, "trackingNumberUniqueId": "", "carrierCode": ""},
            "error": {"code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
                "message": "Tracking number cannot be found. Please correct the tracking number and try again."},
        })
    };
    json!({"trackingNumber": number, "trackResults": [result]})
}

/// FedEx's scan code, derived code and wording for a story event.
fn scan_codes(kind: StoryEventKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        StoryEventKind::LabelCreated => (
            "OC",
            "IN",
            "Initiated",
            "Shipment information sent to FedEx",
        ),
        StoryEventKind::PickedUp => ("PU", "PU", "Picked up", "Picked up"),
        StoryEventKind::Arrived => ("AR", "IT", "In transit", "Arrived at FedEx location"),
        StoryEventKind::Departed => ("DP", "IT", "In transit", "Departed FedEx location"),
        // FedEx really does derive IT from OD.
        StoryEventKind::OutForDelivery => {
            ("OD", "IT", "In transit", "On FedEx vehicle for delivery")
        }
        StoryEventKind::Delivered => ("DL", "DL", "Delivered", "Delivered"),
        StoryEventKind::Exception => ("DE", "DE", "Delivery exception", "Delivery exception"),
        StoryEventKind::ReturnedToSender => (
            "RS",
            "RS",
            "Return to shipper",
            "Returning package to shipper",
        ),
    }
}

fn location(place: &shipmux_sandbox::tracking::StoryPlace) -> Value {
    json!({"city": place.city.to_ascii_uppercase(), "stateOrProvinceCode": place.region,
        "postalCode": place.postal_code, "countryCode": place.country, "residential": false})
}

fn scan_event(event: &StoryEvent, reason: Option<&str>) -> Value {
    let (code, derived, derived_status, description) = scan_codes(event.kind);
    let exception = if event.kind == StoryEventKind::Exception {
        reason.unwrap_or_default()
    } else {
        ""
    };
    json!({
        "date": event.time_with_offset(),
        "eventType": code,
        "eventDescription": description,
        "exceptionCode": if exception.is_empty() { "" } else { "08" },
        "exceptionDescription": exception,
        "scanLocation": location(&event.place),
        "locationType": "FEDEX_FACILITY",
        "derivedStatusCode": derived,
        "derivedStatus": derived_status,
    })
}

fn track_result(number: &str, detailed: bool) -> Value {
    let story = TrackingStory::generate(number, default_base_date(), US_PLACES);
    let express = number.len() == 12;
    let (code, derived, words) = match story.outcome {
        StoryOutcome::PreTransit => ("OC", "IN", "Label created"),
        StoryOutcome::InTransit => ("IT", "IT", "In transit"),
        StoryOutcome::OutForDelivery => ("OD", "IT", "On FedEx vehicle for delivery"),
        StoryOutcome::Delivered => ("DL", "DL", "Delivered"),
        StoryOutcome::Exception => ("DE", "DE", "Delivery exception"),
        StoryOutcome::Returned => ("RS", "RS", "Returning package to shipper"),
    };
    let events: Vec<Value> = story
        .events
        .iter()
        .take(if detailed { usize::MAX } else { 1 })
        .map(|e| scan_event(e, story.exception_reason))
        .collect();
    let mut dates = Vec::new();
    if let Some(delivered) = story
        .events
        .iter()
        .find(|e| e.kind == StoryEventKind::Delivered)
    {
        dates.push(json!({"type": "ACTUAL_DELIVERY", "dateTime": delivered.time_with_offset()}));
    }
    if let Some(estimate) = story.estimated_delivery {
        dates.push(json!({"type": "ESTIMATED_DELIVERY",
            "dateTime": format!("{}T00:00:00{}", estimate.format("%Y-%m-%d"), story.destination.utc_offset)}));
    }
    if let Some(pickup) = story
        .events
        .iter()
        .find(|e| e.kind == StoryEventKind::PickedUp)
    {
        dates.push(json!({"type": "ACTUAL_PICKUP", "dateTime": pickup.time_with_offset()}));
    }
    dates.push(json!({"type": "SHIP",
        "dateTime": format!("{}T00:00:00{}", story.ship_date.format("%Y-%m-%d"), story.origin.utc_offset)}));
    let latest_place = story
        .latest()
        .map(|e| location(&e.place))
        .unwrap_or(Value::Null);
    let mut result = json!({
        "trackingNumberInfo": {
            "trackingNumber": number,
            "carrierCode": if express { "FDXE" } else { "FDXG" },
            "trackingNumberUniqueId": format!("12029~{number}~{}", if express { "FX" } else { "FDEG" }),
        },
        "latestStatusDetail": {"code": code, "derivedCode": derived, "statusByLocale": words,
            "description": words, "scanLocation": latest_place},
        "dateAndTimes": dates,
        "serviceDetail": if express {
            json!({"type": "FEDEX_2_DAY", "description": "FedEx 2Day", "shortDescription": "2D"})
        } else {
            json!({"type": "FEDEX_GROUND", "description": "FedEx Ground", "shortDescription": "FG"})
        },
        "originLocation": {"locationContactAndAddress": {"address": location(&story.origin)}},
        "destinationLocation": {"locationContactAndAddress": {"address": location(&story.destination)}},
        "scanEvents": events,
    });
    if let Some(signer) = &story.signed_by {
        result["deliveryDetails"] = json!({"receivedByName": signer, "signedByName": signer,
            "deliveryAttempts": "0", "locationDescription": "Front desk"});
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_decide_what_is_known() {
        assert!(is_known("128667043726"), "FedEx's own sample number");
        assert!(is_known("794843185271"));
        assert!(!is_known("794843185272"), "one digit off");
        assert!(!is_known("39936862321"), "FedEx's not-found sample");
        assert!(!is_known("NOSUCHSHIPMENT0000000000"));
        assert!(is_known("012345678901231"), "15-digit Ground");
        assert!(!is_known("012345678901238"));
        assert!(!is_known(""));
    }
}
