//! One line of JSON text straight into a jaq value, without an intermediate tree.
//!
//! Promises: strict JSON (RFC 8259) with one value per line; strings without
//! escapes share the line's buffer instead of being copied; nesting deeper than
//! [`MAX_DEPTH`] is an error, not a stack overflow. The parser also reports
//! whether the line is *compact* (no whitespace between tokens, no duplicate
//! keys), in which case the line itself is a faithful compact rendering of the
//! value and may be written out verbatim.

use std::fmt;

use bytes::Bytes;
use jaq_json::{Map, Num, Rc, Val};

use super::scan;

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 1000;

/// Why a line is not JSON, and where (0-based byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub reason: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.reason, self.offset + 1)
    }
}

/// A parsed line.
pub struct Parsed {
    pub value: Val,
    /// The line is the compact JSON text of `value`.
    pub compact: bool,
}

/// Reusable parser: keeps its scratch stacks between lines.
#[derive(Default)]
pub struct Parser {
    pairs: Vec<(Val, Val)>,
    items: Vec<Val>,
    scratch: Vec<u8>,
}

impl Parser {
    /// Parses exactly one JSON value from `line` (surrounding whitespace allowed).
    pub fn parse(&mut self, line: &[u8]) -> Result<Parsed, ParseError> {
        let src = Bytes::copy_from_slice(line);
        let mut cur = Cursor {
            src: &src,
            b: &src[..],
            i: 0,
            compact: true,
            depth: 0,
            st: self,
        };
        let first = cur
            .ws()
            .ok_or(cur.err("empty input, expected a JSON value"))?;
        let value = cur.value(first)?;
        if cur.ws().is_some() {
            return Err(cur.err("unexpected data after the JSON value"));
        }
        let compact = cur.compact;
        // Keep the stacks small after an unusually wide value.
        if self.items.capacity() > 4096 {
            self.items = Vec::new();
        }
        if self.pairs.capacity() > 4096 {
            self.pairs = Vec::new();
        }
        if self.scratch.capacity() > 1 << 20 {
            self.scratch = Vec::new();
        }
        Ok(Parsed { value, compact })
    }
}

pub(super) struct Cursor<'p> {
    pub(super) src: &'p Bytes,
    pub(super) b: &'p [u8],
    pub(super) i: usize,
    pub(super) compact: bool,
    pub(super) depth: usize,
    pub(super) st: &'p mut Parser,
}

type R<T> = Result<T, ParseError>;

impl Cursor<'_> {
    fn err(&self, reason: &'static str) -> ParseError {
        ParseError {
            offset: self.i.min(self.b.len()),
            reason,
        }
    }

    /// Skips whitespace and returns the next byte without consuming it.
    #[inline]
    pub(super) fn ws(&mut self) -> Option<u8> {
        loop {
            let c = *self.b.get(self.i)?;
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(c);
            }
            self.compact = false;
            self.i += 1;
        }
    }

    pub(super) fn value(&mut self, c: u8) -> R<Val> {
        match c {
            b'"' => self.string(),
            b'{' => self.object(),
            b'[' => self.array(),
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal(b"true", Val::Bool(true)),
            b'f' => self.literal(b"false", Val::Bool(false)),
            b'n' => self.literal(b"null", Val::Null),
            _ => Err(self.err("expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &'static [u8], v: Val) -> R<Val> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal (expected true, false or null)"))
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nesting too deep (more than 1000 levels)"));
        }
        Ok(())
    }

    fn object(&mut self) -> R<Val> {
        self.enter()?;
        self.i += 1;
        let base = self.st.pairs.len();
        let result = self.members();
        let pairs = self.st.pairs.drain(base..);
        result?;
        let mut map = Map::with_capacity_and_hasher(pairs.len(), Default::default());
        let mut dup = false;
        for (k, v) in pairs {
            dup |= map.insert(k, v).is_some();
        }
        self.compact &= !dup;
        self.depth -= 1;
        Ok(Val::obj(map))
    }

    fn members(&mut self) -> R<()> {
        match self.ws() {
            Some(b'}') => {
                self.i += 1;
                return Ok(());
            }
            Some(b'"') => {}
            _ => return Err(self.err("expected a string key or '}'")),
        }
        loop {
            let key = self.string()?;
            if self.ws() != Some(b':') {
                return Err(self.err("expected ':' after an object key"));
            }
            self.i += 1;
            let c = self.ws().ok_or(self.err("expected a value after ':'"))?;
            let v = self.value(c)?;
            self.st.pairs.push((key, v));
            match self.ws() {
                Some(b',') => {
                    self.i += 1;
                    if self.ws() != Some(b'"') {
                        return Err(self.err("expected a string key after ','"));
                    }
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.err("expected ',' or '}' after an object member")),
            }
        }
    }

    fn array(&mut self) -> R<Val> {
        self.enter()?;
        self.i += 1;
        let base = self.st.items.len();
        let result = self.elements();
        let items: Vec<Val> = self.st.items.drain(base..).collect();
        result?;
        self.depth -= 1;
        Ok(Val::Arr(Rc::new(items)))
    }

    fn elements(&mut self) -> R<()> {
        let mut c = self.ws().ok_or(self.err("expected a value or ']'"))?;
        if c == b']' {
            self.i += 1;
            return Ok(());
        }
        loop {
            let v = self.value(c)?;
            self.st.items.push(v);
            match self.ws() {
                Some(b',') => {
                    self.i += 1;
                    c = self.ws().ok_or(self.err("expected a value after ','"))?;
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.err("expected ',' or ']' after an array element")),
            }
        }
    }

    /// A string starting at the opening quote at `self.i`.
    fn string(&mut self) -> R<Val> {
        let start = self.i + 1;
        let mut j = start + scan::string_special(&self.b[start..]);
        match self.b.get(j) {
            Some(b'"') => {
                self.i = j + 1;
                return Ok(Val::utf8_str(self.src.slice(start..j)));
            }
            Some(b'\\') => {}
            Some(_) => {
                self.i = j;
                return Err(self.err("unescaped control character in string"));
            }
            None => {
                self.i = j;
                return Err(self.err("unterminated string"));
            }
        }
        let mut out = std::mem::take(&mut self.st.scratch);
        out.clear();
        out.extend_from_slice(&self.b[start..j]);
        let result = loop {
            match self.b.get(j) {
                Some(b'"') => break Ok(()),
                Some(b'\\') => {
                    self.i = j;
                    match self.escape(&mut out) {
                        Ok(next) => j = next,
                        Err(e) => break Err(e),
                    }
                }
                Some(_) => {
                    self.i = j;
                    break Err(self.err("unescaped control character in string"));
                }
                None => {
                    self.i = j;
                    break Err(self.err("unterminated string"));
                }
            }
            let k = j + scan::string_special(&self.b[j..]);
            out.extend_from_slice(&self.b[j..k]);
            j = k;
        };
        let v = result.map(|()| Val::utf8_str(out.clone()));
        self.st.scratch = out;
        self.i = j + 1;
        v
    }

    /// Decodes the escape at `self.i` (a backslash) into `out`; returns the index after it.
    fn escape(&mut self, out: &mut Vec<u8>) -> R<usize> {
        let i = self.i;
        let c = *self.b.get(i + 1).ok_or(self.err("unterminated string"))?;
        let simple = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unicode(out),
            _ => return Err(self.err("invalid escape in string")),
        };
        out.push(simple);
        Ok(i + 2)
    }

    /// `\uXXXX`, possibly a surrogate pair; a lone surrogate becomes U+FFFD.
    fn unicode(&mut self, out: &mut Vec<u8>) -> R<usize> {
        let i = self.i;
        let hi = self.hex4(i + 2)?;
        let mut next = i + 6;
        let c = if (0xD800..0xDC00).contains(&hi) {
            let lo = match self.b.get(next..next + 2) {
                Some(b"\\u") => Some(self.hex4(next + 2)?),
                _ => None,
            };
            match lo {
                Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                    next += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                }
                _ => None,
            }
        } else {
            char::from_u32(hi)
        };
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(next)
    }

    fn hex4(&mut self, at: usize) -> R<u32> {
        let digits = self.b.get(at..at + 4).ok_or_else(|| {
            self.i = at;
            self.err("incomplete \\u escape")
        })?;
        let mut n = 0;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => {
                    self.i = at;
                    return Err(self.err("invalid \\u escape"));
                }
            };
            n = n * 16 + u32::from(v);
        }
        Ok(n)
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - from
    }

    fn number(&mut self) -> R<Val> {
        let start = self.i;
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
        let int_end = self.i;
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
        let text = &self.b[start..self.i];
        // The grammar above admits ASCII only.
        let text = std::str::from_utf8(text).map_err(|_| self.err("invalid number"))?;
        if int_end == self.i {
            if text.len() <= 18 {
                let (neg, digits) = match text.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, text),
                };
                let n = digits
                    .bytes()
                    .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
                let n = if neg { -n } else { n };
                if let Ok(n) = isize::try_from(n) {
                    return Ok(Val::Num(Num::Int(n)));
                }
            }
            if let Some(n) = Num::from_str_radix(text, 10) {
                return Ok(Val::Num(n));
            }
        }
        Ok(Val::Num(Num::Dec(Rc::new(text.to_owned()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<(String, bool), ParseError> {
        let p = Parser::default().parse(s.as_bytes())?;
        Ok((p.value.to_string(), p.compact))
    }

    #[test]
    fn values_and_compactness() {
        assert!(parse(r#"{"a":[1,-2,3.5e1,true,null],"b":"x"}"#).unwrap().1);
        assert_eq!(parse(r#"{"a": 1}"#).unwrap(), (r#"{"a":1}"#.into(), false));
        assert_eq!(
            parse(r#"{"a":1,"a":2}"#).unwrap(),
            (r#"{"a":2}"#.into(), false)
        );
        assert_eq!(parse(" 7 ").unwrap(), ("7".into(), false));
        assert_eq!(
            parse("12345678901234567890").unwrap().0,
            "12345678901234567890"
        );
    }

    #[test]
    fn escapes() {
        let (s, _) = parse(r#""a\n\"\u00e9\ud83d\ude00\ud800x\/""#).unwrap();
        assert_eq!(s, "\"a\\n\\\"é😀\u{fffd}x/\"");
    }

    #[test]
    fn errors_name_the_column() {
        let e = parse(r#"{"a":1,}"#).unwrap_err();
        assert_eq!(e.to_string(), "expected a string key after ',' at column 8");
        assert!(parse("[1 2]").is_err());
        assert!(parse("\"a\tb\"").is_err());
        assert!(parse("01").is_err());
        assert!(parse("{} {}").is_err());
        assert!(parse("\"abc").is_err());
        assert!(parse("tru").is_err());
        assert!(parse(&"[".repeat(MAX_DEPTH + 1)).is_err());
    }
}
