//! Reading FedEx JSON exactly: numbers as the decimal text FedEx wrote, null lists as empty,
//! trimmed text (NORMALIZATION.md §0.1, §0.10, §0.18).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Error as _, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
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

/// The name under which serde_json (with `arbitrary_precision`, on in this workspace) writes
/// a struct's one string field verbatim as a number token — the way `serde_json::Number`
/// serializes itself, and the key rust_decimal reads such numbers by. Using it directly
/// spares a parse and two allocations per amount (`Number::from_str(&d.to_string())`); the
/// tests below check that an amount still comes out as a bare number.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = DecimalText::of(self.0);
        let mut number = s.serialize_struct(NUMBER_TOKEN, 1)?;
        number.serialize_field(NUMBER_TOKEN, text.as_str())?;
        number.end()
    }
}

/// A decimal's text (`Decimal`'s `Display`: every digit of the mantissa, the point `scale`
/// digits from the right, a leading `0` before it, `-` when negative), written on the stack.
/// At most 29 digits, a sign, a point and a leading zero.
struct DecimalText {
    bytes: [u8; 40],
    start: usize,
}

impl DecimalText {
    fn of(d: Decimal) -> DecimalText {
        let mut text = DecimalText {
            bytes: [b'0'; 40],
            start: 40,
        };
        let scale = d.scale() as usize;
        let mut mantissa = d.mantissa().unsigned_abs();
        let mut written = 0;
        while mantissa > 0 || written <= scale {
            if written == scale && scale > 0 {
                text.push(b'.');
            }
            // Below 2^64 the digits come from u64 arithmetic, much cheaper than u128's.
            let digit = match u64::try_from(mantissa) {
                Ok(small) => {
                    mantissa = u128::from(small / 10);
                    (small % 10) as u8
                }
                Err(_) => {
                    let digit = (mantissa % 10) as u8;
                    mantissa /= 10;
                    digit
                }
            };
            text.push(b'0' + digit);
            written += 1;
        }
        if d.is_sign_negative() {
            text.push(b'-');
        }
        text
    }

    fn push(&mut self, byte: u8) {
        self.start -= 1;
        self.bytes[self.start] = byte;
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits, `.` and `-` are ever written.
        std::str::from_utf8(&self.bytes[self.start..]).unwrap_or("0")
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
        assert!(serde_json::to_value(Dec(d)).unwrap().is_number());
        let tiny = Decimal::new(-1, 28);
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases = vec![
            Decimal::MAX,
            Decimal::MIN,
            tiny,
            Decimal::ZERO,
            -Decimal::ZERO,
        ];
        cases.push(Decimal::new(0, 2));
        cases.push(-Decimal::new(0, 3));
        for _ in 0..20_000 {
            let (lo, mid, hi) = (next() as u32, next() as u32, next() as u32);
            let bits = next();
            let hi = [0, 0, 1, hi][(bits % 4) as usize];
            let mid = [0, mid][((bits >> 2) % 2) as usize];
            let scale = ((bits >> 3) % 29) as u32;
            cases.push(Decimal::from_parts(lo, mid, hi, bits >> 8 & 1 == 1, scale));
        }
        for d in cases {
            assert_eq!(serde_json::to_string(&Dec(d)).unwrap(), d.to_string());
        }
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
