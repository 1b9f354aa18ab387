//! Exchange rates: a store quotes in its own currency while a carrier may answer in another
//! (Canada Post in CAD for a USD store). Each foreign amount is converted once, exactly, and
//! rounded to the target currency's minor unit.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::decimal_str;
use super::money::{Currency, Money};
use crate::error::{Error, ErrorKind};

/// Rates against one base currency: `1 base = rates[c] c`. JSON:
/// `{"base": "USD", "rates": {"CAD": "1.3625", "EUR": "0.9210"}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRates {
    /// The currency every rate is quoted against (`None`: no rates at all).
    pub base: Option<Currency>,
    /// How many units of each currency one unit of the base buys.
    #[serde(default, with = "rate_table")]
    pub rates: BTreeMap<Currency, Decimal>,
}

impl ExchangeRates {
    /// No rates: only same-currency amounts convert.
    pub fn none() -> Self {
        ExchangeRates::default()
    }

    /// Rates against `base`.
    pub fn new(base: Currency) -> Self {
        ExchangeRates {
            base: Some(base),
            rates: BTreeMap::new(),
        }
    }

    /// With `1 base = rate currency`.
    pub fn with(mut self, currency: Currency, rate: Decimal) -> Self {
        self.rates.insert(currency, rate);
        self
    }

    /// Checks every rate is positive and the base is not listed against itself at another
    /// value.
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        if self.base.is_none() && !self.rates.is_empty() {
            return Err(Error::invalid_request(
                &format!("{field}.base"),
                "rates need the currency they are quoted against",
            ));
        }
        for (currency, rate) in &self.rates {
            if *rate <= Decimal::ZERO || *rate > Decimal::from(1_000_000_000u64) {
                return Err(Error::invalid_request(
                    &format!("{field}.rates.{currency}"),
                    format!("`{rate}` is not a usable rate (above 0, at most 1e9)"),
                ));
            }
            if Some(currency) == self.base.as_ref() && *rate != Decimal::ONE {
                return Err(Error::invalid_request(
                    &format!("{field}.rates.{currency}"),
                    "the base currency's rate is 1",
                ));
            }
        }
        Ok(())
    }

    /// Units of `currency` per unit of the base.
    fn per_base(&self, currency: &Currency) -> Option<Decimal> {
        if Some(currency) == self.base.as_ref() {
            return Some(Decimal::ONE);
        }
        self.rates.get(currency).copied()
    }

    /// `money` in `to`, rounded to `to`'s minor unit; the same money when the currencies
    /// agree. No rate for either currency is `unsupported`, naming both.
    pub fn convert(&self, money: &Money, to: &Currency) -> Result<Money, Error> {
        if &money.currency == to {
            return Ok(money.clone());
        }
        let missing = || {
            Error::new(
                ErrorKind::Unsupported,
                format!(
                    "no exchange rate from {} to {to} is configured",
                    money.currency
                ),
            )
        };
        let from = self.per_base(&money.currency).ok_or_else(missing)?;
        let into = self.per_base(to).ok_or_else(missing)?;
        // amount / from * into, with the multiplication first for exactness when it fits.
        let converted = money
            .amount
            .checked_mul(into)
            .and_then(|x| x.checked_div(from))
            .ok_or_else(|| {
                Error::invalid_request("amount", format!("{money} is too large to convert"))
            })?;
        Ok(Money::new(converted, to.clone()).rounded())
    }
}

/// `{"CAD": "1.3625"}` with the rates as decimal text.
mod rate_table {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        rates: &BTreeMap<Currency, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let text: BTreeMap<&str, String> = rates
            .iter()
            .map(|(c, r)| (c.as_str(), r.to_string()))
            .collect();
        text.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<Currency, Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Text(#[serde(with = "decimal_str")] Decimal);
        let raw: BTreeMap<Currency, Text> = BTreeMap::deserialize(d)?;
        Ok(raw.into_iter().map(|(c, Text(r))| (c, r)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount: &str, currency: &str) -> Money {
        Money::parse(amount, currency).unwrap()
    }

    fn c(code: &str) -> Currency {
        Currency::new(code).unwrap()
    }

    fn rates() -> ExchangeRates {
        serde_json::from_str(
            r#"{"base": "USD", "rates": {"CAD": "1.25", "JPY": "150", "EUR": "0.8"}}"#,
        )
        .unwrap()
    }

    #[test]
    fn converts_through_the_base_and_rounds_to_the_target_minor_unit() {
        let r = rates();
        assert_eq!(
            r.convert(&money("25.00", "CAD"), &c("USD")).unwrap(),
            money("20.00", "USD")
        );
        assert_eq!(
            r.convert(&money("10.00", "USD"), &c("JPY")).unwrap(),
            money("1500", "JPY")
        );
        assert_eq!(
            r.convert(&money("13.37", "CAD"), &c("JPY")).unwrap(),
            money("1604", "JPY")
        );
        assert_eq!(
            r.convert(&money("10.00", "EUR"), &c("CAD")).unwrap(),
            money("15.63", "CAD")
        );
        assert_eq!(
            r.convert(&money("7.10", "USD"), &c("USD")).unwrap(),
            money("7.10", "USD")
        );
    }

    #[test]
    fn a_missing_rate_is_unsupported_and_names_both_currencies() {
        let e = rates()
            .convert(&money("1.00", "GBP"), &c("USD"))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
        assert!(
            e.message.contains("GBP") && e.message.contains("USD"),
            "{}",
            e.message
        );
        let e = ExchangeRates::none()
            .convert(&money("1.00", "CAD"), &c("USD"))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
    }

    #[test]
    fn bad_rates_are_refused_with_their_field() {
        let bad: ExchangeRates =
            serde_json::from_str(r#"{"base": "USD", "rates": {"CAD": "0"}}"#).unwrap();
        let e = bad.validate("exchange_rates").unwrap_err();
        assert!(
            e.message.starts_with("exchange_rates.rates.CAD"),
            "{}",
            e.message
        );
        let e = ExchangeRates::new(c("USD"))
            .with(c("USD"), Decimal::TWO)
            .validate("x")
            .unwrap_err();
        assert!(e.message.contains("base currency"), "{}", e.message);
        assert!(rates().validate("x").is_ok());
    }

    #[test]
    fn round_trips_as_json_with_rates_as_text() {
        let r = rates();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["rates"]["CAD"], "1.25");
        assert_eq!(serde_json::from_value::<ExchangeRates>(json).unwrap(), r);
    }
}
