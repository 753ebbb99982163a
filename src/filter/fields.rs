//! Building only some members of an event: the top-level keys an expression
//! reads, with the rest of the line checked but not built.
//!
//! Promises: the value built holds exactly the wanted members (the last one
//! wins for a repeated key, as in a full parse); any line that is not a plain
//! top-level object, has an escaped key, or is not valid JSON gives `None`, so
//! the caller parses it whole, which also names the error.

use bytes::Bytes;
use jaq_json::{Map, Val};

use super::parse::{Cursor, Parser};
use super::scan;
use super::validate::Validator;

impl Parser {
    /// Builds only the members of a top-level object whose keys are in
    /// `wanted`, checking the others without building them. `None` when the
    /// line is not such an object, has an escaped key, or is not valid JSON:
    /// then parse it whole (which also names the error).
    pub fn parse_fields(
        &mut self,
        line: &[u8],
        wanted: &[Vec<u8>],
        check: &mut Validator,
    ) -> Option<Val> {
        let src = Bytes::copy_from_slice(line);
        let mut cur = Cursor {
            src: &src,
            b: &src[..],
            i: 0,
            compact: true,
            depth: 1,
            st: self,
        };
        if cur.ws()? != b'{' {
            return None;
        }
        cur.i += 1;
        let mut map = Map::default();
        let mut c = cur.ws()?;
        if c != b'}' {
            loop {
                if c != b'"' {
                    return None;
                }
                let start = cur.i + 1;
                let end = start + scan::string_special(&cur.b[start..]);
                if cur.b.get(end) != Some(&b'"') {
                    return None;
                }
                let key = &cur.b[start..end];
                cur.i = end + 1;
                if cur.ws()? != b':' {
                    return None;
                }
                cur.i += 1;
                if wanted.iter().any(|w| w == key) {
                    let c = cur.ws()?;
                    let v = cur.value(c).ok()?;
                    map.insert(Val::utf8_str(cur.src.slice(start..end)), v);
                } else {
                    cur.i = check.skip(cur.b, cur.i)?;
                }
                match cur.ws()? {
                    b',' => {
                        cur.i += 1;
                        c = cur.ws()?;
                    }
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        cur.i += 1;
        if cur.ws().is_some() {
            return None;
        }
        Some(Val::obj(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_fields_only() {
        let mut check = Validator::default();
        let wanted = [b"a".to_vec(), b"c".to_vec()];
        let mut p = Parser::default();
        let got = |p: &mut Parser, s: &str, check: &mut Validator| {
            p.parse_fields(s.as_bytes(), &wanted, check)
                .map(|v| v.to_string())
        };
        let line = r#"{"a":1,"b":{"x":[1,{"y":2}]},"c":"z","a":3}"#;
        assert_eq!(
            got(&mut p, line, &mut check).as_deref(),
            Some(r#"{"a":3,"c":"z"}"#)
        );
        assert_eq!(got(&mut p, r#"{"b":{"x":tru},"a":1}"#, &mut check), None);
        assert_eq!(got(&mut p, r#"{"a":1} x"#, &mut check), None);
        assert_eq!(got(&mut p, r#"{"\u0061":1}"#, &mut check), None);
        assert_eq!(got(&mut p, "[1]", &mut check), None);
        assert_eq!(got(&mut p, " { } ", &mut check).as_deref(), Some("{}"));
    }
}
