//! Lenient readers over USPS JSON `Value`s (tracking, errors, tokens): numbers given as their
//! text, lists that arrive as single objects, blank strings as absent. Rate answers, the hot
//! path, are read without a `Value` by [`crate::lenient`] with the same tolerance.

use serde_json::Value;

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

/// A list that may arrive as an array, a single object, or be absent.
pub fn list<'a>(value: &'a Value, key: &str) -> Vec<&'a Value> {
    match field(value, key) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}
