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

/// How cc-prompt and cc-steer make user messages.
#[derive(Debug, Clone, Copy, Default)]
pub struct MessageOptions {
    pub priority: Option<Priority>,
    /// Stamp a fresh `uuid` (the CLI then reports the message's fate in
    /// `command_lifecycle` events, lists it in interrupt receipts, and
    /// `cancel_async_message` can withdraw it).
    pub uuid: bool,
}

/// One user message line (without the newline) for the CLI's stdin.
/// `content` is a string or an array of content blocks.
pub fn user_message(content: Value, priority: Option<Priority>) -> Vec<u8> {
    message(
        content,
        MessageOptions {
            priority,
            uuid: false,
        },
        None,
    )
}

/// A user message made as `opts` say; `should_query: Some(false)` makes a
/// note that adds context without starting a turn.
pub fn message(content: Value, opts: MessageOptions, should_query: Option<bool>) -> Vec<u8> {
    let mut msg = json!({
        "type": "user",
        "message": { "role": "user", "content": content },
        "parent_tool_use_id": null,
    });
    if let Some(p) = opts.priority {
        msg["priority"] = Value::from(p.as_str());
    }
    if opts.uuid {
        msg["uuid"] = Value::from(uuid::Uuid::new_v4().to_string());
    }
    if let Some(q) = should_query {
        msg["shouldQuery"] = Value::from(q);
    }
    serde_json::to_vec(&msg).expect("a JSON value always serialises")
}

/// A `control_request` line (without the newline) of `subtype` with the
/// other fields of `request` (an object), under a fresh request id that
/// starts with the subtype, so cc-fmt can tell what its answer answers.
pub fn control_request(subtype: &str, request: Value) -> Vec<u8> {
    let mut request = match request {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    request.insert("subtype".into(), Value::from(subtype));
    let msg = json!({
        "type": "control_request",
        "request_id": next_request_id(subtype),
        "request": request,
    });
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

/// A permission answer for request `reference`: `#N` (the N-th prompt, as
/// cc-fmt numbers them), `#` (the oldest waiting) or a request id; cc-run
/// puts the real id in place of a number.
pub fn permission_answer(reference: &str, deny: Option<&str>) -> Vec<u8> {
    let response = match deny {
        None => json!({"behavior": "allow"}),
        Some(message) => json!({"behavior": "deny", "message": message}),
    };
    let msg = json!({
        "type": "control_response",
        "response": {
            "subtype": "success",
            "request_id": reference,
            "response": response,
        },
    });
    serde_json::to_vec(&msg).expect("a JSON value always serialises")
}

/// A request id unique to this process: `<prefix>-<pid>-<counter>`.
/// ccpipe's stages use the request's subtype as the prefix.
pub fn next_request_id(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// The subtype of the request a ccpipe-made request id names (its prefix),
/// when it is one the protocol table knows.
pub fn request_subtype(request_id: &str) -> Option<&'static str> {
    let (prefix, _) = request_id.split_once('-')?;
    table::REQUESTS
        .iter()
        .find(|r| r.subtype == prefix)
        .map(|r| r.subtype)
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
    fn request_ids_are_unique_and_name_their_subtype() {
        assert_ne!(next_request_id("x"), next_request_id("x"));
        let line = control_request("set_model", json!({"model": "sonnet"}));
        let v: Value = serde_json::from_slice(&line).unwrap();
        let id = v["request_id"].as_str().unwrap();
        assert_eq!(request_subtype(id), Some("set_model"));
        assert_eq!(
            v["request"],
            json!({"subtype": "set_model", "model": "sonnet"})
        );
        assert_eq!(request_subtype("79f4164d-f49a-4291"), None);
        assert!(validate::check_input_line(&line).is_ok());
    }

    #[test]
    fn messages_with_uuids_and_notes() {
        let opts = MessageOptions {
            priority: None,
            uuid: true,
        };
        let v: Value =
            serde_json::from_slice(&message(Value::from("n"), opts, Some(false))).unwrap();
        assert_eq!(v["uuid"].as_str().map(str::len), Some(36));
        assert_eq!(v["shouldQuery"], false);
        let line = permission_answer("#3", Some("not in prod"));
        assert!(validate::check_input_line(&line).is_ok());
    }

    #[test]
    fn interrupt_shape() {
        let v: Value = serde_json::from_slice(&interrupt_request("r1")).unwrap();
        assert_eq!(v["request"]["subtype"], "interrupt");
        assert_eq!(v["request_id"], "r1");
    }
}
