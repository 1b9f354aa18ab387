//! Small readers over DHL's JSON `Value`s: numbers as the exact text DHL wrote (serde_json's
//! `arbitrary_precision` keeps `16.00` as `16.00`), text trimmed with blanks as absent, and
//! absent and `null` containers alike.
//!
//! Not a copy of the toolkit's [`shipmux_core::raw::json::value`]: DHL's rules are stricter
//! (a list is an array and nothing else, a boolean is no text, a decimal that is present but
//! unreadable is an error carrying its text), and [`number`] writes a decimal back as JSON.
//! Where the rules agree ([`field`]), the toolkit's reader is used.

use rust_decimal::Decimal;
use serde_json::Value;

/// A field of an object (`None` when `value` is not an object, the key is absent or `null`).
pub use shipmux_core::raw::json::value::get as field;

/// A text field, trimmed; blank is `None`. A number is given as its digits.
pub fn text(value: &Value, key: &str) -> Option<String> {
    match field(value, key)? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A list field; absent, `null` or not an array is empty.
pub fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    match field(value, key) {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// A number field (a JSON number, or a string holding one) as the exact decimal written.
/// `Err` carries the text when it is present but not a decimal.
pub fn decimal(value: &Value, key: &str) -> Result<Option<Decimal>, String> {
    let Some(v) = field(value, key) else {
        return Ok(None);
    };
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().to_string(),
        other => return Err(other.to_string()),
    };
    shipmux_core::parse_decimal_or_scientific(&text)
        .map(Some)
        .ok_or(text)
}

/// A JSON number with exactly the digits of `value` (no float on the way).
pub fn number(value: Decimal) -> Value {
    let text = value.normalize().to_string();
    serde_json::from_str::<serde_json::Number>(&text)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits() {
        let v: Value =
            serde_json::from_str(r#"{"a": 16.00, "b": "7.60", "c": null, "d": " "}"#).unwrap();
        assert_eq!(decimal(&v, "a").unwrap().unwrap().to_string(), "16.00");
        assert_eq!(decimal(&v, "b").unwrap().unwrap().to_string(), "7.60");
        assert_eq!(decimal(&v, "c").unwrap(), None);
        assert_eq!(decimal(&v, "d").unwrap(), None);
        assert_eq!(text(&v, "a").as_deref(), Some("16.00"));
        assert_eq!(
            serde_json::to_string(&number("2.500".parse().unwrap())).unwrap(),
            "2.5"
        );
    }
}
