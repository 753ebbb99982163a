//! Partial messages (`--include-partial-messages`): which content blocks were
//! already shown as they streamed, so the complete `assistant` line that
//! follows does not show them a second time.
//!
//! Promises: a text or thinking block whose deltas were shown is skipped once
//! when an assistant line with the same message id carries a block of the
//! same kind, whether that line comes before or after `content_block_stop`
//! (the CLI sends it before). Tool-use blocks are never streamed: the
//! complete call (with its whole input) comes from the assistant line.

use std::borrow::Cow;
use std::collections::VecDeque;

use super::event::{members, string};
use crate::json::Object;

/// The kind of a streamed block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Thinking,
}

/// What a stream event asks the renderer to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<'e> {
    Start(Kind),
    Delta(Kind, Cow<'e, str>),
    Stop(Kind),
    Nothing,
}

/// Bounds the memory of blocks streamed but not yet seen complete.
const MAX_PENDING: usize = 256;

#[derive(Debug, Default)]
pub struct Streamed {
    /// The id of the message being streamed (from `message_start`).
    message: Option<String>,
    /// The streamed block now open: its index (as written: compared, never
    /// computed with) and kind.
    open: Option<(String, Kind)>,
    /// Blocks shown while streaming, not yet matched by an assistant line.
    pending: VecDeque<(String, Kind)>,
}

impl Streamed {
    /// Follows one stream event (the `event` of a `stream_event` line) and
    /// says what to show.
    pub fn step<'e>(&mut self, ev: &Object<'e>) -> Step<'e> {
        members!(ev,
            "type" => kind,
            "index" => index,
            "message" => message,
            "content_block" => content_block,
            "delta" => delta,
        );
        let index = index.map(|v| v.raw());
        match string(kind).as_deref().unwrap_or("") {
            "message_start" => {
                let id = message.and_then(|m| m.get("id")).and_then(|v| v.as_str());
                self.message = id.map(Cow::into_owned);
                self.open = None;
                Step::Nothing
            }
            "content_block_start" => {
                let block_kind = content_block.and_then(|b| b.get("type"));
                let kind = match block_kind.and_then(|v| v.as_str()).as_deref() {
                    Some("text") => Kind::Text,
                    Some("thinking") => Kind::Thinking,
                    _ => return Step::Nothing,
                };
                self.open = Some((index.unwrap_or("0").to_owned(), kind));
                if self.pending.len() == MAX_PENDING {
                    self.pending.pop_front();
                }
                let id = self.message.clone().unwrap_or_default();
                self.pending.push_back((id, kind));
                Step::Start(kind)
            }
            "content_block_delta" => {
                let Some((open, kind)) = &self.open else {
                    return Step::Nothing;
                };
                let kind = *kind;
                if index.is_some_and(|i| i != open) {
                    return Step::Nothing;
                }
                let Some(d) = delta.and_then(|v| v.as_object()) else {
                    return Step::Nothing;
                };
                members!(d, "type" => dkind, "text" => text, "thinking" => thinking);
                let text = match (kind, string(dkind).as_deref().unwrap_or("")) {
                    (Kind::Text, "text_delta") => string(text),
                    (Kind::Thinking, "thinking_delta") => string(thinking),
                    _ => return Step::Nothing,
                };
                Step::Delta(kind, text.unwrap_or_default())
            }
            "content_block_stop" => match self.open.take() {
                Some((open, kind)) if index.is_none_or(|i| i == open) => Step::Stop(kind),
                other => {
                    self.open = other;
                    Step::Nothing
                }
            },
            "message_stop" => {
                self.open = None;
                Step::Nothing
            }
            _ => Step::Nothing,
        }
    }

    /// True (once) if a block of `kind` of message `id` was shown while streaming.
    pub fn take(&mut self, id: &str, kind: Kind) -> bool {
        match self.pending.iter().position(|(m, k)| m == id && *k == kind) {
            Some(at) => {
                self.pending.remove(at);
                true
            }
            None => false,
        }
    }

    /// Forgets everything (a turn ended).
    pub fn reset(&mut self) {
        self.open = None;
        self.pending.clear();
        self.message = None;
    }
}
