//! Strings of the input shown without holding them twice: a huge string (a
//! tool result of hundreds of MB) is decoded a chunk at a time when it is
//! shown whole, and only as far as it is shown when it is cut.
//!
//! Promises: chunks are cut between characters and never inside an escape
//! (a surrogate pair stays whole), so the chunks joined are the decoded
//! string; a newline is found in the text as written (`\n`, `\u000a`), so
//! counting the lines of a string decodes none of it.

use std::borrow::Cow;
use std::io::{self, Write};

use super::sink::Sink;
use super::theme::Role;
use crate::json::{Value, unescape, unescape_prefix};

/// Bytes of the written string decoded at a time.
const CHUNK: usize = 64 * 1024;

/// The inside of a string value (between its quotes), as written.
pub fn inner(v: Value<'_>) -> Option<&str> {
    v.raw().strip_prefix('"')?.strip_suffix('"')
}

/// The decoded pieces of a written string inside, in order.
pub fn chunks(inner: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let mut rest = inner;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = safe_end(rest, CHUNK);
        let (now, later) = rest.split_at(end);
        rest = later;
        Some(unescape(now))
    })
}

/// Writes a string value as text, a chunk at a time; nothing when it is
/// not a string.
pub fn write<W: Write>(o: &mut Sink<'_, W>, role: Role, v: Value<'_>) -> io::Result<()> {
    for piece in inner(v).into_iter().flat_map(chunks) {
        o.text(role, &piece)?;
    }
    Ok(())
}

/// A cut of `s` at about `target` bytes that splits no character and no escape.
fn safe_end(s: &str, target: usize) -> usize {
    if s.len() <= target {
        return s.len();
    }
    let b = s.as_bytes();
    let mut i = 0;
    while i < target {
        let Some(k) = memchr::memchr(b'\\', &b[i..target]) else {
            break;
        };
        let j = i + k;
        let len = escape_len(b, j);
        if j + len > target {
            return if j == 0 { len } else { j };
        }
        i = j + len;
    }
    let mut end = target.max(i);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// The length of the escape at `b[j]` (a backslash), a surrogate pair whole.
fn escape_len(b: &[u8], j: usize) -> usize {
    if b.get(j + 1) != Some(&b'u') {
        return 2;
    }
    let high = hex4(b, j + 2).is_some_and(|c| (0xD800..0xDC00).contains(&c));
    let low_next = b.get(j + 6..j + 8) == Some(b"\\u")
        && hex4(b, j + 8).is_some_and(|c| (0xDC00..0xE000).contains(&c));
    if high && low_next { 12 } else { 6 }
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

/// The lines of a written string inside, as written (escapes not resolved):
/// the text between newlines, one at a time, and the text not yet split.
pub struct RawLines<'a> {
    inner: &'a str,
    start: usize,
    done: bool,
}

impl<'a> RawLines<'a> {
    pub fn new(inner: &'a str) -> Self {
        RawLines {
            inner,
            start: 0,
            done: false,
        }
    }

    /// The text after the lines taken so far; `None` once the last is taken.
    pub fn rest(&self) -> Option<&'a str> {
        (!self.done).then(|| &self.inner[self.start..])
    }
}

impl<'a> Iterator for RawLines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let b = self.inner.as_bytes();
        let mut i = self.start;
        while let Some(k) = memchr::memchr(b'\\', &b[i..]) {
            let j = i + k;
            let len = escape_len(b, j).min(b.len() - j);
            i = j + len;
            if is_newline(&b[j..j + len]) {
                let line = &self.inner[self.start..j];
                self.start = i;
                return Some(line);
            }
        }
        self.done = true;
        Some(&self.inner[self.start..])
    }
}

fn is_newline(escape: &[u8]) -> bool {
    matches!(escape, b"\\n" | b"\\u000a" | b"\\u000A")
}

/// How many lines `rest` (the untaken text of a [`RawLines`]) holds, a
/// final empty one not counted, found with one `memmem` pass per spelling
/// of a newline rather than a step per escape.
pub fn count_lines(rest: &str) -> usize {
    if rest.is_empty() {
        return 0;
    }
    let b = rest.as_bytes();
    let mut newlines = 0;
    let mut last_end = 0;
    for needle in [&b"\\n"[..], b"\\u000a", b"\\u000A"] {
        for at in memchr::memmem::find_iter(b, needle) {
            if unescaped(b, at) {
                newlines += 1;
                last_end = last_end.max(at + needle.len());
            }
        }
    }
    newlines + usize::from(last_end != b.len())
}

/// True when the backslash at `b[at]` starts an escape (it is not itself
/// the second half of a `\\`).
fn unescaped(b: &[u8], at: usize) -> bool {
    b[..at].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 0
}

/// The first `max` bytes of a written line, decoded, and whether it is longer.
pub fn line_prefix(raw: &str, max: usize) -> (Cow<'_, str>, bool) {
    unescape_prefix(raw, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_join_to_the_decoded_string() {
        let mut s = String::new();
        for i in 0..20_000 {
            s.push_str(["ab", "\\n", "\\u00e9", "\\ud83d\\ude00", "é", "\\\\"][i % 6]);
        }
        let whole = unescape(&s);
        let joined: String = chunks(&s).collect();
        assert_eq!(joined, whole);
        assert!(chunks(&s).count() > 1);
        for end in 0..40 {
            let cut = safe_end(&s, end.max(1));
            assert_eq!(unescape(&s[..cut]) + unescape(&s[cut..]), whole);
        }
    }

    #[test]
    fn lines_are_split_at_written_newlines_only() {
        let lines: Vec<&str> = RawLines::new(r"a\nb\\nc\u000ad\n").collect();
        assert_eq!(lines, [r"a", r"b\\nc", "d", ""]);
        assert_eq!(RawLines::new("").collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn counting_lines_agrees_with_splitting_them() {
        for s in [
            r"a\nb",
            r"a\nb\n",
            r"\n",
            r"a\\nb",
            r"a\\\nb\u000Ac\u000a",
            r"x",
            "",
        ] {
            let mut split: Vec<&str> = RawLines::new(s).collect();
            if split.last() == Some(&"") {
                split.pop();
            }
            assert_eq!(count_lines(s), split.len(), "{s}");
        }
    }
}
