//! Reading a validated line lazily: a [`Value`] is the exact text of one
//! JSON value, and only what a stage asks for is looked at. Members of the
//! top-level object come from the index [`super::Reader`] made; deeper
//! objects and arrays are walked on demand, skipping values with `memchr`
//! (the text is known to be valid, so the walk never errs).

use std::borrow::Cow;

use super::check::Member;
use super::decode::{unescape, unescape_prefix};
use crate::sanitize;

/// The JSON type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    /// The type of a valid value from its first byte.
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

    /// `null`, `a string`, `an object`...: for messages.
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

/// One JSON value of a validated line: its exact text.
#[derive(Debug, Clone, Copy)]
pub struct Value<'a> {
    raw: &'a str,
}

impl<'a> Value<'a> {
    pub(super) fn new(raw: &'a str) -> Self {
        Value { raw }
    }

    /// The value's JSON text, as written in the line.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    pub fn kind(&self) -> Kind {
        self.raw
            .as_bytes()
            .first()
            .map_or(Kind::Null, |&b| Kind::of_first(b))
    }

    pub fn is_null(&self) -> bool {
        self.raw == "null"
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.raw {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The string's inside as written (escapes not resolved), when it is one.
    fn inner(&self) -> Option<&'a str> {
        self.raw.strip_prefix('"')?.strip_suffix('"')
    }

    /// The decoded string, when it is one (borrowed when it has no escapes).
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        self.inner().map(unescape)
    }

    /// The first `max` bytes of the decoded string, and whether it is longer:
    /// for showing part of a huge string without decoding all of it.
    pub fn as_str_prefix(&self, max: usize) -> Option<(Cow<'a, str>, bool)> {
        self.inner().map(|s| unescape_prefix(s, max))
    }

    /// True when this is the string `s` (compared decoded).
    pub fn is_str(&self, s: &str) -> bool {
        match self.inner() {
            Some(inner) if !inner.contains('\\') => inner == s,
            Some(inner) => unescape(inner) == s,
            None => false,
        }
    }

    /// The number, as the nearest `f64` (`1e400` is infinite).
    pub fn as_f64(&self) -> Option<f64> {
        (self.kind() == Kind::Number).then(|| self.raw.parse().ok())?
    }

    /// The number, when it is a whole number that fits.
    pub fn as_u64(&self) -> Option<u64> {
        if self.kind() != Kind::Number {
            return None;
        }
        self.raw.parse().ok().or_else(|| {
            let f = self.as_f64()?;
            (f.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&f)).then_some(f as u64)
        })
    }

    pub fn as_i64(&self) -> Option<i64> {
        if self.kind() != Kind::Number {
            return None;
        }
        self.raw.parse().ok().or_else(|| {
            let f = self.as_f64()?;
            (f.fract() == 0.0 && f.abs() <= i64::MAX as f64).then_some(f as i64)
        })
    }

    pub fn as_object(&self) -> Option<Object<'a>> {
        (self.kind() == Kind::Object).then_some(Object {
            raw: self.raw,
            index: None,
        })
    }

    /// The elements, when this is an array.
    pub fn as_array(&self) -> Option<Elements<'a>> {
        (self.kind() == Kind::Array).then(|| Elements {
            text: self.raw,
            i: ws(self.raw.as_bytes(), 1),
        })
    }

    /// Member `key`, when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        self.as_object()?.get(key)
    }
}

/// A key as written between its quotes.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    inner: &'a str,
    escaped: bool,
}

impl<'a> Key<'a> {
    pub fn as_str(&self) -> Cow<'a, str> {
        if self.escaped {
            unescape(self.inner)
        } else {
            Cow::Borrowed(self.inner)
        }
    }

    /// True when the key, decoded, is `name`.
    #[inline]
    pub fn is(&self, name: &str) -> bool {
        if self.escaped {
            unescape(self.inner) == name
        } else {
            self.inner.len() == name.len() && self.inner == name
        }
    }
}

/// A JSON object of a validated line. Lookups find the one member of a
/// name (a line with duplicate keys never validates).
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    raw: &'a str,
    /// The members of the line's top-level object, as ranges of `raw`'s line.
    index: Option<(&'a str, &'a [Member])>,
}

impl<'a> Object<'a> {
    pub(super) fn indexed(line: &'a str, raw: &'a str, top: &'a [Member]) -> Self {
        Object {
            raw,
            index: Some((line, top)),
        }
    }

    /// The object's JSON text.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    pub fn as_value(&self) -> Value<'a> {
        Value::new(self.raw)
    }

    /// Member `key`.
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        self.members().find(|(k, _)| k.is(key)).map(|(_, v)| v)
    }

    /// Member `key` when it is a string, decoded.
    pub fn str(&self, key: &str) -> Option<Cow<'a, str>> {
        self.get(key)?.as_str()
    }

    /// Member `key` when it is a number.
    pub fn f64(&self, key: &str) -> Option<f64> {
        self.get(key)?.as_f64()
    }

    /// Member `key` when it is a boolean.
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.get(key)?.as_bool()
    }

    /// Member `key` when it is an object.
    pub fn object(&self, key: &str) -> Option<Object<'a>> {
        self.get(key)?.as_object()
    }

    /// Member `key` when it is an array.
    pub fn array(&self, key: &str) -> Option<Elements<'a>> {
        self.get(key)?.as_array()
    }

    /// The members in line order.
    pub fn members(&self) -> Members<'a> {
        match self.index {
            Some((line, top)) => Members(Walk::Indexed { line, top, n: 0 }),
            None => Members(Walk::Raw {
                text: self.raw,
                i: ws(self.raw.as_bytes(), 1),
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.members().next().is_none()
    }
}

/// The members of an [`Object`].
pub struct Members<'a>(Walk<'a>);

enum Walk<'a> {
    Indexed {
        line: &'a str,
        top: &'a [Member],
        n: usize,
    },
    Raw {
        text: &'a str,
        i: usize,
    },
}

impl<'a> Iterator for Members<'a> {
    type Item = (Key<'a>, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Walk::Indexed { line, top, n } => {
                let m = top.get(*n)?;
                *n += 1;
                let key = Key {
                    inner: line.get(m.key.0..m.key.1)?,
                    escaped: m.escaped,
                };
                Some((key, Value::new(line.get(m.value.0..m.value.1)?)))
            }
            Walk::Raw { text, i } => {
                let b = text.as_bytes();
                if b.get(*i) != Some(&b'"') {
                    *i = b.len();
                    return None;
                }
                let k_end = skip_string(b, *i);
                let colon = ws(b, k_end);
                let v = ws(b, colon + 1);
                let v_end = skip_value(b, v);
                let inner = text.get(*i + 1..k_end - 1)?;
                let key = Key {
                    inner,
                    escaped: inner.contains('\\'),
                };
                let value = Value::new(text.get(v..v_end)?);
                *i = next_item(b, v_end);
                Some((key, value))
            }
        }
    }
}

/// The elements of a JSON array of a validated line.
#[derive(Debug, Clone)]
pub struct Elements<'a> {
    text: &'a str,
    i: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        let b = self.text.as_bytes();
        if matches!(b.get(self.i), None | Some(b']')) {
            self.i = b.len();
            return None;
        }
        let end = skip_value(b, self.i);
        let v = Value::new(self.text.get(self.i..end)?);
        self.i = next_item(b, end);
        Some(v)
    }
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[i]` is `"`: the index just past the closing quote. One `memchr` per
/// quote, not per escape: a quote ends the string unless an odd number of
/// backslashes comes before it, so text dense with `\n` is skipped at
/// memchr's speed.
fn skip_string(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(k) = memchr::memchr(b'"', b.get(j..).unwrap_or_default()) {
        let q = j + k;
        let backslashes = b[j..q].iter().rev().take_while(|&&c| c == b'\\').count();
        if backslashes % 2 == 0 {
            return q + 1;
        }
        j = q + 1;
    }
    b.len()
}

/// The index just past the value that starts at `b[i]`.
fn skip_value(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            // Outside strings only brackets matter; strings are skipped whole.
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j
        }
    }
}

/// After a member or element: past the `,`, or to the end on the closer.
fn next_item(b: &[u8], i: usize) -> usize {
    let i = ws(b, i);
    match b.get(i) {
        Some(b',') => ws(b, i + 1),
        _ => b.len(),
    }
}

/// A value for a message: JSON-quoted, cut to 60 characters, terminal-safe.
pub fn quote(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    let mut q = serde_json::to_string(&cut).unwrap_or_default();
    if cut.len() < s.len() {
        q.push('…');
    }
    sanitize::clean(&q).into_owned()
}
