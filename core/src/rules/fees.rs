//! Markups and handling fees, applied in one fixed order (ours; BigCommerce leaves it open):
//! carrier rate (or rate-table cost) → markup → method handling → zone handling → fixed
//! product shipping costs → rounded once, at the end, half away from zero to the cent.
//!
//! A percentage always applies to the running total at its step: a 10 % method handling fee
//! on a marked-up rate is 10 % of the marked-up rate. A negative markup (a discount) is allowed;
//! the cost never goes below zero.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::decimal_text;
use crate::error::Error;
use crate::model::Money;

/// An amount added to a cost: fixed (in the store currency) or a percentage of the cost so far.
/// JSON: `{"fixed": "2.50"}` or `{"percent": "10"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjustment {
    /// A fixed amount in the store currency.
    Fixed(#[serde(with = "decimal_text")] Decimal),
    /// A percentage of the cost at this step (`10` = 10 %).
    Percent(#[serde(with = "decimal_text")] Decimal),
}

impl Adjustment {
    /// How much this adds to `cost` (negative for a discount); `None` when the arithmetic
    /// overflows (absurd amounts).
    pub fn amount_on(&self, cost: Decimal) -> Option<Decimal> {
        match self {
            Adjustment::Fixed(amount) => Some(*amount),
            Adjustment::Percent(percent) => cost
                .checked_mul(*percent)?
                .checked_div(Decimal::ONE_HUNDRED),
        }
    }

    /// True when it adds nothing to any cost.
    pub fn is_zero(&self) -> bool {
        match self {
            Adjustment::Fixed(a) | Adjustment::Percent(a) => a.is_zero(),
        }
    }
}

/// A carrier markup (per method, on real-time rates), fixed or a percentage; may be negative.
pub type Markup = Adjustment;

/// A handling fee of a zone or a method. JSON: `{"fixed": "2.50", "display_separately": false}`
/// or `{"percent": "5", "display_separately": true}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HandlingFee {
    /// The amount.
    #[serde(flatten)]
    pub fee: Adjustment,
    /// Whether the store shows the fee as its own line (BigCommerce zones); informational,
    /// the option's cost includes it either way.
    #[serde(default)]
    pub display_separately: bool,
}

impl HandlingFee {
    /// A fixed handling fee.
    pub fn fixed(amount: Decimal) -> Self {
        HandlingFee {
            fee: Adjustment::Fixed(amount),
            display_separately: false,
        }
    }

    /// A percentage handling fee.
    pub fn percent(percent: Decimal) -> Self {
        HandlingFee {
            fee: Adjustment::Percent(percent),
            display_separately: false,
        }
    }
}

/// What a step of the pricing added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeStepKind {
    /// The carrier's rate or the rate table's cost.
    Base,
    /// The method's carrier markup.
    Markup,
    /// The method's handling fee.
    MethodHandling,
    /// The zone's handling fee.
    ZoneHandling,
    /// Fixed shipping costs of products that are not rated (added as BigCommerce does).
    FixedShipping,
    /// Rounding to the cent, and raising a negative total to zero.
    Rounding,
}

/// One step of a price breakdown, unrounded except for [`FeeStepKind::Rounding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FeeStep {
    /// What it was.
    pub kind: FeeStepKind,
    /// What it added.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
}

/// The fees around one option's base cost, in the order they apply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FeeSchedule {
    /// Markup on a carrier rate (real-time methods only).
    pub markup: Option<Adjustment>,
    /// The method's handling fee.
    pub method_handling: Option<Adjustment>,
    /// The zone's handling fee.
    pub zone_handling: Option<Adjustment>,
    /// Fixed shipping costs of products left out of the rating, added after the fees.
    #[serde(with = "decimal_text")]
    pub fixed_shipping: Decimal,
}

/// A final cost with the steps that built it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PricedCost {
    /// The cost, rounded to the cent.
    pub cost: Money,
    /// How it was built, in order; the amounts add up to `cost`.
    pub steps: Vec<FeeStep>,
}

impl FeeSchedule {
    /// Prices `base`: markup, method handling, zone handling, fixed shipping costs, then one
    /// rounding. The result is in `base`'s currency and never negative. Amounts too large to
    /// add up are an `invalid_request` error, never a panic.
    pub fn apply(&self, base: &Money) -> Result<PricedCost, Error> {
        let mut steps = Vec::new();
        let cost = self.fold(base, |kind, amount| steps.push(FeeStep { kind, amount }))?;
        Ok(PricedCost { cost, steps })
    }

    /// Just the cost of [`apply`](Self::apply), without the breakdown (the checkout's hot
    /// path prices every option and keeps only this).
    pub fn cost(&self, base: &Money) -> Result<Money, Error> {
        self.fold(base, |_, _| {})
    }

    /// The steps of [`apply`](Self::apply), each told to `step` as it is taken; the cost.
    fn fold(
        &self,
        base: &Money,
        mut step: impl FnMut(FeeStepKind, Decimal),
    ) -> Result<Money, Error> {
        let overflow = || {
            Error::invalid_request(
                "amount",
                format!("{base} with its fees is too large to price"),
            )
        };
        let mut total = base.amount;
        step(FeeStepKind::Base, total);
        for (kind, adjustment) in [
            (FeeStepKind::Markup, self.markup),
            (FeeStepKind::MethodHandling, self.method_handling),
            (FeeStepKind::ZoneHandling, self.zone_handling),
        ] {
            if let Some(adjustment) = adjustment.filter(|a| !a.is_zero()) {
                let amount = adjustment.amount_on(total).ok_or_else(overflow)?;
                total = total.checked_add(amount).ok_or_else(overflow)?;
                step(kind, amount);
            }
        }
        if !self.fixed_shipping.is_zero() {
            total = total
                .checked_add(self.fixed_shipping)
                .ok_or_else(overflow)?;
            step(FeeStepKind::FixedShipping, self.fixed_shipping);
        }
        let rounded = Money::new(total.max(Decimal::ZERO), base.currency.clone()).rounded();
        if rounded.amount != total {
            step(FeeStepKind::Rounding, rounded.amount - total);
        }
        Ok(rounded)
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
    fn steps_apply_in_order_and_round_once() {
        let schedule = FeeSchedule {
            markup: Some(Adjustment::Percent(d("10"))),
            method_handling: Some(Adjustment::Fixed(d("1.005"))),
            zone_handling: Some(Adjustment::Percent(d("5"))),
            fixed_shipping: Decimal::ZERO,
        };
        let priced = schedule
            .apply(&Money::parse("10.00", "USD").unwrap())
            .unwrap();
        // 10.00 → 11.000 → 12.005 → 12.60525 → 12.61
        assert_eq!(priced.cost.amount, d("12.61"));
        let sum: Decimal = priced.steps.iter().map(|s| s.amount).sum();
        assert_eq!(sum, priced.cost.amount);
        let cost = schedule.cost(&Money::parse("10.00", "USD").unwrap());
        assert_eq!(
            cost.unwrap(),
            priced.cost,
            "the cost alone is the same cost"
        );
    }

    #[test]
    fn a_large_discount_never_makes_a_negative_cost() {
        let schedule = FeeSchedule {
            markup: Some(Adjustment::Fixed(d("-20"))),
            ..FeeSchedule::default()
        };
        let priced = schedule
            .apply(&Money::parse("10.00", "USD").unwrap())
            .unwrap();
        assert_eq!(priced.cost.amount, Decimal::ZERO);
    }

    #[test]
    fn absurd_amounts_are_an_error_not_a_panic() {
        let schedule = FeeSchedule {
            markup: Some(Adjustment::Percent(Decimal::MAX)),
            ..FeeSchedule::default()
        };
        let e = schedule
            .apply(&Money::new(Decimal::MAX, crate::model::Currency::usd()))
            .unwrap_err();
        assert!(e.message.starts_with("amount"), "{e}");
    }
}
