//! Shipping methods: what a zone offers and how each prices a consignment
//! (docs/bigcommerce.md; BigCommerce does not say how rate-table ranges apply, so that is ours).
//!
//! - **Free shipping**, optionally only from a minimum subtotal.
//! - **Per order** (a flat rate) and **per item** (rate × item count).
//! - **By weight** and **by order total**: a rate table. The first range, in listed order, with
//!   `lower ≤ x ≤ upper` wins, so a boundary shared by two ranges goes to the earlier one. When
//!   no range applies the default cost is used (fixed, or a % of the subtotal); with no default
//!   the method is *absent*, never free.
//! - **Real-time carrier**: a carrier id, an optional filter of its service codes, a markup, and
//!   how to pack. The host asks the carrier and prices each rate with [`RatePricing`].
//!
//! Every method may carry a handling fee (fixed or % of the cost so far); see [`super::fees`]
//! for the order in which fees apply.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::decimal_text;
use super::fees::{Adjustment, FeeSchedule, HandlingFee, Markup, PricedCost};
use crate::checkout::{ConsignmentSummary, PackingStrategy};
use crate::error::Error;
use crate::model::{CarrierId, Currency, ExchangeRates, Money, Rate, WeightUnit};

fn enabled_by_default() -> bool {
    true
}

/// A shipping method of a zone. JSON (the method's settings sit beside `type`):
/// `{"id": "m1", "name": "Flat Rate", "enabled": true, "type": "per_order", "rate": "8.00",
///   "handling_fee": {"fixed": "1.00"} | null}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Method {
    /// Its id, unique in the zone (cache keys and options name it).
    pub id: String,
    /// What the shopper reads.
    pub name: String,
    /// A disabled method offers nothing.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// What kind of method, with its settings.
    #[serde(flatten)]
    pub kind: MethodKind,
    /// The method's handling fee, applied after any markup and before the zone's fee.
    #[serde(default)]
    pub handling_fee: Option<Adjustment>,
}

/// The kinds of method and their settings. JSON tag: `type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MethodKind {
    /// Free, from an optional minimum subtotal (`subtotal ≥ minimum`).
    FreeShipping {
        /// The smallest subtotal that ships free; `null` for always.
        #[serde(with = "decimal_text::option", default)]
        minimum_subtotal: Option<Decimal>,
    },
    /// A flat amount per consignment.
    PerOrder {
        /// The amount.
        #[serde(with = "decimal_text")]
        rate: Decimal,
    },
    /// A flat amount per unit.
    PerItem {
        /// The amount per unit.
        #[serde(with = "decimal_text")]
        rate: Decimal,
    },
    /// A rate table on the consignment's actual weight.
    ByWeight(WeightTable),
    /// A rate table on the consignment's subtotal.
    ByTotal(RateTable),
    /// Rates asked from a carrier.
    RealTime(RealTimeMethod),
    /// A method type we do not price (imported as is, e.g. BigCommerce `pickupinstore`);
    /// it never offers an option.
    Other {
        /// The type as the source named it.
        source_type: String,
    },
}

/// A rate table: ranges in listed order and an optional default cost.
/// JSON: `{"ranges": [{"lower": "0", "upper": "20", "cost": "8"}], "default_cost": {"fixed": "12"} | null}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTable {
    /// The ranges, in the merchant's order (the first that applies wins).
    #[serde(default)]
    pub ranges: Vec<RateRange>,
    /// What to charge when no range applies; `null` makes the method absent then.
    #[serde(default)]
    pub default_cost: Option<DefaultCost>,
}

/// A rate table on weight, with the unit its limits are in.
/// JSON: `{"unit": "lb", "ranges": [...], "default_cost": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightTable {
    /// The unit of the range limits (the store's weight unit).
    pub unit: WeightUnit,
    /// The ranges and default.
    #[serde(flatten)]
    pub table: RateTable,
}

/// One range of a rate table, inclusive at both ends.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RateRange {
    /// Lowest value in the range.
    #[serde(with = "decimal_text")]
    pub lower: Decimal,
    /// Highest value in the range.
    #[serde(with = "decimal_text")]
    pub upper: Decimal,
    /// The shipping cost inside it.
    #[serde(with = "decimal_text")]
    pub cost: Decimal,
}

impl RateRange {
    /// A range `lower ≤ x ≤ upper` costing `cost`.
    pub fn new(lower: Decimal, upper: Decimal, cost: Decimal) -> Self {
        RateRange { lower, upper, cost }
    }
}

/// A rate table's cost when no range applies. JSON: `{"fixed": "12"}` or
/// `{"percent_of_total": "5"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultCost {
    /// A fixed amount.
    Fixed(#[serde(with = "decimal_text")] Decimal),
    /// A percentage of the consignment's subtotal.
    PercentOfTotal(#[serde(with = "decimal_text")] Decimal),
}

impl RateTable {
    /// The first range, in listed order, containing `x`.
    pub fn range_for(&self, x: Decimal) -> Option<&RateRange> {
        self.ranges.iter().find(|r| r.lower <= x && x <= r.upper)
    }

    /// The cost for `x`: its range's, else the default (a % of `subtotal` or fixed), else
    /// `None` (the method is absent; also when a percentage of an absurd subtotal overflows).
    pub fn cost_for(&self, x: Decimal, subtotal: Decimal) -> Option<Decimal> {
        if let Some(range) = self.range_for(x) {
            return Some(range.cost);
        }
        match self.default_cost? {
            DefaultCost::Fixed(amount) => Some(amount),
            DefaultCost::PercentOfTotal(percent) => subtotal
                .checked_mul(percent)?
                .checked_div(Decimal::ONE_HUNDRED),
        }
    }
}

/// A real-time carrier method. JSON: `{"carrier": "ups", "services": ["03"] | null,
/// "markup": {"percent": "10"} | null, "packing": PackingStrategy | null}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealTimeMethod {
    /// Which carrier to ask.
    pub carrier: CarrierId,
    /// Only these of its service codes; `null` for all.
    #[serde(default)]
    pub services: Option<Vec<String>>,
    /// Added to each rate before handling fees; may be negative.
    #[serde(default)]
    pub markup: Option<Markup>,
    /// How to pack the units; `null` for combined up to the carrier's weight limit.
    #[serde(default)]
    pub packing: Option<PackingStrategy>,
}

/// Why a method offers nothing for a consignment.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unavailable {
    /// The method (or its zone) is disabled.
    Disabled,
    /// No range of its table applies and it has no default cost.
    NoRangeApplies,
    /// The subtotal is below the free-shipping minimum.
    BelowMinimum,
    /// Every unit has a fixed shipping cost, so there is nothing for a carrier to rate.
    NothingForCarriers,
    /// The consignment's amounts or weight are too large to price.
    OutOfRange,
    /// A method type we do not price.
    UnsupportedType(String),
}

/// What a method makes of one consignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MethodOutcome {
    /// A cost known without asking anyone (rate tables, flat, free).
    Static(PricedCost),
    /// The host must ask a carrier; [`RealTimeQuery::pricing`] turns each rate into a cost.
    RealTime(RealTimeQuery),
    /// The method is absent for this consignment.
    Unavailable(Unavailable),
}

impl MethodOutcome {
    /// The static cost, if the outcome is one.
    pub fn static_cost(&self) -> Option<&Money> {
        match self {
            MethodOutcome::Static(priced) => Some(&priced.cost),
            _ => None,
        }
    }

    /// Is the method absent?
    pub fn is_unavailable(&self) -> bool {
        matches!(self, MethodOutcome::Unavailable(_))
    }
}

/// What the host must ask a carrier for a real-time method, and how to price the answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RealTimeQuery {
    /// The carrier to ask.
    pub carrier: CarrierId,
    /// Only these service codes (`RateRequest::with_services`); `None` for all.
    pub services: Option<Vec<String>>,
    /// How to pack the consignment's units into parcels for this carrier.
    pub packing: PackingStrategy,
    /// Turns a carrier rate into the option's cost.
    pub pricing: RatePricing,
}

impl RealTimeQuery {
    /// Keeps only the rates this method allows: from its carrier and, when it has a
    /// services filter, of one of those services (carriers that ignore the filter are
    /// filtered here).
    pub fn allows(&self, rate: &Rate) -> bool {
        rate.carrier == self.carrier
            && self
                .services
                .as_ref()
                .is_none_or(|s| s.contains(&rate.service))
    }
}

/// Prices a carrier rate: markup → method handling → zone handling → fixed product shipping
/// costs → rounded once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatePricing {
    /// The fees, in order.
    pub fees: FeeSchedule,
    /// The store currency every fixed amount is in.
    pub currency: Currency,
}

impl RatePricing {
    /// The option's cost for `rate`, with its breakdown. A rate in another currency than the
    /// store's cannot be priced without exchange rates: `unsupported`, naming the carrier.
    pub fn price(&self, rate: &Rate) -> Result<PricedCost, Error> {
        self.price_in(rate, &ExchangeRates::none())
    }

    /// [`RatePricing::price`], converting a rate in another currency into the store's first
    /// (once, rounded to the store currency's minor unit), then applying the fees. No rate for
    /// the pair is `unsupported`, naming the carrier and both currencies.
    pub fn price_in(&self, rate: &Rate, rates: &ExchangeRates) -> Result<PricedCost, Error> {
        let total = self.in_store_currency(rate, rates)?;
        self.fees
            .apply(&total)
            .map_err(|e| e.with_carrier(&rate.carrier))
    }

    /// Just the cost of [`RatePricing::price_in`], without the breakdown.
    pub fn cost_in(&self, rate: &Rate, rates: &ExchangeRates) -> Result<Money, Error> {
        let total = self.in_store_currency(rate, rates)?;
        self.fees
            .cost(&total)
            .map_err(|e| e.with_carrier(&rate.carrier))
    }

    /// `rate`'s total in the store's currency.
    fn in_store_currency(&self, rate: &Rate, rates: &ExchangeRates) -> Result<Money, Error> {
        rates.convert(&rate.total, &self.currency).map_err(|e| {
            Error::new(
                e.kind,
                format!(
                    "a {} rate for service `{}` cannot be priced in a {} store: {}",
                    rate.total.currency, rate.service, self.currency, e.message
                ),
            )
            .with_carrier(&rate.carrier)
        })
    }

    /// Just the cost of [`RatePricing::price`].
    pub fn cost(&self, rate: &Rate) -> Result<Money, Error> {
        self.price(rate).map(|p| p.cost)
    }
}

/// The largest weight value (in any unit) a rate table converts; above it the weight is absurd
/// and the conversion could overflow.
const MAX_WEIGHT_VALUE: Decimal = Decimal::from_parts(2_808_348_672, 232_830_643, 0, false, 0); // 1e18

/// The largest amount or limit a method's settings may hold (a trillion in the store currency).
pub const MAX_SETTING: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0); // 1e12

/// A rate table's outcome: its cost priced by `flat`, absent when no range applies and there
/// is no default, out of range when the default's percentage overflows.
fn table_outcome(
    table: &RateTable,
    x: Decimal,
    subtotal: Decimal,
    flat: impl Fn(Option<Decimal>) -> MethodOutcome,
) -> MethodOutcome {
    if table.range_for(x).is_none() && table.default_cost.is_none() {
        return MethodOutcome::Unavailable(Unavailable::NoRangeApplies);
    }
    flat(table.cost_for(x, subtotal))
}

fn flat_free(currency: Currency) -> MethodOutcome {
    match FeeSchedule::default().apply(&Money::zero(currency)) {
        Ok(priced) => MethodOutcome::Static(priced),
        Err(_) => MethodOutcome::Unavailable(Unavailable::OutOfRange),
    }
}

impl Method {
    /// A new enabled method without a handling fee.
    pub fn new(id: &str, name: &str, kind: MethodKind) -> Self {
        Method {
            id: id.to_string(),
            name: name.to_string(),
            enabled: true,
            kind,
            handling_fee: None,
        }
    }

    /// Sets the method's handling fee.
    pub fn with_handling_fee(mut self, fee: Adjustment) -> Self {
        self.handling_fee = Some(fee);
        self
    }

    /// Is this a real-time carrier method?
    pub fn is_real_time(&self) -> bool {
        matches!(self.kind, MethodKind::RealTime(_))
    }

    /// Evaluates the method alone (no zone handling fee).
    pub fn evaluate(&self, summary: &ConsignmentSummary) -> MethodOutcome {
        self.evaluate_with(summary, None)
    }

    /// Evaluates the method inside a zone whose handling fee is `zone_handling`.
    pub fn evaluate_with(
        &self,
        summary: &ConsignmentSummary,
        zone_handling: Option<&HandlingFee>,
    ) -> MethodOutcome {
        if !self.enabled {
            return MethodOutcome::Unavailable(Unavailable::Disabled);
        }
        let currency = summary.subtotal.currency.clone();
        let subtotal = summary.subtotal.amount;
        let fees = FeeSchedule {
            markup: None,
            method_handling: self.handling_fee,
            zone_handling: zone_handling.map(|h| h.fee),
            fixed_shipping: Decimal::ZERO,
        };
        let flat = |cost: Option<Decimal>| match cost {
            None => MethodOutcome::Unavailable(Unavailable::OutOfRange),
            Some(cost) => match fees.apply(&Money::new(cost, currency.clone())) {
                Ok(priced) => MethodOutcome::Static(priced),
                Err(_) => MethodOutcome::Unavailable(Unavailable::OutOfRange),
            },
        };
        match &self.kind {
            MethodKind::FreeShipping { minimum_subtotal } => {
                if minimum_subtotal.is_some_and(|min| subtotal < min) {
                    return MethodOutcome::Unavailable(Unavailable::BelowMinimum);
                }
                // Free shipping comes last in the fee order: nothing is added to it.
                flat_free(currency)
            }
            MethodKind::PerOrder { rate } => flat(Some(*rate)),
            MethodKind::PerItem { rate } => {
                flat(rate.checked_mul(Decimal::from(summary.item_count)))
            }
            MethodKind::ByWeight(WeightTable { unit, table }) => {
                if summary.weight.value.abs() > MAX_WEIGHT_VALUE {
                    return MethodOutcome::Unavailable(Unavailable::OutOfRange);
                }
                let weight = summary.weight.to(*unit).value;
                table_outcome(table, weight, subtotal, flat)
            }
            MethodKind::ByTotal(table) => table_outcome(table, subtotal, subtotal, flat),
            MethodKind::RealTime(method) => {
                if summary.carrier_item_count == 0 {
                    return MethodOutcome::Unavailable(Unavailable::NothingForCarriers);
                }
                MethodOutcome::RealTime(RealTimeQuery {
                    carrier: method.carrier.clone(),
                    services: method.services.clone(),
                    packing: method
                        .packing
                        .clone()
                        .unwrap_or_else(|| PackingStrategy::combined_for(method.carrier.as_str())),
                    pricing: RatePricing {
                        fees: FeeSchedule {
                            markup: method.markup,
                            fixed_shipping: summary.fixed_shipping_cost.amount,
                            ..fees
                        },
                        currency,
                    },
                })
            }
            MethodKind::Other { source_type } => {
                MethodOutcome::Unavailable(Unavailable::UnsupportedType(source_type.clone()))
            }
        }
    }

    /// Checks the settings; `field` names the method in errors (e.g. `zones[0].methods[1]`).
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        if self.id.trim().is_empty() {
            return Err(Error::invalid_request(
                &format!("{field}.id"),
                "must not be empty",
            ));
        }
        let negative = |name: &str, value: Decimal| -> Result<(), Error> {
            if value < Decimal::ZERO {
                return Err(Error::invalid_request(
                    &format!("{field}.{name}"),
                    format!("must not be negative, got {value}"),
                ));
            }
            if value > MAX_SETTING {
                return Err(Error::invalid_request(
                    &format!("{field}.{name}"),
                    format!("{value} is absurd (over {MAX_SETTING})"),
                ));
            }
            Ok(())
        };
        if let Some(Adjustment::Fixed(fee) | Adjustment::Percent(fee)) = self.handling_fee {
            negative("handling_fee", fee)?;
        }
        match &self.kind {
            MethodKind::FreeShipping { minimum_subtotal } => {
                negative("minimum_subtotal", minimum_subtotal.unwrap_or_default())
            }
            MethodKind::PerOrder { rate } | MethodKind::PerItem { rate } => negative("rate", *rate),
            MethodKind::ByWeight(WeightTable { table, .. }) | MethodKind::ByTotal(table) => {
                for (i, range) in table.ranges.iter().enumerate() {
                    let field = format!("{field}.ranges[{i}]");
                    if range.lower > range.upper {
                        return Err(Error::invalid_request(
                            &field,
                            format!("lower {} is above upper {}", range.lower, range.upper),
                        ));
                    }
                    let bounded = |v: Decimal| v >= Decimal::ZERO && v <= MAX_SETTING;
                    if !bounded(range.cost) || !bounded(range.lower) || !bounded(range.upper) {
                        return Err(Error::invalid_request(
                            &field,
                            format!("limits and cost must be between 0 and {MAX_SETTING}"),
                        ));
                    }
                }
                match table.default_cost {
                    Some(DefaultCost::Fixed(v) | DefaultCost::PercentOfTotal(v)) => {
                        negative("default_cost", v)
                    }
                    None => Ok(()),
                }
            }
            MethodKind::RealTime(method) => match method.markup {
                Some(Adjustment::Fixed(v) | Adjustment::Percent(v)) if v.abs() > MAX_SETTING => {
                    Err(Error::invalid_request(
                        &format!("{field}.markup"),
                        format!("{v} is absurd (over {MAX_SETTING})"),
                    ))
                }
                _ => Ok(()),
            },
            MethodKind::Other { .. } => Ok(()),
        }
    }
}
