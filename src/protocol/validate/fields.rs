//! One object of a line as the rules see it: its fields, looked up through
//! the one reader ([`crate::json`]), checked against the JSON types of the
//! protocol table, and errors that name the message kind and the path:
//! `result: duration_ms is a string, expected a number`.

use std::borrow::Cow;
use std::fmt;

use crate::json::{Kind, Object, Value, quote};
use crate::protocol::schema::{self, Field, Kinds};

/// An object of the line with what errors need: the message kind
/// (`result`) and the path that leads to it (`message.content[0]`).
#[derive(Clone)]
pub(super) struct Fields<'a> {
    obj: Object<'a>,
    pub kind: Cow<'static, str>,
    path: String,
}

impl<'a> Fields<'a> {
    /// The top-level object of a line.
    pub fn top(obj: Object<'a>) -> Self {
        Fields {
            obj,
            kind: Cow::Borrowed(""),
            path: String::new(),
        }
    }

    fn child(&self, obj: Object<'a>, name: &str) -> Self {
        let dot = if self.path.is_empty() { "" } else { "." };
        Fields {
            obj,
            kind: self.kind.clone(),
            path: format!("{}{dot}{name}", self.path),
        }
    }

    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.obj.get(name)
    }

    /// An error about field `name` of this object.
    pub fn at(&self, name: &str, msg: impl fmt::Display) -> String {
        let dot = if self.path.is_empty() { "" } else { "." };
        let sep = if self.kind.is_empty() { "" } else { ": " };
        format!("{}{sep}{}{dot}{name} {msg}", self.kind, self.path)
    }

    /// `name` if present, checked against `kinds`.
    pub fn opt(&self, name: &str, kinds: Kinds) -> Result<Option<Value<'a>>, String> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        if kinds & schema::bit(v.kind()) != 0 {
            return Ok(Some(v));
        }
        let msg = format_args!(
            "is {}, expected {}",
            v.kind().article(),
            schema::describe(kinds)
        );
        Err(self.at(name, msg))
    }

    /// `name`, which must be present and of `kinds`.
    pub fn req(&self, name: &str, kinds: Kinds) -> Result<Value<'a>, String> {
        self.opt(name, kinds)?.ok_or_else(|| {
            self.at(
                name,
                format_args!("is missing, expected {}", schema::describe(kinds)),
            )
        })
    }

    /// Checks one field of the table; with `values`, a string must also be
    /// one of the field's values (the CLI refuses others on input).
    fn field(&self, f: &Field, required: bool, values: bool) -> Result<(), String> {
        let v = if required {
            Some(self.req(f.name, f.kinds)?)
        } else {
            self.opt(f.name, f.kinds)?
        };
        if let (true, false, Some(v)) = (values, f.values.is_empty(), v)
            && let Some(s) = v.as_str()
        {
            self.among(f.name, &s, f.values)?;
        }
        Ok(())
    }

    /// Checks every required field, then every optional one present.
    pub fn fields(
        &self,
        required: &[Field],
        optional: &[Field],
        values: bool,
    ) -> Result<(), String> {
        for f in required {
            self.field(f, true, values)?;
        }
        for f in optional {
            self.field(f, false, values)?;
        }
        Ok(())
    }

    pub fn req_obj(&self, name: &str) -> Result<Fields<'a>, String> {
        let v = self.req(name, schema::OBJECT)?;
        Ok(self.child(v.as_object().unwrap_or(self.obj), name))
    }

    pub fn opt_obj(&self, name: &str) -> Result<Option<Fields<'a>>, String> {
        let v = self.opt(name, schema::OBJECT)?;
        Ok(v.and_then(|v| v.as_object()).map(|o| self.child(o, name)))
    }

    pub fn req_str(&self, name: &str) -> Result<Cow<'a, str>, String> {
        let v = self.req(name, schema::STRING)?;
        Ok(v.as_str().unwrap_or_default())
    }

    pub fn opt_str(&self, name: &str) -> Result<Option<Cow<'a, str>>, String> {
        Ok(self.opt(name, schema::STRING)?.and_then(|v| v.as_str()))
    }

    /// A string field that must be one of `allowed`.
    pub fn req_one_of(&self, name: &str, allowed: &[&str]) -> Result<Cow<'a, str>, String> {
        let value = self.req_str(name)?;
        self.among(name, &value, allowed)?;
        Ok(value)
    }

    pub fn opt_one_of(&self, name: &str, allowed: &[&str]) -> Result<(), String> {
        match self.opt_str(name)? {
            Some(value) => self.among(name, &value, allowed),
            None => Ok(()),
        }
    }

    fn among(&self, name: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
        if allowed.contains(&value) {
            return Ok(());
        }
        let msg = format_args!("is {}, expected {}", quote(value), list(allowed));
        Err(self.at(name, msg))
    }

    /// The elements of array `name` (when it is one), which must all be
    /// objects; an error names the first that is not.
    pub fn objects(&self, name: &str) -> Result<Vec<Fields<'a>>, String> {
        let Some(items) = self.get(name).and_then(|v| v.as_array()) else {
            return Ok(vec![]);
        };
        let mut out = Vec::new();
        for (i, item) in items.enumerate() {
            match item.as_object() {
                Some(o) => out.push(self.child(o, &format!("{name}[{i}]"))),
                None => {
                    let msg = format_args!("is {}, expected an object", item.kind().article());
                    return Err(self.at(&format!("{name}[{i}]"), msg));
                }
            }
        }
        Ok(out)
    }
}

/// True for the string `""`.
pub(super) fn is_empty_string(v: &Value<'_>) -> bool {
    v.kind() == Kind::String && v.raw() == "\"\""
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
