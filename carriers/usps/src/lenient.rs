//! Typed, borrowing readers for USPS JSON that tolerate exactly what the `Value` readers in
//! [`crate::json`] tolerate, without building a `Value` tree first:
//!
//! - a value that is not an object reads as an empty object (every field absent);
//! - a list may arrive as an array, as one object, or as anything else (then it is empty);
//! - text may arrive as a string (trimmed, blank is absent), a number or a boolean;
//! - a decimal is kept as written and only checked when it is read, so a malformed field
//!   nobody reads never fails a quote;
//! - when a key appears twice, the last one wins.
//!
//! A struct opts in by implementing [`Fields`]: one `match` from the carrier's key to its
//! field. Strings borrow from the response body whenever they carry no escapes.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use shipmux_core::{Error, Result};

/// The key under which serde_json (feature `arbitrary_precision`, on in this workspace) hands
/// a number to a visitor: as a one-entry map whose value is the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// The fields of a lenient object, read one key at a time.
pub trait Fields<'de>: Default {
    /// Reads the value of `key` into its field, or skips it when the key is not one we read.
    fn field<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> std::result::Result<(), A::Error>;
}

/// A string from the input, borrowed when it has no escapes.
struct Str<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads the entries of an object into `T`, the first key already taken from `map`.
fn read_fields<'de, T: Fields<'de>, A: MapAccess<'de>>(
    first: Cow<'de, str>,
    mut map: A,
) -> std::result::Result<T, A::Error> {
    let mut out = T::default();
    out.field(&first, &mut map)?;
    while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
        out.field(&key, &mut map)?;
    }
    Ok(out)
}

/// What `Obj` and `List` found where they expected an object.
enum Found<T> {
    /// An object, read into `T`.
    Object(T),
    /// An array: its items.
    Array(Vec<T>),
    /// Anything else (null, a number, a string, a boolean).
    Other,
}

/// Reads any JSON value as [`Found`], items of an array being read the same way.
struct FoundVisitor<T>(PhantomData<T>);

impl<'de, T: Fields<'de>> Visitor<'de> for FoundVisitor<T> {
    type Value = Found<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let Some(Str(first)) = map.next_key::<Str<'de>>()? else {
            return Ok(Found::Object(T::default()));
        };
        if first == NUMBER_TOKEN {
            map.next_value::<IgnoredAny>()?;
            return Ok(Found::Other);
        }
        read_fields(first, map).map(Found::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Obj(item)) = seq.next_element::<Obj<T>>()? {
            items.push(item);
        }
        Ok(Found::Array(items))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_none<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(Found::Other)
    }
}

/// An object whose fields we read; anything that is not an object reads as `T::default()`
/// (all fields absent), as `Value::get` answers `None` on a non-object.
#[derive(Debug, Default)]
pub struct Obj<T>(pub T);

impl<'de, T: Fields<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Obj(match d.deserialize_any(FoundVisitor(PhantomData))? {
            Found::Object(t) => t,
            Found::Array(_) | Found::Other => T::default(),
        }))
    }
}

/// A list that may arrive as an array (items that are not objects read as empty objects),
/// as one object, or as anything else (empty).
#[derive(Debug)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<'de, T: Fields<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(List(
            match d.deserialize_any(FoundVisitor(PhantomData))? {
                Found::Object(t) => vec![t],
                Found::Array(items) => items,
                Found::Other => Vec::new(),
            },
        ))
    }
}

/// One JSON value as the scalar readers see it; arrays and objects are kept as a `Value`
/// only to be quoted in an error message.
enum Scalar<'de> {
    Null,
    Bool(bool),
    /// A number's text exactly as written.
    Number(Cow<'de, str>),
    String(Cow<'de, str>),
    Other(Value),
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::Number(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::Number(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::Number(Cow::Owned(v.to_string())))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::String(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::String(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::String(Cow::Owned(v)))
            }
            fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Value>()? {
                    items.push(item);
                }
                Ok(Scalar::Other(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut object = serde_json::Map::new();
                while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
                    if key == NUMBER_TOKEN && object.is_empty() {
                        let Str(text) = map.next_value::<Str<'de>>()?;
                        return Ok(Scalar::Number(text));
                    }
                    object.insert(key.into_owned(), map.next_value::<Value>()?);
                }
                Ok(Scalar::Other(Value::Object(object)))
            }
        }
        d.deserialize_any(V)
    }
}

/// Trimmed text; blank is `None`.
fn trimmed(s: Cow<'_, str>) -> Option<Cow<'_, str>> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(Cow::Owned(t.to_string()))
    }
}

/// A text field: a string trimmed (blank is absent), a number as written, `true`/`false`;
/// null, arrays and objects are absent. Mirrors [`crate::json::text`].
#[derive(Debug, Default)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl Text<'_> {
    /// The text, if any.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Text(match Scalar::deserialize(d)? {
            Scalar::String(s) => trimmed(s),
            Scalar::Number(n) => Some(n),
            Scalar::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
            Scalar::Null | Scalar::Other(_) => None,
        }))
    }
}

/// A boolean that may arrive as `true`, `"true"`, `"Yes"` or `1`. Mirrors
/// [`crate::json::boolean`].
#[derive(Debug, Default)]
pub struct Flag(pub Option<bool>);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Flag(match Scalar::deserialize(d)? {
            Scalar::Bool(b) => Some(b),
            Scalar::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "y" | "yes" | "1" => Some(true),
                "false" | "n" | "no" | "0" => Some(false),
                _ => None,
            },
            Scalar::Number(n) => n.parse::<u64>().ok().map(|n| n != 0),
            Scalar::Null | Scalar::Other(_) => None,
        }))
    }
}

/// A decimal field kept as written and checked only when read ([`Dec::read`]), so it fails
/// exactly when [`crate::json::decimal`] would.
#[derive(Debug, Default)]
pub enum Dec<'a> {
    /// Absent or `null`.
    #[default]
    Absent,
    /// A blank string: read as absent, but present for telling shapes apart.
    Blank,
    /// A number's text, or a string's text trimmed.
    Written(Cow<'a, str>),
    /// A boolean, array or object, as JSON text for the error message.
    NotANumber(String),
}

impl Dec<'_> {
    /// Present and not `null` (a blank string counts as present).
    pub fn is_present(&self) -> bool {
        !matches!(self, Dec::Absent)
    }

    /// The decimal exactly as written (`5.80` stays `5.80`): `Ok(None)` when absent or
    /// blank, a `parse` error naming `what.key` when present but not a decimal number.
    pub fn read(&self, key: &str, what: &str) -> Result<Option<Decimal>> {
        match self {
            Dec::Absent | Dec::Blank => Ok(None),
            Dec::Written(written) => shipmux_core::parse_decimal_or_scientific(written)
                .map(Some)
                .ok_or_else(|| {
                    Error::parse(format!("{what}.{key} is not a decimal number: `{written}`"))
                }),
            Dec::NotANumber(other) => Err(Error::parse(format!(
                "{what}.{key} is not a number: {other}"
            ))),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Dec<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match Scalar::deserialize(d)? {
            Scalar::Null => Dec::Absent,
            Scalar::Number(n) => Dec::Written(n),
            Scalar::String(s) => trimmed(s).map_or(Dec::Blank, Dec::Written),
            Scalar::Bool(b) => Dec::NotANumber(b.to_string()),
            Scalar::Other(v) => Dec::NotANumber(v.to_string()),
        })
    }
}

/// Parses a whole JSON body into `T` with the tolerance above. The only failures left are
/// bodies that are not JSON at all; their message is serde_json's, as `Value` would give it.
pub fn from_body<'de, T: Deserialize<'de>>(body: &'de [u8]) -> serde_json::Result<T> {
    // serde_json checks UTF-8 only in the strings it reads; a `Value` reads them all.
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => match serde_json::from_slice::<Value>(body) {
            Err(e) => Err(e),
            Ok(_) => Err(de::Error::custom("the body is not UTF-8")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default)]
    struct Item<'a> {
        name: Text<'a>,
        price: Dec<'a>,
        flag: Flag,
        items: List<Item<'a>>,
    }

    impl<'de: 'a, 'a> Fields<'de> for Item<'a> {
        fn field<A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> std::result::Result<(), A::Error> {
            match key {
                "name" => self.name = map.next_value()?,
                "price" => self.price = map.next_value()?,
                "flag" => self.flag = map.next_value()?,
                "items" => self.items = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }

    fn item(json: &str) -> Item<'_> {
        from_body::<Obj<Item>>(json.as_bytes()).unwrap().0
    }

    #[test]
    fn decimals_keep_their_written_scale_and_fail_only_when_read() {
        let read = |json: &str| {
            item(json)
                .price
                .read("price", "item")
                .map(|d| d.map(|d| d.to_string()))
        };
        assert_eq!(read(r#"{"price": 5.80}"#).unwrap().as_deref(), Some("5.80"));
        assert_eq!(
            read(r#"{"price": " 16.00 "}"#).unwrap().as_deref(),
            Some("16.00")
        );
        assert_eq!(read(r#"{"price": 1e2}"#).unwrap().as_deref(), Some("100"));
        assert_eq!(read(r#"{"price": ""}"#).unwrap(), None);
        assert_eq!(read(r#"{"price": null}"#).unwrap(), None);
        let e = read(r#"{"price": [1, {"b": 2.50, "a": 1}]}"#).unwrap_err();
        assert_eq!(
            e.message,
            r#"item.price is not a number: [1,{"a":1,"b":2.50}]"#
        );
        let e = read(r#"{"price": "1_0"}"#).unwrap_err();
        assert_eq!(e.message, "item.price is not a decimal number: `1_0`");
    }

    #[test]
    fn text_takes_strings_numbers_and_booleans() {
        assert_eq!(item(r#"{"name": " A "}"#).name.get(), Some("A"));
        assert_eq!(item(r#"{"name": "  "}"#).name.get(), None);
        assert_eq!(item(r#"{"name": 7.10}"#).name.get(), Some("7.10"));
        assert_eq!(item(r#"{"name": false}"#).name.get(), Some("false"));
        assert_eq!(item(r#"{"name": {"a": 1}}"#).name.get(), None);
        assert_eq!(item(r#"{"name": "A\u0042"}"#).name.get(), Some("AB"));
    }

    #[test]
    fn flags_arrive_as_strings_and_numbers() {
        assert_eq!(item(r#"{"flag": "True"}"#).flag.0, Some(true));
        assert_eq!(item(r#"{"flag": "no"}"#).flag.0, Some(false));
        assert_eq!(item(r#"{"flag": 2}"#).flag.0, Some(true));
        assert_eq!(item(r#"{"flag": 1.0}"#).flag.0, None);
        assert_eq!(item(r#"{"flag": [true]}"#).flag.0, None);
    }

    #[test]
    fn lists_are_arrays_single_objects_or_nothing() {
        assert_eq!(
            item(r#"{"items": [{"name": "a"}, 5, null]}"#).items.0.len(),
            3
        );
        assert_eq!(
            item(r#"{"items": {"name": "a"}}"#).items.0[0].name.get(),
            Some("a")
        );
        for nothing in ["5", "5.5", "\"x\"", "true", "null"] {
            let json = format!(r#"{{"items": {nothing}}}"#);
            assert!(item(&json).items.0.is_empty(), "{json}");
        }
    }

    #[test]
    fn non_objects_read_as_empty_and_the_last_duplicate_wins() {
        for json in ["5", "[1, 2]", "null", "\"x\""] {
            assert!(item(json).name.get().is_none(), "{json}");
        }
        assert_eq!(item(r#"{"name": "a", "name": "b"}"#).name.get(), Some("b"));
    }

    #[test]
    fn bodies_that_are_not_json_fail_like_value_does() {
        for body in [
            &b""[..],
            b"{",
            b"{\"name\": \"\xff\"}",
            b"{\"x\": \"\xff\"}",
        ] {
            let ours = from_body::<Obj<Item>>(body).unwrap_err().to_string();
            let value = serde_json::from_slice::<Value>(body)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, value);
        }
    }
}
