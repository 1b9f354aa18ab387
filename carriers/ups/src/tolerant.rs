//! Typed, borrowing readers for UPS JSON with exactly the tolerance of [`crate::json`], for
//! the hot paths (a rate answer, a rate request) where building a `serde_json::Value` tree
//! costs more than the rest of the work.
//!
//! The rules are the ones `json.rs` applies to a `Value`, moved into `Deserialize` impls:
//! - an object type ([`tolerant_object!`]) reads its known keys and skips the rest; anything
//!   that is not an object (a string, a number, an array) reads as an object without fields,
//!   as `Value::get` finds nothing in it; a repeated key keeps its last value;
//! - `Option<T>` is `json::at`: `null` or absent is `None`, anything else is `Some`;
//! - [`List`] is `json::list`: an array without its `null`s, a bare value as one element,
//!   `null` or absent as nothing;
//! - [`Text`] is `json::text`: a string trimmed, a number's exact token, a boolean's word,
//!   an empty string as nothing.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{
    Deserialize, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

/// How serde_json (feature `arbitrary_precision`, on in this workspace) hands a number to
/// `deserialize_any`: as a one-entry map under this key, whose value is the number's text.
/// `serde_json::Value` and rust_decimal recognise numbers the same way.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A type read field by field from a JSON object; [`tolerant_object!`] implements it.
pub trait Fields<'de>: Default {
    /// Reads the value of `key` from `map` (or skips it when the key is not one of ours).
    fn read_field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Reads any JSON value as a `T`: an object field by field, everything else as no fields.
pub struct ObjectVisitor<T>(PhantomData<T>);

impl<T> ObjectVisitor<T> {
    /// The visitor for `T`.
    pub fn new() -> Self {
        ObjectVisitor(PhantomData)
    }
}

impl<T> Default for ObjectVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Fields<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut this = T::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            this.read_field(&key.0, &mut map)?;
        }
        Ok(this)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(T::default())
    }

    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::default())
    }
}

/// Declares a UPS object type read tolerantly: `field: Type = "JsonKey"` per known key.
/// Every field type must be `Default` (what an absent key leaves).
macro_rules! tolerant_object {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident<$de:lifetime> {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty = $key:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        $vis struct $name<$de> {
            $( $(#[$field_meta])* pub $field: $ty, )*
            _borrows: ::std::marker::PhantomData<&$de ()>,
        }

        impl<$de> $crate::tolerant::Fields<$de> for $name<$de> {
            fn read_field<A: ::serde::de::MapAccess<$de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                match key {
                    $( $key => self.$field = map.next_value()?, )*
                    _ => {
                        map.next_value::<::serde::de::IgnoredAny>()?;
                    }
                }
                Ok(())
            }
        }

        impl<$de> ::serde::Deserialize<$de> for $name<$de> {
            fn deserialize<D: ::serde::Deserializer<$de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_any($crate::tolerant::ObjectVisitor::<Self>::new())
            }
        }
    };
}
pub(crate) use tolerant_object;

/// An object key, borrowed from the input unless it had escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Text as UPS writes it (see the module docs); `None` when there is none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text<'de>(Option<Cow<'de, str>>);

impl<'de> Text<'de> {
    /// The text, trimmed; `None` when absent, empty or not text.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The text itself, borrowed from the input when it had no escapes.
    pub fn into_cow(self) -> Option<Cow<'de, str>> {
        self.0
    }

    fn from_borrowed(s: &'de str) -> Self {
        let s = s.trim();
        Text((!s.is_empty()).then_some(Cow::Borrowed(s)))
    }

    fn from_transient(s: &str) -> Self {
        let s = s.trim();
        Text((!s.is_empty()).then(|| Cow::Owned(s.to_string())))
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
        Ok(Text::from_borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
        Ok(Text::from_transient(s))
    }

    fn visit_bool<E>(self, b: bool) -> Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Borrowed(if b { "true" } else { "false" }))))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Owned(n.to_string()))))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Owned(n.to_string()))))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Text<'de>, E> {
        let number = serde_json::Number::from_f64(n)
            .ok_or_else(|| E::custom("a number that is not finite"))?;
        Ok(Text(Some(Cow::Owned(number.to_string()))))
    }

    fn visit_unit<E>(self) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }

    /// An object is no text; a number arrives here too (see [`NUMBER_TOKEN`]) and is its
    /// exact token.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
        let mut text = Text(None);
        let mut first = true;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if first && key.0 == NUMBER_TOKEN {
                let token: Cow<'de, str> = map.next_value::<NumberText<'de>>()?.0;
                text = Text(Some(token));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            first = false;
        }
        Ok(text)
    }
}

/// The text of an `arbitrary_precision` number, as serde_json hands it over.
struct NumberText<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for NumberText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumberText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number's text")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<NumberText<'de>, E> {
                Ok(NumberText(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<NumberText<'de>, E> {
                Ok(NumberText(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<NumberText<'de>, E> {
                Ok(NumberText(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// A UPS list: an array (its `null`s left out), or one bare value standing for a
/// one-element list (API versions before v2403/v2409), or nothing.
#[derive(Debug)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T> List<T> {
    /// The elements, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The first element.
    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<T> ListVisitor<T> {
    fn one<E>(item: Result<T, E>) -> Result<List<T>, E> {
        item.map(|item| List(vec![item]))
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<Option<T>>()? {
            items.extend(item);
        }
        Ok(List(items))
    }

    fn visit_unit<E>(self) -> Result<List<T>, E> {
        Ok(List(Vec::new()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<List<T>, A::Error> {
        Self::one(T::deserialize(MapAccessDeserializer::new(map)))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<List<T>, E> {
        Self::one(T::deserialize(
            serde::de::value::BorrowedStrDeserializer::new(s),
        ))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<List<T>, E> {
        Self::one(T::deserialize(s.to_string().into_deserializer()))
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<List<T>, E> {
        Self::one(T::deserialize(b.into_deserializer()))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<List<T>, E> {
        Self::one(T::deserialize(n.into_deserializer()))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<List<T>, E> {
        Self::one(T::deserialize(n.into_deserializer()))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<List<T>, E> {
        Self::one(T::deserialize(n.into_deserializer()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    tolerant_object! {
        struct Thing<'de> {
            name: Text<'de> = "Name",
            inner: Option<Thing2<'de>> = "Inner",
            items: List<Thing2<'de>> = "Items",
        }
    }

    tolerant_object! {
        struct Thing2<'de> {
            code: Text<'de> = "Code",
        }
    }

    fn read(json: &str) -> Thing<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn text_is_what_json_text_reads() {
        for (json, expected) in [
            (r#"{"Name": " 16.00 "}"#, Some("16.00")),
            (r#"{"Name": 16.00}"#, Some("16.00")),
            (r#"{"Name": -1.5e3}"#, Some("-1.5e+3")),
            (r#"{"Name": true}"#, Some("true")),
            (r#"{"Name": "a\"b"}"#, Some("a\"b")),
            (r#"{"Name": ""}"#, None),
            (r#"{"Name": "  "}"#, None),
            (r#"{"Name": null}"#, None),
            (r#"{"Name": {"x": 1}}"#, None),
            (r#"{"Name": [1, 2]}"#, None),
            (r#"{}"#, None),
        ] {
            assert_eq!(read(json).name.get(), expected, "{json}");
            let value: Value = serde_json::from_str(json).unwrap();
            assert_eq!(
                crate::json::text(value.get("Name")).as_deref(),
                expected,
                "json.rs agrees on {json}"
            );
        }
    }

    #[test]
    fn anything_but_an_object_reads_as_no_fields() {
        for json in [r#""x""#, "5", "[1, {\"Name\": \"a\"}]", "true", "null"] {
            let t: Thing = serde_json::from_str(json).unwrap();
            assert_eq!(t.name.get(), None, "{json}");
        }
        let t = read(r#"{"Inner": "x"}"#);
        assert!(t.inner.is_some_and(|i| i.code.get().is_none()));
        assert!(read(r#"{"Inner": null}"#).inner.is_none());
        let t = read(r#"{"Name": "a", "Name": "b", "Other": {"deep": [1]}}"#);
        assert_eq!(t.name.get(), Some("b"), "the last of a repeated key");
    }

    #[test]
    fn lists_are_what_json_list_reads() {
        for (json, len) in [
            (r#"{"Items": [{"Code": "1"}, null, {"Code": "2"}]}"#, 2),
            (r#"{"Items": {"Code": "1"}}"#, 1),
            (r#"{"Items": "x"}"#, 1),
            (r#"{"Items": 7}"#, 1),
            (r#"{"Items": []}"#, 0),
            (r#"{"Items": null}"#, 0),
            (r#"{}"#, 0),
        ] {
            assert_eq!(read(json).items.0.len(), len, "{json}");
            let value: Value = serde_json::from_str(json).unwrap();
            assert_eq!(crate::json::list(value.get("Items")).len(), len, "{json}");
        }
        let t = read(r#"{"Items": [{"Code": 3}, "x"]}"#);
        let codes: Vec<_> = t.items.iter().map(|i| i.code.get()).collect();
        assert_eq!(codes, [Some("3"), None]);
    }
}
