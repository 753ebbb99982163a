//! Validation of stream-json lines in both directions.
//!
//! Promises: [`check_input`] and [`check_input_line`] accept exactly the
//! messages the CLI reads on stdin (user messages, `control_request`,
//! `control_response`, `keep_alive`); [`check_output`] accepts every event the
//! real CLI writes (every fixture) and lets unknown types and subtypes through
//! as [`Verdict::Unknown`], because the protocol grows every release. Only the
//! fields the real CLI always sends are required. Errors name the message kind
//! and the field path: `result: duration_ms is a string, expected a number`.
//!
//! Lines are checked without building a `serde_json::Value`: one serde_json
//! pass (`tree`) validates the whole line and keeps its top level and the
//! members of its top-level objects as borrowed `(key, raw value)` pairs;
//! deeper values (content blocks) are walked raw (`scan`); `view` gives the
//! rules one interface over both. Only checked fields are ever decoded, which
//! keeps cc-check --output above 300 MB/s.

mod input;
mod kind;
mod output;
mod scan;
mod system;
mod tree;
mod view;

use serde_json::Value;

use tree::Top;
use view::{Fields, Kind};

/// What [`check_output`] thinks of a well-formed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A type (and subtype) this version knows, with its fields checked.
    Known,
    /// A well-formed object whose type or subtype is not known here, e.g.
    /// `unknown type "foo"`; it should be passed on.
    Unknown(String),
}

/// Checks one message meant for the CLI's stdin (user message,
/// control_request, control_response, keep_alive). `Err` names the field,
/// e.g. `user message: message.role is "assistant", expected "user"`.
pub fn check_input(v: &Value) -> Result<(), String> {
    let raw = serde_json::value::to_raw_value(v).map_err(|e| e.to_string())?;
    let top = top_level(raw.get())?;
    input::check(Fields::top(&top))
}

/// [`check_input`] on one line of bytes (without its `\n`): also reports
/// invalid UTF-8 and invalid JSON.
pub fn check_input_line(line: &[u8]) -> Result<(), String> {
    let text = utf8(line)?;
    let top = top_level(text)?;
    input::check(Fields::top(&top))
}

/// Checks one event written by the CLI (one line, without its `\n`).
pub fn check_output(line: &[u8]) -> Result<Verdict, String> {
    let text = utf8(line)?;
    let top = top_level(text)?;
    output::check(Fields::top(&top))
}

/// [`check_output`] on an already parsed event.
pub fn check_output_value(v: &Value) -> Result<Verdict, String> {
    let raw = serde_json::value::to_raw_value(v).map_err(|e| e.to_string())?;
    let top = top_level(raw.get())?;
    output::check(Fields::top(&top))
}

/// The line as text, or where its UTF-8 breaks (1-based, like a column).
fn utf8(line: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(line).map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1))
}

/// Parses a line that must hold one JSON object.
fn top_level(text: &str) -> Result<Top<'_>, String> {
    let first = text
        .trim_start_matches([' ', '\t', '\r', '\n'])
        .as_bytes()
        .first();
    if first != Some(&b'{') {
        // Not an object: say whether it is JSON at all.
        return match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Err(e) => Err(json_error(&e)),
            Ok(_) => {
                let kind = first.map_or(Kind::Null, |&b| Kind::of_first(b));
                Err(format!("expected a JSON object, found {}", kind.article()))
            }
        };
    }
    tree::parse(text).map_err(|e| json_error(&e))
}

/// `invalid JSON: <serde's reason> at column N` (every line is line 1 to serde).
fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let reason = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => &msg,
    };
    format!("invalid JSON: {reason} at column {}", e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_input_on_values() {
        let ok = serde_json::json!({"type":"user","message":{"role":"user","content":"hi"}});
        assert_eq!(check_input(&ok), Ok(()));
        let bad = serde_json::json!({"type":"user","message":{"role":"assistant","content":"hi"}});
        assert_eq!(
            check_input(&bad),
            Err(r#"user message: message.role is "assistant", expected "user""#.into())
        );
        assert!(check_input(&Value::from(3)).is_err());
    }

    #[test]
    fn json_errors_name_the_column() {
        let err = check_output(b"{\"type\": tru}").unwrap_err();
        assert!(err.starts_with("invalid JSON: "), "{err}");
        assert!(err.ends_with("at column 13"), "{err}");
    }

    #[test]
    fn utf8_errors_name_the_byte() {
        assert_eq!(
            check_output(b"{\"type\":\"\xff\"}"),
            Err("invalid UTF-8 at byte 10".into())
        );
    }

    #[test]
    fn the_builders_make_valid_input() {
        use crate::protocol::{Priority, interrupt_request, user_message};
        let blocks = serde_json::json!([{"type":"text","text":"see"}]);
        for line in [
            user_message(Value::from("hi"), Some(Priority::Now)),
            user_message(blocks, None),
            interrupt_request("r-1"),
        ] {
            assert_eq!(
                check_input_line(&line),
                Ok(()),
                "{}",
                String::from_utf8_lossy(&line)
            );
        }
    }

    #[test]
    fn check_output_on_values() {
        let v = serde_json::json!({"type":"keep_alive"});
        assert_eq!(check_output_value(&v), Ok(Verdict::Known));
        let v = serde_json::json!({"type":"stream_event","event":{},"parent_tool_use_id":null,"uuid":"u","session_id":"s"});
        assert_eq!(
            check_output_value(&v),
            Err("stream_event: event.type is missing, expected a string".into())
        );
    }

    #[test]
    fn unknown_output_types_pass() {
        assert_eq!(
            check_output(br#"{"type":"brand_new","x":1}"#),
            Ok(Verdict::Unknown(r#"unknown type "brand_new""#.into()))
        );
    }
}
