//! Decoding the inside of a validated JSON string: escapes resolved, a
//! lone surrogate turned into U+FFFD. Borrowed when there is no escape.

use std::borrow::Cow;

/// The decoded text of a string's inside (between its quotes), which
/// [`super::Reader`] has validated.
pub fn unescape(inner: &str) -> Cow<'_, str> {
    unescape_prefix(inner, usize::MAX).0
}

/// Like [`unescape`], but stops once the decoded text holds `max` bytes (cut
/// at a character boundary), so a display of a huge string costs only what
/// it shows. The flag is true when something was left out.
pub fn unescape_prefix(inner: &str, max: usize) -> (Cow<'_, str>, bool) {
    let Some(first) = memchr::memchr(b'\\', inner.as_bytes()) else {
        if inner.len() <= max {
            return (Cow::Borrowed(inner), false);
        }
        return (Cow::Borrowed(cut(inner, max)), true);
    };
    if first >= max {
        return (Cow::Borrowed(cut(inner, max)), true);
    }
    let b = inner.as_bytes();
    let mut out = String::with_capacity(inner.len().min(max).min(1 << 20));
    out.push_str(&inner[..first]);
    let mut i = first;
    while i < b.len() {
        if out.len() >= max {
            return (Cow::Owned(truncated(out, max)), true);
        }
        if b[i] != b'\\' {
            let next = memchr::memchr(b'\\', &b[i..]).map_or(b.len(), |k| i + k);
            let room = max.saturating_sub(out.len());
            if next - i > room {
                out.push_str(cut(&inner[i..next], room));
                return (Cow::Owned(out), true);
            }
            out.push_str(&inner[i..next]);
            i = next;
            continue;
        }
        let (c, len) = escape(b, i);
        out.push(c);
        i += len;
    }
    if out.len() > max {
        return (Cow::Owned(truncated(out, max)), true);
    }
    (Cow::Owned(out), false)
}

/// The character of the escape at `b[i]` (a backslash) and its length.
fn escape(b: &[u8], i: usize) -> (char, usize) {
    let simple = match b.get(i + 1) {
        Some(b'n') => '\n',
        Some(b't') => '\t',
        Some(b'r') => '\r',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'u') => return unicode(b, i),
        Some(&c) => c as char,
        None => return (char::REPLACEMENT_CHARACTER, 1),
    };
    (simple, 2)
}

/// `\uXXXX` at `b[i]`, a surrogate pair when one follows; a lone surrogate
/// is U+FFFD.
fn unicode(b: &[u8], i: usize) -> (char, usize) {
    let hi = hex4(b, i + 2);
    if (0xD800..0xDC00).contains(&hi) && b.get(i + 6..i + 8) == Some(b"\\u") {
        let lo = hex4(b, i + 8);
        if (0xDC00..0xE000).contains(&lo) {
            let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
            return (c.unwrap_or(char::REPLACEMENT_CHARACTER), 12);
        }
    }
    (char::from_u32(hi).unwrap_or(char::REPLACEMENT_CHARACTER), 6)
}

fn hex4(b: &[u8], at: usize) -> u32 {
    let digits = b.get(at..at + 4).unwrap_or_default();
    digits.iter().fold(0, |n, &d| {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => 0,
        };
        n * 16 + u32::from(v)
    })
}

/// `s` cut to at most `max` bytes, at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn truncated(mut s: String, max: usize) -> String {
    let len = cut(&s, max).len();
    s.truncate(len);
    s
}
