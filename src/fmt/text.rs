//! The `text` style: only the assistant's text, as `claude -p` prints it.
//!
//! Promises: every assistant text block once, each ending a line; streamed
//! as it arrives with partial messages, and then not repeated; nothing else
//! (no thinking, tools, colours or unknown events).

use std::io::{self, Write};

use super::event::{Content, Envelope, s};
use super::sink::Sink;
use super::stream::{Kind, Step, Streamed};
use super::theme::Role;

#[derive(Debug, Default)]
pub struct Text {
    stream: Streamed,
}

impl Text {
    pub fn event<W: Write>(&mut self, ev: &Envelope<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        match ev.kind() {
            "stream_event" => {
                let Some(se) = &ev.event else {
                    return Ok(());
                };
                match self.stream.step(se) {
                    Step::Start(Kind::Text) | Step::Stop(Kind::Text) => o.end_line(),
                    Step::Delta(Kind::Text, t) => o.text(Role::Plain, t),
                    _ => Ok(()),
                }
            }
            "assistant" => {
                let Some(msg) = &ev.message else {
                    return Ok(());
                };
                let id = s(&msg.id);
                match &msg.content {
                    Some(Content::Text(t)) => say(o, t.as_str()),
                    Some(Content::Blocks(blocks)) => {
                        for b in blocks {
                            match b.kind() {
                                "text" if !self.stream.take(id, Kind::Text) => say(o, s(&b.text))?,
                                "thinking" => {
                                    self.stream.take(id, Kind::Thinking);
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

fn say<W: Write>(o: &mut Sink<'_, W>, text: &str) -> io::Result<()> {
    o.end_line()?;
    o.text(Role::Plain, text)?;
    o.end_line()
}
