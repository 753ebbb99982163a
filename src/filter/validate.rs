//! Checking that a line is JSON without building a value.
//!
//! Promises: accepts exactly what [`super::parse::Parser`] accepts (so a line
//! it passes never fails to parse later), allocates nothing per line, and says
//! whether the line is already the compact JSON of its value (no whitespace
//! between tokens, no duplicate keys, no escapes in keys), in which case it may
//! be copied to the output as it is.

use super::parse::MAX_DEPTH;
use super::scan;

/// Reusable checker: keeps the key stack used to spot duplicate keys.
#[derive(Default)]
pub struct Validator {
    keys: Vec<(usize, usize)>,
}

impl Validator {
    /// `Some(compact)` when `line` is one valid JSON value, `None` when not.
    pub fn check(&mut self, line: &[u8]) -> Option<bool> {
        self.keys.clear();
        let mut v = Check {
            b: line,
            i: 0,
            compact: true,
            depth: 0,
            keys: &mut self.keys,
        };
        let c = v.ws()?;
        v.value(c)?;
        if v.ws().is_some() {
            return None;
        }
        Some(v.compact)
    }
}

impl Validator {
    /// Checks the one value that starts at `line[at]` (after whitespace);
    /// returns the index after it, or `None` when it is not valid JSON.
    pub fn skip(&mut self, line: &[u8], at: usize) -> Option<usize> {
        self.keys.clear();
        let mut v = Check {
            b: line,
            i: at,
            compact: true,
            depth: 1,
            keys: &mut self.keys,
        };
        let c = v.ws()?;
        v.value(c)?;
        Some(v.i)
    }
}

struct Check<'a> {
    b: &'a [u8],
    i: usize,
    compact: bool,
    depth: usize,
    keys: &'a mut Vec<(usize, usize)>,
}

impl Check<'_> {
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

    fn value(&mut self, c: u8) -> Option<()> {
        match c {
            b'"' => self.string().map(drop),
            b'{' => self.object(),
            b'[' => self.array(),
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    fn object(&mut self) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        let base = self.keys.len();
        match self.ws()? {
            b'}' => self.i += 1,
            b'"' => loop {
                let start = self.i;
                if self.string()? {
                    self.compact = false;
                }
                self.keys.push((start, self.i));
                if self.ws()? != b':' {
                    return None;
                }
                self.i += 1;
                let c = self.ws()?;
                self.value(c)?;
                match self.ws()? {
                    b',' => {
                        self.i += 1;
                        if self.ws()? != b'"' {
                            return None;
                        }
                    }
                    b'}' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            },
            _ => return None,
        }
        if self.compact && self.has_duplicates(base) {
            self.compact = false;
        }
        self.keys.truncate(base);
        self.depth -= 1;
        Some(())
    }

    /// True when two keys of the object whose keys start at `base` are equal.
    fn has_duplicates(&mut self, base: usize) -> bool {
        let b = self.b;
        let keys = &mut self.keys[base..];
        let text = |(s, e): (usize, usize)| &b[s..e];
        if keys.len() <= 12 {
            return keys
                .iter()
                .enumerate()
                .any(|(n, &k)| keys[n + 1..].iter().any(|&o| text(o) == text(k)));
        }
        keys.sort_unstable_by(|&x, &y| text(x).cmp(text(y)));
        keys.windows(2).any(|w| text(w[0]) == text(w[1]))
    }

    fn array(&mut self) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        let mut c = self.ws()?;
        if c == b']' {
            self.i += 1;
        } else {
            loop {
                self.value(c)?;
                match self.ws()? {
                    b',' => {
                        self.i += 1;
                        c = self.ws()?;
                    }
                    b']' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// A string at its opening quote; returns whether it held escapes.
    fn string(&mut self) -> Option<bool> {
        let mut j = self.i + 1;
        let mut escaped = false;
        loop {
            j += scan::string_special(&self.b[j..]);
            match *self.b.get(j)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    j = self.escape(j)?;
                }
                _ => return None,
            }
        }
        self.i = j + 1;
        Some(escaped)
    }

    /// The escape at `j` (a backslash): returns the index after it.
    fn escape(&self, j: usize) -> Option<usize> {
        match *self.b.get(j + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(j + 2),
            b'u' => {
                let hex = self.b.get(j + 2..j + 6)?;
                hex.iter().all(u8::is_ascii_hexdigit).then_some(j + 6)
            }
            _ => None,
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - from
    }

    fn number(&mut self) -> Option<()> {
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::Parser;
    use super::*;

    /// The checker and the parser agree on validity, and on compactness.
    #[test]
    fn agrees_with_the_parser() {
        let cases = [
            r#"{"a":[1,-2,3.5e1,true,null],"b":"x\"y\u00e9"}"#,
            r#"{"a": 1}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"a":0}"#,
            "[1,2]",
            " 7",
            "[1 2]",
            "{\"a\":1,}",
            "\"a\tb\"",
            "01",
            "\"\\x\"",
            "\"\\u12g4\"",
            "-",
            "1.",
            "1e",
            "tru",
            "{}{}",
            "",
        ];
        for case in cases {
            let parsed = Parser::default()
                .parse(case.as_bytes())
                .ok()
                .map(|p| p.compact);
            let checked = Validator::default().check(case.as_bytes());
            // The checker may call a compact line non-compact (escaped keys), never the reverse.
            match (parsed, checked) {
                (Some(p), Some(c)) => assert!(p || !c, "{case}: parser {p}, checker {c}"),
                (p, c) => assert_eq!(p.is_some(), c.is_some(), "{case}"),
            }
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(Validator::default().check(deep.as_bytes()), None);
    }
}
