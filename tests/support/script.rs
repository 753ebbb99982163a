//! The canned "model": turns the last user message of a Messages API request
//! into a reply (text, tool calls, thinking, slow or endless text, an HTTP
//! error), and a reply into the server-sent events the real API would stream.
//! The rules are listed in `support/mod.rs`.

use std::time::Duration;

use serde_json::{Value, json};

/// What the stand-in answers one streamed `POST /v1/messages` with.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// An assistant message made of these blocks, with `delay` between events.
    Message { blocks: Vec<Block>, delay: Duration },
    /// An HTTP error with the Anthropic error body for this status.
    Http(u16),
    /// `message_start`, then nothing: the stream stays open and silent until
    /// the client goes away or the stand-in stops.
    Stall,
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

/// What `write: PATH` writes when the rule names no content.
pub const WRITE_CONTENT: &str = "written by the scripted model\n";

/// Text longer than this streams in [`BIG_CHUNK`]-character deltas rather than a word at a time.
const WORDS_UP_TO: usize = 4096;
const BIG_CHUNK: usize = 16 * 1024;

/// The size of the answer `big: N` may ask for (64 MiB).
pub const BIG_MAX: usize = 64 << 20;

/// The reply to a request body, by the rules listed in `support/mod.rs`.
pub fn reply_for(body: &Value, slow_delay: Duration) -> Reply {
    let last = last_user_content(body);
    let (text, tool_result) = driver(&last);
    match text {
        Some(text) => reply_for_text(&text, slow_delay),
        None => match (tool_result, task_notification(&last)) {
            (Some(out), _) => message(vec![Block::Text(format!("Tool finished: {out}"))]),
            (None, Some(out)) => message(vec![Block::Text(format!("Task finished: {out}"))]),
            (None, None) => message(vec![Block::Text("echo: ".to_owned())]),
        },
    }
}

/// The `<result>` of a background task's `<task-notification>`, which the
/// CLI sends when a background subagent ends (2.1.332 inside a system
/// reminder, 2.1.197 as plain text).
fn task_notification(blocks: &[Value]) -> Option<String> {
    blocks.iter().rev().find_map(|b| {
        let text = b["text"].as_str()?;
        let note = &text[text.find("<task-notification>")?..];
        let start = note.find("<result>")? + "<result>".len();
        let end = note[start..].find("</result>")? + start;
        Some(note[start..end].trim().to_owned())
    })
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
    if let Some(size) = text.strip_prefix("big:") {
        return match size.trim().parse::<usize>() {
            Ok(n) if n <= BIG_MAX => message(vec![Block::Text(big_text(n))]),
            _ => message(vec![Block::Text(format!("bad big rule: {text}"))]),
        };
    }
    if text.starts_with("stall:") {
        return Reply::Stall;
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

/// `n` bytes of ASCII text: numbered sentences, so any slice shows where it is.
pub fn big_text(n: usize) -> String {
    let mut out = String::with_capacity(n + 64);
    let mut i = 0;
    while out.len() < n {
        out.push_str(&format!("Line {i:07} of a long scripted answer. "));
        i += 1;
    }
    out.truncate(n);
    out
}

fn message(blocks: Vec<Block>) -> Reply {
    Reply::Message {
        blocks,
        delay: Duration::ZERO,
    }
}

/// One tool call: `bash: CMD`, `read: PATH`, `write: PATH [:: TEXT]`,
/// `edit: PATH :: OLD => NEW`, `tick: N`, `task: PROMPT`, `json: VALUE`.
fn tool_block(text: &str) -> Option<Block> {
    let (name, input) = if let Some(cmd) = text.strip_prefix("bash:") {
        (
            "Bash",
            json!({"command": cmd.trim(), "description": "Run the command"}),
        )
    } else if let Some(path) = text.strip_prefix("read:") {
        ("Read", json!({"file_path": path.trim()}))
    } else if let Some(rest) = text.strip_prefix("write:") {
        let (path, content) = match rest.split_once("::") {
            Some((path, content)) => (path, format!("{}\n", content.trim())),
            None => (rest, WRITE_CONTENT.to_owned()),
        };
        (
            "Write",
            json!({"file_path": path.trim(), "content": content}),
        )
    } else if let Some(rest) = text.strip_prefix("edit:") {
        let (path, change) = rest.split_once("::")?;
        let (old, new) = change.split_once("=>")?;
        let input = json!({"file_path": path.trim(), "old_string": old.trim(),
                           "new_string": new.trim()});
        ("Edit", input)
    } else if let Some(secs) = text.strip_prefix("tick:") {
        let secs: u32 = secs.trim().parse().ok()?;
        let cmd = format!("for i in $(seq 1 {secs}); do echo tick $i; sleep 1; done");
        (
            "Bash",
            json!({"command": cmd, "description": "Print a line a second"}),
        )
    } else if let Some(prompt) = text.strip_prefix("task:") {
        let input = json!({"description": "Scripted subtask", "prompt": prompt.trim(),
                           "subagent_type": "general-purpose", "run_in_background": false});
        ("Task", input)
    } else if let Some(prompt) = text.strip_prefix("bgtask:") {
        let input = json!({"description": "Scripted background subtask", "prompt": prompt.trim(),
                           "subagent_type": "general-purpose", "run_in_background": true});
        ("Task", input)
    } else if let Some(value) = text.strip_prefix("json:") {
        let input: Value = serde_json::from_str(value.trim()).ok()?;
        ("StructuredOutput", input)
    } else {
        return None;
    };
    Some(Block::ToolUse {
        name: name.to_owned(),
        input,
    })
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

/// The text of a block or of a tool_result's content (string or blocks),
/// without the `<system-reminder>` notes the CLI appends to tool results.
pub fn block_text(block: &Value) -> String {
    match block["type"].as_str() {
        Some("tool_result") => {
            let text: String = match &block["content"] {
                Value::String(s) => s.clone(),
                Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect(),
                _ => String::new(),
            };
            strip_reminders(&text)
        }
        _ => block["text"].as_str().unwrap_or_default().to_owned(),
    }
}

/// `text` without `<system-reminder>...</system-reminder>` sections, trimmed
/// at the end.
fn strip_reminders(text: &str) -> String {
    const OPEN: &str = "<system-reminder>";
    const CLOSE: &str = "</system-reminder>";
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        rest = match rest[start..].find(CLOSE) {
            Some(end) => &rest[start + end + CLOSE.len()..],
            None => "",
        };
    }
    out.push_str(rest);
    out.trim_end().to_owned()
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
                    || t.starts_with("<task-notification>")
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
                text_pieces(text)
                    .into_iter()
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
                    json_pieces(&json)
                        .into_iter()
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

/// The deltas of a text: words with their trailing space, as they arrive
/// from the real API, or for a long text pieces of [`BIG_CHUNK`] characters.
fn text_pieces(text: &str) -> Vec<String> {
    if text.len() <= WORDS_UP_TO {
        text.split_inclusive(' ').map(str::to_owned).collect()
    } else {
        chunks(text, BIG_CHUNK).collect()
    }
}

/// A tool input's JSON in the pieces of `input_json_delta`s: tokens joined
/// into pieces of about [`JSON_PIECE`] characters. A string value of up to
/// [`WHOLE_STRING`] characters stays in one piece, so a path in it is whole
/// in the capture (and is anonymised there); a longer one is cut.
fn json_pieces(json: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            tokens.push(c.to_string());
            continue;
        }
        let mut token = String::from('"');
        let mut escaped = false;
        for c in chars.by_ref() {
            token.push(c);
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => break,
                _ => escaped = false,
            }
        }
        if token.chars().count() > WHOLE_STRING {
            tokens.extend(chunks(&token, JSON_PIECE * 2));
        } else {
            tokens.push(token);
        }
    }
    let mut pieces = vec![String::new()];
    for token in tokens {
        let last = pieces.last_mut().unwrap();
        if last.chars().count() >= JSON_PIECE {
            pieces.push(token);
        } else {
            last.push_str(&token);
        }
    }
    pieces
}

/// About how long a piece of a tool input's streamed JSON is.
const JSON_PIECE: usize = 16;

/// The longest string value a tool input streams in one piece.
const WHOLE_STRING: usize = 96;

/// Pieces of at most `n` characters (not bytes: never splits a character).
fn chunks(s: &str, n: usize) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = s.chars().collect();
    let pieces: Vec<String> = chars.chunks(n).map(|c| c.iter().collect()).collect();
    pieces.into_iter()
}
