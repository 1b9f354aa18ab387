//! Cache keys: (carrier, scope, normalized shipment fingerprint).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use shipmux_core::{Address, CarrierId, LengthUnit, RateRequest, WeightUnit};

/// How finely shipments are told apart: weights and dimensions are rounded *up* to these steps
/// (the carriers' billable steps), so 2.01 lb and 2.05 lb share an entry but 40 g never
/// becomes 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FingerprintSteps {
    /// Weight step in grams (default one ounce, USPS's step and finer than UPS/FedEx's pound).
    pub weight_grams: Decimal,
    /// Dimension step in millimetres (default one inch).
    pub length_mm: Decimal,
}

impl Default for FingerprintSteps {
    fn default() -> Self {
        FingerprintSteps {
            weight_grams: WeightUnit::Oz.grams(),
            length_mm: LengthUnit::In.millimetres(),
        }
    }
}

/// The parts of a rate request that change the price, normalized: origin and destination
/// country and postcode (plus residential for the destination), parcels rounded to the
/// billable steps, requested services sorted, ship date.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ShipmentFingerprint {
    origin: (String, Option<String>),
    destination: (String, Option<String>, Option<bool>),
    /// Per parcel: weight steps and sorted dimension steps.
    parcels: Vec<(u64, Option<[u64; 3]>)>,
    services: Option<Vec<String>>,
    ship_date: Option<NaiveDate>,
}

fn steps(value: Decimal, step: Decimal) -> u64 {
    if step <= Decimal::ZERO {
        return 0;
    }
    let n = (value / step).ceil();
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn place(a: &Address) -> (String, Option<String>) {
    (
        a.country.trim().to_ascii_uppercase(),
        a.normalized_postal_code(),
    )
}

impl ShipmentFingerprint {
    /// The fingerprint of `request`.
    pub fn of(request: &RateRequest, s: &FingerprintSteps) -> Self {
        let (country, postcode) = place(&request.destination);
        let parcels = request
            .parcels
            .iter()
            .map(|p| {
                let w = steps(p.weight.grams(), s.weight_grams);
                let d = p.dimensions.map(|d| {
                    let mm = d.to(LengthUnit::Mm);
                    let mut v = [
                        steps(mm.length, s.length_mm),
                        steps(mm.width, s.length_mm),
                        steps(mm.height, s.length_mm),
                    ];
                    v.sort_unstable();
                    v
                });
                (w, d)
            })
            .collect();
        let services = request.services.as_ref().map(|s| {
            let mut s = s.clone();
            s.sort();
            s.dedup();
            s
        });
        ShipmentFingerprint {
            origin: place(&request.origin),
            destination: (country, postcode, request.destination.residential),
            parcels,
            services,
            ship_date: request.ship_date,
        }
    }
}

/// A cache key: which carrier, in which scope (a checkout's zone and method, or empty for
/// plain quotes), for which shipment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QuoteKey {
    /// The carrier quoted.
    pub carrier: CarrierId,
    /// Zone and method (`"US West/12"`), or `""`.
    pub scope: Arc<str>,
    /// The shipment.
    pub shipment: ShipmentFingerprint,
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use shipmux_core::{Dimensions, Parcel, Weight};

    use super::*;

    fn req(weight: &str) -> RateRequest {
        RateRequest::new(
            Address::new("US", "90210"),
            Address::new("US", "10001-1234").residential(true),
            vec![Parcel::new(Weight::lb(Decimal::from_str(weight).unwrap()))],
        )
        .unwrap()
    }

    #[test]
    fn billable_steps_group_nearby_weights_but_never_zero() {
        let s = FingerprintSteps::default();
        assert_eq!(
            ShipmentFingerprint::of(&req("2.01"), &s),
            ShipmentFingerprint::of(&req("2.05"), &s)
        );
        assert_ne!(
            ShipmentFingerprint::of(&req("2.0"), &s),
            ShipmentFingerprint::of(&req("2.1"), &s)
        );
        let tiny = ShipmentFingerprint::of(&req("0.0001"), &s);
        assert_eq!(tiny.parcels[0].0, 1);
    }

    #[test]
    fn services_order_and_postcode_format_do_not_matter() {
        let s = FingerprintSteps::default();
        let a = req("1").with_services(["B", "A"]);
        let mut b = req("1").with_services(["A", "B"]);
        b.destination.postal_code = Some("100011234".into());
        assert_eq!(
            ShipmentFingerprint::of(&a, &s),
            ShipmentFingerprint::of(&b, &s)
        );
        let mut c = req("1");
        c.parcels[0] = c.parcels[0].clone().with_dimensions(Dimensions::inches(
            Decimal::from(12),
            Decimal::from(8),
            Decimal::from(6),
        ));
        let mut d = req("1");
        d.parcels[0] = d.parcels[0].clone().with_dimensions(Dimensions::inches(
            Decimal::from(6),
            Decimal::from(12),
            Decimal::from(8),
        ));
        assert_eq!(
            ShipmentFingerprint::of(&c, &s),
            ShipmentFingerprint::of(&d, &s)
        );
    }
}
