//! JSON value types as the validators see them, what a field may hold, and
//! how values are quoted in messages (cut short and made terminal-safe).

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
    /// The type of a valid JSON text.
    pub fn of(raw: &str) -> Kind {
        let first = raw.trim_start().as_bytes().first();
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
    pub fn accepts(self, k: Kind) -> bool {
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

    pub fn describe(self) -> &'static str {
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
