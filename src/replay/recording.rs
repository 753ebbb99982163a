//! A recorded session cut into turns, for `--as-claude`: a turn is every
//! event after one `result` up to and including the next. Each event is
//! kept as recorded, with what the stand-in needs to know about it.
//!
//! Promises: every line is read by the shared rules ([`crate::json`]); a
//! line that breaks them makes the whole recording an error naming the
//! line, so nothing malformed is ever played to the host; the events after
//! the last `result` are a last turn of their own (a recording cut short),
//! unless they only report the CLI's state.

use std::collections::VecDeque;

use crate::error::{Error, Result};
use crate::lines::{LineError, LineReader};

use super::pace::recorded_time;

/// What the stand-in does with a recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The turn's `result`.
    Result,
    /// `system/session_state_changed`: the stand-in reports its own states.
    State,
    /// A user message the CLI echoed (`isReplay`): the stand-in echoes the
    /// messages it is sent instead.
    Replay,
    /// Lines about the recorded host's own messages and requests
    /// (`command_lifecycle`, `control_response`, `control_cancel_request`):
    /// they would name messages and requests the live host never sent.
    HostEcho,
    /// A token-level `stream_event` (only with `--include-partial-messages`).
    Partial,
    /// A `system` event other than a state (`init`, `status`, ...).
    System,
    /// Tool results of the main agent: where the CLI merges a message that
    /// arrived while the tools ran.
    ToolResult,
    /// A request of the CLI that waits for the host's answer (its id).
    Ask(String),
    /// Anything else: assistant and user messages, tool progress, ...
    Other,
}

/// One recorded line.
#[derive(Debug, Clone)]
pub struct Event {
    pub line: Vec<u8>,
    pub kind: Kind,
    /// Its `timestamp`, in ms since the epoch.
    pub time: Option<i64>,
    pub session: Option<String>,
}

/// The recording, turn by turn.
#[derive(Debug)]
pub struct Recording {
    pub turns: VecDeque<Vec<Event>>,
    /// The first `session_id` in it.
    pub session: Option<String>,
    /// `claude_code_version` of its first `init`.
    pub version: Option<String>,
}

/// Reads the recording in `bytes` (named `name` in messages).
pub fn load(bytes: &[u8], name: &str, max_line: usize) -> Result<Recording> {
    let mut lines = LineReader::with_max(bytes, max_line);
    let mut reader = crate::json::Reader::default();
    let mut recording = Recording {
        turns: VecDeque::new(),
        session: None,
        version: None,
    };
    let mut turn = Vec::new();
    loop {
        let (n, line) = match lines.next_line(&mut || Ok(())) {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(err @ LineError::TooLong { line, .. }) => {
                return Err(Error::data(format!("{name}:{line}: {err}")));
            }
            Err(LineError::Io(err)) => return Err(Error::data(format!("{name}: {err}"))),
        };
        let bad = |err: &dyn std::fmt::Display| Error::data(format!("{name}:{n}: {err}"));
        let doc = reader.read(line).map_err(|e| bad(&e))?;
        let obj = doc.object().map_err(|e| bad(&e))?;
        let kind = kind_of(&obj);
        let session = obj.str("session_id").map(|s| s.into_owned());
        if recording.session.is_none() {
            recording.session.clone_from(&session);
        }
        if recording.version.is_none() && obj.str("subtype").is_some_and(|s| s == "init") {
            recording.version = obj.str("claude_code_version").map(|s| s.into_owned());
        }
        let end = kind == Kind::Result;
        turn.push(Event {
            time: recorded_time(&doc),
            line: line.to_vec(),
            kind,
            session,
        });
        if end {
            recording.turns.push_back(std::mem::take(&mut turn));
        }
    }
    // After the last result the CLI still reports its state: nothing to play.
    if turn
        .iter()
        .any(|e| !matches!(e.kind, Kind::State | Kind::HostEcho))
    {
        recording.turns.push_back(turn);
    }
    Ok(recording)
}

fn kind_of(obj: &crate::json::Object<'_>) -> Kind {
    let kind = obj.str("type").unwrap_or_default();
    let subtype = obj.str("subtype").unwrap_or_default();
    match kind.as_ref() {
        "result" => Kind::Result,
        "system" if subtype == "session_state_changed" => Kind::State,
        "system" => Kind::System,
        "user" if obj.bool("isReplay") == Some(true) => Kind::Replay,
        "user" if obj.get("parent_tool_use_id").is_none_or(|p| p.is_null()) => Kind::ToolResult,
        "command_lifecycle" | "control_response" | "control_cancel_request" => Kind::HostEcho,
        "stream_event" => Kind::Partial,
        "control_request" => match obj.str("request_id") {
            Some(id) => Kind::Ask(id.into_owned()),
            None => Kind::Other,
        },
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_end_at_each_result() {
        let text =
            br#"{"type":"system","subtype":"init","session_id":"s","claude_code_version":"9.9.9"}
{"type":"user","isReplay":true,"message":{"role":"user","content":"hi"}}
{"type":"user","parent_tool_use_id":null,"message":{"role":"user","content":[]}}
{"type":"user","parent_tool_use_id":"t1","message":{"role":"user","content":[]}}
{"type":"result","subtype":"success"}
{"type":"system","subtype":"session_state_changed","state":"idle"}
{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool"}}
{"type":"result","subtype":"success"}
{"type":"assistant","timestamp":"2026-01-01T00:00:00.500Z"}
"#;
        let ends_idle =
            b"{\"type\":\"result\"}\n{\"type\":\"system\",\"subtype\":\"session_state_changed\"}\n";
        assert_eq!(load(ends_idle, "t", 1 << 20).unwrap().turns.len(), 1);
        let r = load(text, "t", 1 << 20).unwrap();
        assert_eq!(r.session.as_deref(), Some("s"));
        assert_eq!(r.version.as_deref(), Some("9.9.9"));
        let kinds: Vec<Vec<Kind>> = r
            .turns
            .iter()
            .map(|t| t.iter().map(|e| e.kind.clone()).collect())
            .collect();
        assert_eq!(
            kinds,
            [
                vec![
                    Kind::System,
                    Kind::Replay,
                    Kind::ToolResult,
                    Kind::Other,
                    Kind::Result
                ],
                vec![Kind::State, Kind::Ask("r1".into()), Kind::Result],
                vec![Kind::Other],
            ]
        );
        assert_eq!(r.turns[2][0].time, Some(1_767_225_600_500));
    }

    #[test]
    fn a_bad_line_is_an_error_naming_it() {
        let err = load(b"{\"type\":\"a\"}\n{oops\n", "rec.jsonl", 1 << 20).unwrap_err();
        assert!(err.to_string().starts_with("rec.jsonl:2: "), "{err}");
        let err = load(b"[1]\n", "rec.jsonl", 1 << 20).unwrap_err();
        assert!(err.to_string().contains("expected a JSON object"), "{err}");
    }
}
