//! A deterministic price model: the same shipment always costs the same, different lanes,
//! weights, sizes and services cost differently, and nothing depends on the clock.
//!
//! Billable weight per package is the larger of actual and dimensional weight (cubic inches
//! ÷ 139), rounded up to a whole pound. The zone (2–8 domestic, 9–12 international) grows
//! with the distance between the postcodes' numeric prefixes. A base rate from weight and
//! zone is scaled by the service's factor; fuel is a fixed share of the base, and residential
//! delivery adds a flat fee.

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::{Decimal, RoundingStrategy};
use shipmux_core::{Dimensions, LengthUnit, Weight, WeightUnit};

use crate::tokens::fnv1a;

/// One end of a lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// ISO country code.
    pub country: String,
    /// Postal code as sent (any case and spacing).
    pub postal_code: String,
}

impl Place {
    /// A place.
    pub fn new(country: &str, postal_code: &str) -> Self {
        Place {
            country: country.trim().to_ascii_uppercase(),
            postal_code: postal_code.to_string(),
        }
    }
}

/// One package as the carrier's request described it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// Actual weight.
    pub weight: Weight,
    /// Outer dimensions, if sent.
    pub dimensions: Option<Dimensions>,
}

/// What is priced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shipment {
    /// Where it leaves from.
    pub origin: Place,
    /// Where it goes.
    pub destination: Place,
    /// Its packages (at least one for a meaningful price).
    pub packages: Vec<Package>,
    /// Delivered to a home.
    pub residential: bool,
}

/// How fast a service is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speed {
    /// A fixed number of business days.
    Days(u32),
    /// Ground: days grow with the zone (1 day in zone 2 … 5 days in zone 8).
    Ground,
}

/// A service as the price model sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceLevel {
    /// Multiplies the base rate (ground ≈ 1, overnight ≈ 3.5).
    pub factor: Decimal,
    /// Transit time.
    pub speed: Speed,
    /// Whether the carrier guarantees the date.
    pub guaranteed: bool,
}

impl ServiceLevel {
    /// A service with a price factor given in hundredths (`350` = ×3.50).
    pub const fn new(factor_hundredths: i64, speed: Speed, guaranteed: bool) -> Self {
        ServiceLevel {
            factor: Decimal::from_parts(
                factor_hundredths.unsigned_abs() as u32,
                0,
                0,
                factor_hundredths < 0,
                2,
            ),
            speed,
            guaranteed,
        }
    }
}

/// A priced shipment; amounts have two decimal places and `total = base + fuel + residential`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceQuote {
    /// 2–8 domestic, 9–12 international.
    pub zone: u32,
    /// Sum of billable weights, whole pounds.
    pub billable_weight: Weight,
    /// Transport base.
    pub base: Decimal,
    /// Fuel surcharge.
    pub fuel: Decimal,
    /// Residential delivery fee (zero for commercial).
    pub residential: Decimal,
    /// Everything.
    pub total: Decimal,
    /// Business days in transit.
    pub transit_days: u32,
}

impl PriceQuote {
    /// The same quote with every amount reduced by `percent` (an account discount).
    pub fn discounted(&self, percent: u32) -> PriceQuote {
        let keep = Decimal::from(100u32.saturating_sub(percent)) / Decimal::from(100);
        let base = money(self.base * keep);
        let fuel = money(self.fuel * keep);
        let residential = money(self.residential * keep);
        PriceQuote {
            base,
            fuel,
            residential,
            total: base + fuel + residential,
            ..self.clone()
        }
    }

    /// The billable weight in `unit`, rounded up to `step` (e.g. 0.1 kg).
    pub fn billable_in(&self, unit: WeightUnit, step: Decimal) -> Decimal {
        self.billable_weight.ceil_to(unit, step)
    }
}

/// Prices `shipment` for `service`.
pub fn quote(shipment: &Shipment, service: &ServiceLevel) -> PriceQuote {
    let zone = zone(&shipment.origin, &shipment.destination);
    let billable: Decimal = shipment.packages.iter().map(billable_pounds).sum();
    let international = zone >= 9;
    let per_package_floor = Decimal::new(850, 2) * Decimal::from(shipment.packages.len().max(1));
    let zone_step = Decimal::new(15, 2) * Decimal::from(zone.saturating_sub(2));
    let per_lb = if international {
        Decimal::new(395, 2) + zone_step
    } else {
        Decimal::new(95, 2) * (Decimal::ONE + zone_step)
    };
    let mut base = per_package_floor + billable * per_lb;
    if international {
        base += Decimal::new(2500, 2);
    }
    let base = money(base * service.factor);
    let fuel = money(base * Decimal::new(145, 3));
    let residential = if shipment.residential {
        Decimal::new(555, 2)
    } else {
        Decimal::new(0, 2)
    };
    PriceQuote {
        zone,
        billable_weight: Weight::lb(billable),
        base,
        fuel,
        residential,
        total: base + fuel + residential,
        transit_days: transit_days(zone, service.speed),
    }
}

/// Whole billable pounds of one package: max(actual, cubic inches ÷ 139), rounded up.
pub fn billable_pounds(package: &Package) -> Decimal {
    let actual = package.weight.to(WeightUnit::Lb).value;
    let dimensional = package
        .dimensions
        .map(|d| d.volume(LengthUnit::In) / Decimal::from(139))
        .unwrap_or(Decimal::ZERO);
    actual.max(dimensional).max(Decimal::ONE).ceil()
}

/// The zone between two places: 2–8 within a country by postcode distance, 9–12 between
/// countries (fixed per country pair).
pub fn zone(origin: &Place, destination: &Place) -> u32 {
    if origin.country != destination.country {
        let (a, b) = if origin.country <= destination.country {
            (&origin.country, &destination.country)
        } else {
            (&destination.country, &origin.country)
        };
        let pair = format!("{a}-{b}");
        return 9 + (fnv1a(pair.as_bytes()) % 4) as u32;
    }
    let a = postcode_key(&origin.postal_code);
    let b = postcode_key(&destination.postal_code);
    2 + (a.abs_diff(b) / 125).min(6)
}

/// A number 0–999 that stands for where a postcode is: the US ZIP3, Canada's FSA letter
/// and digit, or a stable fold of the first three characters elsewhere.
fn postcode_key(postcode: &str) -> u32 {
    let p: Vec<char> = postcode
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .take(3)
        .collect();
    if p.is_empty() {
        return 500;
    }
    if p.iter().all(|c| c.is_ascii_digit()) {
        let digits: String = p.iter().collect();
        let n: u32 = digits.parse().unwrap_or(500);
        return match p.len() {
            1 => n * 100,
            2 => n * 10,
            _ => n,
        };
    }
    if let (Some(letter), Some(digit)) = (p.first(), p.get(1))
        && letter.is_ascii_alphabetic()
        && digit.is_ascii_digit()
    {
        let l = u32::from(*letter as u8 - b'A');
        let d = u32::from(*digit as u8 - b'0');
        return (l * 40 + d * 4).min(999);
    }
    let s: String = p.iter().collect();
    (fnv1a(s.as_bytes()) % 1000) as u32
}

/// Business days for `speed` in `zone`.
pub fn transit_days(zone: u32, speed: Speed) -> u32 {
    match speed {
        Speed::Days(days) => days,
        Speed::Ground if zone >= 9 => 5 + (zone - 9),
        Speed::Ground => zone.saturating_sub(2).div_ceil(2).clamp(1, 5) + u32::from(zone >= 7),
    }
}

/// The date `days` business days (Monday–Friday) after `from`.
pub fn add_business_days(from: NaiveDate, days: u32) -> NaiveDate {
    let mut date = from;
    let mut left = days;
    while left > 0 {
        date = date.succ_opt().unwrap_or(date);
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    date
}

fn money(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn shipment(from: &str, to: &str, lb: &str) -> Shipment {
        Shipment {
            origin: Place::new("US", from),
            destination: Place::new("US", to),
            packages: vec![Package {
                weight: Weight::lb(d(lb)),
                dimensions: None,
            }],
            residential: false,
        }
    }

    const GROUND: ServiceLevel = ServiceLevel::new(100, Speed::Ground, false);
    const AIR: ServiceLevel = ServiceLevel::new(350, Speed::Days(1), true);

    #[test]
    fn same_request_same_price() {
        let s = shipment("90210", "10001", "2.5");
        assert_eq!(quote(&s, &GROUND), quote(&s, &GROUND));
    }

    #[test]
    fn lanes_weights_and_services_change_the_price() {
        let far = quote(&shipment("90210", "10001", "2"), &GROUND);
        let near = quote(&shipment("90210", "90001", "2"), &GROUND);
        assert!(far.zone > near.zone, "{} vs {}", far.zone, near.zone);
        assert!(far.total > near.total);
        let heavy = quote(&shipment("90210", "10001", "20"), &GROUND);
        assert!(heavy.total > far.total);
        let air = quote(&shipment("90210", "10001", "2"), &AIR);
        assert!(air.total > far.total);
        assert_eq!(air.transit_days, 1);
        assert!(far.transit_days > near.transit_days);
    }

    #[test]
    fn totals_add_up_and_have_cents() {
        let mut s = shipment("30301", "98101", "7.2");
        s.residential = true;
        let q = quote(&s, &GROUND);
        assert_eq!(q.total, q.base + q.fuel + q.residential);
        assert_eq!(q.total.scale(), 2);
        let n = q.discounted(12);
        assert!(n.total < q.total);
        assert_eq!(n.total, n.base + n.fuel + n.residential);
    }

    #[test]
    fn dimensional_weight_counts_for_big_light_boxes() {
        let mut s = shipment("90210", "10001", "1");
        let light = billable_pounds(&s.packages[0]);
        s.packages[0].dimensions = Some(Dimensions::inches(d("24"), d("24"), d("24")));
        let bulky = billable_pounds(&s.packages[0]);
        assert_eq!(light, d("1"));
        assert_eq!(bulky, d("100")); // 13824 / 139 = 99.45 → 100
    }

    #[test]
    fn international_lanes_are_dearer_and_symmetric() {
        let a = zone(&Place::new("US", "10001"), &Place::new("CA", "K1A0B1"));
        let b = zone(&Place::new("CA", "K1A 0B1"), &Place::new("US", "10001"));
        assert_eq!(a, b);
        assert!(a >= 9);
    }

    #[test]
    fn business_days_skip_weekends() {
        let fri = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            add_business_days(fri, 1),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(add_business_days(fri, 0), fri);
    }
}
