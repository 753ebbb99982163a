//! The `pretty` style: a readable transcript of one session or many.
//!
//! Promises: one header per session (not per turn); assistant text as it
//! streams (or when complete, never both), and the turn's prompt before it
//! whatever order the CLI writes them in ([`hold`]); each tool call once
//! with the input that matters, and each result under its own call
//! ([`messages`]); a subagent's work indented under the Task call that
//! started it, labelled with its type; every kind a person should see in
//! one line that says what happened, warnings in yellow and losses and
//! refusals in red, noise hidden ([`notices`]); permission prompts
//! numbered, with their outcome ([`control`]); a footer per result that
//! decides success from `is_error` ([`session`]); with more than one
//! session, every line labelled with its session's lane ([`lanes`]).

use std::io::{self, Write};

mod control;
mod hold;
mod lanes;
mod lifecycle;
mod messages;
mod session;

use super::event::Event;
use super::notices;
use super::sink::Sink;
use super::theme::Role;
use crate::json::Reader;
use lanes::Lanes;

/// What the pretty style shows.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub thinking: bool,
    /// Lines of a tool result to show; 0 shows all.
    pub max_lines: usize,
}

#[derive(Default)]
pub struct Pretty {
    opts: Options,
    lanes: Lanes,
    /// The lane the last event went to.
    active: Option<usize>,
    /// Reads the events a lane held back, when it lets them go.
    reader: Reader,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            thinking: true,
            max_lines: 10,
        }
    }
}

impl Pretty {
    pub fn new(opts: Options) -> Self {
        Pretty {
            opts,
            ..Pretty::default()
        }
    }

    pub fn event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        let route = self.lanes.route(ev.session().as_deref());
        let lane = route.lane;
        if self.active != Some(lane) {
            self.switch(lane, o)?;
        }
        if route.new && self.lanes.multi() {
            self.legend(lane, o)?;
        }
        if self.hold(lane, ev, o)? {
            return Ok(());
        }
        self.show(lane, ev, o)
    }

    /// Shows one event of lane `lane`.
    fn show<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        self.nest(lane, ev, o);
        // Another event of the lane may print: the streamed text so far
        // goes first (a label with no text yet waits, across noise such as
        // thinking_tokens).
        let waiting = self.lanes.get(lane).partial.as_ref();
        if ev.kind() != "stream_event" && waiting.is_some_and(|p| !p.text.is_empty()) {
            self.flush_partial(lane, o)?;
        }
        match ev.kind() {
            "stream_event" => self.stream_event(lane, ev, o)?,
            "assistant" => self.assistant(lane, ev, o)?,
            "user" => self.user(lane, ev, o)?,
            "system" if ev.subtype() == "init" => self.header(lane, ev, o)?,
            "result" => self.result(lane, ev, o)?,
            "control_request" => self.control_request(lane, ev, o)?,
            "control_response" => self.control_response(lane, ev, o)?,
            "control_cancel_request" => self.control_cancel(lane, ev, o)?,
            "command_lifecycle" => self.lifecycle(lane, ev, o)?,
            "system" if ev.subtype() == "permission_denied" => self.denied(lane, ev, o)?,
            "system" if ev.subtype() == "status" => {
                // A mode change already shown (by the answer to
                // set_permission_mode) is not shown again.
                let mode = ev.str("permissionMode").map(|m| m.into_owned());
                let l = self.lanes.get(lane);
                let again = mode.is_some() && l.mode == mode && ev.get("compact_result").is_none();
                if mode.is_some() {
                    l.mode = mode;
                }
                if !again {
                    notices::show(ev, o)?;
                }
            }
            _ => notices::show(ev, o)?,
        }
        Ok(())
    }

    /// Another lane's event: the line in progress ends, and the lane's
    /// margin and indent take over.
    fn switch<W: Write>(&mut self, lane: usize, o: &mut Sink<'_, W>) -> io::Result<()> {
        o.end_line()?;
        o.set_pending(None);
        if let Some(prev) = self.active {
            let prev = self.lanes.get(prev);
            prev.indent = o.indent();
            // Its subagent is labelled again when it shows more.
            prev.context = None;
        }
        self.active = Some(lane);
        let indent = self.lanes.get(lane).indent;
        o.set_indent(indent);
        o.set_margin(self.lanes.margin(lane));
        Ok(())
    }

    /// A new session when there are others: the first lane's label is
    /// explained too, the first time, as its lines so far had none.
    fn legend<W: Write>(&mut self, lane: usize, o: &mut Sink<'_, W>) -> io::Result<()> {
        if self.lanes.get(lane).number == 2 {
            let first = self.lanes.get(0);
            let session = first.session.clone();
            o.set_margin(self.lanes.margin(0));
            o.end_line()?;
            o.label(Role::Header, "── session ")?;
            o.inline(Role::Header, &session)?;
            o.label(Role::Header, " (the lines above)")?;
            o.end_line()?;
            o.set_margin(self.lanes.margin(lane));
        }
        Ok(())
    }

    /// A subagent's events (inside a Task call) are indented, and labelled
    /// with the subagent's type when they follow other output.
    fn nest<W: Write>(&mut self, lane: usize, ev: &Event<'_>, o: &mut Sink<'_, W>) {
        let parent = ev.parent();
        o.set_base(if parent.is_some() { 2 } else { 0 });
        let l = self.lanes.get(lane);
        if l.context.as_deref() == parent.as_deref() {
            return;
        }
        l.context = parent.as_deref().map(str::to_owned);
        let Some(parent) = parent else {
            o.set_pending(None);
            return;
        };
        let call = l.calls.get(&parent);
        let agent = ev
            .str("subagent_type")
            .map(|a| a.into_owned())
            .or_else(|| call.and_then(|c| c.agent.clone()))
            .unwrap_or_else(|| "subagent".to_owned());
        let mut text = format!("↳ {agent}");
        if let Some(c) = call.filter(|c| !c.detail.is_empty()) {
            text.push_str(&format!(" ({})", c.detail));
        }
        o.set_pending(Some((
            Role::Tool,
            crate::sanitize::one_line(&text).into_owned(),
        )));
    }

    /// At the end of the input: held events are shown, and a session that
    /// never reached its result says so.
    pub fn finish<W: Write>(&mut self, o: &mut Sink<'_, W>) -> io::Result<()> {
        let count = self.lanes.all().count();
        for lane in 0..count {
            if self.lanes.get(lane).partial.is_some() {
                if self.active != Some(lane) {
                    self.switch(lane, o)?;
                }
                self.flush_partial(lane, o)?;
            }
        }
        for lane in 0..count {
            if self.lanes.get(lane).held.is_some() {
                if self.active != Some(lane) {
                    self.switch(lane, o)?;
                }
                self.release(lane, o)?;
            }
        }
        for lane in 0..count {
            if self.lanes.get(lane).open {
                if self.active != Some(lane) {
                    self.switch(lane, o)?;
                }
                o.set_base(0);
                o.set_pending(None);
                line(
                    o,
                    Role::Warning,
                    "⚠ input ended before the session's result",
                )?;
            }
        }
        o.end_line()
    }
}

/// One line of cc-fmt's own words.
fn line<W: Write>(o: &mut Sink<'_, W>, role: Role, label: &str) -> io::Result<()> {
    o.end_line()?;
    o.label(role, label)?;
    o.end_line()
}

fn num(n: Option<f64>) -> String {
    n.map_or_else(|| "?".into(), |n| format!("{n}"))
}
