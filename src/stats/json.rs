//! `--json`: the report as one JSON object on one line.
//!
//! Promises: strings from the input keep their exact value, and none of
//! the characters [`crate::sanitize`] keeps off a terminal (escape, C1 and
//! bidi controls, DEL) appears raw: serde_json escapes C0 controls, and
//! the rest are written as `\uXXXX` escapes, so printing the object on a
//! terminal is safe and `jq` reads back the same strings.

use std::io::{self, Write};

use super::report::Report;
use crate::sanitize;

pub fn write<W: Write>(out: &mut W, report: &Report) -> io::Result<()> {
    let text = serde_json::to_string(report).map_err(io::Error::other)?;
    write_escaped(out, &text)?;
    out.write_all(b"\n")
}

/// Writes serialised JSON with every unsafe character as a `\u` escape.
/// Outside strings JSON text is ASCII, so only string contents change.
fn write_escaped<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    let mut from = 0;
    for (i, c) in text.char_indices() {
        if sanitize::is_unsafe(c) {
            out.write_all(&text.as_bytes()[from..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(out, "\\u{unit:04x}")?;
            }
            from = i + c.len_utf8();
        }
    }
    out.write_all(&text.as_bytes()[from..])
}

#[cfg(test)]
mod tests {
    use super::write_escaped;

    #[test]
    fn terminal_controls_become_escapes() {
        let json = serde_json::to_string("a\u{1b}[31m\u{9b}\u{202e}\u{7f}日本").unwrap();
        let mut out = vec![];
        write_escaped(&mut out, &json).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out, r#""a\u001b[31m\u009b\u202e\u007f日本""#);
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, "a\u{1b}[31m\u{9b}\u{202e}\u{7f}日本");
    }
}
