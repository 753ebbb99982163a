//! Walking JSON text that serde_json has already validated: the members of an
//! object and the elements of an array as raw slices, strings skipped with
//! `memchr`. Nested values are looked at this way instead of being parsed a
//! second time, which keeps cc-check near memory speed on large tool results.
//!
//! Promise: on valid JSON these never panic and return exact value slices;
//! on anything else they stop early (they never index out of bounds).

use std::borrow::Cow;

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[i]` is `"`: the index just past the closing quote.
fn skip_string(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(k) = memchr::memchr2(b'"', b'\\', b.get(j..).unwrap_or_default()) {
        if b[j + k] == b'\\' {
            j += k + 2;
        } else {
            return j + k + 1;
        }
    }
    b.len()
}

/// The index just past the value that starts at `b[i]`.
fn skip_value(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => {
            // A number or a literal: up to the next delimiter.
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j
        }
    }
}

/// The members of an object: `(key as written, value text)`.
pub(super) struct Members<'a> {
    text: &'a str,
    i: usize,
}

/// The elements of an array, as value texts.
pub(super) struct Elements<'a> {
    text: &'a str,
    i: usize,
}

pub(super) fn members(object: &str) -> Members<'_> {
    let i = ws(object.as_bytes(), 0) + 1;
    Members { text: object, i }
}

pub(super) fn elements(array: &str) -> Elements<'_> {
    let i = ws(array.as_bytes(), 0) + 1;
    Elements { text: array, i }
}

/// After a member or element: past the `,`, or to the end on the closing bracket.
fn next_item(b: &[u8], i: usize) -> usize {
    let i = ws(b, i);
    match b.get(i) {
        Some(b',') => ws(b, i + 1),
        _ => b.len(),
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.text.as_bytes();
        let k = ws(b, self.i);
        if b.get(k) != Some(&b'"') {
            self.i = b.len();
            return None;
        }
        let k_end = skip_string(b, k);
        let colon = ws(b, k_end);
        let v = ws(b, colon + 1);
        let v_end = skip_value(b, v);
        self.i = next_item(b, v_end);
        // Every index is at an ASCII delimiter of valid JSON, so these are char boundaries.
        let key = self.text.get(k + 1..k_end.saturating_sub(1))?;
        let value = self.text.get(v..v_end)?;
        Some((key, value))
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.text.as_bytes();
        let v = ws(b, self.i);
        if matches!(b.get(v), None | Some(b']')) {
            self.i = b.len();
            return None;
        }
        let v_end = skip_value(b, v);
        self.i = next_item(b, v_end);
        self.text.get(v..v_end)
    }
}

/// A key as written (between its quotes) equals `name`.
pub(super) fn key_is(key: &str, name: &str) -> bool {
    if !key.contains('\\') {
        return key == name;
    }
    unquote(key).is_some_and(|k| k == name)
}

/// The text of a JSON string value (with its quotes), decoded; borrowed when
/// it holds no escapes.
pub(super) fn string(value: &str) -> Option<Cow<'_, str>> {
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        unquote(inner).map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

fn unquote(inner: &str) -> Option<String> {
    serde_json::from_str(&format!("\"{inner}\"")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_members_and_elements() {
        let obj = r#" { "a" : 1 , "b\"c":"x\\\"}" ,"d":[{"e":[1,{"f":"]"}]}], "g":null } "#;
        let got: Vec<_> = members(obj).collect();
        assert_eq!(
            got,
            vec![
                ("a", "1"),
                (r#"b\"c"#, r#""x\\\"}""#),
                ("d", r#"[{"e":[1,{"f":"]"}]}]"#),
                ("g", "null")
            ]
        );
        assert!(key_is(r#"b\"c"#, "b\"c"));
        let els: Vec<_> = elements(r#"[ 1, "two" ,{"x":[]} , [] ]"#).collect();
        assert_eq!(els, vec!["1", r#""two""#, r#"{"x":[]}"#, "[]"]);
        assert_eq!(members("{}").count(), 0);
        assert_eq!(elements("[ ]").count(), 0);
        assert_eq!(string(r#""a\nb""#).as_deref(), Some("a\nb"));
    }

    #[test]
    fn never_panics_on_garbage() {
        for s in [
            "",
            "{",
            "{\"",
            "{\"a\"",
            "{\"a\":",
            "[",
            "[\"",
            "{\"a\":\"\\",
            "\u{e9}{",
        ] {
            let _ = members(s).count();
            let _ = elements(s).count();
        }
    }
}
