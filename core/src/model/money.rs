//! Money: an exact decimal amount and an ISO 4217 currency code. Never a float.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// An ISO 4217 currency code such as `USD` (three upper-case ASCII letters).
///
/// Written upper-case; read in any case and trimmed (the schema's pattern is the written form).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = "^[A-Z]{3}$", example = "USD")
)]
#[serde(try_from = "String", into = "String")]
// Held inline: every `Money` carries one, and copying three bytes costs nothing where a
// `String` would allocate on each clone (pricing a cached answer clones many).
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a currency code; lower case is accepted and upper-cased.
    pub fn new(code: &str) -> Result<Self, Error> {
        let trimmed = code.trim();
        match <[u8; 3]>::try_from(trimmed.as_bytes()) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_alphabetic) => {
                Ok(Currency(bytes.map(|b| b.to_ascii_uppercase())))
            }
            _ => Err(Error::invalid_request(
                "currency",
                format!(
                    "`{}` is not an ISO 4217 currency code",
                    trimmed.to_ascii_uppercase()
                ),
            )),
        }
    }

    /// US dollars.
    pub fn usd() -> Self {
        Currency(*b"USD")
    }

    /// Canadian dollars.
    pub fn cad() -> Self {
        Currency(*b"CAD")
    }

    /// The three-letter code.
    pub fn as_str(&self) -> &str {
        // Always three ASCII letters (checked by `new`), so always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Decimal places of the currency's minor unit (ISO 4217): 0 for the yen and the won, 3
    /// for the Gulf dinars, 4 for the Chilean and Uruguayan units of account, 2 otherwise.
    pub fn minor_units(&self) -> u32 {
        // On the bytes: asked for every option priced, and three bytes compare as one integer.
        match &self.0 {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG"
            | b"RWF" | b"UGX" | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            b"CLF" | b"UYW" => 4,
            _ => 2,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Currency::new(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money. JSON: `{"amount": "50.00", "currency": "USD"}`.
///
/// The amount keeps the scale it was written with (`"16.00"` stays `"16.00"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// The exact amount, serialized as a decimal string.
    #[serde(with = "crate::model::decimal_str")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::model::DecimalSchema))]
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: Currency,
}

impl Money {
    /// Money from an amount and a currency.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Parses `amount` as decimal text, exactly as written (`"118.20"` keeps its two places).
    pub fn parse(amount: &str, currency: &str) -> Result<Self, Error> {
        let value = super::parse_decimal(amount).ok_or_else(|| {
            Error::invalid_request("amount", format!("`{amount}` is not a decimal amount"))
        })?;
        Ok(Money::new(value, Currency::new(currency)?))
    }

    /// Zero in the given currency.
    pub fn zero(currency: Currency) -> Self {
        Money::new(Decimal::ZERO, currency)
    }

    /// Adds two amounts of the same currency; mixing currencies is an error.
    pub fn checked_add(&self, other: &Money) -> Result<Money, Error> {
        if self.currency != other.currency {
            return Err(Error::invalid_request(
                "currency",
                format!(
                    "cannot add {} to {}: currencies differ",
                    other.currency, self.currency
                ),
            ));
        }
        Ok(Money::new(
            self.amount + other.amount,
            self.currency.clone(),
        ))
    }

    /// The amount rounded half away from zero to the currency's minor unit (two places for
    /// most, none for the yen: [`Currency::minor_units`]), written with exactly that many.
    pub fn rounded(&self) -> Money {
        let places = self.currency.minor_units();
        if self.amount.scale() == places {
            // Already in minor units (most carriers' amounts): nothing to round or rescale.
            return self.clone();
        }
        let mut amount = self
            .amount
            .round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        amount.rescale(places);
        Money::new(amount, self.currency.clone())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_follow_iso_4217_and_rounding_uses_them() {
        let units = |code: &str| Currency::new(code).unwrap().minor_units();
        assert_eq!(
            ["USD", "jpy", "KRW", "KWD", "BHD", "CLF", "EUR", "XPF"].map(units),
            [2, 0, 0, 3, 3, 4, 2, 0]
        );
        let rounded = |amount: &str, code: &str| {
            Money::new(amount.parse().unwrap(), Currency::new(code).unwrap())
                .rounded()
                .amount
                .to_string()
        };
        assert_eq!(rounded("10.005", "USD"), "10.01");
        assert_eq!(rounded("1499.5", "JPY"), "1500");
        assert_eq!(rounded("1.2345", "KWD"), "1.235");
        assert_eq!(rounded("7", "EUR"), "7.00");
    }
}
