//! `GET /vis/track/{pin|dnc}/{number}/{detail|summary}`.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use shipmux_sandbox::tracking::{
    CANADA_PLACES, StoryEvent, StoryEventKind, StoryOutcome, TrackingStory, default_base_date,
};

use super::{Auth, escape, messages, wrong_accept, xml};
use crate::track::TRACK_MEDIA_TYPE;

const TRACK_NAMESPACE: &str = "http://www.canadapost.ca/ws/track-v2";

/// Tracking detail or summary.
pub(super) async fn track(
    State(auth): State<Auth>,
    headers: HeaderMap,
    Path((kind, number, view)): Path<(String, String, String)>,
) -> Response {
    if let Some(r) = auth.refusal(&headers) {
        return r;
    }
    if let Some(r) = wrong_accept(&headers, TRACK_MEDIA_TYPE) {
        return r;
    }
    let valid = match kind.as_str() {
        "pin" => {
            matches!(number.len(), 12 | 13 | 16)
                && number.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        "dnc" => number.len() == 15 && number.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    if !valid || !known(&number) {
        return messages(StatusCode::NOT_FOUND, "004", "No Pin History");
    }
    let story = TrackingStory::generate(&number, default_base_date(), CANADA_PLACES);
    match view.as_str() {
        "detail" => xml(TRACK_MEDIA_TYPE, detail(&number, &story)),
        "summary" => xml(TRACK_MEDIA_TYPE, summary(&number, &story)),
        _ => messages(StatusCode::NOT_FOUND, "Server", "Unknown resource"),
    }
}

/// A 16-digit PIN must pass its mod-10 check digit (weights 3,1,3,1… over the first 15
/// digits); the all-zero PIN never has history.
fn known(number: &str) -> bool {
    if number.bytes().all(|b| b == b'0') {
        return false;
    }
    if number.len() != 16 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let digits: Vec<u32> = number.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = digits[..15]
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == digits[15]
}

/// Canada Post's id and English description of a story event.
fn event_id(kind: StoryEventKind) -> (&'static str, &'static str) {
    match kind {
        StoryEventKind::LabelCreated => ("3000", "Order information received by Canada Post"),
        StoryEventKind::PickedUp => ("2300", "Item picked up by Canada Post"),
        StoryEventKind::Arrived | StoryEventKind::Departed => {
            ("0100", "Item processed at postal facility")
        }
        StoryEventKind::OutForDelivery => ("0174", "Item out for delivery"),
        StoryEventKind::Delivered => ("1496", "Item successfully delivered"),
        StoryEventKind::Exception => ("0173", "Customer addressing error found; possible delay"),
        StoryEventKind::ReturnedToSender => ("0156", "Item being returned to sender"),
    }
}

fn zone(offset: &str) -> &'static str {
    match offset {
        "-03:30" => "NST",
        "-04:00" => "AST",
        "-06:00" => "CST",
        "-07:00" => "MST",
        "-08:00" => "PST",
        _ => "EST",
    }
}

fn occurrence(out: &mut String, id: &str, description: &str, event: &StoryEvent, signatory: &str) {
    let _ = write!(
        out,
        "    <occurrence>\n      <event-identifier>{id}</event-identifier>\n      <event-date>{}</event-date>\n      <event-time>{}</event-time>\n      <event-time-zone>{}</event-time-zone>\n      <event-description>{}</event-description>\n      <signatory-name>{}</signatory-name>\n      <event-site>{}</event-site>\n      <event-province>{}</event-province>\n      <event-retail-location-id/>\n      <event-retail-name/>\n    </occurrence>\n",
        event.at.format("%Y-%m-%d"),
        event.at.format("%H:%M:%S"),
        zone(event.place.utc_offset),
        escape(description),
        escape(signatory),
        escape(&event.place.city.to_uppercase()),
        event.place.region,
    );
}

fn detail(number: &str, story: &TrackingStory) -> String {
    let expected = story
        .estimated_delivery
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tracking-detail xmlns=\"{TRACK_NAMESPACE}\">\n  <pin>{}</pin>\n  <active-exists>1</active-exists>\n  <archive-exists/>\n  <changed-expected-date/>\n  <destination-postal-id>{}</destination-postal-id>\n  <expected-delivery-date>{expected}</expected-delivery-date>\n  <changed-expected-delivery-reason/>\n  <service-name>Expedited Parcel</service-name>\n  <service-name-2>Colis accélérés</service-name-2>\n  <customer-ref-1/>\n  <customer-ref-2/>\n  <return-pin/>\n  <signature-image-exists>{}</signature-image-exists>\n  <suppress-signature>false</suppress-signature>\n  <delivery-options/>\n  <significant-events>\n",
        escape(number),
        story.destination.postal_code,
        story.signed_by.is_some(),
    );
    for event in &story.events {
        if event.kind == StoryEventKind::Delivered
            && let Some(signer) = &story.signed_by
        {
            // As in Canada Post's samples, the signature image event sits above the delivery.
            occurrence(
                &mut out,
                "20",
                "Signature image recorded for Online viewing",
                event,
                signer,
            );
        }
        let (id, description) = event_id(event.kind);
        occurrence(&mut out, id, description, event, "");
    }
    out.push_str("  </significant-events>\n</tracking-detail>\n");
    out
}

fn summary(number: &str, story: &TrackingStory) -> String {
    let latest = story.latest();
    let delivered = story.outcome == StoryOutcome::Delivered;
    let (description, event_type) = match latest.map(|e| e.kind) {
        Some(StoryEventKind::Delivered) => ("Item successfully delivered", "DELIVERED"),
        Some(StoryEventKind::LabelCreated) | None => {
            ("Order information received by Canada Post", "INDUCTION")
        }
        Some(StoryEventKind::OutForDelivery) => ("Item out for delivery", "OUT"),
        Some(k) => (event_id(k).1, "VEHICLE_INFO"),
    };
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tracking-summary xmlns=\"{TRACK_NAMESPACE}\">\n  <pin-summary>\n    <pin>{}</pin>\n    <origin-postal-id>{}</origin-postal-id>\n    <destination-postal-id>{}</destination-postal-id>\n    <destination-province>{}</destination-province>\n    <service-name>Expedited Parcel</service-name>\n    <mailed-on-date>{}</mailed-on-date>\n    <expected-delivery-date>{}</expected-delivery-date>\n    <actual-delivery-date>{}</actual-delivery-date>\n    <delivery-option-completed-ind/>\n    <event-date-time>{}</event-date-time>\n    <event-description>{description}</event-description>\n    <attempted-date/>\n    <customer-ref-1/>\n    <customer-ref-2/>\n    <return-pin/>\n    <event-type>{event_type}</event-type>\n    <event-location>{}</event-location>\n    <signatory-name>{}</signatory-name>\n  </pin-summary>\n</tracking-summary>\n",
        escape(number),
        &story.origin.postal_code[..3],
        &story.destination.postal_code[..3],
        story.destination.region,
        story.ship_date.format("%Y-%m-%d"),
        date(story.estimated_delivery),
        if delivered {
            date(latest.map(|e| e.at.date()))
        } else {
            String::new()
        },
        latest
            .map(|e| e.at.format("%Y%m%d:%H%M%S").to_string())
            .unwrap_or_default(),
        latest
            .map(|e| e.place.city.to_uppercase())
            .unwrap_or_default(),
        escape(story.signed_by.as_deref().unwrap_or("")),
    )
}
