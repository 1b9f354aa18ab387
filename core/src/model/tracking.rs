//! Tracking: where a shipment is and what happened to it.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::CarrierId;
use crate::error::Error;

/// A carrier's tracking number, trimmed, upper-cased, with inner spaces removed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

impl TrackingNumber {
    /// Normalizes and checks a tracking number (4–50 letters and digits).
    pub fn new(number: &str) -> Result<Self, Error> {
        let n: String = number
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        if n.len() < 4 || n.len() > 50 || !n.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::invalid_request(
                "tracking_number",
                format!("`{number}` is not a tracking number (4–50 letters and digits)"),
            ));
        }
        Ok(TrackingNumber(n))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TrackingNumber {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        TrackingNumber::new(&s)
    }
}

impl From<TrackingNumber> for String {
    fn from(t: TrackingNumber) -> String {
        t.0
    }
}

impl fmt::Debug for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrackingNumber({})", self.0)
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A shipment's normalized status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Label created, not yet handed to the carrier.
    PreTransit,
    /// Moving.
    InTransit,
    /// On the truck for delivery today.
    OutForDelivery,
    /// Delivered.
    Delivered,
    /// Waiting at a pickup point.
    AvailableForPickup,
    /// On its way back, or back, to the sender.
    Returned,
    /// Delayed, damaged, refused, address problem.
    Exception,
    /// Cancelled before it moved.
    Cancelled,
    /// Unknown to us.
    Unknown,
}

/// Where an event happened; every key present, missing ones `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country code, only when the carrier gave one.
    pub country: Option<String>,
}

/// One scan or status change.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingEvent {
    /// Local time with the carrier's offset when it gave one (`2026-11-24T10:12:00-05:00`),
    /// else without (`2026-11-24T10:12:00`). Never converted to UTC.
    pub time: Option<String>,
    /// Normalized status of this event.
    pub status: Status,
    /// The carrier's own event code.
    pub code: Option<String>,
    /// The carrier's description.
    pub description: Option<String>,
    /// Where it happened.
    pub location: Location,
}

/// What a carrier says about a tracking number. JSON: see docs/design.md.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tracking {
    /// Which carrier.
    pub carrier: CarrierId,
    /// The number tracked.
    pub tracking_number: String,
    /// Overall status.
    pub status: Status,
    /// Expected delivery date.
    pub estimated_delivery: Option<NaiveDate>,
    /// Time of the newest delivered event.
    pub delivered_at: Option<String>,
    /// Who signed.
    pub signed_by: Option<String>,
    /// Events, newest first as the carrier lists them.
    pub events: Vec<TrackingEvent>,
}
