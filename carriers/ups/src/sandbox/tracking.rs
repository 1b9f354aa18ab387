//! `GET /api/track/v1/details/{inquiryNumber}`: a deterministic story for every valid `1Z`
//! number, in UPS's `trackResponse` shape; UPS's not-found answers for the rest.

use axum::Json;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use serde_json::{Value, json};
use shipmux_sandbox::tracking::{
    StoryEvent, StoryEventKind, StoryOutcome, TrackingStory, US_PLACES, default_base_date,
};

use super::ups_error;

/// Does `number` look like a UPS `1Z` number with a correct check digit?
pub fn is_valid_1z(number: &str) -> bool {
    let n: Vec<u8> = number
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if n.len() != 18 || &n[..2] != b"1Z" || !n[2..].iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let Some(check) = n
        .last()
        .filter(|c| c.is_ascii_digit())
        .map(|c| u32::from(c - b'0'))
    else {
        return false;
    };
    let sum: u32 = n[2..17]
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = if c.is_ascii_digit() {
                u32::from(c - b'0')
            } else {
                (u32::from(*c) - 63) % 10
            };
            if i % 2 == 1 { v * 2 } else { v }
        })
        .sum();
    (10 - sum % 10) % 10 == check
}

pub(crate) async fn details(Path(inquiry): Path<String>, headers: HeaderMap) -> Response {
    for header in ["transId", "transactionSrc"] {
        if headers.get(header).is_none_or(|v| v.is_empty()) {
            return ups_error(
                StatusCode::BAD_REQUEST,
                "VSS000",
                &format!("Missing required header: {header}"),
            );
        }
    }
    let number: String = inquiry
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if !(7..=34).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return ups_error(StatusCode::BAD_REQUEST, "TV1002", "Invalid inquiry number");
    }
    if number.starts_with("1Z") && !is_valid_1z(&number) {
        return ups_error(
            StatusCode::NOT_FOUND,
            "TW0001",
            "Tracking Information Not Found",
        );
    }
    if !is_valid_1z(&number) {
        return Json(json!({"trackResponse": {"shipment": [{
            "inquiryNumber": number,
            "package": [],
            "userRelation": [],
            "warnings": [{"code": "TW0001", "message": "Tracking Information Not Found"}],
        }]}}))
        .into_response();
    }
    let story = TrackingStory::generate(&number, default_base_date(), US_PLACES);
    Json(json!({"trackResponse": {"shipment": [{
        "inquiryNumber": number,
        "package": [package(&number, &story)],
        "userRelation": [],
    }]}}))
    .into_response()
}

/// UPS status fields for an event kind: (type, code, description, statusCode).
fn status_of(kind: StoryEventKind, exception: Option<&str>) -> Value {
    let (ty, code, status_code) = match kind {
        StoryEventKind::LabelCreated => ("M", "MP", "003"),
        StoryEventKind::PickedUp => ("P", "PU", "038"),
        StoryEventKind::Arrived => ("I", "AR", "005"),
        StoryEventKind::Departed => ("I", "DP", "005"),
        StoryEventKind::OutForDelivery => ("O", "OT", "072"),
        StoryEventKind::Delivered => ("D", "FS", "011"),
        StoryEventKind::Exception => ("X", "UR", "007"),
        StoryEventKind::ReturnedToSender => ("RS", "RS", "014"),
    };
    let description = match kind {
        StoryEventKind::Exception => exception.unwrap_or(kind.description()),
        StoryEventKind::LabelCreated => {
            "Shipper created a label, UPS has not received the package yet. "
        }
        StoryEventKind::Delivered => "DELIVERED ",
        _ => kind.description(),
    };
    let simplified = match ty {
        "M" => "Label Created",
        "D" => "Delivered",
        "O" => "Out for Delivery",
        "X" => "Exception",
        "RS" => "Returned",
        _ => "On the Way",
    };
    json!({
        "type": ty,
        "code": code,
        "description": description,
        "simplifiedTextDescription": simplified,
        "statusCode": status_code,
    })
}

fn activity(event: &StoryEvent, exception: Option<&str>) -> Value {
    let gmt = gmt_of(event.at, event.place.utc_offset);
    json!({
        "location": {
            "address": {
                "city": event.place.city,
                "stateProvince": event.place.region,
                "postalCode": event.place.postal_code,
                "country": event.place.country,
                "countryCode": event.place.country,
            },
            "slic": "",
        },
        "status": status_of(event.kind, exception),
        "date": event.at.format("%Y%m%d").to_string(),
        "time": event.at.format("%H%M%S").to_string(),
        "gmtDate": gmt.format("%Y%m%d").to_string(),
        "gmtTime": gmt.format("%H:%M:%S").to_string(),
        "gmtOffset": event.place.utc_offset,
    })
}

/// Local time at an offset like `-05:00` → UTC.
fn gmt_of(local: NaiveDateTime, offset: &str) -> NaiveDateTime {
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let hours: i64 = offset.get(1..3).and_then(|h| h.parse().ok()).unwrap_or(0);
    let minutes: i64 = offset.get(4..6).and_then(|m| m.parse().ok()).unwrap_or(0);
    local - chrono::Duration::minutes(sign * (hours * 60 + minutes))
}

fn package(number: &str, story: &TrackingStory) -> Value {
    let activities: Vec<Value> = story
        .events
        .iter()
        .map(|e| activity(e, story.exception_reason))
        .collect();
    let current = story
        .latest()
        .map(|e| status_of(e.kind, story.exception_reason))
        .unwrap_or(Value::Null);
    let day = |d: chrono::NaiveDate| d.format("%Y%m%d").to_string();
    let mut delivery_dates = Vec::new();
    if let Some(estimate) = story.estimated_delivery {
        let kind = if story.outcome == StoryOutcome::Exception {
            "RDD"
        } else {
            "SDD"
        };
        delivery_dates.push(json!({"type": kind, "date": day(estimate)}));
    }
    let delivered = story
        .events
        .iter()
        .find(|e| e.kind == StoryEventKind::Delivered);
    if let Some(d) = delivered {
        delivery_dates.push(json!({"type": "DEL", "date": day(d.at.date())}));
    }
    let mut package = json!({
        "trackingNumber": number,
        "deliveryDate": delivery_dates,
        "deliveryTime": match delivered {
            Some(d) => json!({"type": "DEL", "endTime": d.at.format("%H%M%S").to_string()}),
            None => json!({"type": "EOD", "endTime": "233000"}),
        },
        "activity": activities,
        "currentStatus": current,
        "packageAddress": [
            {"type": "ORIGIN", "address": {"city": story.origin.city, "stateProvince": story.origin.region, "countryCode": story.origin.country}},
            {"type": "DESTINATION", "address": {"city": story.destination.city, "stateProvince": story.destination.region, "countryCode": story.destination.country}},
        ],
        "packageCount": 1,
        "service": {"code": "003", "levelCode": "003", "description": "UPS Ground"},
        "weight": {"unitOfMeasurement": "LBS", "weight": "2.50"},
    });
    if let (Some(signer), Some(_)) = (&story.signed_by, delivered) {
        package["deliveryInformation"] = json!({
            "receivedBy": signer,
            "location": "Front Door",
        });
    }
    package
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_follow_ups_mod10() {
        for n in [
            "1Z5R89390357567127",
            "1Z879E930346834440",
            "1Z410E7W0392751591",
            "1ZXX3150YW44070023",
            "1z999aa10123456784",
        ] {
            assert!(is_valid_1z(n), "{n}");
        }
        assert!(!is_valid_1z("1Z1111111111111111"));
        assert!(!is_valid_1z("2Z5R89390357567127"));
        assert!(!is_valid_1z("1Z5R8939"));
    }
}
