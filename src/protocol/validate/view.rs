//! Borrowed views of JSON objects for the validators: an object is split into
//! `(key, raw value)` pairs without materialising the values, a field's JSON
//! type is read from the first byte of its raw text, and only the strings that
//! are compared are decoded. Every error names the message kind and the path.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::sanitize;

/// The JSON type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    pub fn of(raw: &RawValue) -> Kind {
        let first = raw.get().trim_start().as_bytes().first();
        first.map_or(Kind::Null, |&b| Kind::of_first(b))
    }

    /// The type of a valid JSON text from its first non-blank byte.
    pub fn of_first(b: u8) -> Kind {
        match b {
            b'{' => Kind::Object,
            b'[' => Kind::Array,
            b'"' => Kind::String,
            b't' | b'f' => Kind::Bool,
            b'n' => Kind::Null,
            _ => Kind::Number,
        }
    }

    pub fn article(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// What a field must hold.
#[derive(Debug, Clone, Copy)]
pub(super) enum Want {
    Str,
    Num,
    Bool,
    Obj,
    Arr,
    StrOrNull,
    NumOrNull,
    ObjOrNull,
    StrOrArr,
}

impl Want {
    fn accepts(self, k: Kind) -> bool {
        use Kind as K;
        match self {
            Want::Str => k == K::String,
            Want::Num => k == K::Number,
            Want::Bool => k == K::Bool,
            Want::Obj => k == K::Object,
            Want::Arr => k == K::Array,
            Want::StrOrNull => matches!(k, K::String | K::Null),
            Want::NumOrNull => matches!(k, K::Number | K::Null),
            Want::ObjOrNull => matches!(k, K::Object | K::Null),
            Want::StrOrArr => matches!(k, K::String | K::Array),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Want::Str => "a string",
            Want::Num => "a number",
            Want::Bool => "a boolean",
            Want::Obj => "an object",
            Want::Arr => "an array",
            Want::StrOrNull => "a string or null",
            Want::NumOrNull => "a number or null",
            Want::ObjOrNull => "an object or null",
            Want::StrOrArr => "a string or an array",
        }
    }
}

/// A JSON string, borrowed from the line when it holds no escapes.
pub(super) struct Text<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
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
        d.deserialize_str(V)
    }
}

type Pairs<'a> = Vec<(Text<'a>, &'a RawValue)>;

/// The pairs of one object, in order (duplicates kept; lookups take the last,
/// as serde_json and the CLI do).
struct Object<'a>(Pairs<'a>);

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(key) = map.next_key::<Text<'de>>()? {
            pairs.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Object(pairs))
    }
}

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ObjectVisitor)
    }
}

/// One JSON object with what errors need: the message kind (`result`) and the
/// path that leads to it (`message.`).
pub(super) struct Fields<'a> {
    pairs: Pairs<'a>,
    pub kind: &'static str,
    path: String,
}

impl<'a> Fields<'a> {
    /// The top-level object of a line.
    pub fn parse_top(text: &'a str) -> Result<Self, serde_json::Error> {
        let Object(pairs) = serde_json::from_str(text)?;
        Ok(Fields {
            pairs,
            kind: "",
            path: String::new(),
        })
    }

    /// A nested object (already known to be one) at `path` (`message.content[0]`).
    fn nested(&self, raw: &'a RawValue, path: String) -> Result<Self, String> {
        let Object(pairs) = serde_json::from_str(raw.get()).map_err(|e| self.at(&path, e))?;
        Ok(Fields {
            pairs,
            kind: self.kind,
            path: path + ".",
        })
    }

    pub fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.pairs.iter().rev().find(|(k, _)| k.0 == name).map(|(_, v)| *v)
    }

    /// An error about field `name` of this object.
    pub fn at(&self, name: &str, msg: impl fmt::Display) -> String {
        if self.kind.is_empty() {
            format!("{}{name} {msg}", self.path)
        } else {
            format!("{}: {}{name} {msg}", self.kind, self.path)
        }
    }

    /// `name` if present, checked against `want`.
    pub fn opt(&self, name: &str, want: Want) -> Result<Option<&'a RawValue>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => {
                let kind = Kind::of(raw);
                if want.accepts(kind) {
                    Ok(Some(raw))
                } else {
                    Err(self.at(name, format_args!("is {}, expected {}", kind.article(), want.describe())))
                }
            }
        }
    }

    /// `name`, which must be present and match `want`.
    pub fn req(&self, name: &str, want: Want) -> Result<&'a RawValue, String> {
        self.opt(name, want)?
            .ok_or_else(|| self.at(name, format_args!("is missing, expected {}", want.describe())))
    }

    /// Checks every required field of a table, then every optional one.
    pub fn table(&self, required: &[(&str, Want)], optional: &[(&str, Want)]) -> Result<(), String> {
        for &(name, want) in required {
            self.req(name, want)?;
        }
        for &(name, want) in optional {
            self.opt(name, want)?;
        }
        Ok(())
    }

    pub fn req_obj(&self, name: &str) -> Result<Fields<'a>, String> {
        let raw = self.req(name, Want::Obj)?;
        self.nested(raw, format!("{}{name}", self.path))
    }

    pub fn opt_obj(&self, name: &str) -> Result<Option<Fields<'a>>, String> {
        match self.opt(name, Want::Obj)? {
            Some(raw) => self.nested(raw, format!("{}{name}", self.path)).map(Some),
            None => Ok(None),
        }
    }

    /// The decoded string `name`, if present (error if it is not a string).
    pub fn opt_str(&self, name: &str) -> Result<Option<Cow<'a, str>>, String> {
        match self.opt(name, Want::Str)? {
            Some(raw) => decode(raw).map(Some).map_err(|e| self.at(name, e)),
            None => Ok(None),
        }
    }

    pub fn req_str(&self, name: &str) -> Result<Cow<'a, str>, String> {
        let raw = self.req(name, Want::Str)?;
        decode(raw).map_err(|e| self.at(name, e))
    }

    /// A string field that must be one of `allowed`, when present.
    pub fn opt_one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<Cow<'a, str>>, String> {
        let Some(value) = self.opt_str(name)? else {
            return Ok(None);
        };
        if allowed.contains(&value.as_ref()) {
            return Ok(Some(value));
        }
        Err(self.at(name, format_args!("is {}, expected {}", quote(&value), list(allowed))))
    }

    pub fn req_one_of(&self, name: &str, allowed: &[&str]) -> Result<Cow<'a, str>, String> {
        self.req(name, Want::Str)?;
        Ok(self.opt_one_of(name, allowed)?.unwrap_or_default())
    }

    /// The elements of array `name` (already checked to be an array) that
    /// must all be objects, parsed in one pass, each with its path for errors.
    pub fn objects(&self, name: &str) -> Result<Vec<Fields<'a>>, String> {
        let Some(raw) = self.get(name) else {
            return Ok(vec![]);
        };
        let items: Vec<Element<'a>> = serde_json::from_str(raw.get()).map_err(|e| self.at(name, e))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("{}{name}[{i}]", self.path);
            match item {
                Element::Object(pairs) => out.push(Fields {
                    pairs,
                    kind: self.kind,
                    path: path + ".",
                }),
                Element::Other(kind) => {
                    let prefix = if self.kind.is_empty() { String::new() } else { format!("{}: ", self.kind) };
                    return Err(format!("{prefix}{path} is {}, expected an object", kind.article()));
                }
            }
        }
        Ok(out)
    }
}

/// An array element: an object's pairs, or the type of anything else.
enum Element<'a> {
    Object(Pairs<'a>),
    Other(Kind),
}

impl<'de> Deserialize<'de> for Element<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Element<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let Object(pairs) = ObjectVisitor.visit_map(map)?;
                Ok(Element::Object(pairs))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Element::Other(Kind::Array))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Element::Other(Kind::String))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Element::Other(Kind::Bool))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Element::Other(Kind::Number))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Element::Other(Kind::Number))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Element::Other(Kind::Number))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Element::Other(Kind::Null))
            }
        }
        d.deserialize_any(V)
    }
}

fn decode(raw: &RawValue) -> Result<Cow<'_, str>, serde_json::Error> {
    serde_json::from_str::<Text>(raw.get()).map(|t| t.0)
}

/// A value for a message: JSON-quoted, cut to 60 characters, terminal-safe.
pub(super) fn quote(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    let mut q = serde_json::to_string(&cut).unwrap_or_default();
    if cut.len() < s.len() {
        q.push('…');
    }
    sanitize::clean(&q).into_owned()
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
pub(super) fn list(allowed: &[&str]) -> String {
    let quoted: Vec<String> = allowed.iter().map(|s| quote(s)).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}
