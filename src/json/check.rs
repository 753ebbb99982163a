//! Validation of one line in one pass, and the index of the members of a
//! top-level object.
//!
//! Hand-written, not a crate's: no JSON crate applies these rules in one
//! pass. serde_json refuses `1e400` and lone surrogates and sees duplicate
//! keys only by building maps; sonic-rs and simd-json neither see duplicate
//! keys nor keep a lone surrogate, and simd-json needs a mutable copy of the
//! line, which doubles the memory of a huge one. UTF-8 is checked first, for
//! the whole line at once, by simdutf8; the grammar pass then works on
//! bytes, eight at a time inside strings ([`super::scan`]). Measured on the
//! generated session, this pass runs at about the speed of serde_json
//! skipping a line (`IgnoredAny`) while doing more (examples/bench).

use super::value::Value;
use super::{Doc, JsonError, MAX_DEPTH, Reason, decode, scan};

/// One member of the top-level object: byte ranges of its key (between the
/// quotes) and of its value, in the line.
#[derive(Debug, Clone, Copy)]
pub(super) struct Member {
    pub key: (usize, usize),
    pub escaped: bool,
    pub value: (usize, usize),
}

/// A key of an object being checked, for finding duplicates.
#[derive(Clone, Copy)]
struct Key {
    start: usize,
    end: usize,
    escaped: bool,
}

/// Reads lines by the rules of [`super`]; reusable, so the scratch lists
/// it keeps are allocated once per stage, not once per line.
#[derive(Default)]
pub struct Reader {
    keys: Vec<Key>,
    top: Vec<Member>,
}

type R<T> = Result<T, JsonError>;

impl Reader {
    /// Validates `line` (without its newline) and indexes it.
    pub fn read<'a>(&'a mut self, line: &'a [u8]) -> R<Doc<'a>> {
        let text = utf8(line)?;
        self.keys.clear();
        self.top.clear();
        let mut c = Check {
            b: line,
            i: 0,
            depth: 0,
            compact: true,
            keys: &mut self.keys,
            top: &mut self.top,
        };
        let first = c.ws().ok_or_else(|| c.err("expected a JSON value"))?;
        let start = c.i;
        c.value(first)?;
        let end = c.i;
        if c.ws().is_some() {
            return Err(c.err("unexpected data after the JSON value"));
        }
        let compact = c.compact;
        if self.keys.capacity() > 1 << 16 {
            self.keys = Vec::new();
        }
        Ok(Doc {
            text,
            root: Value::new(&text[start..end]),
            top: &self.top,
            compact,
        })
    }
}

/// The line as text, or the column where its UTF-8 breaks.
fn utf8(line: &[u8]) -> R<&str> {
    simdutf8::basic::from_utf8(line).map_err(|_| {
        // The fast check says only "no"; std's says where.
        let at = std::str::from_utf8(line)
            .err()
            .map_or(0, |e| e.valid_up_to());
        JsonError {
            column: at + 1,
            reason: Reason::Utf8,
        }
    })
}

struct Check<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
    compact: bool,
    keys: &'a mut Vec<Key>,
    top: &'a mut Vec<Member>,
}

impl Check<'_> {
    fn err(&self, what: &'static str) -> JsonError {
        JsonError {
            column: self.i.min(self.b.len()) + 1,
            reason: Reason::Syntax(what),
        }
    }

    /// Skips whitespace; the next byte, not consumed.
    #[inline]
    fn ws(&mut self) -> Option<u8> {
        loop {
            let c = *self.b.get(self.i)?;
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(c);
            }
            self.compact = false;
            self.i += 1;
        }
    }

    fn value(&mut self, c: u8) -> R<()> {
        match c {
            b'"' => self.string().map(drop),
            b'{' => self.object(),
            b'[' => self.array(),
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => Err(self.err("expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.err("invalid literal (expected true, false or null)"))
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(JsonError {
                column: self.i + 1,
                reason: Reason::TooDeep,
            });
        }
        Ok(())
    }

    fn object(&mut self) -> R<()> {
        self.enter()?;
        let top_level = self.depth == 1;
        self.i += 1;
        let base = self.keys.len();
        match self.ws() {
            Some(b'}') => self.i += 1,
            Some(b'"') => loop {
                let start = self.i + 1;
                let escaped = self.string()?;
                let key = Key {
                    start,
                    end: self.i - 1,
                    escaped,
                };
                self.compact &= !escaped;
                self.keys.push(key);
                if self.ws() != Some(b':') {
                    return Err(self.err("expected ':' after an object key"));
                }
                self.i += 1;
                let c = self
                    .ws()
                    .ok_or_else(|| self.err("expected a value after ':'"))?;
                let value_start = self.i;
                self.value(c)?;
                if top_level {
                    self.top.push(Member {
                        key: (key.start, key.end),
                        escaped,
                        value: (value_start, self.i),
                    });
                }
                match self.ws() {
                    Some(b',') => {
                        self.i += 1;
                        if self.ws() != Some(b'"') {
                            return Err(self.err("expected a string key after ','"));
                        }
                    }
                    Some(b'}') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.err("expected ',' or '}' after an object member")),
                }
            },
            _ => return Err(self.err("expected a string key or '}'")),
        }
        let dup = duplicate(self.b, &mut self.keys[base..]);
        self.keys.truncate(base);
        if let Some(key) = dup {
            return Err(JsonError {
                column: key.start,
                reason: Reason::Duplicate(super::value::quote(&key_text(self.b, key))),
            });
        }
        self.depth -= 1;
        Ok(())
    }

    fn array(&mut self) -> R<()> {
        self.enter()?;
        self.i += 1;
        let mut c = self
            .ws()
            .ok_or_else(|| self.err("expected a value or ']'"))?;
        if c == b']' {
            self.i += 1;
        } else {
            loop {
                self.value(c)?;
                match self.ws() {
                    Some(b',') => {
                        self.i += 1;
                        c = self
                            .ws()
                            .ok_or_else(|| self.err("expected a value after ','"))?;
                    }
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.err("expected ',' or ']' after an array element")),
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// A string at its opening quote; returns whether it holds escapes.
    fn string(&mut self) -> R<bool> {
        let mut j = self.i + 1;
        let mut escaped = false;
        loop {
            j += scan::string_special(&self.b[j..]);
            match self.b.get(j) {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    j = self.escape(j)?;
                }
                Some(_) => {
                    self.i = j;
                    return Err(self.err("unescaped control character in string"));
                }
                None => {
                    self.i = j;
                    return Err(self.err("unterminated string"));
                }
            }
        }
        self.i = j + 1;
        Ok(escaped)
    }

    /// The escape at `j` (a backslash): the index after it.
    fn escape(&mut self, j: usize) -> R<usize> {
        match self.b.get(j + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(j + 2),
            Some(b'u') => match self.b.get(j + 2..j + 6) {
                Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => Ok(j + 6),
                _ => {
                    self.i = j;
                    Err(self.err("invalid \\u escape (expected 4 hex digits)"))
                }
            },
            Some(_) => {
                self.i = j;
                Err(self.err("invalid escape in string"))
            }
            None => {
                self.i = j + 1;
                Err(self.err("unterminated string"))
            }
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - from
    }

    fn number(&mut self) -> R<()> {
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("expected a digit")),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.err("expected a digit after '.'"));
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("expected a digit in the exponent"));
            }
        }
        Ok(())
    }
}

/// The decoded text of a key.
fn key_text(b: &[u8], k: Key) -> std::borrow::Cow<'_, str> {
    // Validated: UTF-8 and well-formed escapes.
    let raw = std::str::from_utf8(&b[k.start..k.end]).unwrap_or_default();
    if k.escaped {
        decode::unescape(raw)
    } else {
        raw.into()
    }
}

/// The later of two equal keys of one object, if any. Keys are compared
/// decoded (`"a"` and `"\u0061"` are the same key).
fn duplicate(b: &[u8], keys: &mut [Key]) -> Option<Key> {
    if keys.len() < 2 {
        return None;
    }
    let raw = |k: &Key| &b[k.start..k.end];
    let any_escaped = keys.iter().any(|k| k.escaped);
    if !any_escaped && keys.len() <= 12 {
        for (n, k) in keys.iter().enumerate() {
            if let Some(o) = keys[n + 1..].iter().find(|o| raw(o) == raw(k)) {
                return Some(*o);
            }
        }
        return None;
    }
    let mut named: Vec<(std::borrow::Cow<'_, str>, Key)> =
        keys.iter().map(|&k| (key_text(b, k), k)).collect();
    named.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.start.cmp(&y.1.start)));
    named.windows(2).find(|w| w[0].0 == w[1].0).map(|w| w[1].1)
}
