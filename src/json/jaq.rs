//! cc-filter's values (jaq's [`Val`]), built from a line that
//! [`super::Reader`] has validated, so building cannot fail and follows
//! the same rules: a lone surrogate becomes U+FFFD, and a number too big
//! for a machine integer keeps its digits (jaq's decimal numbers print as
//! written).
//!
//! Strings without escapes share one copy of the line instead of being
//! copied one by one; a value built from a few members copies only theirs.

use bytes::Bytes;
use jaq_json::{Map, Num, Rc, Val};

use super::{Doc, Need, Object, Value, decode, scan};

/// Builds values; reusable, so its scratch lists are allocated once.
#[derive(Default)]
pub struct Builder {
    pairs: Vec<(Val, Val)>,
    items: Vec<Val>,
}

impl Builder {
    /// The value of a whole line.
    pub fn line(&mut self, doc: &Doc<'_>) -> Val {
        self.value(doc.root())
    }

    /// One value (its text is copied once, and its strings share the copy).
    pub fn value(&mut self, v: Value<'_>) -> Val {
        let src = Bytes::copy_from_slice(v.raw().as_bytes());
        let v = Cursor {
            src: &src,
            i: 0,
            st: self,
        }
        .value();
        self.shrink();
        v
    }

    /// The parts of `v` that `need` asks for (see `filter::demand`):
    /// members it does not name are left out, containers it needs only the
    /// kind of are built empty, scalars whole.
    pub fn needed(&mut self, v: Value<'_>, need: &Need) -> Val {
        let Need::Part(tree) = need else {
            return self.value(v);
        };
        if let Some(obj) = v.as_object() {
            let mut map = Map::default();
            for (k, member) in obj.members() {
                let key = k.as_str();
                let own = tree.keys.get(key.as_ref());
                let merged;
                let need = match (own, &tree.each) {
                    (Some(a), Some(e)) => {
                        merged = a.merged(e);
                        &merged
                    }
                    (Some(a), None) => a,
                    (None, Some(e)) => e,
                    (None, None) => continue,
                };
                let value = self.needed(member, need);
                map.insert(Val::utf8_str(key.into_owned()), value);
            }
            return Val::obj(map);
        }
        if let Some(items) = v.as_array() {
            let built: Vec<Val> = match &tree.each {
                Some(each) => items.map(|item| self.needed(item, each)).collect(),
                None => Vec::new(),
            };
            return Val::Arr(Rc::new(built));
        }
        self.value(v)
    }

    /// An object of the members of `obj` whose keys are in `wanted`: for
    /// expressions that read only a few top-level members.
    pub fn members<S: AsRef<str>>(&mut self, obj: Object<'_>, wanted: &[S]) -> Val {
        let mut map = Map::default();
        for (k, v) in obj.members() {
            if wanted.iter().any(|w| k.is(w.as_ref())) {
                let key = Val::utf8_str(k.as_str().into_owned());
                let value = self.value(v);
                map.insert(key, value);
            }
        }
        Val::obj(map)
    }

    /// Keeps the scratch lists small after an unusually wide value.
    fn shrink(&mut self) {
        if self.items.capacity() > 4096 {
            self.items = Vec::new();
        }
        if self.pairs.capacity() > 4096 {
            self.pairs = Vec::new();
        }
    }
}

struct Cursor<'p> {
    src: &'p Bytes,
    i: usize,
    st: &'p mut Builder,
}

impl Cursor<'_> {
    fn b(&self) -> &[u8] {
        self.src
    }

    /// The next byte after whitespace, not consumed.
    fn ws(&mut self) -> u8 {
        while let Some(&c) = self.src.get(self.i) {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                return c;
            }
            self.i += 1;
        }
        0
    }

    fn value(&mut self) -> Val {
        match self.ws() {
            b'"' => self.string(),
            b'{' => self.object(),
            b'[' => self.array(),
            b't' => {
                self.i += 4;
                Val::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Val::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Val::Null
            }
            _ => self.number(),
        }
    }

    fn object(&mut self) -> Val {
        self.i += 1;
        let base = self.st.pairs.len();
        if self.ws() == b'}' {
            self.i += 1;
        } else {
            loop {
                self.ws();
                let key = self.string();
                self.ws();
                self.i += 1; // ':'
                let value = self.value();
                self.st.pairs.push((key, value));
                let c = self.ws();
                self.i += 1;
                if c != b',' {
                    break;
                }
            }
        }
        let pairs = self.st.pairs.drain(base..);
        let mut map = Map::with_capacity_and_hasher(pairs.len(), Default::default());
        map.extend(pairs);
        Val::obj(map)
    }

    fn array(&mut self) -> Val {
        self.i += 1;
        let base = self.st.items.len();
        if self.ws() == b']' {
            self.i += 1;
        } else {
            loop {
                let v = self.value();
                self.st.items.push(v);
                let c = self.ws();
                self.i += 1;
                if c != b',' {
                    break;
                }
            }
        }
        let items: Vec<Val> = self.st.items.drain(base..).collect();
        Val::Arr(Rc::new(items))
    }

    /// The string at the opening quote at `self.i`.
    fn string(&mut self) -> Val {
        let start = self.i + 1;
        let mut j = start;
        let mut escaped = false;
        loop {
            j += scan::string_special(&self.b()[j..]);
            match self.b().get(j) {
                Some(b'\\') => {
                    escaped = true;
                    j += 2;
                }
                _ => break,
            }
        }
        self.i = j + 1;
        if !escaped {
            return Val::utf8_str(self.src.slice(start..j));
        }
        // Validated UTF-8 with well-formed escapes.
        let inner = std::str::from_utf8(&self.b()[start..j]).unwrap_or_default();
        Val::utf8_str(decode::unescape(inner).into_owned())
    }

    fn number(&mut self) -> Val {
        let start = self.i;
        let src = self.src;
        let b: &[u8] = src;
        let mut j = start;
        let mut int = true;
        while let Some(&c) = b.get(j) {
            match c {
                b'0'..=b'9' | b'-' | b'+' => {}
                b'.' | b'e' | b'E' => int = false,
                _ => break,
            }
            j += 1;
        }
        self.i = j;
        let text = std::str::from_utf8(&b[start..j]).unwrap_or("0");
        if int {
            if text.len() <= 18
                && let Ok(n) = text.parse::<isize>()
            {
                return Val::Num(Num::Int(n));
            }
            if let Some(n) = Num::from_str_radix(text, 10) {
                return Val::Num(n);
            }
        }
        Val::Num(Num::Dec(Rc::new(text.to_owned())))
    }
}

/// The jaq value of one JSON text (a command-line value, a test input).
pub fn parse(text: &[u8]) -> Result<Val, super::JsonError> {
    let mut reader = super::Reader::default();
    let doc = reader.read(text)?;
    Ok(Builder::default().line(&doc))
}
