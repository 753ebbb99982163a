//! The conversation: streamed and complete assistant messages, tool calls
//! and their results, and the user's own words.
//!
//! Promises: a text or thinking block shows once, as it streams or when
//! complete; a tool call shows once, with wrapped lines kept under its name;
//! a tool result shows under its own call, matched by `tool_use_id`: when
//! other output came between them (several calls in one message, another
//! lane, a subagent) the call is stated again (`● Read(path)`) above the
//! result; replayed input shows as the user's (`❯`).

use std::io::{self, Write};

use super::lanes::{Call, Partial};
use super::{Pretty, line};
use crate::fmt::event::{Block, Content, Event, string};
use crate::fmt::sink::Sink;
use crate::fmt::stream::{Kind, Step, Streamed};
use crate::fmt::strings;
use crate::fmt::theme::Role;
use crate::fmt::tool;
use crate::json::Value;

/// Characters of a message kept to name it later (a cancelled message).
const WORDS: usize = 60;

impl Pretty {
    /// The stream of the main agent, or of the subagent under `parent`.
    fn streamed(&mut self, lane: usize, parent: Option<&str>) -> &mut Streamed {
        let l = self.lanes.get(lane);
        match parent {
            None => &mut l.stream,
            Some(p) => {
                if l.sub_streams.get(p).is_none() {
                    l.sub_streams.insert(p, Streamed::default());
                }
                l.sub_streams.get_mut(p).expect("just inserted")
            }
        }
    }

    pub(super) fn stream_event<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let Some(se) = ev.stream_event() else {
            return Ok(());
        };
        let parent = ev.parent();
        let show_thinking = self.opts.thinking;
        match self.streamed(lane, parent.as_deref()).step(&se) {
            Step::Start(Kind::Text) => {
                self.flush_partial(lane, o)?;
                o.end_line()?;
            }
            Step::Start(Kind::Thinking) if show_thinking => {
                self.flush_partial(lane, o)?;
                o.end_line()?;
                o.set_indent(2);
                if self.lanes.multi() {
                    self.lanes.get(lane).partial = Some(Partial {
                        role: Role::Thinking,
                        label: Some("∴ "),
                        text: String::new(),
                    });
                } else {
                    o.label(Role::Thinking, "∴ ")?;
                }
            }
            Step::Delta(Kind::Text, t) => self.streamed_text(lane, Role::Plain, &t, o)?,
            Step::Delta(Kind::Thinking, t) if show_thinking => {
                self.streamed_text(lane, Role::Thinking, &t, o)?
            }
            Step::Stop(kind) if kind == Kind::Text || show_thinking => {
                self.flush_partial(lane, o)?;
                o.end_line()?;
                o.set_indent(0);
            }
            _ => {}
        }
        Ok(())
    }

    /// A piece of streamed text. With one lane it shows at once; with
    /// several, whole lines show (a line is not cut by another session's
    /// output) and the rest waits for its line's end or the block's.
    fn streamed_text<W: Write>(
        &mut self,
        lane: usize,
        role: Role,
        t: &str,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        if !self.lanes.multi() {
            return o.text(role, t);
        }
        let pending = &mut self.lanes.get(lane).partial;
        if pending.as_ref().is_some_and(|p| p.role != role) {
            self.flush_partial(lane, o)?;
        }
        let pending = self.lanes.get(lane).partial.get_or_insert_with(|| Partial {
            role,
            label: None,
            text: String::new(),
        });
        pending.text.push_str(t);
        let Some(end) = pending.text.rfind('\n') else {
            return Ok(());
        };
        let rest = pending.text.split_off(end + 1);
        let whole = std::mem::replace(&mut pending.text, rest);
        let label = pending.label.take();
        if let Some(label) = label {
            o.label(role, label)?;
        }
        o.text(role, &whole)
    }

    /// Shows lane `lane`'s streamed text that waits for its line's end.
    pub(super) fn flush_partial<W: Write>(
        &mut self,
        lane: usize,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let Some(p) = self.lanes.get(lane).partial.take() else {
            return Ok(());
        };
        if p.text.is_empty() {
            // An empty block shows nothing, not even its label.
            return Ok(());
        }
        if let Some(label) = p.label {
            o.label(p.role, label)?;
        }
        o.text(p.role, &p.text)
    }

    pub(super) fn assistant<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let Some((id, content)) = ev.message() else {
            return Ok(());
        };
        let role = if ev.get("error").is_some_and(|v| !v.is_null()) {
            Role::Error
        } else {
            Role::Plain
        };
        let parent = ev.parent();
        match content {
            None => {}
            Some(Content::Text(t)) => say(o, role, t)?,
            Some(Content::Blocks(blocks)) => {
                for b in blocks.filter_map(Block::of) {
                    self.assistant_block(lane, parent.as_deref(), &id, &b, role, o)?;
                }
            }
        }
        Ok(())
    }

    fn assistant_block<W: Write>(
        &mut self,
        lane: usize,
        parent: Option<&str>,
        id: &str,
        b: &Block<'_>,
        role: Role,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let thinking = self.opts.thinking;
        match b.kind() {
            "text" => match b.text {
                Some(t) if !self.streamed(lane, parent).take(id, Kind::Text) => say(o, role, t),
                _ => Ok(()),
            },
            "thinking" => {
                let streamed = self.streamed(lane, parent).take(id, Kind::Thinking);
                match b.thinking {
                    Some(t) if thinking && !streamed => {
                        o.end_line()?;
                        o.label(Role::Thinking, "∴ ")?;
                        o.set_indent(2);
                        strings::write(o, Role::Thinking, t)?;
                        o.end_line()?;
                        o.set_indent(0);
                        Ok(())
                    }
                    _ => Ok(()),
                }
            }
            "redacted_thinking" if thinking => line(o, Role::Thinking, "∴ (redacted thinking)"),
            "redacted_thinking" => Ok(()),
            "tool_use" | "server_tool_use" | "mcp_tool_use" => self.tool_call(lane, b, o),
            other => {
                o.end_line()?;
                o.label(Role::Dim, "· assistant ")?;
                o.inline(Role::Dim, other)?;
                o.end_line()
            }
        }
    }

    /// `● Name(detail)`, remembered until its result comes.
    fn tool_call<W: Write>(
        &mut self,
        lane: usize,
        b: &Block<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let name = Block::str(b.name).into_owned();
        let detail = tool::call_detail(&name, b.input).into_owned();
        let agent = match name.as_str() {
            "Task" | "Agent" => b.input.and_then(|i| i.str("subagent_type")),
            _ => None,
        };
        let call = Call {
            name,
            detail,
            agent: agent.map(|a| a.into_owned()),
        };
        call_line(o, &call)?;
        let l = self.lanes.get(lane);
        match string(b.id) {
            Some(id) => {
                l.last_call = Some((id.to_string(), o.lines()));
                l.calls.insert(&id, call);
            }
            None => l.last_call = None,
        }
        Ok(())
    }

    pub(super) fn user<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let Some((_, content)) = ev.message() else {
            return Ok(());
        };
        let replay = ev.is_replay();
        if replay {
            let l = self.lanes.get(lane);
            l.replays = Some(true);
            if let (Some(uuid), Some(words)) = (ev.str("uuid"), first_words(content.as_ref())) {
                l.messages.insert(&uuid, words);
            }
        }
        match content {
            None => Ok(()),
            Some(Content::Text(t)) => user_text(o, t, replay),
            Some(Content::Blocks(blocks)) => {
                for b in blocks.filter_map(Block::of) {
                    match b.kind() {
                        "tool_result" => self.tool_result(lane, &b, o)?,
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

    /// `⎿ output` under its call, the call stated again when other output
    /// came between them.
    fn tool_result<W: Write>(
        &mut self,
        lane: usize,
        b: &Block<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let l = self.lanes.get(lane);
        let id = string(b.tool_use_id).unwrap_or_default();
        let call = l.calls.remove(&id);
        let next_to_call = o.at_line_start()
            && l.last_call
                .as_ref()
                .is_some_and(|(last, at)| **last == *id && *at == o.lines());
        l.last_call = None;
        if let Some(call) = call.filter(|_| !next_to_call) {
            call_line(o, &call)?;
        }
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

/// A tool call's line; wrapped lines stay under the name.
fn call_line<W: Write>(o: &mut Sink<'_, W>, call: &Call) -> io::Result<()> {
    o.end_line()?;
    o.set_indent(2);
    o.label(Role::Tool, "● ")?;
    o.inline(Role::Tool, &call.name)?;
    if !call.detail.is_empty() {
        o.label(Role::Plain, "(")?;
        o.inline(Role::Plain, &call.detail)?;
        o.label(Role::Plain, ")")?;
    }
    o.end_line()?;
    o.set_indent(0);
    Ok(())
}

/// Assistant text on its own lines.
fn say<W: Write>(o: &mut Sink<'_, W>, role: Role, text: Value<'_>) -> io::Result<()> {
    o.end_line()?;
    strings::write(o, role, text)?;
    o.end_line()
}

/// The first words of a message's text, to name it later.
fn first_words(content: Option<&Content<'_>>) -> Option<String> {
    let text = match content? {
        Content::Text(t) => *t,
        Content::Blocks(blocks) => blocks
            .clone()
            .filter_map(Block::of)
            .find_map(|b| b.text.filter(|_| b.kind() == "text"))?,
    };
    tool::short(text, WORDS).map(|s| s.into_owned())
}

/// A user message: the interrupt notice, output of a local command, the
/// user's own words (replayed input, including steering), or other
/// user-side text.
fn user_text<W: Write>(o: &mut Sink<'_, W>, text: Value<'_>, replay: bool) -> io::Result<()> {
    const INTERRUPTED: &str = "[Request interrupted by user";
    const STDOUT: &str = "<local-command-stdout>";
    const STDERR: &str = "<local-command-stderr>";
    o.end_line()?;
    let head = text.as_str_prefix(32).map(|(h, _)| h).unwrap_or_default();
    if [INTERRUPTED, STDOUT, STDERR]
        .iter()
        .any(|m| head.starts_with(m))
    {
        let short = tool::short(text, 400).unwrap_or_default();
        if let Some(rest) = short.strip_prefix(INTERRUPTED) {
            o.label(Role::Warning, "⏹ Request interrupted by user")?;
            o.inline(Role::Warning, rest.strip_suffix(']').unwrap_or(rest))?;
            return o.end_line();
        }
        for (tag, role) in [(STDOUT, Role::Dim), (STDERR, Role::Warning)] {
            if let Some(rest) = short.strip_prefix(tag) {
                let close = tag.replace('<', "</");
                o.label(role, "· ")?;
                o.inline(
                    role,
                    rest.trim_end().strip_suffix(close.as_str()).unwrap_or(rest),
                )?;
                return o.end_line();
            }
        }
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
