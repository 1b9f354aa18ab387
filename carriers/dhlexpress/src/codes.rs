//! DHL Express code tables (docs/carriers/dhlexpress.md): product names for the product codes
//! a quote may carry, and what each tracking event `typeCode` means as our [`Status`].

use shipmux_core::{ServiceInfo, Status};

/// Product codes and the names used when a product comes back without a `productName`.
/// DHL's own `productName` wins whenever it is present (names vary by country).
pub const PRODUCTS: &[(&str, &str)] = &[
    ("P", "EXPRESS WORLDWIDE"),
    ("D", "EXPRESS WORLDWIDE"),
    ("U", "EXPRESS WORLDWIDE"),
    ("K", "EXPRESS 9:00"),
    ("E", "EXPRESS 9:00"),
    ("L", "EXPRESS 10:30"),
    ("M", "EXPRESS 10:30"),
    ("T", "EXPRESS 12:00"),
    ("Y", "EXPRESS 12:00"),
    ("H", "ECONOMY SELECT"),
    ("W", "ECONOMY SELECT"),
    ("C", "MEDICAL EXPRESS"),
    ("Q", "MEDICAL EXPRESS"),
    ("X", "EXPRESS ENVELOPE"),
    ("N", "EXPRESS DOMESTIC"),
    ("I", "EXPRESS DOMESTIC 9:00"),
    ("O", "EXPRESS DOMESTIC 10:30"),
    ("1", "EXPRESS DOMESTIC 12:00"),
    ("G", "ECONOMY SELECT DOMESTIC"),
    ("7", "EXPRESS EASY"),
    ("8", "EXPRESS EASY"),
];

/// The name of product `code`, or `None` when it is not in [`PRODUCTS`].
pub fn product_name(code: &str) -> Option<&'static str> {
    PRODUCTS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The products as our service list.
pub fn services() -> Vec<ServiceInfo> {
    PRODUCTS
        .iter()
        .map(|(code, name)| ServiceInfo::new(code, name))
        .collect()
}

/// What a tracking event's `typeCode` means. DHL publishes the codes without statuses, so
/// this table is ours; codes it does not list are `unknown`.
pub fn event_status(type_code: &str) -> Status {
    match type_code.trim() {
        "SD" => Status::PreTransit,
        "PU" | "SA" | "PL" | "DF" | "AF" | "AR" | "TR" | "SM" | "FD" | "AD" | "SC" | "MC"
        | "MS" | "IC" | "CR" | "BN" | "BR" | "RR" | "TP" => Status::InTransit,
        "WC" => Status::OutForDelivery,
        "OK" => Status::Delivered,
        "CC" => Status::AvailableForPickup,
        "RT" => Status::Returned,
        "NH" | "BA" | "CM" | "RD" | "ND" | "MD" | "CA" | "OH" | "HP" | "PY" | "CD" | "UD"
        | "TD" | "SS" | "ST" | "DS" | "DM" | "PD" | "DD" => Status::Exception,
        _ => Status::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_table() {
        assert_eq!(event_status("OK"), Status::Delivered);
        assert_eq!(event_status("PD"), Status::Exception);
        assert_eq!(event_status("DD"), Status::Exception);
        assert_eq!(event_status("CC"), Status::AvailableForPickup);
        assert_eq!(event_status("PU"), Status::InTransit);
        assert_eq!(event_status("RW"), Status::Unknown);
        assert_eq!(product_name("Y"), Some("EXPRESS 12:00"));
        assert_eq!(product_name("Z"), None);
    }

    #[test]
    fn service_codes_are_unique() {
        let mut codes: Vec<&str> = PRODUCTS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), PRODUCTS.len());
    }
}
