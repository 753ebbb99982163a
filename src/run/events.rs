//! Which of the child's events bear on the run, read through the one reader
//! ([`crate::json`]) after it validated the line.
//!
//! Promises: an event is recognised by its `type` and `subtype` wherever they
//! stand among its keys, and whatever the line's size (2.1.332 writes
//! `result` with `type` as its 19th key; results of hundreds of KiB are
//! normal); only small fields are copied out (a result's text at most
//! [`TEXT_MAX`] bytes, for messages).

use crate::json::Object;

/// The most of a result's text kept for messages.
const TEXT_MAX: usize = 4096;

/// An event that bears on the run.
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
    /// `system/session_state_changed`: the CLI's own word on whether it
    /// has work (cc-run asks for these; see `session.rs`).
    State(State),
    /// A `control_request` the CLI sends its host (a permission prompt, a
    /// hook callback...): its id, subtype and `request` object as JSON.
    Request {
        id: String,
        subtype: String,
        body: String,
    },
    /// `control_cancel_request`: the CLI withdrew request `id`.
    Cancelled {
        id: String,
    },
    /// `system/permission_denied`: a tool call was refused.
    Denied {
        tool: String,
    },
    /// A tool was called: a `tool_use` block (in an assistant event, or
    /// starting in a partial message), a `tool_result` in a user event, or
    /// `system/task_started`. After one, `--retry` never starts again: the
    /// tool's effects may be half done.
    ToolRan,
}

/// The states of `system/session_state_changed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Idle,
    Running,
    /// Waiting for the host to answer a request.
    RequiresAction,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultInfo {
    pub is_error: bool,
    pub subtype: String,
    pub api_error_status: Option<u16>,
    /// `result`, or the `errors` joined, for messages (cut).
    pub text: String,
    /// The tools of `permission_denials`, in order.
    pub denials: Vec<String>,
}

impl Notable {
    /// True when the event might end the run at once, so it must reach
    /// stdout before cc-run acts on it.
    pub fn urgent(&self) -> bool {
        matches!(self, Notable::Retry { .. } | Notable::Request { .. })
    }
}

/// The event of one validated line that bears on the run, if any.
pub fn inspect(event: &Object<'_>) -> Option<Notable> {
    let ty = event.get("type")?;
    let string = |name: &str| event.str(name).map(|s| s.into_owned());
    let status = |name: &str| {
        event
            .get(name)
            .and_then(|v| v.as_u64())
            .and_then(|n| u16::try_from(n).ok())
    };
    if ty.is_str("result") {
        return Some(Notable::Result(result(event)));
    }
    if ty.is_str("assistant") {
        if let Some(error) = string("error") {
            return Some(Notable::AssistantError { error });
        }
        let content = event.object("message")?.array("content")?;
        return has_block(content, &["tool_use", "server_tool_use", "mcp_tool_use"])
            .then_some(Notable::ToolRan);
    }
    if ty.is_str("user") {
        let content = event.object("message")?.array("content")?;
        return has_block(content, &["tool_result"]).then_some(Notable::ToolRan);
    }
    if ty.is_str("stream_event") {
        let ev = event.object("event")?;
        let block = ev.object("content_block")?;
        let tool = block.get("type")?;
        let starts = ev.get("type")?.is_str("content_block_start")
            && (tool.is_str("tool_use") || tool.is_str("server_tool_use"));
        return starts.then_some(Notable::ToolRan);
    }
    if ty.is_str("control_request") {
        let request = event.object("request")?;
        return Some(Notable::Request {
            id: string("request_id")?,
            subtype: request.str("subtype")?.into_owned(),
            body: request.raw().to_owned(),
        });
    }
    if ty.is_str("control_cancel_request") {
        return Some(Notable::Cancelled {
            id: string("request_id")?,
        });
    }
    if !ty.is_str("system") {
        return None;
    }
    let sub = event.get("subtype")?;
    if sub.is_str("init") {
        Some(Notable::TurnStart)
    } else if sub.is_str("api_retry") {
        Some(Notable::Retry {
            error: string("error"),
            status: status("error_status"),
        })
    } else if sub.is_str("session_state_changed") {
        let state = event.get("state")?;
        Some(Notable::State(if state.is_str("idle") {
            State::Idle
        } else if state.is_str("requires_action") {
            State::RequiresAction
        } else {
            State::Running
        }))
    } else if sub.is_str("task_started") {
        Some(Notable::ToolRan)
    } else if sub.is_str("permission_denied") {
        Some(Notable::Denied {
            tool: string("tool_name").unwrap_or_default(),
        })
    } else {
        None
    }
}

/// True when a content array holds a block whose `type` is one of `kinds`.
fn has_block(content: crate::json::Elements<'_>, kinds: &[&str]) -> bool {
    content.into_iter().any(|block| {
        block
            .get("type")
            .is_some_and(|t| kinds.iter().any(|k| t.is_str(k)))
    })
}

/// False for the control frames and keep-alives, which are not the
/// session's own output.
pub fn is_session_event(event: &Object<'_>) -> bool {
    event.get("type").is_some_and(|t| {
        !t.is_str("control_response")
            && !t.is_str("control_request")
            && !t.is_str("control_cancel_request")
            && !t.is_str("keep_alive")
    })
}

fn result(event: &Object<'_>) -> ResultInfo {
    let text = match event.get("result").and_then(|v| v.as_str_prefix(TEXT_MAX)) {
        Some((s, _)) => s.into_owned(),
        None => {
            let errors = event.array("errors").into_iter().flatten();
            let parts: Vec<String> = errors
                .filter_map(|e| e.as_str_prefix(TEXT_MAX).map(|(s, _)| s.into_owned()))
                .collect();
            parts.join("; ")
        }
    };
    let denials = event.array("permission_denials").into_iter().flatten();
    ResultInfo {
        is_error: event.bool("is_error").unwrap_or(false),
        subtype: event.str("subtype").unwrap_or_default().into_owned(),
        api_error_status: event
            .get("api_error_status")
            .and_then(|v| v.as_u64())
            .and_then(|n| u16::try_from(n).ok()),
        text,
        denials: denials
            .filter_map(|d| d.get("tool_name").and_then(|t| t.as_str()))
            .map(|t| t.into_owned())
            .collect(),
    }
}

/// Reads and inspects one line (for tests, which hold raw lines).
#[cfg(test)]
pub fn inspect_line(line: &[u8]) -> Option<Notable> {
    let mut reader = crate::json::Reader::default();
    let doc = reader.read(line).ok()?;
    inspect(&doc.object().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_found_whatever_the_key_order_and_size() {
        let mut big = br#"{"duration_api_ms":1,"result":""#.to_vec();
        big.extend(vec![b'x'; 300 * 1024]);
        big.extend_from_slice(br#"","is_error":false,"subtype":"success","type":"result","permission_denials":[{"tool_name":"Write","tool_use_id":"t","tool_input":{}}]}"#);
        let Some(Notable::Result(r)) = inspect_line(&big) else {
            panic!("not found")
        };
        assert!(!r.is_error);
        assert_eq!(r.subtype, "success");
        assert_eq!(r.text.len(), TEXT_MAX);
        assert_eq!(r.denials, ["Write"]);
        assert_eq!(
            inspect_line(br#"{ "subtype": "init", "type": "system" }"#),
            Some(Notable::TurnStart)
        );
        assert_eq!(inspect_line(br#"{"type":"assistant","message":{}}"#), None);
    }

    #[test]
    fn tool_calls_are_found_in_every_form() {
        let ran = [
            &br#"{"type":"assistant","message":{"content":[{"type":"text","text":"x"},{"type":"tool_use","id":"t","name":"Bash","input":{}}]}}"#[..],
            br#"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"ok"}]}}"#,
            br#"{"type":"stream_event","event":{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"Bash","input":{}}}}"#,
            br#"{"type":"system","subtype":"task_started","task_id":"b1"}"#,
        ];
        for line in ran {
            assert_eq!(
                inspect_line(line),
                Some(Notable::ToolRan),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
        let not = [
            &br#"{"type":"assistant","message":{"content":[{"type":"text","text":"tool_use"}]}}"#[..],
            br#"{"type":"user","message":{"role":"user","content":"tool_result"}}"#,
            br#"{"type":"stream_event","event":{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}}"#,
        ];
        for line in not {
            assert_eq!(
                inspect_line(line),
                None,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn states_requests_and_denials() {
        assert_eq!(
            inspect_line(br#"{"type":"system","subtype":"session_state_changed","state":"idle"}"#),
            Some(Notable::State(State::Idle))
        );
        let req = br#"{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{}}}"#;
        assert_eq!(
            inspect_line(req),
            Some(Notable::Request {
                id: "r1".into(),
                subtype: "can_use_tool".into(),
                body: r#"{"subtype":"can_use_tool","tool_name":"Bash","input":{}}"#.into()
            })
        );
        assert_eq!(
            inspect_line(br#"{"type":"system","subtype":"permission_denied","tool_name":"Bash"}"#),
            Some(Notable::Denied {
                tool: "Bash".into()
            })
        );
    }
}
