//! Weights and dimensions with units and exact decimal conversions.
//!
//! 1 lb = 453.59237 g, 1 oz = 28.349523125 g and 1 in = 25.4 mm exactly. Conversions to a
//! carrier's unit round *up* to the carrier's billable step, so 40 g is never sent as 0 lb.

use rust_decimal::Decimal;
use rust_decimal_macros_free::dec;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Decimal literals without a proc-macro dependency.
mod rust_decimal_macros_free {
    macro_rules! dec {
        ($num:expr, $scale:expr) => {
            rust_decimal::Decimal::from_i128_with_scale($num, $scale)
        };
    }
    pub(crate) use dec;
}

/// A unit of mass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WeightUnit {
    /// Grams.
    G,
    /// Kilograms.
    Kg,
    /// Ounces (avoirdupois).
    Oz,
    /// Pounds (avoirdupois).
    Lb,
}

impl WeightUnit {
    /// Grams in one of this unit, exactly.
    pub fn grams(self) -> Decimal {
        match self {
            WeightUnit::G => Decimal::ONE,
            WeightUnit::Kg => dec!(1000, 0),
            WeightUnit::Oz => dec!(28349523125, 9),
            WeightUnit::Lb => dec!(45359237, 5),
        }
    }

    /// Parses carrier spellings: `LBS`, `lb`, `KGS`, `kg`, `OZS`, `oz`, `g`.
    pub fn parse(s: &str) -> Option<WeightUnit> {
        match s.trim().to_ascii_lowercase().as_str() {
            "g" | "gr" | "gram" | "grams" => Some(WeightUnit::G),
            "kg" | "kgs" => Some(WeightUnit::Kg),
            "oz" | "ozs" => Some(WeightUnit::Oz),
            "lb" | "lbs" => Some(WeightUnit::Lb),
            _ => None,
        }
    }
}

/// A unit of length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LengthUnit {
    /// Millimetres.
    Mm,
    /// Centimetres.
    Cm,
    /// Metres.
    M,
    /// Inches.
    In,
    /// Feet.
    Ft,
}

impl LengthUnit {
    /// Millimetres in one of this unit, exactly.
    pub fn millimetres(self) -> Decimal {
        match self {
            LengthUnit::Mm => Decimal::ONE,
            LengthUnit::Cm => dec!(10, 0),
            LengthUnit::M => dec!(1000, 0),
            LengthUnit::In => dec!(254, 1),
            LengthUnit::Ft => dec!(3048, 1),
        }
    }
}

/// Rounds `value` up to the next multiple of `step` (a positive step); exact multiples stay.
pub fn ceil_to_step(value: Decimal, step: Decimal) -> Decimal {
    if step <= Decimal::ZERO {
        return value;
    }
    let steps = (value / step).ceil();
    (steps * step).normalize()
}

/// A weight. JSON: `{"value": "2.5", "unit": "lb"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weight {
    /// The amount, as a decimal string in JSON.
    #[serde(with = "crate::model::decimal_str")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::model::DecimalSchema))]
    pub value: Decimal,
    /// Its unit.
    pub unit: WeightUnit,
}

impl Weight {
    /// A whole number of `unit`s, as a `const fn` (for carrier descriptors).
    pub const fn whole(value: u32, unit: WeightUnit) -> Self {
        Weight {
            value: Decimal::from_parts(value, 0, 0, false, 0),
            unit,
        }
    }

    /// A weight; not validated (see [`Weight::validate`]).
    pub fn new(value: Decimal, unit: WeightUnit) -> Self {
        Weight { value, unit }
    }

    /// Pounds.
    pub fn lb(value: Decimal) -> Self {
        Weight::new(value, WeightUnit::Lb)
    }

    /// Kilograms.
    pub fn kg(value: Decimal) -> Self {
        Weight::new(value, WeightUnit::Kg)
    }

    /// Grams.
    pub fn g(value: Decimal) -> Self {
        Weight::new(value, WeightUnit::G)
    }

    /// Ounces.
    pub fn oz(value: Decimal) -> Self {
        Weight::new(value, WeightUnit::Oz)
    }

    /// The weight in grams, exactly.
    pub fn grams(&self) -> Decimal {
        self.value * self.unit.grams()
    }

    /// The same weight in `unit`, exact to 28 significant digits (not rounded to a step).
    pub fn to(&self, unit: WeightUnit) -> Weight {
        if unit == self.unit {
            return *self;
        }
        Weight::new((self.grams() / unit.grams()).normalize(), unit)
    }

    /// The weight in `unit`, rounded *up* to a multiple of `step` (e.g. 0.1 lb).
    /// A positive weight never rounds to zero.
    pub fn ceil_to(&self, unit: WeightUnit, step: Decimal) -> Decimal {
        ceil_to_step(self.to(unit).value, step)
    }

    /// Checks that the weight is positive and below 100 t (anything heavier is a typo).
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        if self.value <= Decimal::ZERO {
            return Err(Error::invalid_request(
                field,
                format!(
                    "weight must be positive, got {} {:?}",
                    self.value, self.unit
                ),
            ));
        }
        // Checked: a value near Decimal's limit would overflow the conversion to grams.
        let grams = self.value.checked_mul(self.unit.grams());
        if grams.is_none_or(|g| g > dec!(100_000_000, 0)) {
            return Err(Error::invalid_request(
                field,
                format!(
                    "weight {} {:?} is absurd (over 100 t)",
                    self.value, self.unit
                ),
            ));
        }
        Ok(())
    }

    /// Sum of two weights, expressed in `self`'s unit.
    pub fn add(&self, other: &Weight) -> Weight {
        Weight::new(self.value + other.to(self.unit).value, self.unit)
    }
}

/// A box's outer dimensions. JSON:
/// `{"length": "12", "width": "8", "height": "6", "unit": "in"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dimensions {
    /// Length, as a decimal string in JSON.
    #[serde(with = "crate::model::decimal_str")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::model::DecimalSchema))]
    pub length: Decimal,
    /// Width.
    #[serde(with = "crate::model::decimal_str")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::model::DecimalSchema))]
    pub width: Decimal,
    /// Height.
    #[serde(with = "crate::model::decimal_str")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::model::DecimalSchema))]
    pub height: Decimal,
    /// Unit of all three.
    pub unit: LengthUnit,
}

impl Dimensions {
    /// Dimensions; not validated (see [`Dimensions::validate`]).
    pub fn new(length: Decimal, width: Decimal, height: Decimal, unit: LengthUnit) -> Self {
        Dimensions {
            length,
            width,
            height,
            unit,
        }
    }

    /// Inches.
    pub fn inches(length: Decimal, width: Decimal, height: Decimal) -> Self {
        Dimensions::new(length, width, height, LengthUnit::In)
    }

    /// The same box in `unit`, exact.
    pub fn to(&self, unit: LengthUnit) -> Dimensions {
        if unit == self.unit {
            return *self;
        }
        let (from, to) = (self.unit.millimetres(), unit.millimetres());
        let convert = |side: Decimal| (side * from / to).normalize();
        Dimensions::new(
            convert(self.length),
            convert(self.width),
            convert(self.height),
            unit,
        )
    }

    /// Each side in `unit`, rounded up to a multiple of `step`.
    pub fn ceil_to(&self, unit: LengthUnit, step: Decimal) -> [Decimal; 3] {
        let d = self.to(unit);
        [
            ceil_to_step(d.length, step),
            ceil_to_step(d.width, step),
            ceil_to_step(d.height, step),
        ]
    }

    /// Volume in cubic `unit`s.
    pub fn volume(&self, unit: LengthUnit) -> Decimal {
        let d = self.to(unit);
        d.length * d.width * d.height
    }

    /// Checks each side is positive and no side is over 10 m.
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        for (name, side) in [
            ("length", self.length),
            ("width", self.width),
            ("height", self.height),
        ] {
            if side <= Decimal::ZERO {
                return Err(Error::invalid_request(
                    &format!("{field}.{name}"),
                    format!("must be positive, got {side}"),
                ));
            }
            let mm = side.checked_mul(self.unit.millimetres());
            if mm.is_none_or(|mm| mm > dec!(10_000, 0)) {
                return Err(Error::invalid_request(
                    &format!("{field}.{name}"),
                    format!("{side} {:?} is absurd (over 10 m)", self.unit),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn values_near_decimals_limit_are_absurd_not_a_panic() {
        let huge = Decimal::MAX;
        for unit in [
            WeightUnit::Kg,
            WeightUnit::Lb,
            WeightUnit::Oz,
            WeightUnit::G,
        ] {
            let e = Weight::new(huge, unit).validate("w").unwrap_err();
            assert!(e.message.contains("absurd"), "{}", e.message);
        }
        let e = Dimensions::new(huge, d("1"), d("1"), LengthUnit::In)
            .validate("d")
            .unwrap_err();
        assert!(e.message.contains("absurd"), "{}", e.message);
    }

    #[test]
    fn pounds_and_grams_round_trip_exactly() {
        let w = Weight::lb(d("2.5"));
        assert_eq!(w.grams(), d("1133.980925"));
        assert_eq!(w.to(WeightUnit::G).to(WeightUnit::Lb).value, d("2.5"));
        assert_eq!(Weight::oz(d("16")).to(WeightUnit::Lb).value, d("1"));
        assert_eq!(Weight::kg(d("1")).to(WeightUnit::G).value, d("1000"));
    }

    #[test]
    fn forty_grams_never_becomes_zero_pounds() {
        let w = Weight::g(d("40"));
        assert_eq!(w.ceil_to(WeightUnit::Lb, d("0.1")), d("0.1"));
        assert_eq!(w.ceil_to(WeightUnit::Lb, d("1")), d("1"));
        assert_eq!(w.ceil_to(WeightUnit::Oz, d("1")), d("2"));
    }

    #[test]
    fn exact_multiples_do_not_round_up() {
        assert_eq!(
            Weight::lb(d("2.0")).ceil_to(WeightUnit::Lb, d("0.1")),
            d("2")
        );
        assert_eq!(
            Weight::kg(d("0.45359237")).ceil_to(WeightUnit::Lb, d("1")),
            d("1")
        );
    }

    #[test]
    fn inches_and_millimetres_round_trip() {
        let dims = Dimensions::inches(d("12"), d("8"), d("6"));
        let mm = dims.to(LengthUnit::Mm);
        assert_eq!(mm.length, d("304.8"));
        assert_eq!(mm.to(LengthUnit::In), dims);
        assert_eq!(dims.volume(LengthUnit::In), d("576"));
        let cm = Dimensions::new(d("10.1"), d("10"), d("10"), LengthUnit::Cm);
        assert_eq!(cm.ceil_to(LengthUnit::In, d("1")), [d("4"), d("4"), d("4")]);
    }

    #[test]
    fn bad_weights_and_dimensions_are_refused() {
        assert!(Weight::lb(d("0")).validate("parcels[0].weight").is_err());
        assert!(Weight::lb(d("-1")).validate("parcels[0].weight").is_err());
        assert!(Weight::kg(d("200000")).validate("w").is_err());
        let e = Dimensions::inches(d("12"), d("0"), d("6"))
            .validate("parcels[0].dimensions")
            .unwrap_err();
        assert!(e.message.contains("parcels[0].dimensions.width"), "{e}");
        assert!(
            Dimensions::inches(d("1000"), d("1"), d("1"))
                .validate("x")
                .is_err()
        );
    }
}
