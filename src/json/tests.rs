//! The rules of the one reading, one test each.

use super::jaq::Builder;
use super::*;

fn verdict(line: &str) -> Result<bool, String> {
    let mut r = Reader::default();
    r.read(line.as_bytes())
        .map(|d| d.is_compact())
        .map_err(|e| e.to_string())
}

#[test]
fn valid_lines_and_compactness() {
    assert_eq!(verdict(r#"{"a":[1,-2,3.5e1,true,null],"b":"x"}"#), Ok(true));
    assert_eq!(verdict(r#"{"a": 1}"#), Ok(false));
    assert_eq!(verdict(" 7 "), Ok(false));
    assert_eq!(verdict(r#"{"\u0061":1}"#), Ok(false), "an escaped key");
    assert_eq!(verdict(r#"{"a":"\u00e9"}"#), Ok(true), "escapes in values");
}

#[test]
fn errors_name_the_column_counting_from_1() {
    assert_eq!(
        verdict(r#"{"a":1,}"#),
        Err("invalid JSON at column 8: expected a string key after ','".into())
    );
    assert_eq!(
        verdict(r#"{"type": tru}"#),
        Err("invalid JSON at column 10: invalid literal (expected true, false or null)".into())
    );
    assert_eq!(
        verdict("[1 2]"),
        Err("invalid JSON at column 4: expected ',' or ']' after an array element".into())
    );
    assert_eq!(
        verdict("{} {}"),
        Err("invalid JSON at column 4: unexpected data after the JSON value".into())
    );
    for bad in [
        "01",
        "\"a\tb\"",
        "\"abc",
        "tru",
        "-",
        "1.",
        "1e",
        "\"\\x\"",
        "\"\\u12g4\"",
    ] {
        assert!(verdict(bad).is_err(), "{bad}");
    }
}

#[test]
fn invalid_utf8_is_refused_wherever_it_is() {
    assert_eq!(verdict("{\"type\":\"\u{e9}\u{1F600}\"}"), Ok(true));
    let mut r = Reader::default();
    let e = r.read(b"{\"type\":\"\xff\"}").map(|_| ()).unwrap_err();
    assert_eq!(e.to_string(), "invalid UTF-8 at column 10");
    let e = r.read(b"{\"a\":1} \xc3").map(|_| ()).unwrap_err();
    assert_eq!(e.column, 9);
}

#[test]
fn duplicate_keys_are_refused_compared_decoded() {
    assert_eq!(
        verdict(r#"{"type":"x","type":"y"}"#),
        Err(r#"duplicate key "type" at column 13"#.into())
    );
    assert!(verdict(r#"{"a":1,"\u0061":2}"#).is_err());
    assert!(verdict(r#"{"o":{"k":1,"k":2}}"#).is_err(), "nested too");
    let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
    let ok = format!("{{{}}}", many.join(","));
    assert!(verdict(&ok).is_ok());
    let dup = format!("{{{},\"k7\":0}}", many.join(","));
    assert!(
        verdict(&dup)
            .unwrap_err()
            .starts_with("duplicate key \"k7\"")
    );
    assert!(
        verdict(r#"[{"a":1},{"a":1}]"#).is_ok(),
        "equal keys in two objects"
    );
}

#[test]
fn big_numbers_and_lone_surrogates_are_valid() {
    assert!(verdict("1e400").is_ok());
    assert!(verdict("-123456789012345678901234567890").is_ok());
    assert!(verdict(r#""\ud800""#).is_ok());
    let mut r = Reader::default();
    let d = r
        .read(br#"{"s":"a\ud800b\ud83d\ude00","n":1e400}"#)
        .unwrap();
    let o = d.object().unwrap();
    assert_eq!(o.str("s").unwrap(), "a\u{fffd}b😀");
    assert_eq!(o.f64("n"), Some(f64::INFINITY));
    assert_eq!(o.get("n").unwrap().raw(), "1e400");
}

#[test]
fn nesting_is_limited() {
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(verdict(&ok).is_ok());
    let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    assert_eq!(
        verdict(&deep),
        Err(format!(
            "invalid JSON at column {}: nested deeper than 1000 levels",
            MAX_DEPTH + 1
        ))
    );
}

#[test]
fn lookups_do_not_depend_on_key_order() {
    let mut r = Reader::default();
    for line in [
        r#"{"type":"result","subtype":"success","n":1}"#,
        r#"{"n":1,"subtype":"success","type":"result"}"#,
        r#" { "n" : 1 , "subtype" : "success" , "type" : "result" } "#,
        r#"{"n":1,"subtyp\u0065":"success","\u0074ype":"result"}"#,
    ] {
        let d = r.read(line.as_bytes()).unwrap();
        let o = d.object().unwrap();
        assert_eq!(o.str("type").as_deref(), Some("result"), "{line}");
        assert_eq!(o.str("subtype").as_deref(), Some("success"), "{line}");
        assert_eq!(o.get("n").and_then(|v| v.as_u64()), Some(1), "{line}");
        assert!(o.get("missing").is_none());
    }
}

#[test]
fn nested_walks() {
    let mut r = Reader::default();
    let line = r#"{"m":{"content":[{"type":"text","text":"a]}\"{"},{"type":"tool_use","input":{"x":[1,{"y":"}"}]}}],"role":"assistant"},"z":null}"#;
    let d = r.read(line.as_bytes()).unwrap();
    let m = d.object().unwrap().object("m").unwrap();
    assert_eq!(m.str("role").as_deref(), Some("assistant"));
    let blocks: Vec<_> = m.array("content").unwrap().collect();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].get("text").unwrap().as_str().unwrap(), "a]}\"{");
    assert_eq!(
        blocks[1].get("input").unwrap().raw(),
        r#"{"x":[1,{"y":"}"}]}"#
    );
    assert!(d.object().unwrap().get("z").unwrap().is_null());
}

#[test]
fn nested_walks_past_escaped_quotes_and_backslashes() {
    let mut r = Reader::default();
    let line = r#"{"m":{"a":"\\","b":"x\\\"y\n","c":"\\\\\"","d":1}}"#;
    let d = r.read(line.as_bytes()).unwrap();
    let m = d.object().unwrap().object("m").unwrap();
    assert_eq!(m.str("a").as_deref(), Some("\\"));
    assert_eq!(m.str("b").as_deref(), Some("x\\\"y\n"));
    assert_eq!(m.str("c").as_deref(), Some("\\\\\""));
    assert_eq!(m.f64("d"), Some(1.0));
}

#[test]
fn not_an_object() {
    let mut r = Reader::default();
    let d = r.read(b"[1]").unwrap();
    assert_eq!(
        d.object().map(|_| ()).unwrap_err().to_string(),
        "expected a JSON object, found an array"
    );
}

#[test]
fn prefixes_of_long_strings() {
    let mut r = Reader::default();
    let d = r
        .read(br#"{"s":"ab\ncd\u00e9f","t":"\u00e9\u00e9"}"#)
        .unwrap();
    let s = d.object().unwrap().get("s").unwrap();
    assert_eq!(s.as_str_prefix(4).unwrap(), ("ab\nc".into(), true));
    assert_eq!(s.as_str_prefix(100).unwrap(), ("ab\ncdéf".into(), false));
    let t = d.object().unwrap().get("t").unwrap();
    assert_eq!(
        t.as_str_prefix(3).unwrap(),
        ("é".into(), true),
        "cut at a char boundary"
    );
}

#[test]
fn jaq_values_match_the_line() {
    let mut r = Reader::default();
    let mut b = Builder::default();
    let line =
        r#"{"a":[1,-2,3.5e1,true,null,1e400,12345678901234567890],"b":"x\n\u00e9\ud800","c":{}}"#;
    let d = r.read(line.as_bytes()).unwrap();
    let v = b.line(&d);
    assert_eq!(
        v.to_string(),
        "{\"a\":[1,-2,3.5e1,true,null,1e400,12345678901234567890],\"b\":\"x\\né\u{fffd}\",\"c\":{}}"
    );
    let some = b.members(d.object().unwrap(), &["c", "a"]);
    assert_eq!(
        some.to_string(),
        "{\"a\":[1,-2,3.5e1,true,null,1e400,12345678901234567890],\"c\":{}}"
    );
}
