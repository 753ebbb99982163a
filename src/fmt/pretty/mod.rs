//! The `pretty` style: a readable transcript of a session.
//!
//! Promises: one header per `system/init`; assistant text as it streams (or
//! when complete, never both); each tool call once with the input that
//! matters; tool results cut to `--max-lines`; retries, interrupts and the
//! user's own messages marked; a footer per result that decides success from
//! `is_error`; one dim line for any event it does not know.

use std::io::{self, Write};

mod session;

use super::event::{Block, Content, Event};
use super::sink::Sink;
use super::stream::{Kind, Step, Streamed};
use super::strings;
use super::theme::Role;
use super::tool;
use crate::json::Value;

/// What the pretty style shows.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub thinking: bool,
    /// Lines of a tool result to show; 0 shows all.
    pub max_lines: usize,
}

#[derive(Debug)]
pub struct Pretty {
    opts: Options,
    stream: Streamed,
    /// Request ids of interrupts seen in the input, to recognise their answers.
    interrupts: Vec<String>,
    /// A session started (init) and has not ended with a result.
    open: bool,
    printed: bool,
}

impl Pretty {
    pub fn new(opts: Options) -> Self {
        Pretty {
            opts,
            stream: Streamed::default(),
            interrupts: Vec::new(),
            open: false,
            printed: false,
        }
    }

    pub fn event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        // A subagent's messages (inside a Task call) are indented under it.
        let nested = ev.parent().is_some();
        o.set_base(if nested { 2 } else { 0 });
        match ev.kind() {
            "stream_event" => return self.stream_event(ev, o),
            "assistant" => self.assistant(ev, o)?,
            "user" => self.user(ev, o)?,
            "system" => self.system(ev, o)?,
            "result" => self.result(ev, o)?,
            "control_request" => self.control_request(ev, o)?,
            "control_response" => self.control_response(ev, o)?,
            _ => unknown(ev, o)?,
        }
        self.printed = true;
        Ok(())
    }

    /// At the end of the input: says so if a session never reached its result.
    pub fn finish<W: Write>(&mut self, o: &mut Sink<'_, W>) -> io::Result<()> {
        o.end_line()?;
        if self.open {
            line(
                o,
                Role::Warning,
                "⚠ input ended before the session's result",
            )?;
        }
        Ok(())
    }

    fn stream_event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        let Some(se) = ev.stream_event() else {
            return Ok(());
        };
        let show_thinking = self.opts.thinking;
        match self.stream.step(&se) {
            Step::Start(Kind::Text) => o.end_line()?,
            Step::Start(Kind::Thinking) if show_thinking => {
                o.end_line()?;
                o.label(Role::Thinking, "∴ ")?;
                o.set_indent(2);
            }
            Step::Delta(Kind::Text, t) => o.text(Role::Plain, &t)?,
            Step::Delta(Kind::Thinking, t) if show_thinking => o.text(Role::Thinking, &t)?,
            Step::Stop(kind) if kind == Kind::Text || show_thinking => {
                o.end_line()?;
                o.set_indent(0);
            }
            _ => {}
        }
        self.printed = true;
        Ok(())
    }

    fn assistant<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        let Some((id, content)) = ev.message() else {
            return Ok(());
        };
        let role = if ev.get("error").is_some_and(|v| !v.is_null()) {
            Role::Error
        } else {
            Role::Plain
        };
        match content {
            None => {}
            Some(Content::Text(t)) => self.say(o, role, t)?,
            Some(Content::Blocks(blocks)) => {
                for b in blocks.filter_map(Block::of) {
                    self.assistant_block(&id, &b, role, o)?;
                }
            }
        }
        Ok(())
    }

    fn assistant_block<W: Write>(
        &mut self,
        id: &str,
        b: &Block<'_>,
        role: Role,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        match b.kind() {
            "text" if !self.stream.take(id, Kind::Text) => match b.text {
                Some(t) => self.say(o, role, t),
                None => Ok(()),
            },
            "thinking" if !self.stream.take(id, Kind::Thinking) && self.opts.thinking => {
                o.end_line()?;
                o.label(Role::Thinking, "∴ ")?;
                o.set_indent(2);
                if let Some(t) = b.thinking {
                    strings::write(o, Role::Thinking, t)?;
                }
                o.end_line()?;
                o.set_indent(0);
                Ok(())
            }
            "redacted_thinking" if self.opts.thinking => {
                line(o, Role::Thinking, "∴ (redacted thinking)")
            }
            "tool_use" | "server_tool_use" | "mcp_tool_use" => {
                let name = Block::str(b.name);
                o.end_line()?;
                o.label(Role::Tool, "● ")?;
                o.inline(Role::Tool, &name)?;
                let detail = tool::call_detail(&name, b.input);
                if !detail.is_empty() {
                    o.label(Role::Plain, "(")?;
                    o.inline(Role::Plain, &detail)?;
                    o.label(Role::Plain, ")")?;
                }
                o.end_line()
            }
            "text" | "thinking" | "redacted_thinking" => Ok(()),
            other => {
                o.end_line()?;
                o.label(Role::Dim, "· assistant ")?;
                o.inline(Role::Dim, other)?;
                o.end_line()
            }
        }
    }

    /// Assistant text on its own lines.
    fn say<W: Write>(
        &mut self,
        o: &mut Sink<'_, W>,
        role: Role,
        text: Value<'_>,
    ) -> io::Result<()> {
        o.end_line()?;
        strings::write(o, role, text)?;
        o.end_line()
    }

    fn user<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        let Some((_, content)) = ev.message() else {
            return Ok(());
        };
        let replay = ev.is_replay();
        match content {
            None => Ok(()),
            Some(Content::Text(t)) => user_text(o, t, replay),
            Some(Content::Blocks(blocks)) => {
                for b in blocks.filter_map(Block::of) {
                    match b.kind() {
                        "tool_result" => self.tool_result(&b, o)?,
                        "text" => {
                            if let Some(t) = b.text {
                                user_text(o, t, replay)?;
                            }
                        }
                        other => user_label(o, &format!("[{other}]"), replay)?,
                    }
                }
                Ok(())
            }
        }
    }

    fn tool_result<W: Write>(&mut self, b: &Block<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        let role = if b.is_error { Role::Error } else { Role::Plain };
        let pieces = tool::pieces(b.content);
        o.end_line()?;
        o.label(Role::Dim, "  ⎿ ")?;
        o.set_indent(4);
        if self.opts.max_lines == 0 {
            if !tool::write_all(o, role, &pieces)? {
                o.label(Role::Dim, "(no output)")?;
            }
            o.end_line()?;
            o.set_indent(0);
            return Ok(());
        }
        let (shown, omitted) = tool::head(&pieces, self.opts.max_lines);
        if shown.is_empty() {
            o.label(Role::Dim, "(no output)")?;
        } else {
            o.text(role, &shown)?;
        }
        o.end_line()?;
        if omitted > 0 {
            let unit = if omitted == 1 { "line" } else { "lines" };
            o.label(Role::Dim, &format!("    … {omitted} more {unit}"))?;
            o.end_line()?;
        }
        o.set_indent(0);
        Ok(())
    }
}

/// A user message: the interrupt notice, the user's own words (replayed
/// input, including steering), or other user-side text.
fn user_text<W: Write>(o: &mut Sink<'_, W>, text: Value<'_>, replay: bool) -> io::Result<()> {
    const INTERRUPTED: &str = "[Request interrupted by user";
    o.end_line()?;
    if let Some((head, _)) = text.as_str_prefix(INTERRUPTED.len())
        && head == INTERRUPTED
    {
        let short = tool::short(text, 200).unwrap_or_default();
        let rest = &short[INTERRUPTED.len()..];
        o.label(Role::Warning, "⏹ Request interrupted by user")?;
        o.inline(Role::Warning, rest.strip_suffix(']').unwrap_or(rest))?;
        return o.end_line();
    }
    let role = if replay { Role::User } else { Role::Dim };
    o.label(role, "❯ ")?;
    o.set_indent(2);
    strings::write(o, role, text)?;
    o.set_indent(0);
    o.end_line()
}

/// A user-side block that is not text, as a label (`[image]`).
fn user_label<W: Write>(o: &mut Sink<'_, W>, label: &str, replay: bool) -> io::Result<()> {
    o.end_line()?;
    let role = if replay { Role::User } else { Role::Dim };
    o.label(role, "❯ ")?;
    o.inline(role, label)?;
    o.end_line()
}

/// One dim line naming an event type cc-fmt does not show.
fn unknown<W: Write>(ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
    o.end_line()?;
    o.label(Role::Dim, "· ")?;
    match ev.kind() {
        "" => o.label(Role::Dim, "(event without a type)")?,
        kind => o.inline(Role::Dim, kind)?,
    }
    if let Some(sub) = ev.subtype_opt() {
        o.label(Role::Dim, "/")?;
        o.inline(Role::Dim, sub)?;
    }
    o.end_line()
}

fn line<W: Write>(o: &mut Sink<'_, W>, role: Role, label: &str) -> io::Result<()> {
    o.end_line()?;
    o.label(role, label)?;
    o.end_line()
}

fn num(n: Option<f64>) -> String {
    n.map_or_else(|| "?".into(), |n| format!("{n}"))
}
