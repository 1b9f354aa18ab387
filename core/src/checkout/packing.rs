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
//! [`MAX_PARCELS`] parcels are made, so a bad quantity cannot exhaust memory.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

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
    if let Some(d) = crate::descriptor::known()
        .into_iter()
        .find(|d| d.id == carrier)
    {
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
                d.validate(&format!("line item `{}`.dimensions", item.id))?;
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
    let limit = max_weight.grams();
    let mut items: Vec<&PackItem> = items.to_vec();
    items.sort_by_key(|item| std::cmp::Reverse(item.weight.grams()));
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
