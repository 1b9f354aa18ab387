//! Reading FedEx JSON exactly: numbers as the decimal text FedEx wrote, null lists as empty,
//! trimmed text (NORMALIZATION.md §0.1, §0.10, §0.18).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use shipmux_core::{Weight, WeightUnit};

/// A FedEx amount or measure, exactly as written: the JSON number `16.00` stays `16.00`.
/// A numeric string (`"100"`, as FedEx's own request samples send) is accepted too. Written
/// back, it is a JSON number with the same text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecVisitor).map(Dec)
    }
}

/// Reads a number token or a numeric string straight from the parser, without a `Value`.
struct DecVisitor;

impl DecVisitor {
    fn parse<E: serde::de::Error>(
        text: &str,
        shown: impl FnOnce() -> String,
    ) -> Result<Decimal, E> {
        shipmux_core::parse_decimal_or_scientific(text)
            .ok_or_else(|| E::custom(format!("expected a decimal number, got {}", shown())))
    }
}

impl<'de> Visitor<'de> for DecVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal number")
    }

    /// With serde_json's `arbitrary_precision`, a number arrives as a one-entry map holding
    /// the token as written; `Number` reads that map.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Decimal, A::Error> {
        let number = serde_json::Number::deserialize(MapAccessDeserializer::new(map))
            .map_err(|_| A::Error::custom("expected a decimal number, got an object"))?;
        Self::parse(number.as_str(), || number.to_string())
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Decimal, E> {
        Self::parse(s.trim(), || Value::String(s.to_string()).to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(n))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(n))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Decimal, E> {
        let text = serde_json::Number::from_f64(n).map(|n| n.to_string());
        Self::parse(text.as_deref().unwrap_or("NaN"), || n.to_string())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Decimal, E> {
        Err(E::custom("expected a decimal number, got null"))
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Decimal, E> {
        Err(E::custom(format!("expected a decimal number, got {b}")))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Decimal, A::Error> {
        Err(A::Error::custom("expected a decimal number, got an array"))
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.0.to_string();
        match serde_json::Number::from_str(&text) {
            Ok(n) => n.serialize(s),
            Err(_) => s.serialize_str(&text),
        }
    }
}

/// The exact decimal of a JSON number or numeric string (`None` for anything else).
#[cfg(feature = "sandbox")]
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
#[cfg(feature = "sandbox")]
pub fn number(d: Decimal) -> Value {
    serde_json::from_str::<serde_json::Number>(&d.to_string())
        .map(Value::Number)
        .unwrap_or_else(|_| Value::String(d.to_string()))
}

/// A JSON string borrowed from the body, owned only when it had escapes (serde's derive
/// never borrows an `Option<Cow<str>>`, so this newtype does it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Str<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;

        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }

            fn visit_str<E>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_string())))
            }

            fn visit_string<E>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }

        d.deserialize_str(StrVisitor)
    }
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
        for token in ["16.00", "7.60", "12.3", "14", "-0.45", "954.17", "1.5E+2"] {
            let Dec(d) = serde_json::from_str(token).unwrap();
            let expected = shipmux_core::parse_decimal_or_scientific(token).unwrap();
            assert_eq!((d, d.scale()), (expected, expected.scale()), "{token}");
            assert_eq!(serde_json::to_string(&Dec(d)).unwrap(), d.to_string());
        }
        let Dec(d) = serde_json::from_str("16.00").unwrap();
        assert_eq!(serde_json::to_string(&Dec(d)).unwrap(), "16.00");
        let Dec(d) = serde_json::from_str(r#"" 100 ""#).unwrap();
        assert_eq!(d.to_string(), "100");
        for (bad, shown) in [
            ("true", "true"),
            (r#""ten""#, r#""ten""#),
            ("[1]", "an array"),
            (r#"{"a": 1}"#, "an object"),
            (r#""1_0""#, r#""1_0""#),
        ] {
            let e = serde_json::from_str::<Dec>(bad)
                .err()
                .map(|e| e.to_string());
            let e = e.unwrap_or_else(|| panic!("{bad} is not a decimal"));
            assert!(
                e.contains(&format!("expected a decimal number, got {shown}")),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn text_borrows_unless_escaped() {
        let plain: Str<'_> = serde_json::from_str(r#""FEDEX_GROUND""#).unwrap();
        assert!(matches!(plain.0, Cow::Borrowed("FEDEX_GROUND")));
        let escaped: Str<'_> = serde_json::from_str(r#""FedEx Ground\u00ae""#).unwrap();
        assert_eq!(&*escaped, "FedEx Ground®");
        assert!(serde_json::from_str::<Str<'_>>("16").is_err());
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
