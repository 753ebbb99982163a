//! The canned "model": turns the last user message of a Messages API request
//! into a reply (text, tool calls, thinking, slow text or an HTTP error), and a
//! reply into the server-sent events the real API would stream.

use std::time::Duration;

use serde_json::{Value, json};

/// What the stand-in answers one streamed `POST /v1/messages` with.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// An assistant message made of these blocks, with `delay` between events.
    Message { blocks: Vec<Block>, delay: Duration },
    /// An HTTP error with the Anthropic error body for this status.
    Http(u16),
}

/// One content block of a scripted assistant message.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Text(String),
    Thinking(String),
    ToolUse { name: String, input: Value },
}

/// The marker the CLI puts before a message that arrived during a tool loop.
pub const STEERING_MARKER: &str = "The user sent a new message while you were working";

/// Default pause between events of a `slow:` reply.
pub const SLOW_DELAY: Duration = Duration::from_millis(300);

/// The reply to a request body, by the rules listed in `support/mod.rs`.
pub fn reply_for(body: &Value, slow_delay: Duration) -> Reply {
    let last = last_user_content(body);
    let (text, tool_result) = driver(&last);
    match text {
        Some(text) => reply_for_text(&text, slow_delay),
        None => match tool_result {
            Some(out) => message(vec![Block::Text(format!("Tool finished: {out}"))]),
            None => message(vec![Block::Text("echo: ".to_owned())]),
        },
    }
}

/// The reply to one prompt text.
pub fn reply_for_text(text: &str, slow_delay: Duration) -> Reply {
    let text = text.trim();
    if let Some(status) = text.strip_prefix("http:") {
        return match status.trim().parse::<u16>() {
            Ok(code) if (400..600).contains(&code) => Reply::Http(code),
            _ => message(vec![Block::Text(format!("bad http rule: {text}"))]),
        };
    }
    if let Some(thought) = text.strip_prefix("think:") {
        return message(vec![
            Block::Thinking(thought.trim().to_owned()),
            Block::Text("Thought it through.".to_owned()),
        ]);
    }
    if let Some(words) = text.strip_prefix("slow:") {
        return Reply::Message {
            blocks: vec![Block::Text(words.trim().to_owned())],
            delay: slow_delay,
        };
    }
    if let Some(parts) = text.strip_prefix("multi:") {
        let mut blocks = vec![Block::Text("Let me look first.".to_owned())];
        blocks.extend(parts.split(";;").filter_map(|p| tool_block(p.trim())));
        return message(blocks);
    }
    match tool_block(text) {
        Some(block) => message(vec![block]),
        None => message(vec![Block::Text(format!("echo: {text}"))]),
    }
}

fn message(blocks: Vec<Block>) -> Reply {
    Reply::Message {
        blocks,
        delay: Duration::ZERO,
    }
}

/// `bash: CMD` or `read: PATH` as a tool_use block.
fn tool_block(text: &str) -> Option<Block> {
    if let Some(cmd) = text.strip_prefix("bash:") {
        let input = json!({"command": cmd.trim(), "description": "Run the command"});
        return Some(Block::ToolUse {
            name: "Bash".to_owned(),
            input,
        });
    }
    if let Some(path) = text.strip_prefix("read:") {
        let input = json!({"file_path": path.trim()});
        return Some(Block::ToolUse {
            name: "Read".to_owned(),
            input,
        });
    }
    None
}

/// The content blocks of the last `user` message of a request, as an array.
pub fn last_user_content(body: &Value) -> Vec<Value> {
    let Some(msg) = body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
    else {
        return Vec::new();
    };
    match &msg["content"] {
        Value::String(s) => vec![json!({"type": "text", "text": s})],
        Value::Array(blocks) => blocks.clone(),
        _ => Vec::new(),
    }
}

/// The text of a block or of a tool_result's content (string or blocks).
pub fn block_text(block: &Value) -> String {
    match block["type"].as_str() {
        Some("tool_result") => match &block["content"] {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect(),
            _ => String::new(),
        },
        _ => block["text"].as_str().unwrap_or_default().to_owned(),
    }
}

/// Which part of the last user message drives the script: the last plain text
/// block that comes after every tool_result (skipping system reminders, the
/// CLI's interruption notes and merged steering messages), else the output of
/// the last tool_result.
fn driver(blocks: &[Value]) -> (Option<String>, Option<String>) {
    let mut text = None;
    let mut tool_result = None;
    for block in blocks {
        match block["type"].as_str() {
            Some("tool_result") => {
                tool_result = Some(block_text(block));
                text = None;
            }
            Some("text") => {
                let t = block_text(block);
                let t = t.trim();
                let noise = t.starts_with("<system-reminder>")
                    || t.starts_with("[Request interrupted")
                    || t.contains(STEERING_MARKER);
                if !noise && !t.is_empty() {
                    text = Some(t.to_owned());
                }
            }
            _ => {}
        }
    }
    (text, tool_result)
}

/// The Anthropic error type for an HTTP status.
pub fn error_type(status: u16) -> &'static str {
    match status {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    }
}

/// The JSON body of an HTTP error.
pub fn error_body(status: u16, message: &str) -> Value {
    json!({"type": "error", "error": {"type": error_type(status), "message": message}})
}

/// The SSE events (name, data) of one scripted message, in order.
pub fn sse_events(id: &str, model: &str, blocks: &[Block]) -> Vec<(&'static str, Value)> {
    let usage = json!({"input_tokens": 12, "output_tokens": 1});
    let mut out = vec![(
        "message_start",
        json!({"type": "message_start", "message": {
            "id": id, "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": null, "stop_sequence": null, "usage": usage,
        }}),
    )];
    let mut output_tokens = 1;
    for (index, block) in blocks.iter().enumerate() {
        let (start, deltas) = match block {
            Block::Text(text) => (
                json!({"type": "text", "text": ""}),
                words(text)
                    .map(|w| json!({"type": "text_delta", "text": w}))
                    .collect::<Vec<_>>(),
            ),
            Block::Thinking(thought) => (
                json!({"type": "thinking", "thinking": "", "signature": ""}),
                vec![
                    json!({"type": "thinking_delta", "thinking": thought}),
                    json!({"type": "signature_delta", "signature": "c2lnbmF0dXJl"}),
                ],
            ),
            Block::ToolUse { name, input } => {
                let tool_id = format!("toolu_{}_{index}", id.trim_start_matches("msg_"));
                let json = input.to_string();
                (
                    json!({"type": "tool_use", "id": tool_id, "name": name, "input": {}}),
                    chunks(&json, 7)
                        .map(|c| json!({"type": "input_json_delta", "partial_json": c}))
                        .collect(),
                )
            }
        };
        output_tokens += deltas.len();
        out.push((
            "content_block_start",
            json!({"type": "content_block_start", "index": index, "content_block": start}),
        ));
        for delta in deltas {
            out.push((
                "content_block_delta",
                json!({"type": "content_block_delta", "index": index, "delta": delta}),
            ));
        }
        out.push((
            "content_block_stop",
            json!({"type": "content_block_stop", "index": index}),
        ));
    }
    let tool = blocks.iter().any(|b| matches!(b, Block::ToolUse { .. }));
    let stop_reason = if tool { "tool_use" } else { "end_turn" };
    out.push((
        "message_delta",
        json!({"type": "message_delta",
               "delta": {"stop_reason": stop_reason, "stop_sequence": null},
               "usage": {"output_tokens": output_tokens}}),
    ));
    out.push(("message_stop", json!({"type": "message_stop"})));
    out
}

/// The same blocks as one non-streamed JSON message.
pub fn message_json(id: &str, model: &str, blocks: &[Block]) -> Value {
    let content: Vec<Value> = blocks
        .iter()
        .enumerate()
        .map(|(index, block)| match block {
            Block::Text(text) => json!({"type": "text", "text": text}),
            Block::Thinking(thought) => {
                json!({"type": "thinking", "thinking": thought, "signature": "c2lnbmF0dXJl"})
            }
            Block::ToolUse { name, input } => json!({"type": "tool_use", "name": name,
                "id": format!("toolu_{}_{index}", id.trim_start_matches("msg_")), "input": input}),
        })
        .collect();
    let tool = blocks.iter().any(|b| matches!(b, Block::ToolUse { .. }));
    json!({"id": id, "type": "message", "role": "assistant", "model": model, "content": content,
           "stop_reason": if tool { "tool_use" } else { "end_turn" }, "stop_sequence": null,
           "usage": {"input_tokens": 12, "output_tokens": 8}})
}

/// Words with their trailing space, as text deltas arrive from the real API.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(' ')
}

/// Pieces of at most `n` characters (not bytes: never splits a character).
fn chunks(s: &str, n: usize) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = s.chars().collect();
    let pieces: Vec<String> = chars.chunks(n).map(|c| c.iter().collect()).collect();
    pieces.into_iter()
}
