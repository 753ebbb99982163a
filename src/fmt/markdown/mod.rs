//! The `markdown` style: a transcript for `$GITHUB_STEP_SUMMARY` and pull
//! request comments.
//!
//! Promises: a heading per session (again, marked "continued", when
//! another session's turn came between); the user's prompts, the
//! assistant's text, warnings and losses, and one footer line per turn;
//! each tool call in a collapsed `<details>` block with its result fenced
//! inside; at the end, every result in a table. A turn is written when its
//! result arrives (or at the end of the input), so the turns of merged
//! sessions never interleave. Untrusted text cannot break out of the markup
//! ([`escape`]): paragraphs are escaped, HTML is escaped inside `<summary>`,
//! results are fenced with more backticks than they hold, table cells are
//! escaped; control characters are made visible first.

mod escape;

use std::fmt::Write as _;
use std::io::{self, Write};

use super::event::{Block, Content, Event, members, string};
use super::format::{cost, denials, duration, tokens, turns};
use super::notices::{Notice, notice};
use super::recent::Recent;
use super::sink::Sink;
use super::theme::Role;
use super::tool;
use crate::json::Value;
use crate::sanitize;

/// One session's part of the transcript.
#[derive(Default)]
struct Session {
    id: String,
    /// `model · cwd`, from its first init.
    about: Option<String>,
    /// Its heading was written.
    started: bool,
    /// The current turn, written when it ends.
    turn: String,
    /// Tool calls by id: `name`, `detail`, until their result comes.
    calls: Recent<(String, String)>,
}

/// One row of the results table.
struct Row {
    session: String,
    status: String,
    turns: String,
    duration: String,
    cost: String,
    tokens: String,
}

pub struct Markdown {
    max_lines: usize,
    sessions: Vec<Session>,
    current: usize,
    /// The session whose turn was written last.
    written: Option<usize>,
    rows: Vec<Row>,
}

impl Markdown {
    pub fn new(max_lines: usize) -> Self {
        Markdown {
            max_lines,
            sessions: Vec::new(),
            current: 0,
            written: None,
            rows: Vec::new(),
        }
    }

    fn route(&mut self, session: Option<&str>) -> usize {
        let session = session.filter(|s| !s.is_empty());
        if let Some(id) = session {
            if let Some(i) = self.sessions.iter().position(|s| s.id == id) {
                self.current = i;
            } else if let Some(i) = self.sessions.iter().position(|s| s.id.is_empty()) {
                self.sessions[i].id = id.to_owned();
                self.current = i;
            } else {
                self.sessions.push(Session {
                    id: id.to_owned(),
                    ..Session::default()
                });
                self.current = self.sessions.len() - 1;
            }
        } else if self.sessions.is_empty() {
            self.sessions.push(Session::default());
        }
        self.current
    }

    pub fn event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        let i = self.route(ev.session().as_deref());
        let s = &mut self.sessions[i];
        match (ev.kind(), ev.subtype()) {
            ("system", "init") => {
                if s.about.is_none() {
                    members!(ev, "model" => model, "cwd" => cwd);
                    let parts: Vec<String> = [model, cwd]
                        .into_iter()
                        .filter_map(string)
                        .map(|p| p.into_owned())
                        .collect();
                    s.about = Some(parts.join(" · "));
                }
            }
            ("user", _) => user(s, ev, self.max_lines),
            ("assistant", _) => assistant(s, ev),
            ("result", _) => {
                unanswered(s);
                let row = footer(s, ev);
                self.rows.push(row);
                self.write(i, o)?;
            }
            ("system", "permission_denied") => {
                let text = format!(
                    "✗ denied {}: {}",
                    ev.str("tool_name").unwrap_or_default(),
                    ev.get("message")
                        .and_then(|m| tool::short(m, 300))
                        .unwrap_or_default()
                );
                quote(&mut s.turn, &text);
            }
            ("stream_event" | "control_request" | "control_response", _) => {}
            _ => {
                if let Notice::Line(Role::Warning | Role::Error, text) = notice(ev) {
                    quote(&mut s.turn, &text);
                }
            }
        }
        Ok(())
    }

    /// Writes session `i`'s turn, under its heading when another session's
    /// turn came before.
    fn write<W: Write>(&mut self, i: usize, o: &mut Sink<'_, W>) -> io::Result<()> {
        let s = &mut self.sessions[i];
        let mut out = String::new();
        if self.written != Some(i) {
            let short: String = s.id.chars().take(8).collect();
            let _ = write!(
                out,
                "## Session {}",
                escape::cell(if short.is_empty() { "?" } else { &short })
            );
            if let Some(about) = s.about.as_deref().filter(|a| !a.is_empty()) {
                let _ = write!(out, " · {}", escape::cell(about));
            }
            if s.started {
                out.push_str(" (continued)");
            }
            out.push_str("\n\n");
            s.started = true;
            self.written = Some(i);
        }
        out.push_str(&std::mem::take(&mut s.turn));
        o.label(Role::Plain, &out)
    }

    pub fn finish<W: Write>(&mut self, o: &mut Sink<'_, W>) -> io::Result<()> {
        for i in 0..self.sessions.len() {
            let s = &mut self.sessions[i];
            if !s.turn.is_empty() || !s.calls.is_empty() {
                unanswered(s);
                s.turn
                    .push_str("*The input ended before this turn's result.*\n\n");
                self.write(i, o)?;
            }
        }
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut out = String::from(
            "## Results\n\n| session | result | turns | duration | cost (session total) | tokens in / out |\n\
             |---|---|---|---|---|---|\n",
        );
        for r in &self.rows {
            let cells = [
                &r.session,
                &r.status,
                &r.turns,
                &r.duration,
                &r.cost,
                &r.tokens,
            ];
            for c in cells {
                let _ = write!(out, "| {} ", escape::cell(c));
            }
            out.push_str("|\n");
        }
        o.label(Role::Plain, &out)
    }
}

/// Control characters made visible: the first step for any untrusted text.
fn clean(text: &str) -> String {
    sanitize::clean(text).into_owned()
}

fn quote(out: &mut String, text: &str) {
    out.push_str("> ");
    out.push_str(&escape::paragraph(&clean(text)).replace('\n', "\n> "));
    out.truncate(out.trim_end_matches(['>', ' ', '\n']).len());
    out.push_str("\n\n");
}

/// The whole text of a string value, decoded (a transcript file holds it).
fn text_of(v: Value<'_>) -> String {
    v.as_str().map(|s| s.into_owned()).unwrap_or_default()
}

fn user(s: &mut Session, ev: &Event<'_>, max_lines: usize) {
    let Some((_, content)) = ev.message() else {
        return;
    };
    let prompt = |s: &mut Session, text: &str| {
        if ev.is_replay() {
            s.turn.push_str("**❯** ");
        }
        s.turn.push_str(&escape::paragraph(&clean(text)));
        s.turn.push('\n');
    };
    match content {
        Some(Content::Text(t)) => prompt(s, &text_of(t)),
        Some(Content::Blocks(blocks)) => {
            for b in blocks.filter_map(Block::of) {
                match b.kind() {
                    "tool_result" => {
                        let id = string(b.tool_use_id).unwrap_or_default();
                        let (name, detail) = s.calls.remove(&id).unwrap_or_default();
                        let pieces = tool::pieces(b.content);
                        let (shown, omitted) = tool::head(&pieces, max_lines);
                        details(&mut s.turn, &name, &detail, Some(&shown), omitted);
                    }
                    "text" => prompt(s, &b.text.map(text_of).unwrap_or_default()),
                    _ => {}
                }
            }
        }
        None => {}
    }
}

fn assistant(s: &mut Session, ev: &Event<'_>) {
    let Some((_, Some(Content::Blocks(blocks)))) = ev.message() else {
        if let Some((_, Some(Content::Text(t)))) = ev.message() {
            s.turn.push_str(&escape::paragraph(&clean(&text_of(t))));
            s.turn.push('\n');
        }
        return;
    };
    let nested = ev.parent().is_some();
    for b in blocks.filter_map(Block::of) {
        match b.kind() {
            "text" => {
                if nested {
                    s.turn.push_str("*↳ subagent:* ");
                }
                let text = b.text.map(text_of).unwrap_or_default();
                s.turn.push_str(&escape::paragraph(&clean(&text)));
                s.turn.push('\n');
            }
            "tool_use" | "server_tool_use" | "mcp_tool_use" => {
                let name = Block::str(b.name).into_owned();
                let detail = tool::call_detail(&name, b.input).into_owned();
                let id = string(b.id).unwrap_or_default();
                s.calls.insert(&id, (name, detail));
            }
            _ => {}
        }
    }
}

/// The calls of the turn that got no result.
fn unanswered(s: &mut Session) {
    let calls: Vec<(String, (String, String))> = s.calls.drain().collect();
    for (_, (name, detail)) in calls {
        details(&mut s.turn, &name, &detail, None, 0);
    }
}

/// A tool call, collapsed, with its result (`None`: it never came).
fn details(out: &mut String, name: &str, detail: &str, result: Option<&str>, omitted: usize) {
    let name = if name.is_empty() { "tool" } else { name };
    let _ = write!(out, "<details><summary>● {}", escape::html(&clean(name)));
    if !detail.is_empty() {
        let _ = write!(out, ": <code>{}</code>", escape::html(&clean(detail)));
    }
    out.push_str("</summary>\n\n");
    match result {
        Some(r) if !r.is_empty() => out.push_str(&escape::fence(&clean(r))),
        Some(_) => out.push_str("*(no output)*\n"),
        None => out.push_str("*(no result)*\n"),
    }
    if omitted > 0 {
        let unit = if omitted == 1 { "line" } else { "lines" };
        let _ = writeln!(out, "\n*… {omitted} more {unit}*");
    }
    out.push_str("\n</details>\n\n");
}

/// The footer line of a result, and its row in the results table.
fn footer(s: &mut Session, ev: &Event<'_>) -> Row {
    members!(ev,
        "is_error" => is_error,
        "result" => result,
        "num_turns" => num_turns,
        "duration_ms" => duration_ms,
        "usage" => usage,
        "total_cost_usd" => total_cost,
        "permission_denials" => denied,
        "terminal_reason" => reason,
    );
    let subtype = ev.subtype();
    let failed = is_error
        .and_then(|v| v.as_bool())
        .unwrap_or(subtype != "success");
    let mut status = if failed {
        "✗ failure".to_owned()
    } else {
        "✓ success".to_owned()
    };
    if !subtype.is_empty() && subtype != "success" {
        let _ = write!(status, " ({subtype})");
    }
    let n = |v: Option<Value<'_>>| v.and_then(|v| v.as_f64());
    let mut parts = vec![status.clone()];
    if failed && let Some(r) = result.and_then(|r| tool::short(r, 200)) {
        parts.push(r.into_owned());
    }
    if let Some(r) = string(reason).filter(|r| r != "completed") {
        parts.push(format!("stopped: {r}"));
    }
    parts.extend(turns(n(num_turns)));
    parts.extend(n(duration_ms).map(duration));
    parts.extend(tokens(usage.and_then(|u| u.as_object())));
    parts.extend(n(total_cost).map(|c| format!("session total {}", cost(c))));
    if let Some(names) = denied.and_then(denials) {
        parts.push(format!("permission denied: {names}"));
    }
    let _ = write!(
        s.turn,
        "**{}**\n\n",
        escape::cell(&clean(&parts.join(" · ")))
    );
    let usage = usage
        .and_then(|u| u.as_object())
        .map(super::format::token_counts);
    Row {
        session: s.id.chars().take(8).collect(),
        status,
        turns: n(num_turns).map(|t| t.to_string()).unwrap_or_default(),
        duration: n(duration_ms).map(duration).unwrap_or_default(),
        cost: n(total_cost).map(cost).unwrap_or_default(),
        tokens: match usage {
            Some((Some(i), Some(o))) => format!("{i} / {o}"),
            _ => String::new(),
        },
    }
}
