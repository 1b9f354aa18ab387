//! The one guarded way to read decimal text.
//!
//! `rust_decimal` (1.43) parses with one stack frame per underscore it skips, so a few tens of
//! thousands of `_` in an amount overflow a worker thread's stack and kill the process — and
//! amounts arrive from checkouts, configs, contract JSON and carrier answers alike. No shop or
//! carrier writes `_` in an amount, and no decimal of 28 significant digits needs more than
//! 64 bytes, so text with either is refused before it reaches the parser.

use std::str::FromStr;

use rust_decimal::Decimal;

/// The longest decimal text accepted (sign, 28 digits, point, exponent and slack).
pub const MAX_DECIMAL_TEXT: usize = 64;

/// Parses decimal text as written (`"118.20"` keeps two places), trimmed; `None` for anything
/// that is not a plain decimal, including text with `_` or longer than [`MAX_DECIMAL_TEXT`].
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_DECIMAL_TEXT || text.contains('_') {
        return None;
    }
    Decimal::from_str(text).ok()
}

/// Parses decimal text like [`parse_decimal`], also accepting scientific notation (`1e3`).
pub fn parse_decimal_or_scientific(text: &str) -> Option<Decimal> {
    parse_decimal(text).or_else(|| {
        let text = text.trim();
        (text.len() <= MAX_DECIMAL_TEXT && !text.contains('_'))
            .then(|| Decimal::from_scientific(text).ok())
            .flatten()
    })
}

/// The schema of a decimal [`decimal_str`] writes (feature `openapi`): JSON text such as
/// `"12.50"`, exactly as scaled, never a JSON number nor an exponent. A `Decimal` field says
/// `#[schema(value_type = DecimalSchema)]`; the type itself is never built.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(
    as = Decimal,
    description = "A decimal as JSON text, exactly as scaled (`\"12.50\"`), never a JSON number: \
                   amounts and measures stay exact.",
    value_type = String,
    pattern = r"^-?[0-9]+(\.[0-9]+)?$",
    example = "12.50"
)]
#[expect(dead_code, reason = "only its schema is used: never built")]
pub struct DecimalSchema(String);

/// `#[serde(with = "shipmux_core::model::decimal_str")]`: a decimal as a JSON string, read
/// through [`parse_decimal`].
pub mod decimal_str {
    use std::borrow::Cow;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    /// Writes the decimal as a string, exactly as it is scaled.
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Reads a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        super::parse_decimal(&text).ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            D::Error::custom(format!("`{shown}` is not a decimal number"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_decimals_as_written() {
        assert_eq!(parse_decimal(" 16.00 ").unwrap().to_string(), "16.00");
        assert_eq!(parse_decimal("-0.45").unwrap().to_string(), "-0.45");
        assert_eq!(
            parse_decimal_or_scientific("1e3").unwrap().to_string(),
            "1000"
        );
    }

    #[test]
    fn refuses_underscores_and_overlong_text_without_touching_the_stack() {
        let underscores = format!("16.{}", "_".repeat(100_000));
        assert_eq!(parse_decimal(&underscores), None);
        assert_eq!(parse_decimal_or_scientific(&underscores), None);
        assert_eq!(parse_decimal("1_000"), None);
        assert_eq!(parse_decimal(&"9".repeat(65)), None);
        assert_eq!(parse_decimal(""), None);
        let json = format!("\"{underscores}\"");
        let mut de = serde_json::Deserializer::from_str(&json);
        assert!(decimal_str::deserialize(&mut de).is_err());
    }
}
