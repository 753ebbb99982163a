//! jaq values to JSON text, the way jq prints them.
//!
//! Promises: the output is always valid JSON: NaN prints as `null` and the
//! infinities as the largest finite doubles (as jq does), non-string object
//! keys print as strings of their JSON text, and strings are escaped as jq
//! escapes them (`"`, `\`, control characters and DEL). `--pretty` indents
//! by two spaces with `": "` after keys, like jq's default.

use std::borrow::Cow;

use jaq_json::{Num, Val};

use crate::json::output_special;

/// How values are laid out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Spaces per level; `None` for compact output.
    pub indent: Option<usize>,
    /// Print object keys sorted (jq's `-S`).
    pub sort_keys: bool,
}

/// Appends the JSON text of `v` to `buf`.
pub fn value(buf: &mut Vec<u8>, v: &Val, style: Style) {
    write(buf, v, style, 0);
}

fn write(buf: &mut Vec<u8>, v: &Val, style: Style, level: usize) {
    match v {
        Val::Null => buf.extend_from_slice(b"null"),
        Val::Bool(true) => buf.extend_from_slice(b"true"),
        Val::Bool(false) => buf.extend_from_slice(b"false"),
        Val::Num(n) => number(buf, n),
        Val::TStr(s) | Val::BStr(s) => string(buf, s),
        Val::Arr(a) => {
            if a.is_empty() {
                return buf.extend_from_slice(b"[]");
            }
            buf.push(b'[');
            for (k, x) in a.iter().enumerate() {
                separator(buf, style, level + 1, k == 0);
                write(buf, x, style, level + 1);
            }
            close(buf, style, level, b']');
        }
        Val::Obj(o) => {
            if o.is_empty() {
                return buf.extend_from_slice(b"{}");
            }
            buf.push(b'{');
            let entry = |buf: &mut Vec<u8>, first: bool, k: &Val, x: &Val| {
                separator(buf, style, level + 1, first);
                key(buf, k);
                buf.push(b':');
                if style.indent.is_some() {
                    buf.push(b' ');
                }
                write(buf, x, style, level + 1);
            };
            if style.sort_keys {
                let mut entries: Vec<_> = o.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (n, (k, x)) in entries.into_iter().enumerate() {
                    entry(buf, n == 0, k, x);
                }
            } else {
                for (n, (k, x)) in o.iter().enumerate() {
                    entry(buf, n == 0, k, x);
                }
            }
            close(buf, style, level, b'}');
        }
    }
}

fn separator(buf: &mut Vec<u8>, style: Style, level: usize, first: bool) {
    if !first {
        buf.push(b',');
    }
    if let Some(n) = style.indent {
        buf.push(b'\n');
        buf.resize(buf.len() + n * level, b' ');
    }
}

fn close(buf: &mut Vec<u8>, style: Style, level: usize, bracket: u8) {
    if let Some(n) = style.indent {
        buf.push(b'\n');
        buf.resize(buf.len() + n * level, b' ');
    }
    buf.push(bracket);
}

fn key(buf: &mut Vec<u8>, k: &Val) {
    match k {
        Val::TStr(s) | Val::BStr(s) => string(buf, s),
        other => {
            let mut text = Vec::new();
            value(&mut text, other, Style::default());
            string(buf, &text);
        }
    }
}

fn number(buf: &mut Vec<u8>, n: &Num) {
    use std::io::Write;
    match n {
        Num::Int(i) => {
            let _ = write!(buf, "{i}");
        }
        Num::Float(f) if f.is_nan() => buf.extend_from_slice(b"null"),
        Num::Float(f) if f.is_infinite() => {
            let max = if *f > 0.0 { f64::MAX } else { f64::MIN };
            let _ = write!(buf, "{max:e}");
        }
        Num::Dec(s) => buf.extend_from_slice(s.as_bytes()),
        other => {
            let _ = write!(buf, "{other}");
        }
    }
}

/// The bytes of a string as UTF-8: input strings always are (the reader
/// refuses others), but a function such as `@base64d` can make invalid
/// bytes, which are written as U+FFFD (as jq does), never raw.
pub fn utf8(s: &[u8]) -> Cow<'_, [u8]> {
    match simdutf8::basic::from_utf8(s) {
        Ok(_) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(String::from_utf8_lossy(s).into_owned().into_bytes()),
    }
}

/// Appends `s` as a quoted, escaped JSON string.
pub fn string(buf: &mut Vec<u8>, s: &[u8]) {
    let s = utf8(s);
    buf.reserve(s.len() + 2);
    buf.push(b'"');
    let mut rest = &s[..];
    loop {
        let k = output_special(rest);
        buf.extend_from_slice(&rest[..k]);
        let Some(&c) = rest.get(k) else { break };
        match c {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0c => buf.extend_from_slice(b"\\f"),
            c => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[usize::from(c >> 4)]);
                buf.push(HEX[usize::from(c & 15)]);
            }
        }
        rest = &rest[k + 1..];
    }
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    fn show(json: &str, style: Style) -> String {
        let v = crate::json::jaq::parse(json.as_bytes()).unwrap();
        let mut buf = vec![];
        value(&mut buf, &v, style);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn compact_round_trip() {
        let s = r#"{"a":[1,-2,0.5,true,null,{}],"b":"q\"\\\n\u0001\u007f","c":[]}"#;
        assert_eq!(show(s, Style::default()), s);
    }

    #[test]
    fn pretty_like_jq() {
        let style = Style {
            indent: Some(2),
            sort_keys: true,
        };
        let got = show(r#"{"b":[1,{}],"a":{"x":null}}"#, style);
        assert_eq!(
            got,
            "{\n  \"a\": {\n    \"x\": null\n  },\n  \"b\": [\n    1,\n    {}\n  ]\n}"
        );
    }

    #[test]
    fn special_numbers_stay_json() {
        let mut buf = vec![];
        number(&mut buf, &Num::Float(f64::NAN));
        buf.push(b' ');
        number(&mut buf, &Num::Float(f64::NEG_INFINITY));
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "null -1.7976931348623157e308"
        );
    }
}
