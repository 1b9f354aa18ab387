//! Decimals written as text in our JSON, read leniently: a string (`"8.00"`), a number (`8`,
//! `49.99`, read exactly thanks to `arbitrary_precision`) or, for TOML configs, a float.
//!
//! Used with `#[serde(with = "…")]` on every money or measure field of the rules and checkout
//! types, so the JSON we write always carries decimal strings while hand-written configs and
//! BigCommerce exports (which mix strings and numbers) still load.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

/// Parses decimal text as written, accepting scientific notation (`1e3`) as well.
pub(crate) fn parse(text: &str) -> Option<Decimal> {
    crate::model::parse_decimal_or_scientific(text)
}

/// Reads a JSON/TOML value as a decimal; `None` for null or an empty string.
pub(crate) fn from_value(value: &serde_json::Value) -> Result<Option<Decimal>, String> {
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) if s.trim().is_empty() => Ok(None),
        serde_json::Value::String(s) => parse(s)
            .map(Some)
            .ok_or_else(|| format!("`{s}` is not a decimal number")),
        serde_json::Value::Number(n) => parse(&n.to_string())
            .map(Some)
            .ok_or_else(|| format!("`{n}` is out of range for a decimal")),
        other => Err(format!("expected a decimal number or string, got {other}")),
    }
}

/// Serializes as a decimal string.
pub(crate) fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&value.to_string())
}

/// Deserializes a required decimal from a string or a number.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    from_value(&value)
        .map_err(D::Error::custom)?
        .ok_or_else(|| D::Error::custom("a decimal number is required here"))
}

/// The same for optional decimals: `null`, a missing field or `""` are `None`.
pub(crate) mod option {
    use super::*;

    /// Serializes `Some` as a decimal string and `None` as null.
    pub(crate) fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_str(&v.to_string()),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes a string, a number or null.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        from_value(&value).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_numbers_and_keeps_the_scale() {
        let v: serde_json::Value =
            serde_json::from_str(r#"["0.0000", 49.99, 12, "", null, "1e2"]"#).unwrap();
        let parsed: Vec<Option<Decimal>> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| from_value(x).unwrap())
            .collect();
        assert_eq!(parsed[0].unwrap().to_string(), "0.0000");
        assert_eq!(parsed[1].unwrap().to_string(), "49.99");
        assert_eq!(parsed[2].unwrap().to_string(), "12");
        assert_eq!(parsed[3], None);
        assert_eq!(parsed[4], None);
        assert_eq!(parsed[5].unwrap(), Decimal::from(100));
        assert!(from_value(&serde_json::json!("abc")).is_err());
        assert!(from_value(&serde_json::json!(true)).is_err());
    }
}
