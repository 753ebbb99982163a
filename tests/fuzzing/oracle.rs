//! What the fuzz tests compare against: serde_json (made to refuse
//! duplicate keys, and given lines whose lone surrogates and out-of-range
//! numbers are replaced by what ccpipe's reader makes of them), a model of
//! the line reader written from its documentation, and a scan for raw
//! control characters in what a stage prints.

use std::fmt;

use ccpipe::json::{Kind, Value};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as SValue;

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xef\xbb\xbf";

/// A serde_json value read with one rule more: a key twice in one object
/// is an error.
pub struct Strict(pub SValue);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(SValue::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Strict, E> {
        Ok(Strict(
            serde_json::Number::from_f64(v).map_or(SValue::Null, SValue::Number),
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(SValue::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Strict, E> {
        Ok(Strict(SValue::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict(SValue::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = vec![];
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Strict(SValue::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut m = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let Strict(v) = map.next_value()?;
            if m.insert(k, v).is_some() {
                return Err(de::Error::custom(DUPLICATE));
            }
        }
        Ok(Strict(SValue::Object(m)))
    }
}

const DUPLICATE: &str = "duplicate key (fuzz oracle)";

/// serde_json's verdict on a line.
pub enum Serde {
    Valid(SValue),
    Invalid(String),
    /// Deeper than serde_json's limit of 128: no verdict to compare.
    TooDeep,
}

impl Serde {
    pub fn of(line: &[u8]) -> Serde {
        match serde_json::from_slice::<Strict>(line) {
            Ok(Strict(v)) => Serde::Valid(v),
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => Serde::TooDeep,
            Err(e) => Serde::Invalid(e.to_string()),
        }
    }
}

/// `line` with what ccpipe's reader accepts and serde_json refuses
/// replaced by what the reader makes of it: a lone surrogate escape by
/// `\ufffd` (the same length), a well-formed number outside f64's range by
/// the largest finite one of its sign. Only bytes inside a `\u` escape or a
/// well-formed number change, so the grammar's verdict is the same.
pub fn defuse(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    let mut i = 0;
    let mut in_str = false;
    while i < line.len() {
        let c = line[i];
        if in_str {
            match c {
                b'"' => in_str = false,
                b'\\' if line.get(i + 1) == Some(&b'u') => {
                    let hi = hex4(line, i + 2);
                    let lo = (line.get(i + 6..i + 8) == Some(b"\\u"))
                        .then(|| hex4(line, i + 8))
                        .flatten();
                    match (hi, lo) {
                        (Some(0xD800..=0xDBFF), Some(0xDC00..=0xDFFF)) => {
                            out.extend_from_slice(&line[i..i + 12]);
                            i += 12;
                            continue;
                        }
                        (Some(0xD800..=0xDFFF), _) => {
                            out.extend_from_slice(b"\\ufffd");
                            i += 6;
                            continue;
                        }
                        _ => {}
                    }
                }
                b'\\' => {
                    out.extend_from_slice(&line[i..(i + 2).min(line.len())]);
                    i += 2;
                    continue;
                }
                _ => {}
            }
            out.push(c);
            i += 1;
            continue;
        }
        if c == b'"' {
            in_str = true;
        } else if c == b'-' || c.is_ascii_digit() {
            let len = number_len(&line[i..]);
            if len > 0 {
                let text = std::str::from_utf8(&line[i..i + len]).unwrap_or("0");
                let f: f64 = text.parse().unwrap_or(0.0);
                if f.is_infinite() {
                    let max = if f < 0.0 {
                        "-1.7976931348623157e308"
                    } else {
                        "1.7976931348623157e308"
                    };
                    out.extend_from_slice(max.as_bytes());
                } else {
                    out.extend_from_slice(&line[i..i + len]);
                }
                i += len;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|d| d.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// The length of the well-formed JSON number at the start of `b`, followed
/// by a byte that may end one; 0 when there is none.
fn number_len(b: &[u8]) -> usize {
    let digits = |i: usize| b[i..].iter().take_while(|d| d.is_ascii_digit()).count();
    let mut i = usize::from(b.first() == Some(&b'-'));
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i += digits(i),
        _ => return 0,
    }
    if b.get(i) == Some(&b'.') {
        let n = digits(i + 1);
        if n == 0 {
            return 0;
        }
        i += 1 + n;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = digits(i);
        if n == 0 {
            return 0;
        }
        i += n;
    }
    match b.get(i) {
        None | Some(b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}') => i,
        _ => 0,
    }
}

/// The deepest nesting of arrays and objects in the first `upto` bytes of
/// `line`, counting brackets outside strings.
pub fn depth(line: &[u8], upto: usize) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0, false, false);
    for &c in &line[..upto.min(line.len())] {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'[' | b'{' => {
                d += 1;
                max = max.max(d);
            }
            b']' | b'}' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Whether two numbers are the same: equal as f64, where one that
/// overflowed to infinity matches the largest finite f64 of its sign (what
/// [`defuse`] put in its place). serde_json without its `float_roundtrip` feature may miss the nearest
/// f64 by a unit in the last place, so one is allowed.
pub fn same_number(ours: f64, theirs: f64) -> bool {
    if ours == theirs {
        return true;
    }
    if ours.is_finite() && theirs.is_finite() {
        return (ours - theirs).abs() <= 1e-12 * ours.abs().max(theirs.abs());
    }
    ours.is_infinite() && theirs.abs() == f64::MAX && ours.signum() == theirs.signum()
}

/// Walks a value through ccpipe's lazy API and compares it with serde's;
/// on a difference, the path to it.
pub fn compare_lazy(v: Value<'_>, s: &SValue, path: &mut String) -> Result<(), String> {
    let differ =
        |what: &str, path: &str| Err(format!("{what} differs at {path}: {} vs {s}", v.raw()));
    match (v.kind(), s) {
        (Kind::Null, SValue::Null) => v
            .is_null()
            .then_some(())
            .ok_or(())
            .or_else(|_| differ("null", path)),
        (Kind::Bool, SValue::Bool(b)) => {
            if v.as_bool() == Some(*b) {
                Ok(())
            } else {
                differ("bool", path)
            }
        }
        (Kind::Number, SValue::Number(n)) => {
            let ours = v.as_f64().ok_or("a number without an f64")?;
            if !same_number(ours, n.as_f64().unwrap_or(f64::NAN)) {
                return differ("number", path);
            }
            if let Some(u) = n.as_u64()
                && v.as_u64() != Some(u)
                && !v.raw().contains(['.', 'e', 'E'])
            {
                return differ("u64", path);
            }
            Ok(())
        }
        (Kind::String, SValue::String(t)) => {
            let ours = v.as_str().ok_or("a string without a str")?;
            if ours != t.as_str() {
                return differ("string", path);
            }
            if !v.is_str(t) {
                return differ("is_str", path);
            }
            for max in [0, 1, 2, 3, 5, 64, t.len().saturating_sub(1)] {
                let (p, more) = v.as_str_prefix(max).ok_or("no prefix")?;
                // A prefix of at most `max` bytes, cut at a character
                // boundary (so at most 3 bytes short), flagged when cut.
                let ok = t.starts_with(&*p)
                    && p.len() <= max
                    && more == (p.len() < t.len())
                    && (!more || p.len() + 4 > max);
                if !ok {
                    return Err(format!(
                        "as_str_prefix({max}) at {path}: {p:?}, {more} of {t:?}"
                    ));
                }
            }
            Ok(())
        }
        (Kind::Array, SValue::Array(items)) => {
            let ours: Vec<Value<'_>> = v.as_array().ok_or("an array without elements")?.collect();
            if ours.len() != items.len() {
                return differ("array length", path);
            }
            for (n, (a, b)) in ours.into_iter().zip(items).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{n}]"));
                compare_lazy(a, b, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        (Kind::Object, SValue::Object(m)) => {
            let obj = v.as_object().ok_or("an object without members")?;
            let ours: Vec<_> = obj.members().collect();
            if ours.len() != m.len() {
                return differ("member count", path);
            }
            for (k, val) in ours {
                let key = k.as_str();
                let theirs = m
                    .get(&*key)
                    .ok_or_else(|| format!("key {key:?} at {path} not in serde's"))?;
                if !k.is(&key) {
                    return Err(format!("Key::is({key:?}) false at {path}"));
                }
                let got = obj
                    .get(&key)
                    .ok_or_else(|| format!("get({key:?}) at {path}"))?;
                if got.raw() != val.raw() {
                    return Err(format!("get({key:?}) at {path} gives another member"));
                }
                let len = path.len();
                path.push_str(&format!(".{key:?}"));
                compare_lazy(val, theirs, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => differ("kind", path),
    }
}

/// Compares cc-filter's value of a line (jaq's) with serde's.
pub fn compare_jaq(v: &jaq_json::Val, s: &SValue, path: &mut String) -> Result<(), String> {
    use jaq_json::{Num, Val};
    let differ = |what: &str, path: &str| Err(format!("{what} differs at {path}: {v:?} vs {s}"));
    match (v, s) {
        (Val::Null, SValue::Null) => Ok(()),
        (Val::Bool(a), SValue::Bool(b)) if a == b => Ok(()),
        (Val::Num(n), SValue::Number(t)) => {
            let ours = match n {
                Num::Int(i) => *i as f64,
                Num::Float(f) => *f,
                Num::BigInt(_) | Num::Dec(_) => n.to_string().parse().unwrap_or(f64::NAN),
            };
            if !same_number(ours, t.as_f64().unwrap_or(f64::NAN)) {
                return differ("number", path);
            }
            if let (Some(i), Num::Int(j)) = (t.as_i64(), n)
                && i as isize != *j
            {
                return differ("integer", path);
            }
            Ok(())
        }
        (Val::TStr(b), SValue::String(t)) if b.as_ref() == t.as_bytes() => Ok(()),
        (Val::Arr(a), SValue::Array(items)) if a.len() == items.len() => {
            for (n, (x, y)) in a.iter().zip(items).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{n}]"));
                compare_jaq(x, y, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        (Val::Obj(m), SValue::Object(t)) if m.len() == t.len() => {
            for (k, x) in m.iter() {
                let Val::TStr(k) = k else {
                    return differ("key kind", path);
                };
                let key = std::str::from_utf8(k).map_err(|_| format!("key not UTF-8 at {path}"))?;
                let Some(y) = t.get(key) else {
                    return differ("keys", path);
                };
                let len = path.len();
                path.push_str(&format!(".{key:?}"));
                compare_jaq(x, y, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => differ("value", path),
    }
}

/// What the line reader should return for `input`, from its documentation:
/// split on `\n`; a last piece without `\n` is a line; a line longer than
/// `max` (not counting a final `\r`) is an error; a final `\r`, and a BOM at
/// the start of the input, are dropped; blank lines (spaces, tabs, `\r`)
/// are skipped. Line numbers count every line.
pub fn expected_lines(input: &[u8], max: usize) -> Vec<Result<(u64, Vec<u8>), u64>> {
    let mut pieces: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if pieces.last().is_some_and(|p| p.is_empty()) {
        pieces.pop();
    }
    let mut out = vec![];
    for (i, piece) in pieces.into_iter().enumerate() {
        let n = i as u64 + 1;
        let mut line = piece.strip_suffix(b"\r").unwrap_or(piece);
        if line.len() > max {
            out.push(Err(n));
            continue;
        }
        if i == 0 {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            continue;
        }
        out.push(Ok((n, line.to_vec())));
    }
    out
}

/// The first character of `out` that must not reach a terminal raw, with
/// its byte offset: ESC outside an SGR colour code (`ESC [ digits/; m`),
/// BEL and the other C0 controls but newline and tab, DEL, C1, bidi
/// controls, and tag characters outside a flag (U+1F3F4, up to 8 tags,
/// ending with U+E007F). Also invalid UTF-8.
pub fn raw_control(out: &[u8]) -> Option<(usize, String)> {
    let text = match std::str::from_utf8(out) {
        Ok(t) => t,
        Err(e) => return Some((e.valid_up_to(), "invalid UTF-8".into())),
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '\u{1b}' {
            let rest = &text.as_bytes()[at + 1..];
            let sgr = rest.first() == Some(&b'[')
                && rest[1..]
                    .iter()
                    .find(|b| !(b.is_ascii_digit() || **b == b';'))
                    == Some(&b'm');
            if !sgr {
                return Some((at, "ESC outside an SGR code".into()));
            }
            let len = 1 + rest.iter().position(|&b| b == b'm').unwrap_or(0);
            while i < chars.len() && chars[i].0 <= at + len {
                i += 1;
            }
            continue;
        }
        if matches!(c, '\u{e0000}'..='\u{e007f}') {
            let run = chars[i..]
                .iter()
                .take_while(|(_, t)| matches!(t, '\u{e0000}'..='\u{e007f}'))
                .count();
            let flag = i > 0
                && chars[i - 1].1 == '\u{1f3f4}'
                && run <= 8
                && chars[i + run - 1].1 == '\u{e007f}';
            if !flag {
                return Some((at, format!("tag character U+{:04X}", c as u32)));
            }
            i += run;
            continue;
        }
        let bad = matches!(c,
            '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}');
        if bad {
            return Some((at, format!("U+{:04X}", c as u32)));
        }
        i += 1;
    }
    None
}

/// Up to `max` bytes of `b` around `at`, escaped, for a failure message.
pub fn excerpt(b: &[u8], at: usize, max: usize) -> String {
    let from = at.saturating_sub(max / 2);
    let to = (from + max).min(b.len());
    format!("{:?}", String::from_utf8_lossy(&b[from.min(to)..to]))
}
