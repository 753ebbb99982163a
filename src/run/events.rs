//! Which of the child's events bear on the outcome, found cheaply.
//!
//! Promises: inspecting a line costs a prefix check unless it can matter
//! (`result`, `system`, an assistant event that carries `error`), so bulk
//! events (tool results of hundreds of MB) are never parsed; a line laid out
//! unusually is parsed when it is small.

use serde_json::Value;

use crate::protocol::kind;

/// Lines up to this size may be parsed when their layout is unusual, or
/// when an assistant event may carry an `error`.
const PARSE_LIMIT: usize = 256 * 1024;

/// An event that bears on the outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Notable {
    /// `system/init`: a turn begins.
    TurnStart,
    /// `system/api_retry`: the CLI will retry a failed request.
    Retry {
        error: Option<String>,
        status: Option<u16>,
    },
    /// An assistant event with an `error` (the CLI's synthetic error text).
    AssistantError {
        error: String,
    },
    Result(ResultInfo),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultInfo {
    pub is_error: bool,
    pub subtype: String,
    pub api_error_status: Option<u16>,
    /// `result`, or the `errors` joined, for messages.
    pub text: String,
}

impl Notable {
    /// True when the event might end the run at once, so it must reach
    /// stdout before cc-run acts on it.
    pub fn urgent(&self) -> bool {
        matches!(self, Notable::Retry { .. })
    }
}

/// The events of one output line that bear on the outcome, if any.
pub fn inspect(line: &[u8]) -> Option<Notable> {
    match fast_type(line) {
        Some(b"result" | b"system") => parse(line),
        Some(b"assistant") if line.len() <= PARSE_LIMIT => {
            memchr::memmem::find(line, b"\"error\"").and_then(|_| parse(line))
        }
        Some(_) => None,
        None if line.len() <= PARSE_LIMIT => parse(line),
        None => None,
    }
}

/// The `type` of a line laid out as the CLI writes it (`{"type":"...`).
fn fast_type(line: &[u8]) -> Option<&[u8]> {
    let rest = line.strip_prefix(b"{\"type\":\"")?;
    let end = memchr::memchr(b'"', rest)?;
    Some(&rest[..end])
}

fn parse(line: &[u8]) -> Option<Notable> {
    let v: Value = serde_json::from_slice(line).ok()?;
    let status = |field: &str| {
        v.get(field)
            .and_then(Value::as_u64)
            .and_then(|n| u16::try_from(n).ok())
    };
    let string = |field: &str| v.get(field).and_then(Value::as_str).map(str::to_owned);
    match kind(&v) {
        (Some("system"), Some("init")) => Some(Notable::TurnStart),
        (Some("system"), Some("api_retry")) => Some(Notable::Retry {
            error: string("error"),
            status: status("error_status"),
        }),
        (Some("assistant"), _) => string("error").map(|error| Notable::AssistantError { error }),
        (Some("result"), subtype) => Some(Notable::Result(ResultInfo {
            is_error: v.get("is_error").and_then(Value::as_bool).unwrap_or(false),
            subtype: subtype.unwrap_or("").to_owned(),
            api_error_status: status("api_error_status"),
            text: result_text(&v),
        })),
        _ => None,
    }
}

fn result_text(v: &Value) -> String {
    if let Some(s) = v.get("result").and_then(Value::as_str) {
        return s.to_owned();
    }
    let errors = v.get("errors").and_then(Value::as_array);
    let parts: Vec<&str> = errors
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_or_irrelevant_lines_are_not_parsed() {
        let mut big = br#"{"type":"user","message":{"content":""#.to_vec();
        big.extend(vec![b'x'; 1 << 20]);
        assert_eq!(
            inspect(&big),
            None,
            "not even valid JSON, yet no parse happens"
        );
        assert_eq!(inspect(br#"{"type":"assistant","message":{}}"#), None);
        assert_eq!(
            inspect(br#"{ "subtype": "init", "type": "system" }"#),
            Some(Notable::TurnStart)
        );
    }
}
