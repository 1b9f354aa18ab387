//! USPS tables: mail class names, tracking status categories and event codes
//! (docs/carriers/usps.md), and which countries USPS treats as domestic.

use shipmux_core::{ServiceInfo, Status};

/// Every mail class the Shipping Options and prices APIs quote, with a clean human name.
pub const MAIL_CLASSES: &[(&str, &str)] = &[
    ("USPS_GROUND_ADVANTAGE", "USPS Ground Advantage"),
    ("PRIORITY_MAIL", "Priority Mail"),
    ("PRIORITY_MAIL_EXPRESS", "Priority Mail Express"),
    ("PARCEL_SELECT", "Parcel Select"),
    ("MEDIA_MAIL", "Media Mail"),
    ("LIBRARY_MAIL", "Library Mail"),
    ("BOUND_PRINTED_MATTER", "Bound Printed Matter"),
    ("USPS_CONNECT_LOCAL", "USPS Connect Local"),
    ("USPS_CONNECT_REGIONAL", "USPS Connect Regional"),
    ("USPS_CONNECT_MAIL", "USPS Connect Mail"),
    ("DOMESTIC_MATTER_FOR_THE_BLIND", "Free Matter for the Blind"),
    (
        "FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE",
        "First-Class Package International Service",
    ),
    ("PRIORITY_MAIL_INTERNATIONAL", "Priority Mail International"),
    (
        "PRIORITY_MAIL_EXPRESS_INTERNATIONAL",
        "Priority Mail Express International",
    ),
    ("GLOBAL_EXPRESS_GUARANTEED", "Global Express Guaranteed"),
];

/// The human name of a mail class, if we know it.
pub fn mail_class_name(code: &str) -> Option<&'static str> {
    MAIL_CLASSES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// The mail classes as `ServiceInfo`s for `CarrierInfo`.
pub fn services() -> Vec<ServiceInfo> {
    MAIL_CLASSES
        .iter()
        .map(|(code, name)| ServiceInfo::new(code, name))
        .collect()
}

/// Countries and territories USPS serves with domestic ZIP Codes and domestic mail classes.
pub const DOMESTIC_COUNTRIES: &[&str] = &["US", "PR", "VI", "GU", "AS", "MP", "FM", "MH", "PW"];

/// Is a shipment to `country` domestic for USPS?
pub fn is_domestic(country: &str) -> bool {
    DOMESTIC_COUNTRIES.contains(&country.trim().to_ascii_uppercase().as_str())
}

/// Tracking subordinate error codes meaning "number wrong or no status yet": always
/// `not_found`, whatever the HTTP status (USPS sends them with 400).
pub const TRACKING_NOT_FOUND_CODES: &[&str] = &["150001", "150002", "150003", "150009"];

/// The overall status from `statusCategory`.
pub fn status_from_category(category: &str) -> Status {
    match category.trim().to_ascii_lowercase().as_str() {
        "pre-shipment" => Status::PreTransit,
        "accepted" | "in transit" | "moving through network" => Status::InTransit,
        "out for delivery" => Status::OutForDelivery,
        "delivered" => Status::Delivered,
        "available for pickup" => Status::AvailableForPickup,
        "alert" | "delivery attempt" => Status::Exception,
        "return to sender" => Status::Returned,
        _ => Status::Unknown,
    }
}

/// An event's status from its `eventCode` (only the codes seen in samples; Publication 199
/// is not stored).
pub fn status_from_event_code(code: &str) -> Status {
    match code.trim().to_ascii_uppercase().as_str() {
        "GX" | "MA" => Status::PreTransit,
        "03" | "OA" | "10" | "A1" | "T1" | "EF" | "TL" | "PC" | "07" | "SF" | "AD" => {
            Status::InTransit
        }
        "OF" => Status::OutForDelivery,
        "01" => Status::Delivered,
        _ => Status::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_codes_map_per_normalization() {
        assert_eq!(status_from_category("Delivered"), Status::Delivered);
        assert_eq!(status_from_category(" In Transit "), Status::InTransit);
        assert_eq!(status_from_category("Alert"), Status::Exception);
        assert_eq!(status_from_category("Return to Sender"), Status::Returned);
        assert_eq!(status_from_category("Pre-Shipment"), Status::PreTransit);
        assert_eq!(status_from_category("Something new"), Status::Unknown);
        assert_eq!(status_from_event_code("01"), Status::Delivered);
        assert_eq!(status_from_event_code("of"), Status::OutForDelivery);
        assert_eq!(status_from_event_code("GX"), Status::PreTransit);
        assert_eq!(status_from_event_code("TL"), Status::InTransit);
        assert_eq!(status_from_event_code("16"), Status::Unknown);
    }

    #[test]
    fn territories_are_domestic() {
        assert!(is_domestic("US") && is_domestic("pr") && is_domestic("GU"));
        assert!(!is_domestic("CA") && !is_domestic("GB"));
    }
}
