//! Tolerant JSON readers for carrier answers: typed structs that borrow from the body, with
//! one set of rules for the shapes carriers get wrong.
//!
//! The rules, pinned by the table test at the bottom of this file:
//! - `null` is absent, wherever it stands: a `null` field reads as the field's default, a
//!   `null` item of a list is left out;
//! - a [`List`] is an array (its `null` items left out), or one bare non-null value standing
//!   for a one-element list (read as the item type reads it), or nothing;
//! - an object type ([`tolerant_object!`]) reads its known keys and skips the rest without
//!   decoding them; a value that is not an object reads as an object without fields; a
//!   repeated key keeps its last value;
//! - [`Text`] is a string trimmed (blank is absent), a number's exact token, or a boolean's
//!   word; an array or an object is absent;
//! - a number keeps the text the carrier wrote (`16.00` stays `16.00`): [`Dec`] reads it at
//!   once, [`DecimalField`] keeps it and checks it only when it is read; both take a numeric
//!   string too.
//!
//! The [`value`] module applies the same rules to a `serde_json::Value`, for the paths that
//! are not hot enough to deserve typed structs.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer};
use serde::de::{
    self, Deserialize, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::Value;

use crate::{Error, Result};

#[doc(hidden)]
pub use serde as __serde;

/// How serde_json (feature `arbitrary_precision`, on in this workspace) hands a number to
/// `deserialize_any`, and takes one to write verbatim: a one-entry map (a struct) under this
/// key whose value is the number's text. `serde_json::Value` and rust_decimal use it too.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// serde_json's name for a value handed over as its JSON text (feature `raw_value`): asked
/// for a newtype of this name, its deserializer skips the value and passes its text as a
/// one-entry map under this key — a number's token exactly as written and borrowed from the
/// body, without the `String` that [`NUMBER_TOKEN`] costs. Other deserializers see a plain
/// newtype (`visit_newtype_struct`) or forward it to `deserialize_any`; the scalar readers
/// take all three.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// The first key of a map handed to a scalar reader: a raw value, a number token, or a key
/// of a real object.
enum FirstKey<'de> {
    Raw,
    Number,
    Object(Option<Cow<'de, str>>),
}

impl<'de> FirstKey<'de> {
    fn read<A: MapAccess<'de>>(map: &mut A) -> std::result::Result<Self, A::Error> {
        Ok(match map.next_key::<Str<'de>>()? {
            Some(Str(key)) if key == RAW_TOKEN => FirstKey::Raw,
            Some(Str(key)) if key == NUMBER_TOKEN => FirstKey::Number,
            key => FirstKey::Object(key.map(|Str(k)| k)),
        })
    }
}

/// A JSON text's string (with its quotes): its contents, borrowed when it has no escapes.
fn raw_string<'t, E: de::Error>(text: &'t str) -> std::result::Result<Cow<'t, str>, E> {
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.contains('\\') => Ok(Cow::Borrowed(inner)),
        _ => serde_json::from_str::<String>(text)
            .map(Cow::Owned)
            .map_err(E::custom),
    }
}

/// A string from the input, borrowed unless it had escapes.
struct Str<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> std::result::Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> std::result::Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A type read field by field from a JSON object; [`tolerant_object!`] implements it.
pub trait Fields<'de>: Default {
    /// Reads the value of `key` from `map`, or skips it when the key is not one of ours.
    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> std::result::Result<(), A::Error>;
}

/// Reads any JSON value as a `T`: an object field by field, anything else as no fields.
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

    /// An object; a number token (`NUMBER_TOKEN`) is no key of ours, so a number reads
    /// as no fields too.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<T, A::Error> {
        let mut this = T::default();
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            this.read_field(&key, &mut map)?;
        }
        Ok(this)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(T::default())
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<T, E> {
        Ok(T::default())
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<T, E> {
        Ok(T::default())
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<T, E> {
        Ok(T::default())
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<T, E> {
        Ok(T::default())
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<T, E> {
        Ok(T::default())
    }

    fn visit_unit<E>(self) -> std::result::Result<T, E> {
        Ok(T::default())
    }
}

/// Declares an object type read tolerantly (see the module docs): `field: Type = "JsonKey"`
/// per known key, every field type `Default` (what an absent key leaves). The struct gets
/// `Debug`, `Default`, [`Fields`] and `Deserialize`; its fields are `pub`.
///
/// ```
/// use shipmux_core::raw::json::{List, Text};
///
/// shipmux_core::tolerant_object! {
///     /// A charge.
///     pub struct Charge<'de> {
///         code: Text<'de> = "Code",
///         parts: List<Charge<'de>> = "Parts",
///     }
/// }
///
/// let c: Charge = serde_json::from_str(r#"{"Code": 375, "Parts": {"Code": " A "}}"#).unwrap();
/// assert_eq!(c.code.get(), Some("375"));
/// assert_eq!(c.parts[0].code.get(), Some("A"));
/// ```
#[macro_export]
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

        impl<$de> $crate::raw::json::Fields<$de> for $name<$de> {
            fn read_field<A: $crate::raw::json::__serde::de::MapAccess<$de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                match key {
                    $( $key => self.$field = map.next_value()?, )*
                    _ => {
                        map.next_value::<$crate::raw::json::__serde::de::IgnoredAny>()?;
                    }
                }
                Ok(())
            }
        }

        impl<$de> $crate::raw::json::__serde::Deserialize<$de> for $name<$de> {
            fn deserialize<D: $crate::raw::json::__serde::Deserializer<$de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_any($crate::raw::json::ObjectVisitor::<Self>::new())
            }
        }
    };
}
pub use crate::tolerant_object;

/// Trimmed text, `None` when blank; borrowed as given when nothing was trimmed.
fn trimmed(s: Cow<'_, str>) -> Option<Cow<'_, str>> {
    match s {
        Cow::Borrowed(b) => {
            let t = b.trim();
            (!t.is_empty()).then_some(Cow::Borrowed(t))
        }
        Cow::Owned(o) => {
            let t = o.trim();
            if t.is_empty() {
                None
            } else if t.len() == o.len() {
                Some(Cow::Owned(o))
            } else {
                Some(Cow::Owned(t.to_string()))
            }
        }
    }
}

/// One JSON value as the scalar readers see it.
enum Scalar<'de> {
    Null,
    Bool(bool),
    /// A number's text exactly as written.
    Number(Cow<'de, str>),
    String(Cow<'de, str>),
    /// An array or an object, kept as a `Value` only when `keep` asked for it (to quote it in
    /// an error message).
    Other(Option<Value>),
}

/// Reads one value as a [`Scalar`]; `keep` keeps arrays and objects as `Value`s.
struct ScalarVisitor {
    keep: bool,
}

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Number(Cow::Owned(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Number(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Scalar<'de>, E> {
        let number = serde_json::Number::from_f64(v)
            .ok_or_else(|| E::custom("a number that is not finite"))?;
        Ok(Scalar::Number(Cow::Owned(number.to_string())))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::String(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Scalar<'de>, A::Error> {
        if !self.keep {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Scalar::Other(None));
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Scalar::Other(Some(Value::Array(items))))
    }

    /// A raw value (see [`RAW_TOKEN`]), a number token (see [`NUMBER_TOKEN`]), or an object.
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Scalar<'de>, A::Error> {
        let mut key = match FirstKey::read(&mut map)? {
            FirstKey::Raw => {
                let Str(raw) = map.next_value::<Str<'de>>()?;
                return Scalar::of_raw(raw, self.keep);
            }
            FirstKey::Number => {
                let Str(text) = map.next_value::<Str<'de>>()?;
                return Ok(Scalar::Number(text));
            }
            FirstKey::Object(key) => key,
        };
        let mut object = serde_json::Map::new();
        while let Some(k) = key {
            if self.keep {
                object.insert(k.into_owned(), map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            key = map.next_key::<Str<'de>>()?.map(|Str(k)| k);
        }
        Ok(Scalar::Other(self.keep.then_some(Value::Object(object))))
    }

    /// A deserializer other than serde_json's, asked for a raw value: the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Scalar<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Scalar<'de> {
    fn read<D: Deserializer<'de>>(d: D, keep: bool) -> std::result::Result<Self, D::Error> {
        d.deserialize_newtype_struct(RAW_TOKEN, ScalarVisitor { keep })
    }

    /// The scalar of a raw value (see [`RAW_TOKEN`]): `raw` is one whole JSON value.
    fn of_raw<E: de::Error>(raw: Cow<'de, str>, keep: bool) -> std::result::Result<Self, E> {
        match raw {
            Cow::Borrowed(text) => Scalar::of_text(text, keep),
            Cow::Owned(text) => Scalar::of_text(&text, keep).map(Scalar::into_owned),
        }
    }

    fn of_text<E: de::Error>(text: &'de str, keep: bool) -> std::result::Result<Self, E> {
        let text = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        Ok(match text.as_bytes().first() {
            Some(b'"') => Scalar::String(raw_string(text)?),
            Some(b'n') => Scalar::Null,
            Some(b't') => Scalar::Bool(true),
            Some(b'f') => Scalar::Bool(false),
            Some(b'[' | b'{') => Scalar::Other(match keep {
                true => Some(serde_json::from_str(text).map_err(E::custom)?),
                false => None,
            }),
            _ => Scalar::Number(Cow::Borrowed(text)),
        })
    }

    fn into_owned(self) -> Scalar<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        match self {
            Scalar::Null => Scalar::Null,
            Scalar::Bool(b) => Scalar::Bool(b),
            Scalar::Number(n) => Scalar::Number(own(n)),
            Scalar::String(s) => Scalar::String(own(s)),
            Scalar::Other(v) => Scalar::Other(v),
        }
    }
}

/// Text: a string trimmed (blank is absent), a number's exact token, `true`/`false`; `null`,
/// arrays and objects are absent. Borrowed from the input unless it had escapes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'a> Text<'a> {
    /// The text; `None` when absent, blank or not text.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The text itself, borrowed from the input when it had no escapes.
    pub fn into_cow(self) -> Option<Cow<'a, str>> {
        self.0
    }

    /// The text as an owned `String`.
    pub fn to_owned_text(&self) -> Option<String> {
        self.0.as_deref().map(str::to_string)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// Reads [`Text`] straight from the parser (the hot path of every answer, so without the
/// detour through [`Scalar`]).
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> std::result::Result<Text<'de>, E> {
        let t = s.trim();
        Ok(Text((!t.is_empty()).then_some(Cow::Borrowed(t))))
    }

    fn visit_str<E>(self, s: &str) -> std::result::Result<Text<'de>, E> {
        let t = s.trim();
        Ok(Text((!t.is_empty()).then(|| Cow::Owned(t.to_string()))))
    }

    fn visit_bool<E>(self, b: bool) -> std::result::Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Borrowed(if b { "true" } else { "false" }))))
    }

    fn visit_i64<E>(self, n: i64) -> std::result::Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Owned(n.to_string()))))
    }

    fn visit_u64<E>(self, n: u64) -> std::result::Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Owned(n.to_string()))))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Text<'de>, E> {
        ScalarVisitor { keep: false }
            .visit_f64(n)
            .map(|scalar| match scalar {
                Scalar::Number(n) => Text(Some(n)),
                _ => Text(None),
            })
    }

    fn visit_unit<E>(self) -> std::result::Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_none<E>(self) -> std::result::Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Text<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }

    /// An object is no text; a number arrives here too (see [`NUMBER_TOKEN`]) as its token.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Text<'de>, A::Error> {
        ScalarVisitor { keep: false }
            .visit_map(map)
            .map(|scalar| match scalar {
                Scalar::Number(n) => Text(Some(n)),
                _ => Text(None),
            })
    }
}

/// A boolean that may arrive as `true`, `"true"`/`"yes"`/`"y"`/`"1"` (any case) or a whole
/// number (non-zero is true); anything else is `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Flag(match Scalar::read(d, false)? {
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

/// A list: an array without its `null`s, one bare non-null value as a one-element list, or
/// nothing (`null` or absent). Derefs to the slice of items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T> List<T> {
    /// The items, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'l, T> IntoIterator for &'l List<T> {
    type Item = &'l T;
    type IntoIter = std::slice::Iter<'l, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<T> ListVisitor<T> {
    fn one<E>(item: std::result::Result<T, E>) -> std::result::Result<List<T>, E> {
        item.map(|item| List(vec![item]))
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<List<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<Option<T>>()? {
            items.extend(item);
        }
        Ok(List(items))
    }

    fn visit_unit<E>(self) -> std::result::Result<List<T>, E> {
        Ok(List(Vec::new()))
    }

    fn visit_none<E>(self) -> std::result::Result<List<T>, E> {
        Ok(List(Vec::new()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<List<T>, A::Error> {
        Self::one(T::deserialize(MapAccessDeserializer::new(map)))
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> std::result::Result<List<T>, E> {
        Self::one(T::deserialize(BorrowedStrDeserializer::new(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<List<T>, E> {
        Self::one(T::deserialize(s.to_string().into_deserializer()))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<List<T>, E> {
        Self::one(T::deserialize(b.into_deserializer()))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<List<T>, E> {
        Self::one(T::deserialize(n.into_deserializer()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<List<T>, E> {
        Self::one(T::deserialize(n.into_deserializer()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<List<T>, E> {
        Self::one(T::deserialize(n.into_deserializer()))
    }
}

/// A decimal kept as written and checked only when read ([`DecimalField::read`]), so a
/// malformed field nobody reads never fails an answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DecimalField<'a> {
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

impl DecimalField<'_> {
    /// Present and not `null` (a blank string counts as present).
    pub fn is_present(&self) -> bool {
        !matches!(self, DecimalField::Absent)
    }

    /// The decimal exactly as written (`5.80` stays `5.80`; `1e2` is 100): `Ok(None)` when
    /// absent or blank, a `parse` error naming `what.key` when present but not a number.
    pub fn read(&self, key: &str, what: &str) -> Result<Option<Decimal>> {
        match self {
            DecimalField::Absent | DecimalField::Blank => Ok(None),
            DecimalField::Written(written) => crate::parse_decimal_or_scientific(written)
                .map(Some)
                .ok_or_else(|| {
                    Error::parse(format!("{what}.{key} is not a decimal number: `{written}`"))
                }),
            DecimalField::NotANumber(other) => Err(Error::parse(format!(
                "{what}.{key} is not a number: {other}"
            ))),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for DecimalField<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match Scalar::read(d, true)? {
            Scalar::Null => DecimalField::Absent,
            Scalar::Number(n) => DecimalField::Written(n),
            Scalar::String(s) => trimmed(s).map_or(DecimalField::Blank, DecimalField::Written),
            Scalar::Bool(b) => DecimalField::NotANumber(b.to_string()),
            Scalar::Other(v) => DecimalField::NotANumber(v.unwrap_or(Value::Null).to_string()),
        })
    }
}

/// A decimal read at once, exactly as written: the JSON number `16.00` stays `16.00`, a
/// numeric string (`" 100 "`) is read too; anything else fails the parse. Written back, it
/// is a JSON number with the same text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_newtype_struct(RAW_TOKEN, DecVisitor).map(Dec)
    }
}

/// Reads a number token or a numeric string straight from the parser.
struct DecVisitor;

impl DecVisitor {
    fn parse<E: de::Error>(
        text: &str,
        shown: impl FnOnce() -> String,
    ) -> std::result::Result<Decimal, E> {
        crate::parse_decimal_or_scientific(text)
            .ok_or_else(|| E::custom(format!("expected a decimal number, got {}", shown())))
    }
}

impl<'de> Visitor<'de> for DecVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal number")
    }

    /// From serde_json the value arrives as a one-entry map holding its JSON text (see
    /// [`RAW_TOKEN`]); elsewhere a number may arrive as its token (see [`NUMBER_TOKEN`]).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Decimal, A::Error> {
        let raw = match FirstKey::read(&mut map)? {
            FirstKey::Raw => true,
            FirstKey::Number => false,
            FirstKey::Object(_) => {
                return Err(de::Error::custom(
                    "expected a decimal number, got an object",
                ));
            }
        };
        let Str(text) = map.next_value::<Str<'de>>()?;
        match text.as_bytes().first() {
            _ if !raw => Self::parse(&text, || text.to_string()),
            Some(b'"') => self.visit_str(&raw_string::<A::Error>(&text)?),
            Some(b'n') => self.visit_unit(),
            Some(b't' | b'f') => self.visit_bool(text.starts_with('t')),
            Some(b'[') => Err(de::Error::custom("expected a decimal number, got an array")),
            Some(b'{') => Err(de::Error::custom(
                "expected a decimal number, got an object",
            )),
            _ => Self::parse(&text, || text.to_string()),
        }
    }

    /// A deserializer other than serde_json's, asked for a raw value: the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Decimal, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Decimal, E> {
        Self::parse(s.trim(), || Value::String(s.to_string()).to_string())
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Decimal, E> {
        Ok(Decimal::from(n))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Decimal, E> {
        Ok(Decimal::from(n))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Decimal, E> {
        let text = serde_json::Number::from_f64(n).map(|n| n.to_string());
        Self::parse(text.as_deref().unwrap_or("NaN"), || n.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Decimal, E> {
        Err(E::custom("expected a decimal number, got null"))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<Decimal, E> {
        Err(E::custom(format!("expected a decimal number, got {b}")))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> std::result::Result<Decimal, A::Error> {
        Err(<A::Error as de::Error>::custom(
            "expected a decimal number, got an array",
        ))
    }
}

impl Serialize for Dec {
    /// The decimal's text as a bare number token, from a stack buffer (no `Number` parse).
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let text = DecimalText::of(self.0);
        let mut number = s.serialize_struct(NUMBER_TOKEN, 1)?;
        number.serialize_field(NUMBER_TOKEN, text.as_str())?;
        number.end()
    }
}

/// A decimal's text as `Decimal`'s `Display` writes it (every mantissa digit, the point
/// `scale` digits from the right, a leading `0` before it, `-` when negative), on the stack.
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

/// Parses a whole body into `T`, refusing the bodies a `serde_json::Value` refuses, with
/// `Value`'s message: a typed read skips unread strings without decoding them, so a body that
/// is not UTF-8, or may hold a lone surrogate escape (`\uD800`), is also checked by a full
/// `Value` parse.
pub fn from_body<'de, T: Deserialize<'de>>(body: &'de [u8]) -> serde_json::Result<T> {
    let value_error = || serde_json::from_slice::<Value>(body).err();
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(value_error().unwrap_or_else(|| de::Error::custom("the body is not UTF-8")));
    };
    let parsed = serde_json::from_str::<T>(text).map_err(|e| value_error().unwrap_or(e))?;
    if has_surrogate_escape(text.as_bytes())
        && let Some(e) = value_error()
    {
        return Err(e);
    }
    Ok(parsed)
}

/// Whether a JSON text has a `\uD800`–`\uDFFF` escape, the one escape a skipped string is
/// not checked for.
fn has_surrogate_escape(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'\\', &bytes[i..]) {
        let j = i + at;
        if bytes.get(j + 1) == Some(&b'u')
            && matches!(bytes.get(j + 2), Some(b'd' | b'D'))
            && matches!(
                bytes.get(j + 3),
                Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')
            )
        {
            return true;
        }
        // The escaped character is never the start of another escape.
        i = j + 2;
        if i >= bytes.len() {
            return false;
        }
    }
    false
}

/// The same rules over a `serde_json::Value`, for answers read as a tree.
pub mod value {
    use rust_decimal::Decimal;
    use serde_json::Value;

    /// The value of `key` in `v`; `null`, a missing key or a `v` that is no object is `None`.
    pub fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
        v.get(key).filter(|v| !v.is_null())
    }

    /// The value at `path` below `v`; `null` counts as absent.
    pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
        let mut cur = v;
        for key in path {
            cur = cur.get(key)?;
        }
        (!cur.is_null()).then_some(cur)
    }

    /// A list: an array without its `null`s, a bare non-null value as one item, or nothing.
    pub fn list(v: Option<&Value>) -> Vec<&Value> {
        match v {
            Some(Value::Array(items)) => items.iter().filter(|i| !i.is_null()).collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other],
        }
    }

    /// Text: a string trimmed (blank is `None`), a number's exact token, a boolean's word.
    pub fn text(v: Option<&Value>) -> Option<String> {
        let s = match v? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!s.is_empty()).then_some(s)
    }

    /// Text at `path` below `v`.
    pub fn text_at(v: &Value, path: &[&str]) -> Option<String> {
        text(at(v, path))
    }

    /// The exact decimal of a number or numeric string; `None` for anything else.
    pub fn decimal(v: &Value) -> Option<Decimal> {
        match v {
            Value::Number(n) => crate::parse_decimal_or_scientific(n.as_str()),
            Value::String(s) => crate::parse_decimal_or_scientific(s.trim()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    tolerant_object! {
        struct Item<'de> {
            text: Text<'de> = "t",
            dec: DecimalField<'de> = "d",
            flag: Flag = "f",
            items: List<Item<'de>> = "items",
            texts: List<Text<'de>> = "texts",
            inner: Option<Box<Item<'de>>> = "inner",
        }
    }

    /// What one row expects to read from `{"<key>": <json>}`.
    #[derive(Debug, PartialEq)]
    enum Out {
        /// `t` as text.
        Text(Option<&'static str>),
        /// `items`: how many, and each one's `t`.
        Items(Vec<Option<&'static str>>),
        /// `texts` as text items.
        Texts(Vec<Option<&'static str>>),
        /// `d` read as a decimal: `Ok(text)` or the error message.
        Dec(std::result::Result<Option<&'static str>, &'static str>),
        /// `f`.
        Flag(Option<bool>),
        /// `inner` present and its `t`.
        Inner(Option<Option<&'static str>>),
        /// The whole document's `t` (the document itself is not an object).
        Whole(Option<&'static str>),
    }

    fn observe(json: &str, expected: &Out) -> Out {
        let item: Item = from_body(json.as_bytes()).unwrap_or_else(|e| panic!("{json}: {e}"));
        let value: Value = serde_json::from_str(json).unwrap();
        let texts = |l: &List<Item>| l.iter().map(|i| i.text.get().map(leak)).collect();
        match expected {
            Out::Text(_) => {
                let t = item.text.get().map(leak);
                assert_eq!(
                    value::text(value::get(&value, "t")).as_deref(),
                    t,
                    "value::text agrees on {json}"
                );
                Out::Text(t)
            }
            Out::Items(_) => {
                let items: Vec<_> = texts(&item.items);
                let by_value: Vec<_> = value::list(value::get(&value, "items"))
                    .into_iter()
                    .map(|i| value::text(value::get(i, "t")))
                    .collect();
                assert_eq!(
                    by_value,
                    items
                        .iter()
                        .map(|t| t.map(str::to_string))
                        .collect::<Vec<_>>(),
                    "value::list agrees on {json}"
                );
                Out::Items(items)
            }
            Out::Texts(_) => Out::Texts(item.texts.iter().map(|t| t.get().map(leak)).collect()),
            Out::Dec(_) => Out::Dec(
                item.dec
                    .read("d", "item")
                    .map(|d| d.map(|d| leak(&d.to_string())))
                    .map_err(|e| leak(&e.message)),
            ),
            Out::Flag(_) => Out::Flag(item.flag.0),
            Out::Inner(_) => Out::Inner(item.inner.map(|i| i.text.get().map(leak))),
            Out::Whole(_) => Out::Whole(item.text.get().map(leak)),
        }
    }

    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_string().into_boxed_str())
    }

    /// The one table of the rules in the module docs: input → what each reader gives.
    #[test]
    fn the_tolerance_rules() {
        use Out::*;
        let table: &[(&str, Out)] = &[
            // Text: trimmed, blank and null absent, numbers as written, booleans as words.
            (r#"{"t": " 16.00 "}"#, Text(Some("16.00"))),
            (r#"{"t": 16.00}"#, Text(Some("16.00"))),
            (r#"{"t": -1.5e3}"#, Text(Some("-1.5e+3"))),
            (r#"{"t": true}"#, Text(Some("true"))),
            (r#"{"t": "a\"b"}"#, Text(Some("a\"b"))),
            (r#"{"t": "A\u0042"}"#, Text(Some("AB"))),
            (r#"{"t": ""}"#, Text(None)),
            (r#"{"t": "  "}"#, Text(None)),
            (r#"{"t": null}"#, Text(None)),
            (r#"{"t": {"x": 1}}"#, Text(None)),
            (r#"{"t": [1, 2]}"#, Text(None)),
            (r#"{}"#, Text(None)),
            (r#"{"t": "a", "t": "b"}"#, Text(Some("b"))),
            // Lists: arrays without nulls, one bare value as one item, null/absent as none.
            (
                r#"{"items": [{"t": "1"}, null, {"t": 2}]}"#,
                Items(vec![Some("1"), Some("2")]),
            ),
            (r#"{"items": {"t": "1"}}"#, Items(vec![Some("1")])),
            (
                r#"{"items": [{"t": "1"}, "x", 5]}"#,
                Items(vec![Some("1"), None, None]),
            ),
            (r#"{"items": "x"}"#, Items(vec![None])),
            (r#"{"items": 7}"#, Items(vec![None])),
            (r#"{"items": []}"#, Items(vec![])),
            (r#"{"items": [null]}"#, Items(vec![])),
            (r#"{"items": null}"#, Items(vec![])),
            (r#"{}"#, Items(vec![])),
            (r#"{"texts": " a "}"#, Texts(vec![Some("a")])),
            (
                r#"{"texts": ["a", null, 3, ""]}"#,
                Texts(vec![Some("a"), Some("3"), None]),
            ),
            // Objects: null is absent, any other value is an object (without fields if not one).
            (r#"{"inner": null}"#, Inner(None)),
            (r#"{"inner": "x"}"#, Inner(Some(None))),
            (
                r#"{"inner": {"t": "x", "other": {"deep": [1]}}}"#,
                Inner(Some(Some("x"))),
            ),
            (r#""x""#, Whole(None)),
            (r#"5"#, Whole(None)),
            (r#"[{"t": "a"}]"#, Whole(None)),
            (r#"null"#, Whole(None)),
            // Decimals kept as written, checked when read.
            (r#"{"d": 5.80}"#, Dec(Ok(Some("5.80")))),
            (r#"{"d": " 16.00 "}"#, Dec(Ok(Some("16.00")))),
            (r#"{"d": 1e2}"#, Dec(Ok(Some("100")))),
            (r#"{"d": ""}"#, Dec(Ok(None))),
            (r#"{"d": null}"#, Dec(Ok(None))),
            (
                r#"{"d": "1_0"}"#,
                Dec(Err("item.d is not a decimal number: `1_0`")),
            ),
            (
                r#"{"d": [1, {"b": 2.50, "a": 1}]}"#,
                Dec(Err(r#"item.d is not a number: [1,{"a":1,"b":2.50}]"#)),
            ),
            (r#"{"d": true}"#, Dec(Err("item.d is not a number: true"))),
            // Flags.
            (r#"{"f": "True"}"#, Flag(Some(true))),
            (r#"{"f": "no"}"#, Flag(Some(false))),
            (r#"{"f": 2}"#, Flag(Some(true))),
            (r#"{"f": 1.0}"#, Flag(None)),
            (r#"{"f": [true]}"#, Flag(None)),
        ];
        for (json, expected) in table {
            assert_eq!(&observe(json, expected), expected, "{json}");
        }
    }

    #[test]
    fn dec_keeps_the_written_text_both_ways() {
        for token in ["16.00", "7.60", "12.3", "14", "-0.45", "954.17", "1.5E+2"] {
            let Dec(d) = serde_json::from_str(token).unwrap();
            let expected = crate::parse_decimal_or_scientific(token).unwrap();
            assert_eq!((d, d.scale()), (expected, expected.scale()), "{token}");
            assert_eq!(serde_json::to_string(&Dec(d)).unwrap(), d.to_string());
        }
        let Dec(d) = serde_json::from_str(r#"" 100 ""#).unwrap();
        assert_eq!(serde_json::to_string(&Dec(d)).unwrap(), "100");
        assert!(serde_json::to_value(Dec(d)).unwrap().is_number());
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
            Decimal::new(-1, 28),
            Decimal::ZERO,
            -Decimal::ZERO,
            Decimal::new(0, 2),
            -Decimal::new(0, 3),
        ];
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
        for (bad, shown) in [
            ("true", "true"),
            (r#""ten""#, r#""ten""#),
            ("[1]", "an array"),
            (r#"{"a": 1}"#, "an object"),
            (r#""1_0""#, r#""1_0""#),
            ("null", "null"),
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
        let plain: Text<'_> = serde_json::from_str(r#"" FEDEX_GROUND""#).unwrap();
        assert!(matches!(plain.0, Some(Cow::Borrowed("FEDEX_GROUND"))));
        let escaped: Text<'_> = serde_json::from_str(r#""FedEx Ground\u00ae""#).unwrap();
        assert_eq!(escaped.get(), Some("FedEx Ground®"));
    }

    #[test]
    fn bodies_that_are_not_json_fail_like_value_does() {
        for body in [
            &b""[..],
            b"{",
            b"{\"t\": \"\xff\"}",
            b"{\"x\": \"\xff\"}",
            b"{\"x\": \"\\ud800\"}",
            b"{\"x\": \"\\\\\\uDbFF\"}",
            b"{\"x\": [\"\\\\\", \"\\uDC00\"]}",
        ] {
            let ours = from_body::<Item>(body).unwrap_err().to_string();
            let value = serde_json::from_slice::<Value>(body)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, value);
        }
    }

    #[test]
    fn value_decimals() {
        let v: Value = serde_json::from_str(r#"[16.00, " 7.5 ", "x", true]"#).unwrap();
        let read: Vec<_> = v.as_array().unwrap().iter().map(value::decimal).collect();
        assert_eq!(read[0].map(|d| d.to_string()).as_deref(), Some("16.00"));
        assert_eq!(read[1].map(|d| d.to_string()).as_deref(), Some("7.5"));
        assert_eq!((read[2], read[3]), (None, None));
    }
}
