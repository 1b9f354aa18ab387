//! Lenient readers over USPS JSON: numbers kept exactly as written, booleans that arrive as
//! strings, lists that arrive as single objects, blank strings as absent.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::{Error, Result};

/// A field of an object (`None` when `value` is not an object, the key is absent or `null`).
pub fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

/// A text field, trimmed; blank is `None`. Numbers are given as their text.
pub fn text(value: &Value, key: &str) -> Option<String> {
    match field(value, key)? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A boolean that may arrive as `true`, `"true"`, `"True"` or `1`.
pub fn boolean(value: &Value, key: &str) -> Option<bool> {
    match field(value, key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "y" | "yes" | "1" => Some(true),
            "false" | "n" | "no" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_u64().map(|n| n != 0),
        _ => None,
    }
}

/// A list that may arrive as an array, a single object, or be absent.
pub fn list<'a>(value: &'a Value, key: &str) -> Vec<&'a Value> {
    match field(value, key) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

/// A decimal exactly as written (`5.80` stays `5.80`): `Ok(None)` when absent, a `parse`
/// error naming `what` when present but not a number.
pub fn decimal(value: &Value, key: &str, what: &str) -> Result<Option<Decimal>> {
    let Some(v) = field(value, key) else {
        return Ok(None);
    };
    let written = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
        Value::String(_) => return Ok(None),
        other => {
            return Err(Error::parse(format!(
                "{what}.{key} is not a number: {other}"
            )));
        }
    };
    shipmux_core::parse_decimal_or_scientific(&written)
        .map(Some)
        .ok_or_else(|| Error::parse(format!("{what}.{key} is not a decimal number: `{written}`")))
}

/// A JSON number carrying exactly `value`'s digits (no float round trip).
pub fn number(value: Decimal) -> Value {
    let text = value.normalize().to_string();
    serde_json::Number::from_str(&text)
        .map(Value::Number)
        .unwrap_or(Value::String(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_keep_their_written_scale() {
        let v: Value =
            serde_json::from_str(r#"{"a": 5.80, "b": "16.00", "c": 14, "d": "x"}"#).unwrap();
        assert_eq!(decimal(&v, "a", "t").unwrap().unwrap().to_string(), "5.80");
        assert_eq!(decimal(&v, "b", "t").unwrap().unwrap().to_string(), "16.00");
        assert_eq!(decimal(&v, "c", "t").unwrap().unwrap().to_string(), "14");
        assert!(decimal(&v, "d", "t").is_err());
        assert_eq!(decimal(&v, "zz", "t").unwrap(), None);
    }

    #[test]
    fn booleans_arrive_as_strings() {
        let v = json!({"a": "false", "b": true, "c": "True", "d": null});
        assert_eq!(boolean(&v, "a"), Some(false));
        assert_eq!(boolean(&v, "b"), Some(true));
        assert_eq!(boolean(&v, "c"), Some(true));
        assert_eq!(boolean(&v, "d"), None);
    }

    #[test]
    fn numbers_are_written_exactly() {
        let d = Decimal::from_str("44.10").unwrap();
        assert_eq!(serde_json::to_string(&number(d)).unwrap(), "44.1");
    }
}
