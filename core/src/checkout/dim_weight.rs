//! Dimensional (volumetric) weight and billable weight (docs/bigcommerce.md).
//!
//! The divisors are data, not code: a [`DimWeightRule`] says how many cubic inches make a
//! billable pound and above which volume it applies. Each side is measured to the nearest whole
//! inch, the DIM weight is rounded *up* to the next whole pound, and billable weight is the
//! larger of actual and DIM weight.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::model::{Dimensions, LengthUnit, Parcel, Weight};
use crate::rules::decimal_text;

/// One carrier's dimensional weight rule. JSON: `{"divisor": "139", "applies_above": null}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DimWeightRule {
    /// Cubic inches per billable pound (139 for UPS's and FedEx's daily rates, 166 for USPS).
    #[serde(with = "decimal_text")]
    pub divisor: Decimal,
    /// The rule applies only to parcels whose volume (whole inches) is strictly above this
    /// many cubic inches (USPS: 1,728 = one cubic foot); `None` for every parcel.
    #[serde(with = "decimal_text::option", default)]
    pub applies_above: Option<Decimal>,
}

impl DimWeightRule {
    /// `divisor` cubic inches per billable pound, for parcels above `applies_above` cubic
    /// inches (every parcel when `None`). A `const fn`, so carrier descriptors can hold one.
    pub const fn cubic_inches_per_pound(divisor: u32, applies_above: Option<u32>) -> Self {
        DimWeightRule {
            divisor: Decimal::from_parts(divisor, 0, 0, false, 0),
            applies_above: match applies_above {
                Some(v) => Some(Decimal::from_parts(v, 0, 0, false, 0)),
                None => None,
            },
        }
    }

    /// The rule of a carrier known to this process ([`crate::descriptor::known`]), if it
    /// bills by volume.
    pub fn for_carrier(carrier: &str) -> Option<Self> {
        crate::descriptor::known()
            .into_iter()
            .find(|d| d.id == carrier)?
            .dim_weight
    }

    /// The DIM weight of a box in whole pounds, or `None` when the rule does not apply to it.
    pub fn dim_weight(&self, dimensions: &Dimensions) -> Option<Weight> {
        if self.divisor <= Decimal::ZERO {
            return None;
        }
        let d = dimensions.to(LengthUnit::In);
        let whole =
            |side: Decimal| side.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        let volume = whole(d.length) * whole(d.width) * whole(d.height);
        if let Some(threshold) = self.applies_above
            && volume <= threshold
        {
            return None;
        }
        Some(Weight::lb((volume / self.divisor).ceil()))
    }

    /// The weight the carrier bills: the DIM weight (in pounds) when it is larger than the
    /// actual weight, else the actual weight as given.
    pub fn billable_weight(&self, parcel: &Parcel) -> Weight {
        match parcel.dimensions.as_ref().and_then(|d| self.dim_weight(d)) {
            Some(dim) if dim.grams() > parcel.weight.grams() => dim,
            _ => parcel.weight,
        }
    }
}
