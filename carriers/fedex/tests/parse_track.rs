//! FedEx tracking answers → shipmux trackings, on our own FedEx-format fixture.

mod common;

use chrono::NaiveDate;
use shipmux_core::{CarrierProtocol, ErrorKind, Status, Tracking, TrackingNumber};

use common::{error_body, exchange, fedex};

const BATCH: &str = include_str!("fixtures/track_batch.json");

fn numbers(list: &[&str]) -> Vec<TrackingNumber> {
    list.iter()
        .map(|n| TrackingNumber::new(n).unwrap())
        .collect()
}

fn track(
    list: &[&str],
    status: u16,
    body: &str,
) -> shipmux_core::Result<Vec<shipmux_core::Result<Tracking>>> {
    fedex().parse_track(&numbers(list), &exchange(status, body))
}

#[test]
fn one_result_per_number_in_the_order_asked() {
    let asked = [
        "39936862321",
        "777777777777",
        "794843185271",
        "123456789012345",
        "776094337676",
        "999999999999",
    ];
    let results = track(&asked, 200, BATCH).unwrap();
    assert_eq!(results.len(), asked.len());
    let not_found = results[0].as_ref().unwrap_err();
    assert_eq!(
        not_found.kind,
        ErrorKind::NotFound,
        "not found inside a 200 body"
    );
    assert_eq!(
        not_found.code.as_deref(),
        Some("TRACKING.TRACKINGNUMBER.NOTFOUND")
    );
    assert_eq!(results[1].as_ref().unwrap().tracking_number, "777777777777");
    assert_eq!(results[2].as_ref().unwrap().status, Status::Exception);
    assert_eq!(results[3].as_ref().unwrap().status, Status::InTransit);
    // A number FedEx left out of its answer is an error for that number only.
    assert_eq!(results[5].as_ref().unwrap_err().kind, ErrorKind::Parse);
}

#[test]
fn delivered_shipment() {
    let t = track(&["777777777777"], 200, BATCH)
        .unwrap()
        .remove(0)
        .unwrap();
    assert_eq!(t.carrier.as_str(), "fedex");
    assert_eq!(t.status, Status::Delivered);
    assert_eq!(
        t.signed_by.as_deref(),
        Some("J.SMITH"),
        "signedByName before receivedByName"
    );
    assert_eq!(t.delivered_at.as_deref(), Some("2026-11-24T14:02:11-05:00"));
    assert_eq!(t.estimated_delivery, NaiveDate::from_ymd_opt(2026, 11, 24));
    let statuses: Vec<_> = t.events.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Delivered,
            Status::OutForDelivery,
            Status::InTransit,
            Status::PreTransit
        ],
        "OD stays out_for_delivery although its derived code is IT"
    );
    let first = &t.events[0];
    assert_eq!(first.code.as_deref(), Some("DL"));
    assert_eq!(first.description.as_deref(), Some("Delivered"));
    assert_eq!(first.location.city.as_deref(), Some("New York"));
    assert_eq!(first.location.postal_code.as_deref(), Some("10001"));
    let last = t.events.last().unwrap();
    assert_eq!(
        last.time.as_deref(),
        Some("2026-11-21T09:00:00"),
        "no offset invented"
    );
    assert_eq!(
        (
            last.location.city.as_deref(),
            last.location.country.as_deref()
        ),
        (None, Some("US"))
    );
}

#[test]
fn in_transit_and_exception() {
    let results = track(&["123456789012345", "794843185271"], 200, BATCH).unwrap();
    let moving = results[0].as_ref().unwrap();
    assert_eq!(moving.status, Status::InTransit);
    assert_eq!(
        moving.estimated_delivery,
        NaiveDate::from_ymd_opt(2026, 11, 27)
    );
    assert_eq!(
        moving.events[0].status,
        Status::InTransit,
        "AO falls back to derived IT"
    );
    assert_eq!(moving.delivered_at, None);
    let exception = results[1].as_ref().unwrap();
    assert_eq!(exception.status, Status::Exception);
    assert_eq!(
        exception.events[0].description.as_deref(),
        Some("Delivery exception"),
        "eventDescription, not exceptionDescription"
    );
}

#[test]
fn a_reused_number_reports_its_newest_shipment() {
    let t = track(&["776094337676"], 200, BATCH)
        .unwrap()
        .remove(0)
        .unwrap();
    assert_eq!(t.status, Status::Returned);
    assert_eq!(t.events.len(), 1);
}

#[test]
fn a_failed_call_fails_the_batch_with_fedex_code() {
    let e = track(
        &["777777777777"],
        400,
        &error_body(
            "TRACKING.TRACKINGNUMBER.EMPTY",
            "Please provide tracking number.",
        ),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("TRACKING.TRACKINGNUMBER.EMPTY"))
    );
    let e = track(
        &["777777777777"],
        401,
        &error_body("NOT.AUTHORIZED.ERROR", "Access token expired."),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    let e = track(&["777777777777"], 503, "").unwrap_err();
    assert!(e.retryable);
    assert_eq!(
        track(&["777777777777"], 200, "{\"output\":")
            .unwrap_err()
            .kind,
        ErrorKind::Parse
    );
}

#[test]
fn other_per_number_errors_are_rejected() {
    let body = r#"{"output":{"completeTrackResults":[{"trackingNumber":"12345678","trackResults":[
        {"error":{"code":"TRACKING.TRACKINGNUMBER.INVALID","message":"Invalid tracking number."}}]}]}}"#;
    let e = track(&["12345678"], 200, body)
        .unwrap()
        .remove(0)
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Rejected, Some("TRACKING.TRACKINGNUMBER.INVALID"))
    );
}
