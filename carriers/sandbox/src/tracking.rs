//! Deterministic tracking stories: from a tracking number alone, a plausible shipment history
//! (label, pickup, hops between hubs, out for delivery, delivered or an exception), the same
//! every time for the same number. Dates count from a fixed base date, never from the clock.
//!
//! About half of all numbers are delivered, a quarter in transit, and the rest out for
//! delivery, held by an exception, still a label, or returned to the sender.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::price::add_business_days;
use crate::tokens::{fnv1a, mix};

/// The base date stories count back from: the newest event of any story is within a few
/// days of it.
pub fn default_base_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
}

/// Where a story ends up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoryOutcome {
    /// Only a label exists.
    PreTransit,
    /// Moving between hubs.
    InTransit,
    /// On the truck today.
    OutForDelivery,
    /// Delivered and signed for.
    Delivered,
    /// Held: address problem, damage, weather.
    Exception,
    /// Sent back to the shipper.
    Returned,
}

/// What an event says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoryEventKind {
    /// Shipping label created, carrier has the shipment information.
    LabelCreated,
    /// Picked up from the shipper.
    PickedUp,
    /// Arrived at a hub.
    Arrived,
    /// Left a hub.
    Departed,
    /// On the vehicle for delivery.
    OutForDelivery,
    /// Delivered.
    Delivered,
    /// Something went wrong (see [`TrackingStory::exception_reason`]).
    Exception,
    /// On its way back to the shipper.
    ReturnedToSender,
}

impl StoryEventKind {
    /// A plain-English description a carrier might print.
    pub fn description(self) -> &'static str {
        match self {
            StoryEventKind::LabelCreated => {
                "Shipper created a label, carrier has not received the package yet."
            }
            StoryEventKind::PickedUp => "Picked up",
            StoryEventKind::Arrived => "Arrived at Facility",
            StoryEventKind::Departed => "Departed from Facility",
            StoryEventKind::OutForDelivery => "Out For Delivery Today",
            StoryEventKind::Delivered => "Delivered",
            StoryEventKind::Exception => "Delivery exception",
            StoryEventKind::ReturnedToSender => "Returned to sender",
        }
    }
}

/// A town on the carrier's network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StoryPlace {
    /// City.
    pub city: &'static str,
    /// State or province code.
    pub region: &'static str,
    /// A postal code there.
    pub postal_code: &'static str,
    /// ISO country code.
    pub country: &'static str,
    /// UTC offset in November, `"-05:00"`.
    pub utc_offset: &'static str,
}

const fn place(
    city: &'static str,
    region: &'static str,
    postal_code: &'static str,
    country: &'static str,
    utc_offset: &'static str,
) -> StoryPlace {
    StoryPlace {
        city,
        region,
        postal_code,
        country,
        utc_offset,
    }
}

/// Towns for US carriers.
pub const US_PLACES: &[StoryPlace] = &[
    place("Louisville", "KY", "40213", "US", "-05:00"),
    place("Atlanta", "GA", "30336", "US", "-05:00"),
    place("Chicago", "IL", "60638", "US", "-06:00"),
    place("Dallas", "TX", "75261", "US", "-06:00"),
    place("Denver", "CO", "80239", "US", "-07:00"),
    place("Phoenix", "AZ", "85043", "US", "-07:00"),
    place("Ontario", "CA", "91761", "US", "-08:00"),
    place("Seattle", "WA", "98108", "US", "-08:00"),
    place("Secaucus", "NJ", "07094", "US", "-05:00"),
    place("Memphis", "TN", "38118", "US", "-06:00"),
    place("Columbus", "OH", "43207", "US", "-05:00"),
    place("Salt Lake City", "UT", "84104", "US", "-07:00"),
];

/// Towns for Canadian carriers.
pub const CANADA_PLACES: &[StoryPlace] = &[
    place("Mississauga", "ON", "L5T2T1", "CA", "-05:00"),
    place("Ottawa", "ON", "K1G3H7", "CA", "-05:00"),
    place("Montreal", "QC", "H4T1Z6", "CA", "-05:00"),
    place("Winnipeg", "MB", "R3H0Y6", "CA", "-06:00"),
    place("Calgary", "AB", "T2C4T7", "CA", "-07:00"),
    place("Richmond", "BC", "V6V1P7", "CA", "-08:00"),
    place("Halifax", "NS", "B3S1B3", "CA", "-04:00"),
    place("Regina", "SK", "S4N7K1", "CA", "-06:00"),
];

const SIGNERS: &[&str] = &[
    "FRONT DESK",
    "J SMITH",
    "GARCIA",
    "RECEPTION",
    "M NGUYEN",
    "LEFT AT DOOR",
    "PATEL",
    "MAILROOM",
];

const EXCEPTIONS: &[&str] = &[
    "The address is incomplete. We're attempting to update it.",
    "Severe weather conditions have delayed delivery.",
    "The receiver was not available for delivery. We'll make a second attempt the next business day.",
    "The package was damaged in transit and is being repackaged.",
];

/// One event of a story.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoryEvent {
    /// Local date and time at `place`.
    pub at: NaiveDateTime,
    /// What happened.
    pub kind: StoryEventKind,
    /// Where.
    pub place: StoryPlace,
}

impl StoryEvent {
    /// `YYYY-MM-DDTHH:MM:SS` plus the place's offset.
    pub fn time_with_offset(&self) -> String {
        format!(
            "{}{}",
            self.at.format("%Y-%m-%dT%H:%M:%S"),
            self.place.utc_offset
        )
    }
}

/// A shipment's whole history, newest event first.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrackingStory {
    /// Where it ends up.
    pub outcome: StoryOutcome,
    /// Events, newest first.
    pub events: Vec<StoryEvent>,
    /// The day it was picked up (or will be).
    pub ship_date: NaiveDate,
    /// The scheduled delivery day (none once delivered or returned).
    pub estimated_delivery: Option<NaiveDate>,
    /// Who signed, when delivered.
    pub signed_by: Option<String>,
    /// Why, when held by an exception.
    pub exception_reason: Option<&'static str>,
    /// Origin town.
    pub origin: StoryPlace,
    /// Destination town.
    pub destination: StoryPlace,
}

impl TrackingStory {
    /// The story of `number` (compared without case or spaces), dated around `base_date`, set
    /// in `places` (at least two; [`US_PLACES`] if fewer are given).
    pub fn generate(number: &str, base_date: NaiveDate, places: &[StoryPlace]) -> Self {
        let places = if places.len() < 2 { US_PLACES } else { places };
        let normalized: String = number
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        let h = mix(fnv1a(normalized.as_bytes()));
        let pick = |shift: u32, n: usize| ((h >> shift) % n as u64) as usize;
        let outcome = match h % 20 {
            0..=8 => StoryOutcome::Delivered,
            9..=13 => StoryOutcome::InTransit,
            14 | 15 => StoryOutcome::OutForDelivery,
            16 | 17 => StoryOutcome::Exception,
            18 => StoryOutcome::PreTransit,
            _ => StoryOutcome::Returned,
        };
        let origin_i = pick(8, places.len());
        let dest_i = (origin_i + 1 + pick(16, places.len() - 1)) % places.len();
        let origin = places[origin_i];
        let destination = places[dest_i];
        let hubs = 1 + pick(24, 3);
        let transit = hubs as u32 + 1;
        let ship_date = base_date - Duration::days(2 + pick(32, 8) as i64);
        let scheduled = add_business_days(ship_date, transit);
        let minute = |salt: u32| (h.rotate_left(salt) % 60) as u32;
        let at = |date: NaiveDate, hour: u32, salt: u32| {
            date.and_time(
                NaiveTime::from_hms_opt(hour, minute(salt), (salt * 7) % 60).unwrap_or_default(),
            )
        };

        // Oldest first while building; reversed at the end.
        let mut events = vec![StoryEvent {
            at: at(ship_date - Duration::days(1), 19, 3),
            kind: StoryEventKind::LabelCreated,
            place: origin,
        }];
        let mut signed_by = None;
        let mut exception_reason = None;
        let mut estimated_delivery = Some(scheduled);
        if outcome != StoryOutcome::PreTransit {
            events.push(StoryEvent {
                at: at(ship_date, 17, 5),
                kind: StoryEventKind::PickedUp,
                place: origin,
            });
            let mut day = ship_date;
            let mut route: Vec<StoryPlace> = (0..hubs)
                .map(|i| places[(origin_i + 2 + i * 3 + pick(40, places.len())) % places.len()])
                .filter(|p| *p != origin && *p != destination)
                .collect();
            route.push(destination);
            let stops = if outcome == StoryOutcome::InTransit {
                route.len().div_ceil(2)
            } else {
                route.len()
            };
            let mut previous = origin;
            for (i, hub) in route.iter().take(stops).enumerate() {
                events.push(StoryEvent {
                    at: at(day, 21, 7 + i as u32),
                    kind: StoryEventKind::Departed,
                    place: previous,
                });
                day = day.succ_opt().unwrap_or(day);
                events.push(StoryEvent {
                    at: at(day, 4, 11 + i as u32),
                    kind: StoryEventKind::Arrived,
                    place: *hub,
                });
                previous = *hub;
            }
            match outcome {
                StoryOutcome::Delivered => {
                    events.push(StoryEvent {
                        at: at(day, 8, 13),
                        kind: StoryEventKind::OutForDelivery,
                        place: destination,
                    });
                    events.push(StoryEvent {
                        at: at(day, 14, 17),
                        kind: StoryEventKind::Delivered,
                        place: destination,
                    });
                    signed_by = Some(SIGNERS[pick(48, SIGNERS.len())].to_string());
                    estimated_delivery = None;
                }
                StoryOutcome::OutForDelivery => {
                    events.push(StoryEvent {
                        at: at(day, 8, 13),
                        kind: StoryEventKind::OutForDelivery,
                        place: destination,
                    });
                }
                StoryOutcome::Exception => {
                    events.push(StoryEvent {
                        at: at(day, 10, 19),
                        kind: StoryEventKind::Exception,
                        place: previous,
                    });
                    exception_reason = Some(EXCEPTIONS[pick(52, EXCEPTIONS.len())]);
                    estimated_delivery = Some(add_business_days(scheduled, 2));
                }
                StoryOutcome::Returned => {
                    events.push(StoryEvent {
                        at: at(day, 10, 19),
                        kind: StoryEventKind::Exception,
                        place: previous,
                    });
                    exception_reason = Some(EXCEPTIONS[pick(52, EXCEPTIONS.len())]);
                    events.push(StoryEvent {
                        at: at(day + Duration::days(1), 9, 23),
                        kind: StoryEventKind::ReturnedToSender,
                        place: previous,
                    });
                    estimated_delivery = None;
                }
                StoryOutcome::InTransit | StoryOutcome::PreTransit => {}
            }
        }
        events.reverse();
        TrackingStory {
            outcome,
            events,
            ship_date,
            estimated_delivery,
            signed_by,
            exception_reason,
            origin,
            destination,
        }
    }

    /// The newest event.
    pub fn latest(&self) -> Option<&StoryEvent> {
        self.events.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn same_number_same_story() {
        let a = TrackingStory::generate("1Z999AA10123456784", default_base_date(), US_PLACES);
        let b = TrackingStory::generate("1z999aa1 0123456784", default_base_date(), US_PLACES);
        assert_eq!(a, b);
    }

    #[test]
    fn numbers_tell_every_kind_of_story() {
        let outcomes: HashSet<_> = (0..400)
            .map(|i| {
                TrackingStory::generate(&format!("1Z{i:016}"), default_base_date(), US_PLACES)
                    .outcome
            })
            .collect();
        for o in [
            StoryOutcome::Delivered,
            StoryOutcome::InTransit,
            StoryOutcome::OutForDelivery,
            StoryOutcome::Exception,
            StoryOutcome::PreTransit,
            StoryOutcome::Returned,
        ] {
            assert!(outcomes.contains(&o), "no {o:?} among 400 numbers");
        }
    }

    #[test]
    fn events_are_newest_first_and_end_as_the_outcome_says() {
        for i in 0..200 {
            let s =
                TrackingStory::generate(&format!("T{i:08}"), default_base_date(), CANADA_PLACES);
            assert!(s.events.windows(2).all(|w| w[0].at >= w[1].at), "{s:#?}");
            let last = s.latest().unwrap().kind;
            match s.outcome {
                StoryOutcome::Delivered => {
                    assert_eq!(last, StoryEventKind::Delivered);
                    assert!(s.signed_by.is_some());
                }
                StoryOutcome::OutForDelivery => assert_eq!(last, StoryEventKind::OutForDelivery),
                StoryOutcome::Exception => assert_eq!(last, StoryEventKind::Exception),
                StoryOutcome::PreTransit => assert_eq!(last, StoryEventKind::LabelCreated),
                StoryOutcome::Returned => assert_eq!(last, StoryEventKind::ReturnedToSender),
                StoryOutcome::InTransit => assert_eq!(last, StoryEventKind::Arrived),
            }
            assert_ne!(s.origin, s.destination);
            assert!(s.events.iter().all(|e| e.place.country == "CA"));
        }
    }
}
