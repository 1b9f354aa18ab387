//! Tracking: `GET /vis/track/{pin|dnc}/{number}/{detail|summary}` (track-v2) → [`Tracking`]
//! (docs/carriers/canadapost.md, "Tracking").

use shipmux_core::raw::time::{compact_time, event_time, ymd};
use shipmux_core::{
    CarrierId, Error, HttpRequest, HttpResponse, Location, Result, Status, Tracking, TrackingEvent,
    TrackingNumber,
};

use crate::CARRIER_ID;
use crate::codes::{event_status, zone_offset};
use crate::config::{CanadaPostConfig, TrackingView};
use crate::error;
use crate::xml::Element;

/// The tracking API's media type.
pub const TRACK_MEDIA_TYPE: &str = "application/vnd.cpc.track-v2+xml";

/// The request that tracks one PIN (12, 13 or 16 characters) or delivery notice card (15
/// digits).
pub fn build(config: &CanadaPostConfig, number: &TrackingNumber) -> Result<HttpRequest> {
    let n = number.as_str();
    let kind = match n.len() {
        15 if n.bytes().all(|b| b.is_ascii_digit()) => "dnc",
        12 | 13 | 16 => "pin",
        _ => {
            return Err(Error::invalid_request(
                "tracking_number",
                format!(
                    "`{n}` is not a Canada Post PIN (12, 13 or 16 characters) or DNC (15 digits)"
                ),
            ));
        }
    };
    let view = match config.tracking_view {
        TrackingView::Detail => "detail",
        TrackingView::Summary => "summary",
    };
    Ok(crate::protocol::authorized(
        config,
        HttpRequest::get(format!("{}/vis/track/{kind}/{n}/{view}", config.base()))
            .header("Accept", TRACK_MEDIA_TYPE),
    ))
}

/// Reads one number's answer, whichever view it is.
pub fn parse(number: &TrackingNumber, response: &HttpResponse) -> Result<Tracking> {
    let root = error::read(response, &["tracking-detail", "tracking-summary"])?;
    if root.name == "tracking-summary" {
        parse_summary(number, &root)
    } else {
        parse_detail(number, &root)
    }
}

/// A `<tracking-detail>`.
pub fn parse_detail(number: &TrackingNumber, detail: &Element) -> Result<Tracking> {
    let events: Vec<(TrackingEvent, Option<&str>)> = detail
        .child("significant-events")
        .into_iter()
        .flat_map(|e| e.children("occurrence"))
        .map(|o| (event(o), o.child_text("signatory-name")))
        .collect();
    let status = events
        .iter()
        .map(|(e, _)| e.status)
        .find(|s| *s != Status::Unknown)
        .unwrap_or(Status::Unknown);
    let estimated = detail
        .child_text("changed-expected-date")
        .or_else(|| detail.child_text("expected-delivery-date"));
    Ok(Tracking {
        carrier: CarrierId::from_static(CARRIER_ID),
        tracking_number: detail
            .child_text("pin")
            .unwrap_or(number.as_str())
            .to_string(),
        status,
        estimated_delivery: date(estimated)?,
        delivered_at: events
            .iter()
            .find(|(e, _)| e.status == Status::Delivered)
            .and_then(|(e, _)| e.time.clone()),
        signed_by: events.iter().find_map(|(_, s)| s.map(str::to_string)),
        events: events.into_iter().map(|(e, _)| e).collect(),
    })
}

fn event(occurrence: &Element) -> TrackingEvent {
    let code = occurrence.child_text("event-identifier");
    let offset = occurrence
        .child_text("event-time-zone")
        .and_then(zone_offset);
    let time = occurrence.child_text("event-date").and_then(|d| {
        match occurrence.child_text("event-time") {
            Some(t) => event_time(&format!("{d}T{t}"), offset),
            None => event_time(d, None),
        }
    });
    TrackingEvent {
        time,
        status: code.map(event_status).unwrap_or(Status::Unknown),
        code: code.map(str::to_string),
        description: occurrence
            .child_text("event-description")
            .map(str::to_string),
        location: Location {
            city: occurrence.child_text("event-site").map(str::to_string),
            region: occurrence.child_text("event-province").map(str::to_string),
            postal_code: None,
            country: None,
        },
    }
}

/// A `<tracking-summary>`: the latest event only. Its event has a type (`INDUCTION`, …), not
/// an id, so the status is `delivered` when there is an actual delivery date and `unknown`
/// otherwise.
pub fn parse_summary(number: &TrackingNumber, summary: &Element) -> Result<Tracking> {
    let pin = summary
        .children("pin-summary")
        .find(|p| p.child_text("pin") == Some(number.as_str()))
        .or_else(|| summary.child("pin-summary"))
        .ok_or_else(|| Error::parse("Canada Post tracking-summary has no pin-summary"))?;
    let delivered = pin.child_text("actual-delivery-date").is_some();
    let status = if delivered {
        Status::Delivered
    } else {
        Status::Unknown
    };
    let time = pin.child_text("event-date-time").and_then(summary_time);
    let event = TrackingEvent {
        time: time.clone(),
        status,
        code: pin.child_text("event-type").map(str::to_string),
        description: pin.child_text("event-description").map(str::to_string),
        location: Location {
            city: pin.child_text("event-location").map(str::to_string),
            ..Location::default()
        },
    };
    let has_event = event.time.is_some() || event.description.is_some() || event.code.is_some();
    Ok(Tracking {
        carrier: CarrierId::from_static(CARRIER_ID),
        tracking_number: pin.child_text("pin").unwrap_or(number.as_str()).to_string(),
        status,
        estimated_delivery: date(pin.child_text("expected-delivery-date"))?,
        delivered_at: if delivered { time } else { None },
        signed_by: pin.child_text("signatory-name").map(str::to_string),
        events: if has_event { vec![event] } else { vec![] },
    })
}

/// `20110404:133457` → `2011-04-04T13:34:57` (no offset: the summary gives none).
fn summary_time(t: &str) -> Option<String> {
    let (d, h) = t.split_once(':')?;
    compact_time(d, h, None)
}

fn date(text: Option<&str>) -> Result<Option<chrono::NaiveDate>> {
    text.map(|d| {
        ymd(d).ok_or_else(|| Error::parse(format!("Canada Post date `{d}` is not YYYY-MM-DD")))
    })
    .transpose()
}
