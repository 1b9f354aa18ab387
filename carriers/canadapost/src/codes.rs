//! Canada Post code tables: services, tracking event ids, time zones (docs/carriers/canadapost.md).

use shipmux_core::{ServiceInfo, Status};

/// Service codes and English names (the server's `service-name` wins in rates).
pub const SERVICES: [(&str, &str); 24] = [
    ("DOM.RP", "Regular Parcel"),
    ("DOM.EP", "Expedited Parcel"),
    ("DOM.XP", "Xpresspost"),
    ("DOM.XP.CERT", "Xpresspost Certified"),
    ("DOM.PC", "Priority"),
    ("DOM.LIB", "Library Materials"),
    ("USA.EP", "Expedited Parcel USA"),
    ("USA.PW.ENV", "Priority Worldwide envelope USA"),
    ("USA.PW.PAK", "Priority Worldwide pak USA"),
    ("USA.PW.PARCEL", "Priority Worldwide parcel USA"),
    ("USA.SP.AIR", "Small Packet USA Air"),
    ("USA.TP", "Tracked Packet – USA"),
    ("USA.TP.LVM", "Tracked Packet – USA (LVM)"),
    ("USA.XP", "Xpresspost USA"),
    ("INT.XP", "Xpresspost International"),
    ("INT.IP.AIR", "International Parcel Air"),
    ("INT.IP.SURF", "International Parcel Surface"),
    ("INT.PW.ENV", "Priority Worldwide envelope INT’L"),
    ("INT.PW.PAK", "Priority Worldwide pak INT’L"),
    ("INT.PW.PARCEL", "Priority Worldwide parcel INT’L"),
    ("INT.SP.AIR", "Small Packet International Air"),
    ("INT.SP.SURF", "Small Packet International Surface"),
    ("INT.TP", "Tracked Packet – International"),
    ("DOM.XP.EV", "Xpresspost Evening"),
];

/// The services as [`ServiceInfo`]s.
pub fn services() -> Vec<ServiceInfo> {
    SERVICES
        .iter()
        .map(|(code, name)| ServiceInfo::new(code, name))
        .collect()
}

/// The English name of a service code, if known.
pub fn service_name(code: &str) -> Option<&'static str> {
    SERVICES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The status of a tracking event id, compared as written ("0174", "20"). Ids with no known
/// meaning (including 20, the signature image) are `Unknown` and never set the overall
/// status. Beyond the ids in Canada Post's samples, karrio's documented groups are used
/// (delivered 1408…, ready for pickup 1479…), compared numerically as karrio writes them
/// without leading zeros.
pub fn event_status(id: &str) -> Status {
    match id {
        "3000" => return Status::PreTransit,
        "2300" | "0100" => return Status::InTransit,
        "0174" | "0500" => return Status::OutForDelivery,
        "1496" | "1498" => return Status::Delivered,
        "1701" => return Status::AvailableForPickup,
        "0173" => return Status::Exception,
        "20" => return Status::Unknown,
        _ => {}
    }
    let Ok(n) = id.trim().parse::<u32>() else {
        return Status::Unknown;
    };
    match n {
        1408 | 1409 | 1421..=1434 | 1441 | 1442 | 1496..=1499 => Status::Delivered,
        118 | 156 | 1407 | 1410 | 1435..=1438 | 1479 | 1488 | 1701 | 2410 => {
            Status::AvailableForPickup
        }
        174 | 500 => Status::OutForDelivery,
        _ => Status::Unknown,
    }
}

/// The UTC offset of a Canadian time-zone abbreviation (fixed: the zone names say DST or not).
pub fn zone_offset(zone: &str) -> Option<&'static str> {
    Some(match zone.trim().to_ascii_uppercase().as_str() {
        "NST" => "-03:30",
        "NDT" => "-02:30",
        "AST" => "-04:00",
        "ADT" => "-03:00",
        "EST" => "-05:00",
        "EDT" => "-04:00",
        "CST" => "-06:00",
        "CDT" => "-05:00",
        "MST" => "-07:00",
        "MDT" => "-06:00",
        "PST" => "-08:00",
        "PDT" => "-07:00",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_keep_their_written_form() {
        assert_eq!(event_status("0174"), Status::OutForDelivery);
        assert_eq!(event_status("20"), Status::Unknown);
        assert_eq!(event_status("1496"), Status::Delivered);
        assert_eq!(event_status("1421"), Status::Delivered);
        assert_eq!(event_status("1479"), Status::AvailableForPickup);
        assert_eq!(event_status("9999"), Status::Unknown);
        assert_eq!(event_status("abc"), Status::Unknown);
    }

    #[test]
    fn zones_have_fixed_offsets() {
        assert_eq!(zone_offset("NST"), Some("-03:30"));
        assert_eq!(zone_offset("pdt"), Some("-07:00"));
        assert_eq!(zone_offset("UTC"), None);
    }
}
