//! Borrowed, typed views of the stream-json events cc-fmt shows.
//!
//! Promises: deserialising a line allocates only for strings that contain
//! escapes; fields cc-fmt does not show are skipped, not built; a field of an
//! unexpected type is treated as absent instead of rejecting the line (new
//! event types reuse field names with other shapes). Nested objects are read
//! in the same pass as the line (no raw copy parsed again), so a big tool
//! result is scanned once; only a tool call's input stays raw JSON.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::lenient::{content, lenient, object, text};

/// A JSON string borrowed from the line when it has no escapes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a raw part into a view; `None` when it has another shape.
pub fn view<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    serde_json::from_str(raw?.get()).ok()
}

type Raw<'a> = Option<&'a RawValue>;

/// One output line of the CLI: the union of the fields of every event type cc-fmt shows.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Envelope<'a> {
    #[serde(rename = "type", borrow, deserialize_with = "text")]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub subtype: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "object")]
    pub message: Option<Message<'a>>,
    #[serde(borrow, deserialize_with = "object")]
    pub event: Option<Box<StreamEvent<'a>>>,
    #[serde(rename = "isReplay", deserialize_with = "lenient")]
    pub is_replay: Option<bool>,
    #[serde(borrow, deserialize_with = "text")]
    pub parent_tool_use_id: Option<Text<'a>>,

    // system/init
    #[serde(borrow, deserialize_with = "text")]
    pub model: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub cwd: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub session_id: Option<Text<'a>>,
    #[serde(rename = "permissionMode", borrow, deserialize_with = "text")]
    pub permission_mode: Option<Text<'a>>,

    // system/api_retry (and `error` on assistant messages)
    #[serde(deserialize_with = "lenient")]
    pub attempt: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub max_retries: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub retry_delay_ms: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub error_status: Option<f64>,
    #[serde(borrow, deserialize_with = "text")]
    pub error: Option<Text<'a>>,

    // system/task_started, system/task_notification
    #[serde(borrow, deserialize_with = "text")]
    pub description: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub task_type: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub status: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub summary: Option<Text<'a>>,

    // result
    #[serde(deserialize_with = "lenient")]
    pub is_error: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub num_turns: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub duration_ms: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub total_cost_usd: Option<f64>,
    #[serde(deserialize_with = "object")]
    pub usage: Option<Usage>,
    #[serde(borrow, deserialize_with = "lenient")]
    pub permission_denials: Option<Vec<Denial<'a>>>,
    #[serde(borrow, deserialize_with = "text")]
    pub result: Option<Text<'a>>,
    #[serde(deserialize_with = "lenient")]
    pub api_error_status: Option<f64>,
    #[serde(borrow, deserialize_with = "text")]
    pub terminal_reason: Option<Text<'a>>,

    // control_request, control_response
    #[serde(borrow, deserialize_with = "text")]
    pub request_id: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "object")]
    pub request: Option<Box<Control<'a>>>,
    #[serde(borrow, deserialize_with = "object")]
    pub response: Option<Box<Control<'a>>>,
}

impl Envelope<'_> {
    pub fn kind(&self) -> &str {
        self.kind.as_ref().map_or("", Text::as_str)
    }
    pub fn subtype(&self) -> &str {
        self.subtype.as_ref().map_or("", Text::as_str)
    }
}

/// Token counts of a result.
#[derive(Debug, Default, Clone, Copy, serde::Deserialize)]
#[serde(default)]
pub struct Usage {
    #[serde(deserialize_with = "lenient")]
    pub input_tokens: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub output_tokens: Option<f64>,
}

/// One entry of a result's `permission_denials`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Denial<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub tool_name: Option<Text<'a>>,
}

/// `message` of a user or assistant line.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Message<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub id: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "content")]
    pub content: Option<Content<'a>>,
}

/// Message content: a plain string or content blocks.
#[derive(Debug)]
pub enum Content<'a> {
    Text(Text<'a>),
    Blocks(Vec<Block<'a>>),
}

/// One content block (text, thinking, tool_use, tool_result, image...).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Block<'a> {
    #[serde(rename = "type", borrow, deserialize_with = "text")]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub text: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub thinking: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub name: Option<Text<'a>>,
    #[serde(borrow)]
    pub input: Raw<'a>,
    #[serde(borrow, deserialize_with = "content")]
    pub content: Option<Content<'a>>,
    #[serde(deserialize_with = "lenient")]
    pub is_error: Option<bool>,
}

impl Block<'_> {
    pub fn kind(&self) -> &str {
        self.kind.as_ref().map_or("", Text::as_str)
    }
}

/// The `event` of a `stream_event` line (one Messages API stream event).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StreamEvent<'a> {
    #[serde(rename = "type", borrow, deserialize_with = "text")]
    pub kind: Option<Text<'a>>,
    #[serde(deserialize_with = "lenient")]
    pub index: Option<u64>,
    #[serde(borrow, deserialize_with = "object")]
    pub message: Option<Message<'a>>,
    #[serde(borrow, deserialize_with = "object")]
    pub content_block: Option<Block<'a>>,
    #[serde(borrow, deserialize_with = "object")]
    pub delta: Option<Delta<'a>>,
}

/// A `content_block_delta`'s delta.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Delta<'a> {
    #[serde(rename = "type", borrow, deserialize_with = "text")]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub text: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub thinking: Option<Text<'a>>,
}

/// The `request` of a control_request, or the `response` of a control_response.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Control<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub subtype: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub request_id: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub error: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub tool_name: Option<Text<'a>>,
    #[serde(borrow)]
    pub input: Raw<'a>,
    #[serde(borrow)]
    pub response: Raw<'a>,
}

/// The text of a Text option, or "".
pub fn s<'b>(t: &'b Option<Text<'_>>) -> &'b str {
    t.as_ref().map_or("", Text::as_str)
}
