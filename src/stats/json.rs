//! `--json`: the report as one JSON object on one line.
//!
//! Promises: strings from the input keep their exact value, and none of
//! the characters [`crate::sanitize`] keeps off a terminal (escape, C1 and
//! bidi controls, DEL) appears raw: serde_json escapes C0 controls, and
//! the rest are written as `\uXXXX` escapes, so printing the object on a
//! terminal is safe and `jq` reads back the same strings.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, Serializer};

use super::report::Report;
use crate::sanitize;

pub fn write<W: Write>(out: &mut W, report: &Report) -> io::Result<()> {
    to_writer(&mut *out, report)?;
    out.write_all(b"\n")
}

fn to_writer<W: Write, T: Serialize>(out: W, value: &T) -> io::Result<()> {
    let mut ser = Serializer::with_formatter(out, TerminalSafe);
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// Compact JSON whose strings (keys too) carry no raw terminal controls.
struct TerminalSafe;

impl Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut from = 0;
        for (i, c) in fragment.char_indices() {
            if sanitize::is_unsafe(c) {
                out.write_all(&fragment.as_bytes()[from..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(out, "\\u{unit:04x}")?;
                }
                from = i + c.len_utf8();
            }
        }
        CompactFormatter.write_string_fragment(out, &fragment[from..])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    #[test]
    fn terminal_controls_become_escapes_in_keys_and_values() {
        let evil = "a\u{1b}[31m\u{9b}\u{202e}\u{7f}\n日本";
        let map = BTreeMap::from([(evil, evil)]);
        let mut out = vec![];
        super::to_writer(&mut out, &map).unwrap();
        let out = String::from_utf8(out).unwrap();
        let want = r#""a\u001b[31m\u009b\u202e\u007f\n日本""#;
        assert_eq!(out, format!("{{{want}:{want}}}"));
        let back: BTreeMap<String, String> = serde_json::from_str(&out).unwrap();
        assert_eq!(back[evil], evil);
    }
}
