//! Keeps credentials out of what ccpipe prints for people: cc-run's
//! forwarded stderr, its `--verbose` lines and error messages, every tool's
//! error line (src/app.rs), and cc-fmt's transcript (unless
//! `--show-secrets`). Event lines on stdout are data and are never changed.
//!
//! A secret is found two ways, and replaced by `[REDACTED]` (after the
//! prefix for known key prefixes: `sk-ant-[REDACTED]`):
//! - by value ([`Redactor::from_env`]): the values of environment variables
//!   whose name says credential ([`sensitive_name`]), the header values of
//!   `*_HEADERS` variables, and every secret the shapes below find in any
//!   variable (a password in `ANTHROPIC_BASE_URL`). Values of 8 bytes or
//!   more are replaced wherever they occur; shorter ones (3 to 7 bytes) only
//!   as a whole word, and flag values (`true`, `off`, ...) never;
//! - by shape ([`shape`]): `sk-ant-…` and other known key prefixes,
//!   `Bearer …`/`Basic …`, `NAME=value` and `"name": "value"` with a
//!   credential name, the password in `scheme://user:password@host`, the
//!   body of a PEM private key.
//!
//! What stays possible: a secret with no recognisable shape, printed by a
//! process whose environment cc-run cannot see, or split over two lines.

mod shape;

use std::borrow::Cow;
use std::ops::Range;

pub use shape::{MARK, sensitive_name};

/// Shorter values are not secrets (or would hide ordinary words).
const MIN_SECRET: usize = 3;
/// Values this long are replaced wherever they occur, shorter ones only as words.
const WORD_SECRET: usize = 8;
/// Values that configure rather than authenticate.
const NOT_SECRETS: &[&[u8]] = &[b"true", b"false", b"yes", b"off", b"none", b"null"];

/// Finds and hides secrets, by value and by shape.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    /// Replaced wherever they occur; longest first.
    long: Vec<Vec<u8>>,
    /// Replaced only as whole words.
    short: Vec<Vec<u8>>,
}

impl Redactor {
    /// Collects the secrets of this process's environment.
    pub fn from_env() -> Self {
        let mut values = Vec::new();
        for (name, value) in std::env::vars_os() {
            let name = name.into_encoded_bytes();
            let value = value.into_encoded_bytes();
            values.extend(shape::ranges(&value).into_iter().map(|r| value[r].to_vec()));
            if name.ends_with(b"HEADERS") {
                values.extend(header_values(&value));
            }
            if sensitive_name(&name) {
                values.push(value);
            }
        }
        Self::with_secrets(values)
    }

    pub fn with_secrets(values: impl IntoIterator<Item = Vec<u8>>) -> Self {
        let mut r = Redactor::default();
        for v in values {
            if v.len() < MIN_SECRET || NOT_SECRETS.iter().any(|n| v.eq_ignore_ascii_case(n)) {
                continue;
            }
            if v.len() >= WORD_SECRET {
                r.long.push(v);
            } else {
                r.short.push(v);
            }
        }
        for list in [&mut r.long, &mut r.short] {
            list.sort_by_key(|s| std::cmp::Reverse(s.len()));
            list.dedup();
        }
        r
    }

    /// `bytes` with every secret replaced; borrowed when there is none.
    pub fn bytes<'a>(&self, hay: &'a [u8]) -> Cow<'a, [u8]> {
        let mut found = shape::ranges(hay);
        for s in &self.long {
            found.extend(memchr::memmem::find_iter(hay, s).map(|i| i..i + s.len()));
        }
        for s in &self.short {
            let word = |r: &Range<usize>| {
                let before = r.start.checked_sub(1).map(|i| hay[i]);
                let after = hay.get(r.end).copied();
                !before.is_some_and(|b| b.is_ascii_alphanumeric())
                    && !after.is_some_and(|b| b.is_ascii_alphanumeric())
            };
            found.extend(
                memchr::memmem::find_iter(hay, s)
                    .map(|i| i..i + s.len())
                    .filter(word),
            );
        }
        if found.is_empty() {
            return Cow::Borrowed(hay);
        }
        Cow::Owned(replace(hay, found))
    }

    /// `text` with every secret replaced.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // Secrets are replaced whole, on character boundaries where
            // they came from valid UTF-8; lossy only if a value was not.
            Cow::Owned(b) => Cow::Owned(
                String::from_utf8(b)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        }
    }
}

/// `text` with every secret found by its shape replaced (no environment).
pub fn mask(text: &str) -> Cow<'_, str> {
    Redactor::default().text(text)
}

/// How much of `text`, a stream's text so far, can be shown masked now: all
/// but a tail that more text could still complete into a secret (`sk-a`,
/// `API_KEY=`, `Bearer `). Streaming callers hold the rest back until more
/// text arrives or the text ends. A tail longer than 4 KiB is not held.
pub fn settled_len(text: &str) -> usize {
    let b = text.as_bytes();
    let ws = |c: &u8| c.is_ascii_whitespace();
    let last_start = b.iter().rposition(ws).map_or(0, |i| i + 1);
    let prev_end = b[..last_start]
        .iter()
        .rposition(|c| !ws(c))
        .map_or(0, |i| i + 1);
    let prev_start = b[..prev_end].iter().rposition(ws).map_or(0, |i| i + 1);
    let prev = &b[prev_start..prev_end];
    let hold = if opens_secret(prev) {
        prev_start
    } else if may_grow_into_secret(&b[last_start..]) {
        last_start
    } else {
        b.len()
    };
    if b.len() - hold > 4096 { b.len() } else { hold }
}

/// A word after which the next word is a secret: `Bearer`, `Key:`, `"token":`.
fn opens_secret(word: &[u8]) -> bool {
    if word.eq_ignore_ascii_case(b"bearer") || word.eq_ignore_ascii_case(b"basic") {
        return true;
    }
    match word.split_last() {
        Some((b':' | b'=', name)) => {
            let name = name.strip_suffix(b"\"").unwrap_or(name);
            let name = name.strip_prefix(b"\"").unwrap_or(name);
            sensitive_name(name)
        }
        _ => false,
    }
}

/// A word that may be (the start of) a secret still being written.
fn may_grow_into_secret(word: &[u8]) -> bool {
    if word.iter().any(|c| b"=:@".contains(c)) {
        return true;
    }
    // The word ends with the start of a key prefix, or a key is in it.
    const STARTS: &[&[u8]] = &[
        b"sk-ant-",
        b"github_pat_",
        b"ghp_",
        b"gho_",
        b"ghu_",
        b"ghs_",
        b"ghr_",
        b"glpat-",
        b"xoxb-",
        b"xoxp-",
        b"xoxa-",
        b"xoxs-",
        b"xapp-",
        b"AKIA",
        b"AIza",
    ];
    // At each word start: a whole prefix, or the rest of the word is the
    // beginning of one.
    (0..word.len())
        .filter(|&i| i == 0 || !word[i - 1].is_ascii_alphanumeric())
        .any(|i| {
            let rest = &word[i..];
            STARTS
                .iter()
                .any(|p| rest.starts_with(p) || p.starts_with(rest))
        })
}

/// The values of `Name: value` lines (ANTHROPIC_CUSTOM_HEADERS), and the
/// credential after a scheme word in them.
fn header_values(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for line in value.split(|&b| b == b'\n') {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let v = line[colon + 1..].trim_ascii();
        out.push(v.to_vec());
        if let Some(space) = memchr::memchr(b' ', v) {
            out.push(v[space + 1..].trim_ascii().to_vec());
        }
    }
    out
}

/// `hay` with the (possibly overlapping) `ranges` replaced by [`MARK`].
fn replace(hay: &[u8], mut ranges: Vec<Range<usize>>) -> Vec<u8> {
    ranges.sort_by_key(|r| r.start);
    let mut out = Vec::with_capacity(hay.len());
    let mut at = 0;
    for r in ranges {
        if r.end <= at {
            continue;
        }
        if r.start >= at {
            out.extend_from_slice(&hay[at..r.start]);
            out.extend_from_slice(MARK.as_bytes());
        }
        at = r.end;
    }
    out.extend_from_slice(&hay[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_by_value_and_by_shape() {
        let r = Redactor::with_secrets([
            b"hunter2-long-token".to_vec(),
            b"s3cr3t".to_vec(),
            b"true".to_vec(),
        ]);
        assert_eq!(
            r.text(
                "token hunter2-long-token; key sk-ant-api03-AbC_d-9 end; s3cr3t, not as3cr3t; true"
            ),
            "token [REDACTED]; key sk-ant-[REDACTED] end; [REDACTED], not as3cr3t; true"
        );
        assert!(matches!(r.text("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn overlapping_finds_are_replaced_once_and_redacting_twice_changes_nothing() {
        let r = Redactor::with_secrets([b"sk-ant-api03-overlap".to_vec()]);
        let once = r
            .text("KEY=sk-ant-api03-overlap and Bearer abcdefgh12345678")
            .into_owned();
        assert_eq!(once, "KEY=[REDACTED] and Bearer [REDACTED]");
        assert_eq!(r.text(&once), once);
        assert_eq!(mask(&once), once);
    }

    #[test]
    fn header_values_are_secrets() {
        let v = header_values(b"Authorization: Bearer abc.def\nX-Team: blue");
        assert_eq!(v, [&b"Bearer abc.def"[..], b"abc.def", b"blue"]);
    }

    #[test]
    fn settled_len_holds_back_a_possible_secret() {
        for (text, settled) in [
            ("plain words ", "plain words "),
            ("plain words", "plain words"),
            // The name before a value belongs with it.
            ("the key: sk-a", "the "),
            ("use sk-ant-api03-AB", "use "),
            ("and API_KEY=", "and "),
            ("Authorization: Bearer ", "Authorization: "),
            ("Bearer eyJhb", ""),
            ("password: ", ""),
            ("tests pass", "tests pass"),
        ] {
            assert_eq!(&text[..settled_len(text)], settled, "{text:?}");
        }
    }
}
