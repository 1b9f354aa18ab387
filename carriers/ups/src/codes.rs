//! UPS code tables: service names (US-origin names; docs/carriers/ups.md) and tracking status
//! types.

use shipmux_core::{ServiceInfo, Status};

/// UPS service codes with their US-origin names.
pub const SERVICES: &[(&str, &str)] = &[
    ("01", "UPS Next Day Air"),
    ("02", "UPS 2nd Day Air"),
    ("03", "UPS Ground"),
    ("12", "UPS 3 Day Select"),
    ("13", "UPS Next Day Air Saver"),
    ("14", "UPS Next Day Air Early"),
    ("59", "UPS 2nd Day Air A.M."),
    ("07", "UPS Worldwide Express"),
    ("08", "UPS Worldwide Expedited"),
    ("11", "UPS Standard"),
    ("54", "UPS Worldwide Express Plus"),
    ("65", "UPS Worldwide Saver"),
];

/// The name of a service code, if known.
pub fn service_name(code: &str) -> Option<&'static str> {
    SERVICES
        .iter()
        .find(|(c, _)| *c == code.trim())
        .map(|(_, name)| *name)
}

/// The services as [`ServiceInfo`]s.
pub fn services() -> Vec<ServiceInfo> {
    SERVICES
        .iter()
        .map(|(code, name)| ServiceInfo::new(code, name))
        .collect()
}

/// A UPS `status.type` / `currentStatus.type` as our [`Status`].
pub fn status_from_type(status_type: &str) -> Status {
    match status_type.trim().to_ascii_uppercase().as_str() {
        "M" => Status::PreTransit,
        "MV" => Status::Cancelled,
        "P" | "I" | "DO" | "DD" | "W" => Status::InTransit,
        "O" => Status::OutForDelivery,
        "D" => Status::Delivered,
        "X" => Status::Exception,
        "RS" => Status::Returned,
        _ => Status::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_answer() {
        assert_eq!(service_name("03"), Some("UPS Ground"));
        assert_eq!(service_name("59"), Some("UPS 2nd Day Air A.M."));
        assert_eq!(service_name("ZZ"), None);
        assert_eq!(status_from_type("D"), Status::Delivered);
        assert_eq!(status_from_type("rs"), Status::Returned);
        assert_eq!(status_from_type("NA"), Status::Unknown);
        assert_eq!(status_from_type("W"), Status::InTransit);
    }
}
