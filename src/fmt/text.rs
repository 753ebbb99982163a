//! The `text` style: what `claude -p` prints, the final answer of each
//! turn (the `result` text of each result); with `--all-text`, every
//! assistant text block instead.
//!
//! Promises: each answer ends a line; with `--all-text`, every assistant
//! text block once, streamed as it arrives with partial messages and then
//! not repeated; nothing else (no thinking, tools, colours or unknown
//! events).

use std::io::{self, Write};

use super::event::{Block, Content, Event};
use super::sink::Sink;
use super::stream::{Kind, Step, Streamed};
use super::strings;
use super::theme::Role;
use crate::json::Value;

#[derive(Debug, Default)]
pub struct Text {
    /// Every assistant text block, not only the answers.
    all: bool,
    stream: Streamed,
}

impl Text {
    pub fn new(all: bool) -> Self {
        Text {
            all,
            stream: Streamed::default(),
        }
    }

    pub fn event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        if !self.all {
            return match ev.get("result").filter(|_| ev.kind() == "result") {
                Some(text) => say(o, text),
                None => Ok(()),
            };
        }
        match ev.kind() {
            "stream_event" => {
                let Some(se) = ev.stream_event() else {
                    return Ok(());
                };
                match self.stream.step(&se) {
                    Step::Start(Kind::Text) | Step::Stop(Kind::Text) => o.end_line(),
                    Step::Delta(Kind::Text, t) => o.text(Role::Plain, &t),
                    _ => Ok(()),
                }
            }
            "assistant" => {
                let Some((id, content)) = ev.message() else {
                    return Ok(());
                };
                match content {
                    Some(Content::Text(t)) => say(o, t),
                    Some(Content::Blocks(blocks)) => {
                        for b in blocks.filter_map(Block::of) {
                            match b.kind() {
                                "text" if !self.stream.take(&id, Kind::Text) => {
                                    if let Some(t) = b.text {
                                        say(o, t)?;
                                    }
                                }
                                "thinking" => {
                                    self.stream.take(&id, Kind::Thinking);
                                }
                                _ => {}
                            }
                        }
                        Ok(())
                    }
                    None => Ok(()),
                }
            }
            // A turn ends (result) or starts (init): nothing streamed carries over.
            "result" => {
                self.stream.reset();
                o.end_line()
            }
            "system" if ev.subtype() == "init" => {
                self.stream.reset();
                o.end_line()
            }
            _ => Ok(()),
        }
    }

    pub fn finish<W: Write>(&mut self, o: &mut Sink<'_, W>) -> io::Result<()> {
        o.end_line()
    }
}

fn say<W: Write>(o: &mut Sink<'_, W>, text: Value<'_>) -> io::Result<()> {
    o.end_line()?;
    strings::write(o, Role::Plain, text)?;
    o.end_line()
}
