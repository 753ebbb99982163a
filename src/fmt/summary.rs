//! The `summary` style, for CI logs: one line per result (`--json`: one JSON
//! object per result), one for a turn that ended without a result, and a
//! total line when there is more than one.
//!
//! Promises: success is decided from `is_error`; each line names its file
//! (when read from files) and its session; sessions are told apart by
//! `session_id`, so merged streams of several sessions are counted right;
//! the total counts each session's cost once (its last `total_cost_usd`,
//! a running total) and sums the per-turn figures; a session failed when
//! its last result is an error or it has none, and then the exit status is
//! 1; every string taken from the input is sanitised, in JSON too
//! (serde_json leaves bidi controls raw).

use std::io::{self, Write};

use serde_json::{Map, Value};

use super::event::{Event, members, string};
use super::format::{denials, token_counts};
use super::sink::Sink;
use super::theme::Role;
use crate::sanitize;

/// What is known of one session.
#[derive(Debug, Default)]
struct Session {
    id: String,
    /// The file it was read from (`None`: stdin).
    source: Option<String>,
    /// A turn started (init) and has no result yet.
    open: bool,
    /// The last result was an error (or there was none).
    failed: bool,
    results: u64,
    /// The last `total_cost_usd`: the session's cost so far.
    cost: Option<f64>,
}

/// Sums of the per-turn figures.
#[derive(Debug, Default)]
struct Totals {
    lines: u64,
    turns: f64,
    duration_ms: f64,
    input_tokens: f64,
    output_tokens: f64,
}

#[derive(Debug)]
pub struct Summary {
    json: bool,
    /// The file being read, when the input is files.
    source: Option<String>,
    sessions: Vec<Session>,
    totals: Totals,
}

impl Summary {
    pub fn new(json: bool) -> Self {
        Summary {
            json,
            source: None,
            sessions: Vec::new(),
            totals: Totals::default(),
        }
    }

    /// The input now comes from this file (`None`: stdin).
    pub fn source(&mut self, name: Option<String>) {
        self.source = name;
    }

    /// True when a session failed: cc-fmt then exits 1.
    pub fn failed(&self) -> bool {
        self.sessions.iter().any(|s| s.failed || s.open)
    }

    fn session(&mut self, id: &str) -> usize {
        match self.sessions.iter().rposition(|s| s.id == id) {
            Some(i) => i,
            None => {
                self.sessions.push(Session {
                    id: id.to_owned(),
                    source: self.source.clone(),
                    ..Session::default()
                });
                self.sessions.len() - 1
            }
        }
    }

    pub fn event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        match (ev.kind(), ev.subtype()) {
            ("system", "init") => {
                let id = ev.session().unwrap_or_default();
                let i = self.session(&id);
                // A turn starts with init; one still open never got its result.
                if self.sessions[i].open {
                    self.incomplete(i, o)?;
                }
                self.sessions[i].open = true;
                Ok(())
            }
            ("result", _) => self.result(ev, o),
            _ => Ok(()),
        }
    }

    pub fn finish<W: Write>(&mut self, o: &mut Sink<'_, W>) -> io::Result<()> {
        for i in 0..self.sessions.len() {
            if self.sessions[i].open {
                self.incomplete(i, o)?;
            }
        }
        if self.totals.lines > 1 {
            self.total(o)?;
        }
        Ok(())
    }

    fn incomplete<W: Write>(&mut self, i: usize, o: &mut Sink<'_, W>) -> io::Result<()> {
        self.totals.lines += 1;
        let s = &mut self.sessions[i];
        s.open = false;
        s.failed = true;
        if self.json {
            let mut m = Map::new();
            if let Some(src) = &s.source {
                m.insert("source".into(), clean(src).into());
            }
            m.insert("status".into(), "incomplete".into());
            m.insert("session_id".into(), clean(&s.id).into());
            return json_line(o, &Value::Object(m));
        }
        let id = s.id.clone();
        prefix(o, s.source.as_deref())?;
        o.label(Role::Warning, "incomplete")?;
        o.label(Role::Plain, " (no result)")?;
        if !id.is_empty() {
            o.label(Role::Plain, " session=")?;
            o.inline(Role::Plain, &id)?;
        }
        o.newline()
    }

    fn result<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        members!(ev,
            "is_error" => is_error,
            "num_turns" => num_turns,
            "duration_ms" => duration_ms,
            "total_cost_usd" => total_cost,
            "usage" => usage,
            "api_error_status" => http,
            "permission_denials" => denied,
        );
        let subtype = ev.subtype();
        let failed = is_error
            .and_then(|v| v.as_bool())
            .unwrap_or(subtype != "success");
        let status = if failed { "failure" } else { "success" };
        let (input, output) = usage
            .and_then(|v| v.as_object())
            .map_or((None, None), token_counts);
        let n = |v: Option<crate::json::Value<'_>>| v.and_then(|v| v.as_f64());
        let cost = n(total_cost);
        // (name in the text line, name in JSON as the CLI spells it, value)
        let fields: [(&str, &str, Option<f64>); 6] = [
            ("turns", "num_turns", n(num_turns)),
            ("duration_ms", "duration_ms", n(duration_ms)),
            ("cost_usd", "total_cost_usd", cost),
            ("input_tokens", "input_tokens", input),
            ("output_tokens", "output_tokens", output),
            (
                "api_error_status",
                "api_error_status",
                n(http).filter(|_| failed),
            ),
        ];
        let session = ev.session().unwrap_or_default();
        let i = self.session(&session);
        let s = &mut self.sessions[i];
        s.open = false;
        s.failed = failed;
        s.results += 1;
        s.cost = cost.or(s.cost);
        let t = &mut self.totals;
        t.lines += 1;
        t.turns += fields[0].2.unwrap_or(0.0);
        t.duration_ms += fields[1].2.unwrap_or(0.0);
        t.input_tokens += input.unwrap_or(0.0);
        t.output_tokens += output.unwrap_or(0.0);
        let denied = denied.and_then(denials);
        if self.json {
            let mut m = Map::new();
            if let Some(src) = &self.source {
                m.insert("source".into(), clean(src).into());
            }
            m.insert("status".into(), status.into());
            m.insert("subtype".into(), clean(subtype).into());
            m.insert("is_error".into(), failed.into());
            for (_, k, v) in fields {
                m.insert(k.into(), v.map_or(Value::Null, number));
            }
            m.insert("session_id".into(), clean(&session).into());
            let names: Vec<Value> = denied
                .iter()
                .flat_map(|d| d.split(", "))
                .map(|n| clean(n).into())
                .collect();
            m.insert("permission_denials".into(), names.into());
            return json_line(o, &Value::Object(m));
        }
        prefix(o, self.source.as_deref())?;
        o.label(if failed { Role::Error } else { Role::Success }, status)?;
        if !subtype.is_empty() && subtype != "success" {
            o.label(Role::Plain, " subtype=")?;
            o.inline(Role::Plain, subtype)?;
        }
        for (k, _, v) in fields {
            if let Some(v) = v {
                o.label(Role::Plain, &format!(" {k}={}", readable(v)))?;
            }
        }
        if let Some(names) = denied {
            o.label(Role::Plain, " denied=")?;
            o.inline(Role::Plain, &names.replace(", ", ","))?;
        }
        if let Some(id) = string(ev.get("session_id")) {
            o.label(Role::Plain, " session=")?;
            o.inline(Role::Plain, &id)?;
        }
        o.newline()
    }

    /// The line that adds up every session.
    fn total<W: Write>(&self, o: &mut Sink<'_, W>) -> io::Result<()> {
        let sessions = self.sessions.len();
        let failed = self.sessions.iter().filter(|s| s.failed || s.open).count();
        let incomplete = self.sessions.iter().filter(|s| s.results == 0).count();
        let cost: f64 = self.sessions.iter().filter_map(|s| s.cost).sum();
        let t = &self.totals;
        let fields: [(&str, &str, f64); 5] = [
            ("turns", "num_turns", t.turns),
            ("duration_ms", "duration_ms", t.duration_ms),
            ("cost_usd", "total_cost_usd", cost),
            ("input_tokens", "input_tokens", t.input_tokens),
            ("output_tokens", "output_tokens", t.output_tokens),
        ];
        if self.json {
            let mut m = Map::new();
            m.insert("status".into(), "total".into());
            m.insert("sessions".into(), sessions.into());
            m.insert("failed".into(), failed.into());
            m.insert("without_result".into(), incomplete.into());
            for (_, k, v) in fields {
                m.insert(k.into(), number(v));
            }
            return json_line(o, &Value::Object(m));
        }
        let role = if failed > 0 {
            Role::Error
        } else {
            Role::Success
        };
        o.label(role, "total")?;
        o.label(
            Role::Plain,
            &format!(
                " sessions={sessions} failed={failed}{}",
                if incomplete > 0 {
                    format!(" without_result={incomplete}")
                } else {
                    String::new()
                }
            ),
        )?;
        for (k, _, v) in fields {
            o.label(Role::Plain, &format!(" {k}={}", readable(v)))?;
        }
        o.newline()
    }
}

/// `file: ` before a line, when the input is files.
fn prefix<W: Write>(o: &mut Sink<'_, W>, source: Option<&str>) -> io::Result<()> {
    if let Some(src) = source {
        o.inline(Role::Plain, src)?;
        o.label(Role::Plain, ": ")?;
    }
    Ok(())
}

/// A number for the text line: at most nine decimals, so a cost the CLI
/// wrote as `0.00048499999999999997` reads `0.000485`.
fn readable(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e9 {
        format!("{}", (v * 1e9).round() / 1e9)
    } else {
        format!("{v}")
    }
}

/// A whole number as a JSON integer, anything else as a float.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}

fn clean(text: &str) -> String {
    sanitize::one_line(text).into_owned()
}

fn json_line<W: Write>(o: &mut Sink<'_, W>, v: &Value) -> io::Result<()> {
    // Strings in `v` are sanitised already; JSON escapes the rest.
    o.label(Role::Plain, &v.to_string())?;
    o.newline()
}
