//! Reading FedEx JSON exactly: numbers as the decimal text FedEx wrote, null lists as empty,
//! trimmed text (NORMALIZATION.md §0.1, §0.10, §0.18).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use shipmux_core::{Weight, WeightUnit};

/// A FedEx amount or measure, exactly as written: the JSON number `16.00` stays `16.00`.
/// A numeric string (`"100"`, as FedEx's own request samples send) is accepted too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        decimal_of(&value).map(Dec).ok_or_else(|| {
            serde::de::Error::custom(format!("expected a decimal number, got {value}"))
        })
    }
}

/// The exact decimal of a JSON number or numeric string (`None` for anything else).
pub fn decimal_of(value: &Value) -> Option<Decimal> {
    let text = match value {
        // With serde_json's `arbitrary_precision`, this is the token as written.
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    shipmux_core::parse_decimal_or_scientific(&text)
}

/// A JSON number whose token is `d`'s text (`16.00` is written `16.00`).
pub fn number(d: Decimal) -> Value {
    serde_json::from_str::<serde_json::Number>(&d.to_string())
        .map(Value::Number)
        .unwrap_or_else(|_| Value::String(d.to_string()))
}

/// For `#[serde(deserialize_with)]`: a `null` list or object reads as its default.
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Trimmed text, `None` when absent or blank.
pub fn text(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The date part of `2026-12-10T00:00:00-07:00` or `2026-12-10` (no time-zone conversion).
pub fn date_part(s: Option<&str>) -> Option<NaiveDate> {
    let s = s?.trim();
    let head = s.get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// A FedEx weight (`{"units": "LB", "value": 162}`) as ours; unknown units give `None`.
pub fn weight(units: Option<&str>, value: Option<Dec>) -> Option<Weight> {
    let unit = WeightUnit::parse(units?)?;
    Some(Weight::new(value?.0, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_the_text_fedex_wrote() {
        for token in ["16.00", "7.60", "12.3", "14", "-0.45", "954.17"] {
            let v: Value = serde_json::from_str(token).unwrap();
            assert_eq!(decimal_of(&v).unwrap().to_string(), token);
            assert_eq!(number(decimal_of(&v).unwrap()).to_string(), token);
        }
        assert_eq!(
            decimal_of(&Value::String(" 100 ".into()))
                .unwrap()
                .to_string(),
            "100"
        );
        assert_eq!(decimal_of(&Value::Bool(true)), None);
        assert_eq!(decimal_of(&Value::String("ten".into())), None);
    }

    #[test]
    fn dates_and_text() {
        assert_eq!(
            date_part(Some("2024-07-25T23:59:00")),
            NaiveDate::from_ymd_opt(2024, 7, 25)
        );
        assert_eq!(date_part(Some("20240725")), None);
        assert_eq!(date_part(Some("2024-07-2")), None);
        assert_eq!(text(Some("  DELIVERED ")).as_deref(), Some("DELIVERED"));
        assert_eq!(text(Some("   ")), None);
    }
}
