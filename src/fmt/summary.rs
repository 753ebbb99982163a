//! The `summary` style, for CI logs: one line per result (`--json`: one JSON
//! object per result), and one for a session that ended without a result.
//!
//! Promises: success is decided from `is_error`; every string taken from the
//! input is sanitised, in JSON too (serde_json leaves bidi controls raw).

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::event::Event;
use super::format::{denials, token_counts};
use super::sink::Sink;
use super::theme::Role;
use crate::sanitize;

#[derive(Debug)]
pub struct Summary {
    json: bool,
    /// The session of the last init, while it has no result.
    open: Option<String>,
}

impl Summary {
    pub fn new(json: bool) -> Self {
        Summary { json, open: None }
    }

    pub fn event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        match (ev.kind(), ev.subtype()) {
            ("system", "init") => {
                // A turn starts with init; one still open never got its result.
                self.finish(o)?;
                self.open = Some(ev.session().unwrap_or_default().into_owned());
                Ok(())
            }
            ("result", _) => {
                self.open = None;
                self.result(ev, o)
            }
            _ => Ok(()),
        }
    }

    pub fn finish<W: Write>(&mut self, o: &mut Sink<'_, W>) -> io::Result<()> {
        let Some(session) = self.open.take() else {
            return Ok(());
        };
        if self.json {
            let v = json!({"status": "incomplete", "session_id": clean(&session)});
            return json_line(o, &v);
        }
        o.label(Role::Warning, "incomplete")?;
        o.label(Role::Plain, " (no result)")?;
        if !session.is_empty() {
            o.label(Role::Plain, " session=")?;
            o.inline(Role::Plain, &session)?;
        }
        o.newline()
    }

    fn result<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        let subtype = ev.subtype();
        let failed = ev.bool("is_error").unwrap_or(subtype != "success");
        let status = if failed { "failure" } else { "success" };
        let (input, output) = ev.object("usage").map_or((None, None), token_counts);
        // (name in the text line, name in JSON as the CLI spells it, value)
        let fields: [(&str, &str, Option<f64>); 6] = [
            ("turns", "num_turns", ev.f64("num_turns")),
            ("duration_ms", "duration_ms", ev.f64("duration_ms")),
            ("cost_usd", "total_cost_usd", ev.f64("total_cost_usd")),
            ("input_tokens", "input_tokens", input),
            ("output_tokens", "output_tokens", output),
            (
                "api_error_status",
                "api_error_status",
                ev.f64("api_error_status").filter(|_| failed),
            ),
        ];
        let session = ev.session();
        let denied = denials(ev);
        if self.json {
            let mut m = Map::new();
            m.insert("status".into(), status.into());
            m.insert("subtype".into(), clean(subtype).into());
            m.insert("is_error".into(), failed.into());
            for (_, k, v) in fields {
                m.insert(k.into(), v.map_or(Value::Null, number));
            }
            m.insert(
                "session_id".into(),
                clean(session.as_deref().unwrap_or("")).into(),
            );
            let names: Vec<Value> = denied
                .iter()
                .flat_map(|d| d.split(", "))
                .map(|n| clean(n).into())
                .collect();
            m.insert("permission_denials".into(), names.into());
            return json_line(o, &Value::Object(m));
        }
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
        if let Some(id) = &session {
            o.label(Role::Plain, " session=")?;
            o.inline(Role::Plain, id)?;
        }
        o.newline()
    }
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
