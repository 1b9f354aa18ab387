//! USPS tables: mail class names, tracking status categories and event codes
//! (docs/carriers/usps.md), which countries USPS treats as domestic, and the clean-up of the
//! HTML USPS puts in names and text (`Priority Mail<SUP>&reg;</SUP>`, entities).

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

/// Strips the HTML USPS puts in names and text: `<SUP>…</SUP>` marks are dropped whole,
/// other tags removed, entities decoded, runs of spaces collapsed, ends trimmed. `None` when
/// nothing is left.
pub fn clean(raw: &str) -> Option<String> {
    // Entities first, so doubly escaped markup (`&lt;SUP&gt;`) becomes tags we can strip.
    let decoded = decode_entities(raw);
    let without_sup = remove_sup(&decoded);
    let mut out = String::with_capacity(without_sup.len());
    let mut rest = without_sup.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>').filter(|_| starts_tag) {
            Some(gt) => rest = &after[gt + 1..],
            None => {
                // `<= $500` is text, not a tag.
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(collapsed).filter(|s| !s.is_empty())
}

/// Removes every `<sup>…</sup>` element (any case) with its content.
fn remove_sup(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    while let Some(start) = lower[pos..].find("<sup").map(|i| i + pos) {
        out.push_str(&s[pos..start]);
        match lower[start..].find("</sup>") {
            Some(end) => pos = start + end + "</sup>".len(),
            None => {
                // Unclosed: drop just the opening tag.
                pos = lower[start..].find('>').map_or(s.len(), |i| start + i + 1);
            }
        }
    }
    out.push_str(&s[pos..]);
    out
}

/// Decodes named (`&reg;`, `&amp;` …) and numeric (`&#174;`, `&#xAE;`) character references;
/// anything unknown is kept as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi > 0 && semi <= 10)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "reg" => '®',
        "trade" => '™',
        "copy" => '©',
        "ndash" => '–',
        "mdash" => '—',
        _ => return None,
    })
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

    #[test]
    fn html_is_stripped_from_names() {
        assert_eq!(
            clean("Priority Mail<SUP>&reg;</SUP>").unwrap(),
            "Priority Mail"
        );
        assert_eq!(
            clean("USPS Ground Advantage<SUP>&#153;</SUP> ").unwrap(),
            "USPS Ground Advantage"
        );
        assert_eq!(
            clean("Priority Mail Express 1-Day&lt;sup&gt;&#8482;&lt;/sup&gt;").unwrap(),
            "Priority Mail Express 1-Day"
        );
        assert_eq!(clean("Media <b>Mail</b>").unwrap(), "Media Mail");
        assert_eq!(clean("Insurance &lt;= $500").unwrap(), "Insurance <= $500");
        assert_eq!(clean("Tom &amp; Jerry&apos;s").unwrap(), "Tom & Jerry's");
        assert_eq!(clean("  <SUP>x</SUP> "), None);
        assert_eq!(clean("a & b").unwrap(), "a & b");
    }
}
