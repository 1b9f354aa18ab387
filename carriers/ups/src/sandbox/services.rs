//! Which UPS services the simulator offers on a lane, and how it prices them.

use shipmux_sandbox::price::{ServiceLevel, Speed};

/// Where a service runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Within the US.
    UsDomestic,
    /// Within one country other than the US.
    OtherDomestic,
    /// Between countries.
    International,
    /// Between the US and Canada or Mexico, and within other countries.
    Standard,
}

/// A service in the catalog.
pub(crate) struct SandboxService {
    pub code: &'static str,
    pub name: &'static str,
    pub level: ServiceLevel,
    pub reach: Reach,
    /// Latest delivery time UPS would quote for guaranteed services.
    pub delivery_by: Option<&'static str>,
}

const fn service(
    code: &'static str,
    name: &'static str,
    level: ServiceLevel,
    reach: Reach,
    delivery_by: Option<&'static str>,
) -> SandboxService {
    SandboxService {
        code,
        name,
        level,
        reach,
        delivery_by,
    }
}

/// The catalog, in the order Shop answers list it.
pub(crate) const CATALOG: &[SandboxService] = &[
    service(
        "14",
        "UPS Next Day Air Early",
        ServiceLevel::new(520, Speed::Days(1), true),
        Reach::UsDomestic,
        Some("8:30 A.M."),
    ),
    service(
        "01",
        "UPS Next Day Air",
        ServiceLevel::new(380, Speed::Days(1), true),
        Reach::UsDomestic,
        Some("10:30 A.M."),
    ),
    service(
        "13",
        "UPS Next Day Air Saver",
        ServiceLevel::new(340, Speed::Days(1), true),
        Reach::UsDomestic,
        Some("3:00 P.M."),
    ),
    service(
        "59",
        "UPS 2nd Day Air A.M.",
        ServiceLevel::new(260, Speed::Days(2), true),
        Reach::UsDomestic,
        Some("10:30 A.M."),
    ),
    service(
        "02",
        "UPS 2nd Day Air",
        ServiceLevel::new(230, Speed::Days(2), true),
        Reach::UsDomestic,
        Some("11:00 P.M."),
    ),
    service(
        "12",
        "UPS 3 Day Select",
        ServiceLevel::new(170, Speed::Days(3), true),
        Reach::UsDomestic,
        Some("11:00 P.M."),
    ),
    service(
        "03",
        "UPS Ground",
        ServiceLevel::new(100, Speed::Ground, false),
        Reach::UsDomestic,
        None,
    ),
    service(
        "14",
        "UPS Express Early",
        ServiceLevel::new(500, Speed::Days(1), true),
        Reach::OtherDomestic,
        Some("8:30 A.M."),
    ),
    service(
        "01",
        "UPS Express",
        ServiceLevel::new(360, Speed::Days(1), true),
        Reach::OtherDomestic,
        Some("10:30 A.M."),
    ),
    service(
        "13",
        "UPS Express Saver",
        ServiceLevel::new(320, Speed::Days(1), true),
        Reach::OtherDomestic,
        Some("End of Day"),
    ),
    service(
        "02",
        "UPS Expedited",
        ServiceLevel::new(220, Speed::Days(2), false),
        Reach::OtherDomestic,
        None,
    ),
    service(
        "54",
        "UPS Worldwide Express Plus",
        ServiceLevel::new(480, Speed::Days(1), true),
        Reach::International,
        Some("9:00 A.M."),
    ),
    service(
        "07",
        "UPS Worldwide Express",
        ServiceLevel::new(400, Speed::Days(2), true),
        Reach::International,
        Some("10:30 A.M."),
    ),
    service(
        "65",
        "UPS Worldwide Saver",
        ServiceLevel::new(360, Speed::Days(2), true),
        Reach::International,
        Some("End of Day"),
    ),
    service(
        "08",
        "UPS Worldwide Expedited",
        ServiceLevel::new(260, Speed::Days(4), false),
        Reach::International,
        None,
    ),
    service(
        "96",
        "UPS Worldwide Express Freight",
        ServiceLevel::new(600, Speed::Days(3), true),
        Reach::International,
        None,
    ),
    service(
        "11",
        "UPS Standard",
        ServiceLevel::new(120, Speed::Ground, false),
        Reach::Standard,
        None,
    ),
];

/// Every known code (for "invalid service" versus "not on this lane").
pub(crate) fn is_known(code: &str) -> bool {
    CATALOG.iter().any(|s| s.code == code)
}

/// The services offered between two countries.
pub(crate) fn offered(origin: &str, destination: &str) -> Vec<&'static SandboxService> {
    let domestic = origin == destination;
    let north_america = |c: &str| matches!(c, "US" | "CA" | "MX");
    CATALOG
        .iter()
        .filter(|s| match s.reach {
            Reach::UsDomestic => domestic && origin == "US",
            Reach::OtherDomestic => domestic && origin != "US",
            Reach::International => !domestic,
            Reach::Standard => {
                (domestic && origin != "US")
                    || (!domestic && north_america(origin) && north_america(destination))
                    || (!domestic && !north_america(origin) && !north_america(destination))
            }
        })
        .collect()
}
