//! The one serde_json pass over a line: it validates the whole line and keeps
//! two levels of it, the top-level members and the members of each top-level
//! object (`message`, `event`, `request`...), with every deeper value left as
//! raw text (for [`super::scan`]). No `serde_json::Value` is built.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::view::Kind;

/// A JSON string, borrowed from the line when it holds no escapes.
#[derive(Debug, Clone)]
pub(super) struct Text<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(s.to_owned())))
    }
}

/// The members of a second-level object: values kept as raw text.
pub(super) type Pairs<'a> = Vec<(Text<'a>, &'a RawValue)>;

/// A top-level member's value.
#[derive(Debug)]
pub(super) enum Slot<'a> {
    Str(Cow<'a, str>),
    Object(Pairs<'a>),
    /// Elements are not kept: no rule looks into a top-level array.
    Array,
    /// null, a boolean or a number.
    Scalar(Kind),
}

impl Slot<'_> {
    pub fn kind(&self) -> Kind {
        match self {
            Slot::Str(_) => Kind::String,
            Slot::Object(_) => Kind::Object,
            Slot::Array => Kind::Array,
            Slot::Scalar(k) => *k,
        }
    }
}

/// The parsed top level of a line.
pub(super) type Top<'a> = Vec<(Text<'a>, Slot<'a>)>;

/// Parses (and so validates) one line that holds a JSON object.
pub(super) fn parse(text: &str) -> Result<Top<'_>, serde_json::Error> {
    let TopObject(top) = serde_json::from_str(text)?;
    Ok(top)
}

struct TopObject<'a>(Top<'a>);

impl<'de> Deserialize<'de> for TopObject<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut top = Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    top.push((key, map.next_value::<Slot<'de>>()?));
                }
                Ok(TopObject(top))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Slot<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SlotVisitor)
    }
}

struct SlotVisitor;

impl<'de> Visitor<'de> for SlotVisitor {
    type Value = Slot<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(key) = map.next_key::<Text<'de>>()? {
            pairs.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Slot::Object(pairs))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Slot::Array)
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Slot::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Slot::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Slot::Scalar(Kind::Bool))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Slot::Scalar(Kind::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Slot::Scalar(Kind::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Slot::Scalar(Kind::Number))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Slot::Scalar(Kind::Null))
    }
}
