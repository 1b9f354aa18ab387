//! What the FedEx sandbox offers: services by lane and weight, their speed and price factor
//! for the kit's price model, and each country's billing currency.

use rust_decimal::Decimal;
use shipmux_sandbox::price::{ServiceLevel, Speed};

/// Where a service runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lane {
    /// Within the US, to a business address.
    UsCommercial,
    /// Within the US, to a home.
    UsResidential,
    /// Within the US, any address.
    Us,
    /// Within any one country.
    Domestic,
    /// Within one country outside the US.
    DomesticOutsideUs,
    /// Within Canada, or between the US and Canada (FedEx International Ground).
    Ground,
    /// Between two countries.
    International,
}

/// A FedEx service the sandbox quotes.
#[derive(Clone, Copy, Debug)]
pub struct Service {
    /// `serviceType`.
    pub code: &'static str,
    /// `FDXE`, `FDXG` or `FXSP`, for the `carrierCodes` filter.
    pub carrier_code: &'static str,
    /// Speed and price factor.
    pub level: ServiceLevel,
    lane: Lane,
    /// Freight services carry packages over 150 lb; parcel services never do.
    pub freight: bool,
}

const fn service(
    code: &'static str,
    carrier_code: &'static str,
    factor: i64,
    speed: Speed,
    lane: Lane,
    freight: bool,
) -> Service {
    Service {
        code,
        carrier_code,
        level: ServiceLevel::new(factor, speed, freight),
        lane,
        freight,
    }
}

/// The catalogue, in FedEx's traditional order (fastest and dearest first).
pub const CATALOGUE: [Service; 22] = [
    service(
        "FIRST_OVERNIGHT",
        "FDXE",
        520,
        Speed::Days(1),
        Lane::Us,
        false,
    ),
    service(
        "PRIORITY_OVERNIGHT",
        "FDXE",
        370,
        Speed::Days(1),
        Lane::Domestic,
        false,
    ),
    service(
        "STANDARD_OVERNIGHT",
        "FDXE",
        330,
        Speed::Days(1),
        Lane::Domestic,
        false,
    ),
    service(
        "FEDEX_PRIORITY",
        "FDXE",
        300,
        Speed::Days(1),
        Lane::DomesticOutsideUs,
        false,
    ),
    service(
        "FEDEX_2_DAY_AM",
        "FDXE",
        260,
        Speed::Days(2),
        Lane::Us,
        false,
    ),
    service(
        "FEDEX_2_DAY",
        "FDXE",
        230,
        Speed::Days(2),
        Lane::Domestic,
        false,
    ),
    service(
        "FEDEX_EXPRESS_SAVER",
        "FDXE",
        190,
        Speed::Days(3),
        Lane::Domestic,
        false,
    ),
    service(
        "FEDEX_GROUND",
        "FDXG",
        100,
        Speed::Ground,
        Lane::UsCommercial,
        false,
    ),
    service(
        "FEDEX_GROUND",
        "FDXG",
        100,
        Speed::Ground,
        Lane::Ground,
        false,
    ),
    service(
        "GROUND_HOME_DELIVERY",
        "FDXG",
        105,
        Speed::Ground,
        Lane::UsResidential,
        false,
    ),
    service("SMART_POST", "FXSP", 85, Speed::Ground, Lane::Us, false),
    service(
        "FEDEX_1_DAY_FREIGHT",
        "FDXE",
        600,
        Speed::Days(1),
        Lane::Us,
        true,
    ),
    service(
        "FEDEX_2_DAY_FREIGHT",
        "FDXE",
        450,
        Speed::Days(2),
        Lane::Us,
        true,
    ),
    service(
        "FEDEX_3_DAY_FREIGHT",
        "FDXE",
        380,
        Speed::Days(3),
        Lane::Us,
        true,
    ),
    service(
        "FEDEX_FREIGHT_PRIORITY",
        "FXFR",
        220,
        Speed::Days(2),
        Lane::Us,
        true,
    ),
    service(
        "FEDEX_FREIGHT_ECONOMY",
        "FXFR",
        170,
        Speed::Days(4),
        Lane::Us,
        true,
    ),
    service(
        "INTERNATIONAL_FIRST",
        "FDXE",
        240,
        Speed::Days(1),
        Lane::International,
        false,
    ),
    service(
        "FEDEX_INTERNATIONAL_PRIORITY_EXPRESS",
        "FDXE",
        185,
        Speed::Days(2),
        Lane::International,
        false,
    ),
    service(
        "FEDEX_INTERNATIONAL_PRIORITY",
        "FDXE",
        160,
        Speed::Days(3),
        Lane::International,
        false,
    ),
    service(
        "INTERNATIONAL_ECONOMY",
        "FDXE",
        125,
        Speed::Days(5),
        Lane::International,
        false,
    ),
    service(
        "INTERNATIONAL_PRIORITY_FREIGHT",
        "FDXE",
        300,
        Speed::Days(3),
        Lane::International,
        true,
    ),
    service(
        "INTERNATIONAL_ECONOMY_FREIGHT",
        "FDXE",
        250,
        Speed::Days(6),
        Lane::International,
        true,
    ),
];

/// FedEx's older name for International Priority; requests may still use it, answers carry
/// the current name.
pub const LEGACY_ALIASES: [(&str, &str); 1] =
    [("INTERNATIONAL_PRIORITY", "FEDEX_INTERNATIONAL_PRIORITY")];

/// Is `code` a service type FedEx knows (offered here or not)?
pub fn is_known(code: &str) -> bool {
    CATALOGUE.iter().any(|s| s.code == code)
        || LEGACY_ALIASES.iter().any(|(old, _)| *old == code)
        || crate::codes::service_name(code).is_some()
}

/// The current name of a requested service type.
pub fn current_name(code: &str) -> &str {
    LEGACY_ALIASES
        .iter()
        .find(|(old, _)| *old == code)
        .map(|(_, new)| *new)
        .unwrap_or(code)
}

/// What decides which services a shipment gets.
#[derive(Clone, Copy, Debug)]
pub struct LaneFacts<'a> {
    /// Origin country.
    pub from: &'a str,
    /// Destination country.
    pub to: &'a str,
    /// Delivered to a home.
    pub residential: bool,
    /// Some package is over 150 lb.
    pub heavy: bool,
    /// Packed in the shipper's own packaging (Ground takes nothing else).
    pub own_packaging: bool,
}

/// The services offered for a shipment, in catalogue order, each once.
pub fn offered(facts: LaneFacts<'_>) -> Vec<Service> {
    let domestic = facts.from == facts.to;
    let us = domestic && facts.from == "US";
    let mut out: Vec<Service> = Vec::new();
    for s in CATALOGUE {
        let lane_ok = match s.lane {
            Lane::UsCommercial => us && !facts.residential,
            Lane::UsResidential => us && facts.residential,
            Lane::Us => us,
            Lane::Domestic => domestic,
            Lane::DomesticOutsideUs => domestic && !us,
            Lane::Ground => {
                (domestic && facts.from == "CA")
                    || matches!((facts.from, facts.to), ("US", "CA") | ("CA", "US"))
            }
            Lane::International => !domestic,
        };
        let ground = matches!(s.carrier_code, "FDXG" | "FXSP");
        if lane_ok
            && s.freight == facts.heavy
            && (facts.own_packaging || !ground)
            && !out.iter().any(|o| o.code == s.code)
        {
            out.push(s);
        }
    }
    out
}

/// The currency an account in `country` is billed in.
pub fn currency_of(country: &str) -> &'static str {
    match country {
        "US" | "PR" | "VI" | "GU" | "EC" | "SV" | "PA" => "USD",
        "CA" => "CAD",
        "MX" => "MXN",
        "IN" => "INR",
        "CH" | "LI" => "CHF",
        "AU" => "AUD",
        "NO" => "NOK",
        "GB" => "GBP",
        "JP" => "JPY",
        "AT" | "BE" | "CY" | "DE" | "EE" | "ES" | "FI" | "FR" | "GR" | "HR" | "IE" | "IT"
        | "LT" | "LU" | "LV" | "MT" | "NL" | "PT" | "SI" | "SK" => "EUR",
        _ => "USD",
    }
}

/// Units of `currency` per US dollar (fixed sandbox rates), for PREFERRED_CURRENCY details.
pub fn per_usd(currency: &str) -> Option<Decimal> {
    let (units, scale) = match currency {
        "USD" => (100, 2),
        "CAD" => (136, 2),
        "EUR" => (92, 2),
        "GBP" => (79, 2),
        "MXN" => (1710, 2),
        "INR" => (8320, 2),
        "CHF" => (88, 2),
        "AUD" => (152, 2),
        "NOK" => (1060, 2),
        "JPY" => (15000, 2),
        _ => return None,
    };
    Some(Decimal::new(units, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(facts: LaneFacts<'_>) -> Vec<&'static str> {
        offered(facts).iter().map(|s| s.code).collect()
    }

    #[test]
    fn lanes_decide_the_services() {
        let us = LaneFacts {
            from: "US",
            to: "US",
            residential: false,
            heavy: false,
            own_packaging: true,
        };
        let c = codes(us);
        assert!(c.contains(&"FEDEX_GROUND") && !c.contains(&"GROUND_HOME_DELIVERY"));
        let home = codes(LaneFacts {
            residential: true,
            ..us
        });
        assert!(home.contains(&"GROUND_HOME_DELIVERY") && !home.contains(&"FEDEX_GROUND"));
        let heavy = codes(LaneFacts { heavy: true, ..us });
        assert_eq!(
            heavy,
            [
                "FEDEX_1_DAY_FREIGHT",
                "FEDEX_2_DAY_FREIGHT",
                "FEDEX_3_DAY_FREIGHT",
                "FEDEX_FREIGHT_PRIORITY",
                "FEDEX_FREIGHT_ECONOMY"
            ]
        );
        let to_canada = codes(LaneFacts { to: "CA", ..us });
        assert!(to_canada.contains(&"FEDEX_GROUND"));
        assert!(to_canada.contains(&"FEDEX_INTERNATIONAL_PRIORITY"));
        let envelope = codes(LaneFacts {
            own_packaging: false,
            ..us
        });
        assert!(!envelope.contains(&"FEDEX_GROUND") && envelope.contains(&"PRIORITY_OVERNIGHT"));
    }
}
