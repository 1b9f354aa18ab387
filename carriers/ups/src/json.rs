//! Reading UPS JSON tolerantly: lists that may be bare objects, `null` containers, numbers
//! sent as strings (or, rarely, as numbers), empty strings meaning nothing.

use chrono::NaiveDate;
use serde_json::Value;

/// The value at `path` below `v`; `null` counts as absent (NORMALIZATION.md §0.18).
pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    (!cur.is_null()).then_some(cur)
}

/// A UPS list: an array, or one bare object standing for a one-element list (API versions
/// before v2403/v2409), or nothing.
pub fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(items)) => items.iter().filter(|i| !i.is_null()).collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

/// Text as written, trimmed; a JSON number keeps its exact token; empty means `None`.
pub fn text(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// Text at `path`.
pub fn text_at(v: &Value, path: &[&str]) -> Option<String> {
    text(at(v, path))
}

/// A `YYYYMMDD` date; anything else is `None`.
pub fn yyyymmdd(s: Option<&str>) -> Option<NaiveDate> {
    let s = s?.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bare_objects_are_one_element_lists() {
        let v = json!({"a": {"x": 1}, "b": [{"x": 1}, {"x": 2}], "c": null});
        assert_eq!(list(v.get("a")).len(), 1);
        assert_eq!(list(v.get("b")).len(), 2);
        assert!(list(v.get("c")).is_empty());
        assert!(list(v.get("missing")).is_empty());
    }

    #[test]
    fn text_keeps_what_was_written() {
        let v: Value = serde_json::from_str(r#"{"s": " 16.00 ", "n": 16.00, "e": ""}"#).unwrap();
        assert_eq!(text(v.get("s")).as_deref(), Some("16.00"));
        assert_eq!(text(v.get("n")).as_deref(), Some("16.00"));
        assert_eq!(text(v.get("e")), None);
    }

    #[test]
    fn dates_are_yyyymmdd_or_nothing() {
        assert_eq!(
            yyyymmdd(Some("20261128")),
            NaiveDate::from_ymd_opt(2026, 11, 28)
        );
        assert_eq!(yyyymmdd(Some("string")), None);
        assert_eq!(yyyymmdd(Some("20261332")), None);
    }
}
