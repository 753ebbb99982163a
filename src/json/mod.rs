//! The one way ccpipe reads a line of JSON. Every stage reads its input
//! here, so a line gets the same verdict, and a bad line the same words,
//! from every stage.
//!
//! The rules (README: "How a line is read"):
//! - A line holds one JSON value (RFC 8259) in UTF-8, with optional
//!   whitespace around it. Invalid UTF-8 anywhere in the line is an error.
//! - Duplicate keys in an object are an error: JSON leaves their meaning
//!   open (JavaScript keeps the last, other readers the first), so such a
//!   line would mean different things to different programs.
//! - Any number the grammar allows is valid, whatever its size. Lines are
//!   passed on as written, so `1e400` keeps its digits; a stage that
//!   computes with a number uses the nearest `f64`.
//! - A `\u` escape of a lone surrogate (`"\ud800"`) is valid: JavaScript,
//!   which the CLI is written in, can write one. Decoded, it is U+FFFD.
//! - Nesting deeper than [`MAX_DEPTH`] arrays and objects is an error.
//! - No rule depends on the order of keys.
//! - An error names a column: the byte of the line it points at, counting
//!   from 1.
//!
//! How: [`Reader::read`] validates a line in one pass and indexes the
//! members of a top-level object; [`Value`] and [`Object`] then read the
//! validated text lazily, decoding only the strings that are asked for
//! (and, for display, only a prefix of a long one); [`jaq`] builds
//! cc-filter's values from it. Nothing here copies a line.

mod check;
mod decode;
pub mod jaq;
mod need;
mod scan;
mod value;

use std::fmt;

pub use check::Reader;
pub use decode::{unescape, unescape_prefix};
pub use need::{Need, Tree};
pub use scan::output_special;
pub use value::{Elements, Key, Kind, Members, Object, Value, quote};

/// Deepest nesting of arrays and objects a line may have.
pub const MAX_DEPTH: usize = 1000;

/// A line that is not JSON by the rules above, and where it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// The byte of the line the error points at, counting from 1.
    pub column: usize,
    pub reason: Reason,
}

/// Why a line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Not UTF-8.
    Utf8,
    /// Not JSON: what was expected there.
    Syntax(&'static str),
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A key that appears twice in one object (decoded, terminal-safe, cut).
    Duplicate(String),
    /// Valid JSON, but a stage that reads events needs an object.
    NotObject(Kind),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let column = self.column;
        match &self.reason {
            Reason::Utf8 => write!(f, "invalid UTF-8 at column {column}"),
            Reason::Syntax(what) => write!(f, "invalid JSON at column {column}: {what}"),
            Reason::TooDeep => write!(
                f,
                "invalid JSON at column {column}: nested deeper than {MAX_DEPTH} levels"
            ),
            Reason::Duplicate(key) => write!(f, "duplicate key {key} at column {column}"),
            Reason::NotObject(kind) => {
                write!(f, "expected a JSON object, found {}", kind.article())
            }
        }
    }
}

impl std::error::Error for JsonError {}

/// A validated line: its text, the value it holds, and the index of its
/// top-level members when that value is an object.
#[derive(Clone, Copy)]
pub struct Doc<'a> {
    text: &'a str,
    root: Value<'a>,
    top: &'a [check::Member],
    compact: bool,
}

impl<'a> Doc<'a> {
    /// The value the line holds.
    pub fn root(&self) -> Value<'a> {
        self.root
    }

    /// The top-level object, or the error every event-reading stage gives
    /// for a line that holds another kind of value.
    pub fn object(&self) -> Result<Object<'a>, JsonError> {
        match self.root.kind() {
            Kind::Object => Ok(Object::indexed(self.text, self.root.raw(), self.top)),
            kind => Err(JsonError {
                column: 1,
                reason: Reason::NotObject(kind),
            }),
        }
    }

    /// True when the line is already the compact rendering of its value (no
    /// whitespace between tokens, no escapes in keys), so a stage that would
    /// print the value unchanged may print the line instead.
    pub fn is_compact(&self) -> bool {
        self.compact
    }

    /// The whole line as text.
    pub fn text(&self) -> &'a str {
        self.text
    }
}

#[cfg(test)]
mod tests;
