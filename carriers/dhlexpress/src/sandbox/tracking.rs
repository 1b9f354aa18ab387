//! `GET /tracking` (up to 200 waybills or pieces) and `GET /shipments/{n}/tracking`: the
//! kit's tracking stories told with DHL's event codes, oldest event first.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};
use shipmux_sandbox::tracking::{
    StoryEvent, StoryEventKind, StoryOutcome, StoryPlace, TrackingStory, default_base_date,
};

use super::{Auth, bad_request, no_data, ok_json};

/// The prefix of the piece numbers the sandbox gives a waybill's only piece.
pub const PIECE_PREFIX: &str = "JD01460000";

const fn place(
    city: &'static str,
    postal_code: &'static str,
    country: &'static str,
    utc_offset: &'static str,
) -> StoryPlace {
    StoryPlace {
        city,
        region: "",
        postal_code,
        country,
        utc_offset,
    }
}

/// Towns on the sandbox's DHL network (hubs and gateways).
const PLACES: &[StoryPlace] = &[
    place("LEIPZIG", "04435", "DE", "+01:00"),
    place("CINCINNATI HUB", "41048", "US", "-05:00"),
    place("EAST MIDLANDS", "DE74", "GB", "+00:00"),
    place("HONG KONG", "", "HK", "+08:00"),
    place("SYDNEY", "2020", "AU", "+11:00"),
    place("NEW YORK", "10001", "US", "-05:00"),
    place("PARIS", "75001", "FR", "+01:00"),
    place("SINGAPORE", "048582", "SG", "+08:00"),
    place("TORONTO", "M5V", "CA", "-05:00"),
    place("BONN", "53113", "DE", "+01:00"),
    place("AUCKLAND", "2022", "NZ", "+13:00"),
    place("DUBAI", "", "AE", "+04:00"),
];

const VIEWS: [&str; 6] = [
    "all-checkpoints",
    "all-checkpoints-with-remarks",
    "last-checkpoint",
    "shipment-details-only",
    "advance-shipment",
    "bbx-children",
];
const LEVELS: [&str; 3] = ["shipment", "piece", "all"];

/// Whether the sandbox has a story for waybill `n`: 10 digits, the last the first nine mod 7,
/// and not all zeros.
fn known_waybill(n: &str) -> bool {
    n.len() == 10
        && n.bytes().all(|b| b.is_ascii_digit())
        && !n.bytes().all(|b| b == b'0')
        && n[..9]
            .parse::<u64>()
            .is_ok_and(|serial| (serial % 7).to_string() == n[9..])
}

/// The waybill a sandbox piece number belongs to.
fn waybill_of_piece(piece: &str) -> Option<&str> {
    piece
        .strip_prefix(PIECE_PREFIX)
        .filter(|w| known_waybill(w))
}

/// The options both tracking operations read.
struct View {
    view: String,
    level: String,
    offsets: bool,
}

fn view(query: &[(String, String)], instance: &str) -> Result<View, Box<Response>> {
    let get = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let view = get("trackingView").unwrap_or_else(|| "all-checkpoints".into());
    if !VIEWS.contains(&view.as_str()) {
        return Err(Box::new(bad_request(
            instance,
            "Wrong format",
            &format!(
                "Parameters not having correct format: trackingView (valid parameters for trackingView are [{}]",
                VIEWS.join(", ")
            ),
        )));
    }
    let level = get("levelOfDetail").unwrap_or_else(|| "shipment".into());
    if !LEVELS.contains(&level.as_str()) {
        return Err(Box::new(bad_request(
            instance,
            "Wrong format",
            &format!(
                "Parameters not having correct format: levelOfDetail (valid parameters for levelOfDetail are [{}]",
                LEVELS.join(", ")
            ),
        )));
    }
    Ok(View {
        view,
        level,
        offsets: get("requestGMTOffsetPerEvent").as_deref() == Some("true"),
    })
}

/// `GET /tracking?shipmentTrackingNumber=…&shipmentTrackingNumber=…` (or `pieceTrackingNumber`).
pub(super) async fn track_many(
    State(auth): State<Auth>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    const INSTANCE: &str = "/tracking";
    if let Some(r) = auth.refusal(&headers, INSTANCE) {
        return r;
    }
    let values = |key: &str| -> Vec<String> {
        query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let waybills = values("shipmentTrackingNumber");
    let pieces = values("pieceTrackingNumber");
    let reference = values("shipmentReference");
    if waybills.is_empty() && pieces.is_empty() && reference.is_empty() {
        return bad_request(
            INSTANCE,
            "Missing parameters",
            "Missing mandatory parameters: shipmentTrackingNumber",
        );
    }
    if waybills.len() > 200 || pieces.len() > 200 {
        return bad_request(
            INSTANCE,
            "Bad request",
            "Parameters not having correct format: at most 200 tracking numbers per request",
        );
    }
    let options = match view(&query, INSTANCE) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if let Some(r) = reference.first() {
        if values("shipperAccountNumber").is_empty() && values("payerAccountNumber").is_empty() {
            return bad_request(
                INSTANCE,
                "Missing parameters",
                "Missing mandatory parameters: shipperAccountNumber",
            );
        }
        return no_data(
            INSTANCE,
            &format!("No Shipments Found for ReferenceID | {r}"),
        );
    }
    let mut shipments = Vec::new();
    for w in &waybills {
        if known_waybill(w) {
            shipments.push(shipment(w, &options));
        }
    }
    for p in &pieces {
        if let Some(w) = waybill_of_piece(p) {
            let mut with_pieces = View {
                level: "all".into(),
                view: options.view.clone(),
                offsets: options.offsets,
            };
            if options.level != "shipment" {
                with_pieces.level = options.level.clone();
            }
            shipments.push(shipment(w, &with_pieces));
        }
    }
    if shipments.is_empty() {
        return no_data(INSTANCE, "No data found");
    }
    ok_json(&json!({ "shipments": shipments }))
}

/// `GET /shipments/{number}/tracking`.
pub(super) async fn track_one(
    State(auth): State<Auth>,
    headers: HeaderMap,
    Path(number): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let instance = format!("/shipments/{number}/tracking");
    if let Some(r) = auth.refusal(&headers, &instance) {
        return r;
    }
    let options = match view(&query, &instance) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if !known_waybill(&number) {
        return no_data(&instance, "No data found");
    }
    ok_json(&json!({ "shipments": [shipment(&number, &options)] }))
}

/// DHL's code and description for a story event.
fn dhl_event(
    event: &StoryEvent,
    story: &TrackingStory,
    last_arrival: bool,
) -> (&'static str, String) {
    let at = area(&event.place);
    match event.kind {
        StoryEventKind::LabelCreated => ("SD", "Shipment information received".into()),
        StoryEventKind::PickedUp => ("PU", "Shipment picked up".into()),
        StoryEventKind::Departed => (
            "DF",
            format!("Shipment has departed from a DHL facility {at}"),
        ),
        StoryEventKind::Arrived if last_arrival => {
            ("AR", format!("Arrived at DHL Delivery Facility {at}"))
        }
        StoryEventKind::Arrived => ("AF", format!("Arrived at DHL Sort Facility {at}")),
        StoryEventKind::OutForDelivery => {
            ("WC", "Shipment is out with courier for delivery".into())
        }
        StoryEventKind::Delivered => ("OK", "Delivered".into()),
        StoryEventKind::Exception => {
            let reason = story.exception_reason.unwrap_or("");
            if reason.contains("address") {
                ("BA", "Bad or incorrect address ".into())
            } else if reason.contains("weather") {
                ("TD", "Transport delay - weather conditions".into())
            } else if reason.contains("not available") {
                ("NH", "Consignee not home, delivery attempted".into())
            } else {
                ("DM", "Shipment damaged".into())
            }
        }
        StoryEventKind::ReturnedToSender => ("RT", "Returned to consignor".into()),
    }
}

/// `CITY-CC`.
fn area(place: &StoryPlace) -> String {
    format!("{}-{}", place.city, place.country)
}

fn service_area(place: &StoryPlace) -> Value {
    json!([{
        "code": super::address::service_area(place.city),
        "description": area(place),
    }])
}

/// One `shipments[]` entry for waybill `number`.
fn shipment(number: &str, options: &View) -> Value {
    let story = TrackingStory::generate(number, default_base_date(), PLACES);
    // The kit lists newest first; DHL lists oldest first.
    let oldest_first: Vec<&StoryEvent> = if story.outcome == StoryOutcome::PreTransit {
        Vec::new()
    } else {
        story.events.iter().rev().collect()
    };
    // The arrival at the destination is at DHL's delivery facility; the others at hubs.
    let last_arrival = oldest_first
        .iter()
        .rposition(|e| e.kind == StoryEventKind::Arrived && e.place == story.destination);
    let mut events = Vec::new();
    let mut cleared = false;
    for (i, e) in oldest_first.iter().enumerate() {
        let (code, description) = dhl_event(e, &story, Some(i) == last_arrival);
        events.push(event(e, code, &description, options.offsets, &story));
        // International shipments clear customs on their first arrival in the destination
        // country.
        if !cleared
            && story.origin.country != story.destination.country
            && e.kind == StoryEventKind::Arrived
            && e.place.country == story.destination.country
        {
            cleared = true;
            let mut later = (*e).clone();
            later.at += chrono::Duration::minutes(9);
            events.push(event(
                &later,
                "CR",
                &format!("Clearance processing complete at {}", area(&e.place)),
                options.offsets,
                &story,
            ));
        }
    }
    if options.view == "last-checkpoint" {
        events = events.split_off(events.len().saturating_sub(1));
    }
    let weight = crate::json::number(rust_decimal::Decimal::new(
        i64::from(number.as_bytes()[8] - b'0') * 10 + 5,
        1,
    ));
    let mut s = json!({
        "shipmentTrackingNumber": number,
        "status": "Success",
        "shipmentTimestamp": story.events.last().map(|e| e.at.format("%Y-%m-%dT%H:%M:%S").to_string()),
        "productCode": "P",
        "description": "SANDBOX GOODS",
        "shipperDetails": party(&story.origin),
        "receiverDetails": party(&story.destination),
        "totalWeight": weight,
        "unitOfMeasurements": "metric",
        "numberOfPieces": 1,
    });
    if options.view != "shipment-details-only" {
        s["events"] = json!(events);
    }
    if options.level != "shipment" {
        s["pieces"] = json!([{
            "number": 1,
            "typeCode": "PIECE",
            "shipmentTrackingNumber": number,
            "trackingNumber": format!("{PIECE_PREFIX}{number}"),
            "weight": weight,
            "actualWeight": weight,
            "unitOfMeasurements": "metric",
            "events": events.iter().filter(|e| e["typeCode"] != "CR").collect::<Vec<_>>(),
        }]);
    }
    if let Some(date) = story.estimated_delivery {
        s["estimatedDeliveryDate"] = json!(format!("{}T23:59:00", date.format("%Y-%m-%d")));
    }
    s
}

fn party(place: &StoryPlace) -> Value {
    json!({
        "name": "",
        "postalAddress": {
            "cityName": place.city,
            "postalCode": place.postal_code,
            "countryCode": place.country,
        },
        "serviceArea": service_area(place),
    })
}

fn event(
    e: &StoryEvent,
    code: &str,
    description: &str,
    offsets: bool,
    story: &TrackingStory,
) -> Value {
    let mut v = json!({
        "date": e.at.format("%Y-%m-%d").to_string(),
        "time": e.at.format("%H:%M:%S").to_string(),
        "typeCode": code,
        "description": description,
        "serviceArea": service_area(&e.place),
    });
    if offsets {
        v["GMTOffset"] = json!(e.place.utc_offset);
    }
    if code == "OK" {
        v["signedBy"] = json!(story.signed_by.clone().unwrap_or_default());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waybills_need_their_check_digit() {
        assert!(known_waybill("9356579890"));
        assert!(!known_waybill("9356579891"));
        assert!(!known_waybill("0000000000"));
        assert_eq!(waybill_of_piece("JD014600009356579890"), Some("9356579890"));
        assert_eq!(waybill_of_piece("JD014600009356579891"), None);
    }
}
