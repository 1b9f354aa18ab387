//! Packing a consignment's units into parcels for real-time carriers (docs/bigcommerce.md).
//!
//! Two strategies, as BigCommerce's carrier settings offer them (`packing_method`):
//! - [`PackingStrategy::Individual`]: one parcel per unit ("separate").
//! - [`PackingStrategy::Combined`]: units share parcels up to the carrier's weight limit
//!   ("combined"), filled heaviest first, first fit. A combined parcel's dimensions stack the
//!   units along their shortest side (length = longest of the longest sides, width = widest of
//!   the middle sides, height = Σ shortest sides), and are only given when every unit in it has
//!   dimensions.
//!
//! Whatever the strategy, a unit that `ships_separately` travels alone, and a unit heavier
//! than the limit is refused with an `invalid_request` error naming the item. At most
//! [`MAX_PARCELS`] parcels are made, and combined packing takes at most
//! [`MAX_UNITS`](super::MAX_UNITS) units, so a bad quantity cannot exhaust memory.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::first_fit::Rooms;
use super::validate::{MAX_UNITS, check_dimensions};
use crate::error::Error;
use crate::model::{Dimensions, Parcel, Weight};

/// The most parcels one consignment may pack into.
pub const MAX_PARCELS: usize = 10_000;

/// The largest weight value (in its unit) of one unit or a parcel limit; more is absurd.
const MAX_UNIT_WEIGHT: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);

/// Units of one line item to pack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackItem {
    /// The line item's id (named in errors).
    pub id: String,
    /// How many units.
    pub quantity: u64,
    /// Weight of one unit.
    pub weight: Weight,
    /// Dimensions of one unit, if known.
    pub dimensions: Option<Dimensions>,
    /// Each unit travels in its own parcel.
    pub ships_separately: bool,
}

/// How units become parcels. JSON: `{"type": "individual"}` or
/// `{"type": "combined", "max_weight": {"value": "150", "unit": "lb"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PackingStrategy {
    /// One parcel per unit.
    Individual,
    /// Units share parcels up to `max_weight` each.
    Combined {
        /// The heaviest parcel the carrier takes.
        max_weight: Weight,
    },
}

/// The heaviest parcel a carrier takes: a carrier known to this process says so in its
/// descriptor ([`crate::descriptor::known`]); BigCommerce's other carriers (Australia Post
/// 30 kg, Royal Mail 20 kg) are listed here; 150 lb for the rest.
pub fn carrier_max_weight(carrier: &str) -> Weight {
    if let Some(d) = crate::descriptor::find_known(carrier) {
        return d.max_parcel_weight;
    }
    match carrier {
        "auspost" => Weight::kg(Decimal::from(30)),
        "royalmail" => Weight::kg(Decimal::from(20)),
        _ => Weight::lb(Decimal::from(150)),
    }
}

impl PackingStrategy {
    /// Combined packing up to `carrier`'s weight limit.
    pub fn combined_for(carrier: &str) -> Self {
        PackingStrategy::Combined {
            max_weight: carrier_max_weight(carrier),
        }
    }

    /// Packs the units into parcels (no declared value). An empty list packs into no parcels.
    pub fn pack(&self, items: &[PackItem]) -> Result<Vec<Parcel>, Error> {
        if let PackingStrategy::Combined { max_weight } = self
            && (max_weight.value <= Decimal::ZERO || max_weight.value > MAX_UNIT_WEIGHT)
        {
            return Err(Error::invalid_request(
                "packing.max_weight",
                format!("must be above 0 and at most {MAX_UNIT_WEIGHT}"),
            ));
        }
        let mut parcels = Vec::new();
        let mut shared = Vec::new();
        for item in items {
            if item.weight.value < Decimal::ZERO || item.weight.value > MAX_UNIT_WEIGHT {
                return Err(Error::invalid_request(
                    &format!("line item `{}`.weight", item.id),
                    format!("must be between 0 and {MAX_UNIT_WEIGHT}"),
                ));
            }
            if let Some(d) = &item.dimensions {
                check_dimensions(&format!("line item `{}`.dimensions", item.id), d)?;
            }
            if item.ships_separately || matches!(self, PackingStrategy::Individual) {
                if let PackingStrategy::Combined { max_weight } = self {
                    check_fits(item, max_weight)?;
                }
                let room = MAX_PARCELS - parcels.len();
                if item.quantity > room as u64 {
                    return Err(too_many_parcels());
                }
                for _ in 0..item.quantity {
                    parcels.push(unit_parcel(item));
                }
            } else if item.quantity > 0 {
                shared.push(item);
            }
        }
        if let PackingStrategy::Combined { max_weight } = self {
            parcels.extend(combine(&shared, max_weight, MAX_PARCELS - parcels.len())?);
        }
        Ok(parcels)
    }
}

fn too_many_parcels() -> Error {
    Error::invalid_request(
        "line_items",
        format!("the consignment would need more than {MAX_PARCELS} parcels"),
    )
}

fn check_fits(item: &PackItem, max_weight: &Weight) -> Result<(), Error> {
    if item.weight.grams() > max_weight.grams() {
        return Err(Error::invalid_request(
            &format!("line item `{}`.weight", item.id),
            format!(
                "one unit weighs {} {:?}, over the carrier's limit of {} {:?} per parcel",
                item.weight.value, item.weight.unit, max_weight.value, max_weight.unit
            ),
        ));
    }
    Ok(())
}

fn unit_parcel(item: &PackItem) -> Parcel {
    Parcel {
        weight: item.weight,
        dimensions: item.dimensions,
        declared_value: None,
    }
}

/// A parcel being filled: grams so far and (item, units) inside.
struct Bin<'a> {
    grams: Decimal,
    contents: Vec<(&'a PackItem, u64)>,
}

fn combine(
    items: &[&PackItem],
    max_weight: &Weight,
    max_bins: usize,
) -> Result<Vec<Parcel>, Error> {
    // A u128 cannot overflow here: that would take 2^64 items.
    let units: u128 = items.iter().map(|item| u128::from(item.quantity)).sum();
    if units > u128::from(MAX_UNITS) {
        return Err(Error::invalid_request(
            "line_items",
            format!("{units} units to pack, at most {MAX_UNITS}"),
        ));
    }
    let limit = max_weight.grams();
    let mut items: Vec<&PackItem> = items.to_vec();
    // Stable, like `sort_by_key`, with each item's grams computed once.
    items.sort_by_cached_key(|item| std::cmp::Reverse(item.weight.grams()));
    let mut total = Decimal::ZERO;
    for item in &items {
        total = item
            .weight
            .grams()
            .checked_mul(Decimal::from(item.quantity))
            .and_then(|w| total.checked_add(w))
            .ok_or_else(too_many_parcels)?;
    }
    if total / limit > Decimal::from(max_bins) {
        return Err(too_many_parcels());
    }
    let mut bins: Vec<Bin> = Vec::new();
    // The room left in each bin, for finding the first that fits without a scan.
    let mut rooms = Rooms::default();
    for item in items {
        check_fits(item, max_weight)?;
        let unit = item.weight.grams();
        let fits_in = |room: Decimal| units_fitting(room, unit);
        // `fits_in(room) > 0`, without dividing in the common cases.
        let fits = |room: Decimal| {
            unit <= Decimal::ZERO || room >= unit || (!room.is_zero() && fits_in(room) > 0)
        };
        let mut left = item.quantity;
        // First fit: the bins in order that have room, as many units in each as fit.
        let mut next = 0;
        while left > 0
            && let Some(b) = rooms.first_from(next, fits)
        {
            let bin = &mut bins[b];
            let n = left.min(fits_in(limit - bin.grams));
            bin.grams += unit * Decimal::from(n);
            bin.contents.push((item, n));
            rooms.set(b, limit - bin.grams);
            left -= n;
            next = b + 1;
        }
        while left > 0 {
            if bins.len() >= max_bins {
                return Err(too_many_parcels());
            }
            let n = left.min(fits_in(limit).max(1));
            let grams = unit * Decimal::from(n);
            rooms.push(limit - grams);
            bins.push(Bin {
                grams,
                contents: vec![(item, n)],
            });
            left -= n;
        }
    }
    Ok(bins.iter().map(bin_parcel).collect())
}

/// Whole units of `unit` grams in `room` grams; `u64::MAX` when that is out of `u64`'s range
/// (as ever) or too large for a decimal (a vanishingly light unit: this used to panic), and for
/// weightless units.
fn units_fitting(room: Decimal, unit: Decimal) -> u64 {
    if unit <= Decimal::ZERO {
        return u64::MAX;
    }
    room.checked_div(unit)
        .and_then(|units| u64::try_from(units.floor()).ok())
        .unwrap_or(u64::MAX)
}

fn bin_parcel(bin: &Bin) -> Parcel {
    let (first, _) = bin.contents[0];
    let unit = first.weight.unit;
    let weight = if bin.contents.iter().all(|(i, _)| i.weight.unit == unit) {
        let value = bin
            .contents
            .iter()
            .map(|(i, n)| i.weight.value * Decimal::from(*n))
            .sum();
        Weight::new(value, unit)
    } else {
        Weight::new((bin.grams / unit.grams()).normalize(), unit)
    };
    Parcel {
        weight,
        dimensions: stacked_dimensions(bin),
        declared_value: None,
    }
}

fn stacked_dimensions(bin: &Bin) -> Option<Dimensions> {
    let unit = bin.contents[0].0.dimensions?.unit;
    let (mut length, mut width, mut height) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (item, n) in &bin.contents {
        let d = item.dimensions?.to(unit);
        let mut sides = [d.length, d.width, d.height];
        sides.sort_by(|a, b| b.cmp(a));
        length = length.max(sides[0]);
        width = width.max(sides[1]);
        height += sides[2] * Decimal::from(*n);
    }
    Some(Dimensions::new(length, width, height, unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LengthUnit, WeightUnit};

    /// `combine` as it was before `Rooms`: every bin scanned for every item.
    fn combine_by_scan(
        items: &[&PackItem],
        max_weight: &Weight,
        max_bins: usize,
    ) -> Result<Vec<Parcel>, Error> {
        let limit = max_weight.grams();
        let mut items: Vec<&PackItem> = items.to_vec();
        items.sort_by_key(|item| std::cmp::Reverse(item.weight.grams()));
        let mut bins: Vec<Bin> = Vec::new();
        for item in items {
            check_fits(item, max_weight)?;
            let unit = item.weight.grams();
            let fits_in = |room: Decimal| -> u64 {
                if unit <= Decimal::ZERO {
                    u64::MAX
                } else {
                    u64::try_from((room / unit).floor()).unwrap_or(u64::MAX)
                }
            };
            let mut left = item.quantity;
            for bin in bins.iter_mut() {
                if left == 0 {
                    break;
                }
                let n = left.min(fits_in(limit - bin.grams));
                if n > 0 {
                    bin.grams += unit * Decimal::from(n);
                    bin.contents.push((item, n));
                    left -= n;
                }
            }
            while left > 0 {
                if bins.len() >= max_bins {
                    return Err(too_many_parcels());
                }
                let n = left.min(fits_in(limit).max(1));
                bins.push(Bin {
                    grams: unit * Decimal::from(n),
                    contents: vec![(item, n)],
                });
                left -= n;
            }
        }
        Ok(bins.iter().map(bin_parcel).collect())
    }

    /// A small deterministic generator (xorshift64), so the cases are the same on every run.
    struct Dice(u64);

    impl Dice {
        fn roll(&mut self, below: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % below
        }
    }

    #[test]
    fn first_fit_with_rooms_packs_exactly_as_the_scan_did() {
        let mut dice = Dice(0x5eed_cafe_f00d_d00d);
        let units = [
            WeightUnit::Lb,
            WeightUnit::Kg,
            WeightUnit::Oz,
            WeightUnit::G,
        ];
        let limits = [
            Weight::lb(Decimal::from(150)),
            Weight::lb(Decimal::from(70)),
            Weight::kg(Decimal::from(30)),
            Weight::kg(Decimal::from(20)),
        ];
        for case in 0..400 {
            let max_weight = limits[case % limits.len()];
            let items: Vec<PackItem> = (0..1 + dice.roll(60))
                .map(|i| {
                    let unit = units[dice.roll(4) as usize];
                    // Up to the limit, in hundredths (or thousandths) of the unit.
                    let scale = 2 + dice.roll(2) as u32;
                    let most = (max_weight.grams() / unit.grams()
                        * Decimal::from(10u64.pow(scale)))
                    .floor();
                    let most = u64::try_from(most).unwrap().max(1);
                    // Many light items and a few heavy ones, like a real cart.
                    let heavy = dice.roll(4) == 0;
                    let value = 1 + dice.roll(if heavy { most } else { most / 20 + 1 });
                    let mut side = || Decimal::new(1 + dice.roll(400) as i64, 1);
                    let sides = [side(), side(), side()];
                    let length_unit = [LengthUnit::In, LengthUnit::Cm][dice.roll(2) as usize];
                    let dimensions = (dice.roll(3) > 0)
                        .then(|| Dimensions::new(sides[0], sides[1], sides[2], length_unit));
                    let many = dice.roll(5) == 0;
                    PackItem {
                        id: format!("li-{i}"),
                        quantity: 1 + dice.roll(if many { 40 } else { 3 }),
                        weight: Weight::new(Decimal::new(value as i64, scale), unit),
                        dimensions,
                        ships_separately: false,
                    }
                })
                .collect();
            let refs: Vec<&PackItem> = items.iter().collect();
            let max_bins = [MAX_PARCELS, 3][usize::from(case % 7 == 0)];
            let got = combine(&refs, &max_weight, max_bins);
            let want = combine_by_scan(&refs, &max_weight, max_bins);
            assert_eq!(
                format!("{got:?}"),
                format!("{want:?}"),
                "case {case}: {items:?} up to {max_weight:?}"
            );
        }
    }
}
