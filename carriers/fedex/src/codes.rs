//! FedEx code tables: service types, transit-time words, scan codes (docs/carriers/fedex.md).

use shipmux_core::{ServiceInfo, Status};

/// FedEx service types with their names, as FedEx writes them. A rate's name comes from the
/// response's `serviceName`; this table names services in `info()` and when a reply has none.
pub const SERVICES: [(&str, &str); 25] = [
    ("FEDEX_GROUND", "FedEx Ground®"),
    ("GROUND_HOME_DELIVERY", "FedEx Home Delivery®"),
    ("SMART_POST", "FedEx Ground® Economy"),
    ("FEDEX_EXPRESS_SAVER", "FedEx Express Saver®"),
    ("FEDEX_2_DAY", "FedEx 2Day®"),
    ("FEDEX_2_DAY_AM", "FedEx 2Day® A.M."),
    ("STANDARD_OVERNIGHT", "FedEx Standard Overnight®"),
    ("PRIORITY_OVERNIGHT", "FedEx Priority Overnight®"),
    ("FIRST_OVERNIGHT", "FedEx First Overnight®"),
    ("FEDEX_1_DAY_FREIGHT", "FedEx 1Day® Freight"),
    ("FEDEX_2_DAY_FREIGHT", "FedEx 2Day® Freight"),
    ("FEDEX_3_DAY_FREIGHT", "FedEx 3Day® Freight"),
    ("INTERNATIONAL_ECONOMY", "FedEx International Economy®"),
    ("INTERNATIONAL_FIRST", "FedEx International First®"),
    ("INTERNATIONAL_PRIORITY", "FedEx International Priority®"),
    (
        "FEDEX_INTERNATIONAL_PRIORITY",
        "FedEx International Priority®",
    ),
    (
        "FEDEX_INTERNATIONAL_PRIORITY_EXPRESS",
        "FedEx International Priority® Express",
    ),
    (
        "FEDEX_INTERNATIONAL_CONNECT_PLUS",
        "FedEx International Connect Plus",
    ),
    (
        "INTERNATIONAL_PRIORITY_FREIGHT",
        "FedEx International Priority® Freight",
    ),
    (
        "INTERNATIONAL_ECONOMY_FREIGHT",
        "FedEx International Economy® Freight",
    ),
    ("SAME_DAY", "FedEx SameDay®"),
    ("SAME_DAY_CITY", "FedEx SameDay® City"),
    ("FEDEX_PRIORITY", "FedEx Priority"),
    ("FEDEX_FREIGHT_PRIORITY", "FedEx Freight® Priority"),
    ("FEDEX_FREIGHT_ECONOMY", "FedEx Freight® Economy"),
];

/// The name of a service type, if we know it.
pub fn service_name(service_type: &str) -> Option<&'static str> {
    SERVICES
        .iter()
        .find(|(code, _)| *code == service_type)
        .map(|(_, name)| *name)
}

/// Every service as [`ServiceInfo`].
pub fn services() -> Vec<ServiceInfo> {
    SERVICES
        .iter()
        .map(|(code, name)| ServiceInfo::new(code, name))
        .collect()
}

const TRANSIT_WORDS: [&str; 20] = [
    "ONE",
    "TWO",
    "THREE",
    "FOUR",
    "FIVE",
    "SIX",
    "SEVEN",
    "EIGHT",
    "NINE",
    "TEN",
    "ELEVEN",
    "TWELVE",
    "THIRTEEN",
    "FOURTEEN",
    "FIFTEEN",
    "SIXTEEN",
    "SEVENTEEN",
    "EIGHTEEN",
    "NINETEEN",
    "TWENTY",
];

/// FedEx transit-time words to days: `ONE_DAY` → 1 … `TWENTY_DAYS` → 20. `UNKNOWN`,
/// `SMARTPOST_TRANSIT_DAYS` and anything else → `None`.
pub fn transit_days(word: &str) -> Option<u32> {
    let word = word.trim();
    let number = word
        .strip_suffix("_DAYS")
        .or_else(|| word.strip_suffix("_DAY"))?;
    let index = TRANSIT_WORDS.iter().position(|w| *w == number)?;
    let days = u32::try_from(index).ok()? + 1;
    // `ONE_DAYS` and `TWO_DAY` are not FedEx spellings.
    let plural_ok = (days == 1) == word.ends_with("_DAY");
    plural_ok.then_some(days)
}

/// The word FedEx uses for `days` in transit (1–20), the inverse of [`transit_days`].
pub fn transit_word(days: u32) -> Option<String> {
    let index = usize::try_from(days.checked_sub(1)?).ok()?;
    let word = TRANSIT_WORDS.get(index)?;
    Some(if days == 1 {
        format!("{word}_DAY")
    } else {
        format!("{word}_DAYS")
    })
}

/// A FedEx scan or status code to our status (FedEx maps its codes to no delivery states, so
/// this table is ours; docs/carriers/fedex.md, "Tracking"). `None` for codes it does not list.
pub fn status(code: &str) -> Option<Status> {
    Some(match code.trim() {
        "OC" | "IN" => Status::PreTransit,
        "PU" | "AR" | "DP" | "IT" | "AF" | "CC" | "PL" => Status::InTransit,
        "OD" => Status::OutForDelivery,
        "DL" => Status::Delivered,
        "DE" | "DY" | "SE" | "CD" => Status::Exception,
        "HL" | "HP" => Status::AvailableForPickup,
        "RS" => Status::Returned,
        "CA" => Status::Cancelled,
        _ => return None,
    })
}

/// The status of an event or shipment: the primary code's, else the derived code's, else
/// unknown. FedEx sends OD with derived code IT, so the primary code must win.
pub fn status_of(primary: Option<&str>, derived: Option<&str>) -> Status {
    primary
        .and_then(status)
        .or_else(|| derived.and_then(status))
        .unwrap_or(Status::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transit_words_become_days() {
        assert_eq!(transit_days("ONE_DAY"), Some(1));
        assert_eq!(transit_days("THREE_DAYS"), Some(3));
        assert_eq!(transit_days("TWENTY_DAYS"), Some(20));
        assert_eq!(transit_days("UNKNOWN"), None);
        assert_eq!(transit_days("SMARTPOST_TRANSIT_DAYS"), None);
        assert_eq!(transit_days("ONE_DAYS"), None);
        assert_eq!(transit_days(""), None);
        for days in 1..=20 {
            assert_eq!(transit_days(&transit_word(days).unwrap()), Some(days));
        }
        assert_eq!(transit_word(0), None);
        assert_eq!(transit_word(21), None);
    }

    #[test]
    fn out_for_delivery_beats_its_derived_in_transit() {
        assert_eq!(status_of(Some("OD"), Some("IT")), Status::OutForDelivery);
        assert_eq!(status_of(Some("AO"), Some("IT")), Status::InTransit);
        assert_eq!(status_of(Some("FD"), Some("RL")), Status::Unknown);
        assert_eq!(status_of(None, Some("IN")), Status::PreTransit);
        assert_eq!(status_of(Some("HP"), None), Status::AvailableForPickup);
    }
}
