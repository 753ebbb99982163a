//! What ccpipe knows about Claude Code's stream-json protocol: building the
//! input messages the CLI reads, and (in [`validate`]) checking both
//! directions. Observed facts live in PROTOCOL-NOTES; the authoritative union
//! of output events is `SDKMessage` in the agent SDK's `sdk.d.ts`.

pub mod schema;
pub mod table;
pub mod validate;

use serde_json::{Value, json};

/// The `priority` of a user message: when a queued message is taken up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Priority {
    Now,
    Next,
    Later,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Now => "now",
            Priority::Next => "next",
            Priority::Later => "later",
        }
    }
}

/// One user message line (without the newline) for the CLI's stdin.
/// `content` is a string or an array of content blocks.
pub fn user_message(content: Value, priority: Option<Priority>) -> Vec<u8> {
    let mut msg = json!({
        "type": "user",
        "message": { "role": "user", "content": content },
        "parent_tool_use_id": null,
    });
    if let Some(p) = priority {
        msg["priority"] = Value::from(p.as_str());
    }
    serde_json::to_vec(&msg).expect("a JSON value always serialises")
}

/// An interrupt `control_request` line (without the newline).
pub fn interrupt_request(request_id: &str) -> Vec<u8> {
    let msg = json!({
        "type": "control_request",
        "request_id": request_id,
        "request": { "subtype": "interrupt" },
    });
    serde_json::to_vec(&msg).expect("a JSON value always serialises")
}

/// A request id unique to this process: `<prefix>-<pid>-<counter>`.
pub fn next_request_id(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// The `type` and `subtype` of an event, when they are strings.
pub fn kind(event: &Value) -> (Option<&str>, Option<&str>) {
    (
        event.get("type").and_then(Value::as_str),
        event.get("subtype").and_then(Value::as_str),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_message_shape() {
        let line = user_message(Value::from("hi"), Some(Priority::Now));
        let v: Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(v["type"], "user");
        assert_eq!(v["message"]["role"], "user");
        assert_eq!(v["message"]["content"], "hi");
        assert_eq!(v["priority"], "now");
    }

    #[test]
    fn request_ids_are_unique() {
        assert_ne!(next_request_id("x"), next_request_id("x"));
    }

    #[test]
    fn interrupt_shape() {
        let v: Value = serde_json::from_slice(&interrupt_request("r1")).unwrap();
        assert_eq!(v["request"]["subtype"], "interrupt");
        assert_eq!(v["request_id"], "r1");
    }
}
