//! Borrowed views of JSON objects for the validators: an object is split into
//! `(key, raw value)` pairs without materialising the values, a field's JSON
//! type is read from the first byte of its raw text, and only the strings that
//! are compared are decoded. Every error names the message kind and the path.

use std::borrow::Cow;
use std::fmt;

pub(super) use super::kind::{Kind, Want, list, quote};
use super::scan;
use super::tree::{Pairs, Slot, Top};

/// A field's value: a top-level member already parsed, or raw JSON text.
#[derive(Clone, Copy)]
pub(super) enum Val<'a> {
    Slot(&'a Slot<'a>),
    Raw(&'a str),
}

impl<'a> Val<'a> {
    pub fn kind(self) -> Kind {
        match self {
            Val::Slot(slot) => slot.kind(),
            Val::Raw(raw) => Kind::of(raw),
        }
    }

    /// The decoded string, when it is one.
    fn string(self) -> Option<Cow<'a, str>> {
        match self {
            Val::Slot(Slot::Str(s)) => Some(s.clone()),
            Val::Slot(_) => None,
            Val::Raw(raw) => scan::string(raw),
        }
    }

    /// True for the string `""`.
    pub fn is_empty_string(self) -> bool {
        match self {
            Val::Slot(Slot::Str(s)) => s.is_empty(),
            Val::Slot(_) => false,
            Val::Raw(raw) => raw == "\"\"",
        }
    }
}

/// How an object is held: the line's top level or one of its top-level
/// objects (parsed by [`tree`], which validated the line), or the raw text of
/// a deeper object, walked on demand by [`scan`].
enum Repr<'a> {
    Top(&'a Top<'a>),
    Pairs(&'a Pairs<'a>),
    Nested(&'a str),
}

/// One JSON object with what errors need: the message kind (`result`) and the
/// path that leads to it (`message.content[0]`). Lookups take the last of
/// duplicate keys, as serde_json and the CLI's JSON.parse do.
pub(super) struct Fields<'a> {
    repr: Repr<'a>,
    pub kind: &'static str,
    path: Path,
}

/// Where an object sits in the line, built into a string only for a message
/// or a grandchild: `base` + `.name` + `[index]`.
#[derive(Clone)]
struct Path {
    base: Cow<'static, str>,
    name: &'static str,
    index: Option<usize>,
}

impl Path {
    const ROOT: Path = Path {
        base: Cow::Borrowed(""),
        name: "",
        index: None,
    };

    fn full(&self) -> Cow<'static, str> {
        match (self.base.is_empty(), self.name.is_empty(), self.index) {
            (_, true, None) => self.base.clone(),
            (true, false, None) => Cow::Borrowed(self.name),
            _ => {
                let dot = if self.base.is_empty() || self.name.is_empty() {
                    ""
                } else {
                    "."
                };
                let mut s = format!("{}{dot}{}", self.base, self.name);
                if let Some(i) = self.index {
                    s.push_str(&format!("[{i}]"));
                }
                Cow::Owned(s)
            }
        }
    }

    fn child(&self, name: &'static str, index: Option<usize>) -> Path {
        Path {
            base: self.full(),
            name,
            index,
        }
    }
}

impl<'a> Fields<'a> {
    /// The top-level object of a line, as [`tree::parse`] left it.
    pub fn top(top: &'a Top<'a>) -> Self {
        Fields {
            repr: Repr::Top(top),
            kind: "",
            path: Path::ROOT,
        }
    }

    /// The object held by `val` (known to be one), at `path`.
    fn nested(&self, val: Val<'a>, path: Path) -> Self {
        let repr = match val {
            Val::Slot(Slot::Object(pairs)) => Repr::Pairs(pairs),
            Val::Raw(raw) => Repr::Nested(raw),
            Val::Slot(_) => Repr::Nested("{}"),
        };
        Fields {
            repr,
            kind: self.kind,
            path,
        }
    }

    /// Field `name`, if present.
    pub fn get(&self, name: &str) -> Option<Val<'a>> {
        match &self.repr {
            Repr::Top(top) => top
                .iter()
                .rev()
                .find(|(k, _)| same(&k.0, name))
                .map(|(_, v)| Val::Slot(v)),
            Repr::Pairs(pairs) => pairs
                .iter()
                .rev()
                .find(|(k, _)| same(&k.0, name))
                .map(|(_, v)| Val::Raw(v.get())),
            Repr::Nested(text) => scan::members(text)
                .filter(|(k, _)| scan::key_is(k, name))
                .last()
                .map(|(_, v)| Val::Raw(v)),
        }
    }

    /// An error about field `name` of this object.
    pub fn at(&self, name: &str, msg: impl fmt::Display) -> String {
        let path = self.path.full();
        let dot = if path.is_empty() { "" } else { "." };
        let kind = if self.kind.is_empty() { "" } else { ": " };
        format!("{}{kind}{path}{dot}{name} {msg}", self.kind)
    }

    /// `name` if present, checked against `want`.
    pub fn opt(&self, name: &str, want: Want) -> Result<Option<Val<'a>>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(val) => {
                let kind = val.kind();
                if want.accepts(kind) {
                    Ok(Some(val))
                } else {
                    Err(self.at(
                        name,
                        format_args!("is {}, expected {}", kind.article(), want.describe()),
                    ))
                }
            }
        }
    }

    /// `name`, which must be present and match `want`.
    pub fn req(&self, name: &str, want: Want) -> Result<Val<'a>, String> {
        self.opt(name, want)?.ok_or_else(|| {
            self.at(
                name,
                format_args!("is missing, expected {}", want.describe()),
            )
        })
    }

    /// Checks every required field of a table, then every optional one.
    pub fn table(
        &self,
        required: &[(&str, Want)],
        optional: &[(&str, Want)],
    ) -> Result<(), String> {
        for &(name, want) in required {
            self.req(name, want)?;
        }
        for &(name, want) in optional {
            self.opt(name, want)?;
        }
        Ok(())
    }

    pub fn req_obj(&self, name: &'static str) -> Result<Fields<'a>, String> {
        let val = self.req(name, Want::Obj)?;
        Ok(self.nested(val, self.path.child(name, None)))
    }

    pub fn opt_obj(&self, name: &'static str) -> Result<Option<Fields<'a>>, String> {
        let val = self.opt(name, Want::Obj)?;
        Ok(val.map(|val| self.nested(val, self.path.child(name, None))))
    }

    /// The decoded string `name`, if present (error if it is not a string).
    pub fn opt_str(&self, name: &str) -> Result<Option<Cow<'a, str>>, String> {
        match self.opt(name, Want::Str)? {
            Some(val) => self.decode(name, val).map(Some),
            None => Ok(None),
        }
    }

    pub fn req_str(&self, name: &str) -> Result<Cow<'a, str>, String> {
        let val = self.req(name, Want::Str)?;
        self.decode(name, val)
    }

    fn decode(&self, name: &str, val: Val<'a>) -> Result<Cow<'a, str>, String> {
        val.string()
            .ok_or_else(|| self.at(name, "is not a valid JSON string"))
    }

    /// A string field that must be one of `allowed`, when present.
    pub fn opt_one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<Cow<'a, str>>, String> {
        match self.opt_str(name)? {
            Some(value) => self.among(name, value, allowed).map(Some),
            None => Ok(None),
        }
    }

    pub fn req_one_of(&self, name: &str, allowed: &[&str]) -> Result<Cow<'a, str>, String> {
        let value = self.req_str(name)?;
        self.among(name, value, allowed)
    }

    fn among(
        &self,
        name: &str,
        value: Cow<'a, str>,
        allowed: &[&str],
    ) -> Result<Cow<'a, str>, String> {
        if allowed.contains(&value.as_ref()) {
            return Ok(value);
        }
        let msg = format_args!("is {}, expected {}", quote(&value), list(allowed));
        Err(self.at(name, msg))
    }

    /// The elements of array `name` (when it is one), which must all be
    /// objects; an error names the first that is not. Only for objects below
    /// the top level: the top level's arrays are not kept (see [`Slot`]).
    pub fn objects(&self, name: &'static str) -> Result<Vec<Fields<'a>>, String> {
        debug_assert!(
            !matches!(self.repr, Repr::Top(_)),
            "top-level arrays are not kept"
        );
        let Some(Val::Raw(raw)) = self.get(name).filter(|v| v.kind() == Kind::Array) else {
            return Ok(vec![]);
        };
        let mut out = Vec::with_capacity(4);
        for (i, item) in scan::elements(raw).enumerate() {
            let kind = Kind::of(item);
            if kind != Kind::Object {
                let msg = format_args!("is {}, expected an object", kind.article());
                return Err(self.at(&format!("{name}[{i}]"), msg));
            }
            out.push(self.nested(Val::Raw(item), self.path.child(name, Some(i))));
        }
        Ok(out)
    }
}

/// `key == name`, first checking the length and first byte inline: most
/// lookups miss, and a call to memcmp per miss showed in profiles.
#[inline]
fn same(key: &str, name: &str) -> bool {
    key.len() == name.len() && key.as_bytes().first() == name.as_bytes().first() && key == name
}
