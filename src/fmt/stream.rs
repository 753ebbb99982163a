//! Partial messages (`--include-partial-messages`): which content blocks were
//! already shown as they streamed, so the complete `assistant` line that
//! follows does not show them a second time.
//!
//! Promises: a text or thinking block whose deltas were shown is skipped once
//! when an assistant line with the same message id carries a block of the
//! same kind, whether that line comes before or after `content_block_stop`
//! (the CLI sends it before). Tool-use blocks are never streamed: the
//! complete call (with its whole input) comes from the assistant line.

use std::collections::VecDeque;

use super::event::{StreamEvent, s};

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
    Delta(Kind, &'e str),
    Stop(Kind),
    Nothing,
}

/// Bounds the memory of blocks streamed but not yet seen complete.
const MAX_PENDING: usize = 256;

#[derive(Debug, Default)]
pub struct Streamed {
    /// The id of the message being streamed (from `message_start`).
    message: Option<String>,
    /// The streamed block now open: its index and kind.
    open: Option<(u64, Kind)>,
    /// Blocks shown while streaming, not yet matched by an assistant line.
    pending: VecDeque<(String, Kind)>,
}

impl Streamed {
    /// Follows one stream event and says what to show.
    pub fn step<'e>(&mut self, ev: &'e StreamEvent<'_>) -> Step<'e> {
        match s(&ev.kind) {
            "message_start" => {
                let id = ev.message.as_ref().map(|m| s(&m.id).to_owned());
                self.message = id;
                self.open = None;
                Step::Nothing
            }
            "content_block_start" => {
                let kind = match ev.content_block.as_ref().map(|b| b.kind()) {
                    Some("text") => Kind::Text,
                    Some("thinking") => Kind::Thinking,
                    _ => return Step::Nothing,
                };
                let index = ev.index.unwrap_or(0);
                self.open = Some((index, kind));
                if self.pending.len() == MAX_PENDING {
                    self.pending.pop_front();
                }
                let id = self.message.clone().unwrap_or_default();
                self.pending.push_back((id, kind));
                Step::Start(kind)
            }
            "content_block_delta" => {
                let Some((index, kind)) = self.open else {
                    return Step::Nothing;
                };
                if ev.index.is_some_and(|i| i != index) {
                    return Step::Nothing;
                }
                let Some(d) = &ev.delta else {
                    return Step::Nothing;
                };
                let text = match (kind, s(&d.kind)) {
                    (Kind::Text, "text_delta") => s(&d.text),
                    (Kind::Thinking, "thinking_delta") => s(&d.thinking),
                    _ => return Step::Nothing,
                };
                Step::Delta(kind, text)
            }
            "content_block_stop" => match self.open.take() {
                Some((index, kind)) if ev.index.is_none_or(|i| i == index) => Step::Stop(kind),
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
