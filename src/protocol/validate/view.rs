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
    path: Cow<'static, str>,
}

impl<'a> Fields<'a> {
    /// The top-level object of a line, as [`tree::parse`] left it.
    pub fn top(top: &'a Top<'a>) -> Self {
        Fields {
            repr: Repr::Top(top),
            kind: "",
            path: Cow::Borrowed(""),
        }
    }

    /// The object held by `val` (known to be one), at `path`.
    fn nested(&self, val: Val<'a>, path: Cow<'static, str>) -> Self {
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

    /// The path of field `name` of this object.
    fn child(&self, name: &'static str) -> Cow<'static, str> {
        if self.path.is_empty() {
            Cow::Borrowed(name)
        } else {
            Cow::Owned(format!("{}.{name}", self.path))
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
        let dot = if self.path.is_empty() { "" } else { "." };
        let kind = if self.kind.is_empty() { "" } else { ": " };
        format!("{}{kind}{}{dot}{name} {msg}", self.kind, self.path)
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
        Ok(self.nested(val, self.child(name)))
    }

    pub fn opt_obj(&self, name: &'static str) -> Result<Option<Fields<'a>>, String> {
        let val = self.opt(name, Want::Obj)?;
        Ok(val.map(|val| self.nested(val, self.child(name))))
    }

    /// The decoded string `name`, if present (error if it is not a string).
    pub fn opt_str(&self, name: &str) -> Result<Option<Cow<'a, str>>, String> {
        match self.opt(name, Want::Str)? {
            Some(val) => match val.string() {
                Some(s) => Ok(Some(s)),
                None => Err(self.at(name, "is not a valid JSON string")),
            },
            None => Ok(None),
        }
    }

    pub fn req_str(&self, name: &str) -> Result<Cow<'a, str>, String> {
        self.req(name, Want::Str)?;
        Ok(self.opt_str(name)?.unwrap_or_default())
    }

    /// A string field that must be one of `allowed`, when present.
    pub fn opt_one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<Cow<'a, str>>, String> {
        let Some(value) = self.opt_str(name)? else {
            return Ok(None);
        };
        if allowed.contains(&value.as_ref()) {
            return Ok(Some(value));
        }
        Err(self.at(
            name,
            format_args!("is {}, expected {}", quote(&value), list(allowed)),
        ))
    }

    pub fn req_one_of(&self, name: &str, allowed: &[&str]) -> Result<Cow<'a, str>, String> {
        self.req(name, Want::Str)?;
        Ok(self.opt_one_of(name, allowed)?.unwrap_or_default())
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
        let mut out = Vec::new();
        for (i, item) in scan::elements(raw).enumerate() {
            let kind = Kind::of(item);
            if kind != Kind::Object {
                let msg = format_args!("is {}, expected an object", kind.article());
                return Err(self.at(&format!("{name}[{i}]"), msg));
            }
            let path = format!("{}[{i}]", self.child(name));
            out.push(self.nested(Val::Raw(item), Cow::Owned(path)));
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
