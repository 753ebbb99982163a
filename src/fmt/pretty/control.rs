//! The control channel: permission prompts and their outcomes, and the
//! answers to the session controls (interrupt, model, mode, thinking,
//! stop task, context usage), each shown as what it is.
//!
//! Promises:
//! - Permission requests (`can_use_tool`) are numbered 1, 2, 3… per lane in
//!   the order they appear, as cc-run numbers them, and shown as
//!   `? #3 Bash(touch x)   /allow 3 · /deny 3 reason`, with the CLI's
//!   suggestions in short (`always allow: touch x *`) and why it asks.
//! - The CLI echoes the host's answer; it shows as `✓ allowed #3 Bash(touch
//!   x)` or `✗ denied #3: reason`. A denial seen only as
//!   `system/permission_denied` (a CLI rule) shows as `✗ denied
//!   Bash(...): message`; one tool call's denial shows once.
//! - A response is labelled by the request it answers: a request seen in
//!   the stream, else the request id ccpipe's stages make
//!   (`<subtype>-<pid>-<n>`, the subtype one of the protocol table's), else
//!   the shape of the payload (`still_queued`: interrupt, `model`:
//!   set_model, `mode`: set_permission_mode). An empty success to an
//!   unknown request is `· control_response ok (request <id>)`.

use std::io::{self, Write};

use super::Pretty;
use super::lanes::Prompt;
use crate::fmt::event::{Event, members, string};
use crate::fmt::format::grouped;
use crate::fmt::sink::Sink;
use crate::fmt::theme::Role;
use crate::fmt::tool;
use crate::json::{Object, Value};
use crate::protocol::table::REQUESTS;

impl Pretty {
    pub(super) fn control_request<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let id = ev.str("request_id").unwrap_or_default();
        let Some(req) = ev.object("request") else {
            return one(o, Role::Dim, "· control_request without a request");
        };
        let subtype = req.str("subtype").unwrap_or_default();
        let l = self.lanes.get(lane);
        match &*subtype {
            "can_use_tool" => {
                l.prompts_seen += 1;
                let number = l.prompts_seen;
                members!(req,
                    "tool_name" => tool_name,
                    "input" => input,
                    "tool_use_id" => tool_use_id,
                    "permission_suggestions" => suggestions,
                    "blocked_path" => blocked_path,
                    "decision_reason" => reason,
                );
                let name = string(tool_name).unwrap_or_default();
                let detail = tool::call_detail(&name, input.and_then(|v| v.as_object()));
                let call = if detail.is_empty() {
                    name.to_string()
                } else {
                    format!("{name}({detail})")
                };
                l.prompts.insert(
                    &id,
                    Prompt {
                        number,
                        call: call.clone(),
                        tool_use_id: string(tool_use_id).unwrap_or_default().into_owned(),
                    },
                );
                o.end_line()?;
                o.set_indent(4);
                o.label(Role::Warning, &format!("? #{number} "))?;
                o.inline(Role::Warning, &call)?;
                o.label(
                    Role::Dim,
                    &format!("   /allow {number} · /deny {number} reason"),
                )?;
                o.end_line()?;
                let mut why = suggested(suggestions);
                if let Some(path) = string(blocked_path) {
                    why.push(format!("path {path}"));
                }
                if let Some(reason) = reason.and_then(|r| tool::short(r, 200)) {
                    why.push(format!("why: {reason}"));
                }
                if !why.is_empty() {
                    o.label(Role::Dim, "    ")?;
                    o.inline(Role::Dim, &why.join(" · "))?;
                    o.end_line()?;
                }
                o.set_indent(0);
                Ok(())
            }
            other => {
                let detail = request_detail(other, req);
                l.requests.insert(&id, (other.to_owned(), detail));
                o.end_line()?;
                match other {
                    "interrupt" => o.label(Role::Dim, "· interrupt requested")?,
                    _ => {
                        o.label(Role::Dim, "· control_request ")?;
                        o.inline(Role::Dim, other)?;
                    }
                }
                o.end_line()
            }
        }
    }

    pub(super) fn control_response<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        members!(opt ev.object("response"),
            "subtype" => subtype,
            "request_id" => request_id,
            "error" => error,
            "error_code" => code,
            "response" => payload,
        );
        let id = string(request_id).unwrap_or_default();
        let payload = payload.and_then(|p| p.as_object());
        let l = self.lanes.get(lane);
        if let Some(prompt) = l.prompts.remove(&id) {
            return self.outcome(lane, prompt, payload, o);
        }
        let seen = l.requests.remove(&id);
        let asked = seen
            .as_ref()
            .map(|(s, _)| s.as_str())
            .or_else(|| ours(&id))
            .or_else(|| payload.and_then(shape));
        if string(subtype).as_deref() == Some("error") {
            let error = error.and_then(|e| tool::short(e, 300)).unwrap_or_default();
            let mut text = match asked {
                Some(sub) => format!("✗ {} failed: {error}", command(sub)),
                None => format!("✗ control request {id} failed: {error}"),
            };
            if let Some(code) = string(code) {
                text.push_str(&format!(" ({code})"));
            }
            return one(o, Role::Error, &text);
        }
        let detail = seen.as_ref().map_or("", |(_, d)| d.as_str());
        if asked == Some("set_permission_mode") {
            let mode = payload.and_then(|p| p.str("mode")).map(|m| m.into_owned());
            l.mode = mode.or_else(|| (!detail.is_empty()).then(|| detail.to_owned()));
        }
        let (role, text) = answered(asked, &id, detail, payload);
        one(o, role, &text)
    }

    /// The echoed answer to a permission prompt.
    fn outcome<W: Write>(
        &mut self,
        lane: usize,
        prompt: Prompt,
        payload: Option<Object<'_>>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        members!(opt payload, "behavior" => behavior, "message" => message);
        let n = prompt.number;
        match string(behavior).as_deref() {
            Some("allow") => one(o, Role::Success, &format!("✓ allowed #{n} {}", prompt.call)),
            Some("deny") => {
                self.lanes.get(lane).denied.insert(&prompt.tool_use_id, ());
                let why = message
                    .and_then(|m| tool::short(m, 300))
                    .unwrap_or_default();
                one(o, Role::Error, &format!("✗ denied #{n}: {why}"))
            }
            _ => one(o, Role::Dim, &format!("· answered #{n} {}", prompt.call)),
        }
    }

    /// `system/permission_denied`: shown unless the echo showed it.
    pub(super) fn denied<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        members!(ev,
            "tool_name" => tool_name,
            "tool_use_id" => tool_use_id,
            "message" => message,
        );
        let l = self.lanes.get(lane);
        let use_id = string(tool_use_id).unwrap_or_default();
        if l.denied.get(&use_id).is_some() {
            return Ok(());
        }
        l.denied.insert(&use_id, ());
        let call = match l.calls.get(&use_id) {
            Some(c) if !c.detail.is_empty() => format!("{}({})", c.name, c.detail),
            Some(c) => c.name.clone(),
            None => string(tool_name).unwrap_or_default().into_owned(),
        };
        let why = message
            .and_then(|m| tool::short(m, 300))
            .unwrap_or_default();
        one(o, Role::Error, &format!("✗ denied {call}: {why}"))
    }

    /// `control_cancel_request`: the CLI withdrew a request.
    pub(super) fn control_cancel<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let id = ev.str("request_id").unwrap_or_default();
        match self.lanes.get(lane).prompts.remove(&id) {
            Some(p) => one(
                o,
                Role::Warning,
                &format!("· permission request #{} withdrawn", p.number),
            ),
            None => one(o, Role::Dim, &format!("· request {id} withdrawn")),
        }
    }
}

/// One line of text that may hold untrusted parts.
fn one<W: Write>(o: &mut Sink<'_, W>, role: Role, text: &str) -> io::Result<()> {
    o.end_line()?;
    o.set_indent(2);
    o.inline(role, text)?;
    o.end_line()?;
    o.set_indent(0);
    Ok(())
}

/// The subtype of a request id ccpipe's stages made: `<subtype>-<pid>-<n>`.
fn ours(id: &str) -> Option<&'static str> {
    let (head, n) = id.rsplit_once('-')?;
    let (subtype, pid) = head.rsplit_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(n) || !digits(pid) {
        return None;
    }
    REQUESTS.iter().map(|r| r.subtype).find(|s| *s == subtype)
}

/// The request a payload answers, by its shape.
fn shape(payload: Object<'_>) -> Option<&'static str> {
    members!(payload,
        "still_queued" => still_queued,
        "model" => model,
        "mode" => mode,
        "totalTokens" => total,
    );
    if still_queued.is_some() {
        Some("interrupt")
    } else if model.is_some() {
        Some("set_model")
    } else if mode.is_some() {
        Some("set_permission_mode")
    } else if total.is_some() {
        Some("get_context_usage")
    } else {
        None
    }
}

/// The cc-steer command of a request, for errors: `/mode`.
fn command(subtype: &str) -> String {
    match subtype {
        "interrupt" => "/interrupt".into(),
        "set_model" => "/model".into(),
        "set_permission_mode" => "/mode".into(),
        "set_max_thinking_tokens" => "/thinking".into(),
        "stop_task" => "/stop-task".into(),
        "get_context_usage" => "/context".into(),
        other => other.into(),
    }
}

/// What a request seen in the stream asked for, to show with its answer.
fn request_detail(subtype: &str, req: Object<'_>) -> String {
    let field = |name: &str| req.get(name);
    let text = |v: Option<Value<'_>>| {
        v.map(|v| match v.as_str() {
            Some(s) => s.into_owned(),
            None => v.raw().to_owned(),
        })
    };
    match subtype {
        "set_model" => text(field("model")),
        "set_permission_mode" => text(field("mode")),
        "set_max_thinking_tokens" => match field("max_thinking_tokens") {
            Some(v) if !v.is_null() && v.as_f64() != Some(0.0) => text(Some(v)),
            _ => Some("off".into()),
        },
        "stop_task" => text(field("task_id")),
        _ => None,
    }
    .unwrap_or_default()
}

/// The line for a successful answer.
fn answered(
    asked: Option<&str>,
    id: &str,
    detail: &str,
    payload: Option<Object<'_>>,
) -> (Role, String) {
    let get = |name: &str| payload.and_then(|p| p.get(name));
    let count = |name: &str| {
        get(name)
            .and_then(|v| v.as_array())
            .map_or(0, Iterator::count)
    };
    let or_detail = |v: Option<Value<'_>>| {
        v.and_then(|v| v.as_str().map(|s| s.into_owned()))
            .filter(|s| !s.is_empty())
            .or_else(|| (!detail.is_empty()).then(|| detail.to_owned()))
    };
    match asked {
        Some("interrupt") => {
            let mut text = "⏹ interrupted".to_owned();
            let (kept, cancelled) = (count("still_queued"), count("cancelled"));
            if kept > 0 {
                text.push_str(&format!(" ({kept} queued {} kept)", messages(kept)));
            }
            if cancelled > 0 {
                text.push_str(&format!(
                    " ({cancelled} queued {} cancelled)",
                    messages(cancelled)
                ));
            }
            (Role::Warning, text)
        }
        Some("set_model") => match or_detail(get("model")) {
            Some(m) => (Role::Dim, format!("· model set to {m}")),
            None => (Role::Dim, "· model set".into()),
        },
        Some("set_permission_mode") => match or_detail(get("mode")) {
            Some(m) => (Role::Dim, format!("· permission mode {m}")),
            None => (Role::Dim, "· permission mode set".into()),
        },
        Some("set_max_thinking_tokens") => match detail {
            "" => (Role::Dim, "· thinking tokens set".into()),
            "off" => (Role::Dim, "· thinking tokens off".into()),
            n => (Role::Dim, format!("· thinking tokens {n}")),
        },
        Some("stop_task") => match detail {
            "" => (Role::Dim, "· task stopped".into()),
            task => (Role::Dim, format!("· task {task} stopped")),
        },
        Some("get_context_usage") => (Role::Dim, context_usage(payload)),
        Some(sub) => (Role::Dim, format!("· {sub} ok")),
        None if payload.is_none_or(|p| p.is_empty()) => {
            (Role::Dim, format!("· control_response ok (request {id})"))
        }
        None => (
            Role::Dim,
            format!("· control_response ok (request {id}, with data)"),
        ),
    }
}

fn messages(n: usize) -> &'static str {
    if n == 1 { "message" } else { "messages" }
}

/// `· context 2,335 / 200,000 tokens (1%)`.
fn context_usage(payload: Option<Object<'_>>) -> String {
    members!(opt payload,
        "totalTokens" => total,
        "maxTokens" => max,
        "percentage" => pct,
    );
    let n = |v: Option<Value<'_>>| v.and_then(|v| v.as_f64());
    match (n(total), n(max)) {
        (Some(t), Some(m)) => {
            let pct = n(pct).unwrap_or(if m > 0.0 { t / m * 100.0 } else { 0.0 });
            format!(
                "· context {} / {} tokens ({}%)",
                grouped(t),
                grouped(m),
                pct.round()
            )
        }
        _ => "· context usage received".into(),
    }
}

/// The CLI's permission suggestions in short: `always allow: touch x *`.
fn suggested(suggestions: Option<Value<'_>>) -> Vec<String> {
    let mut out = Vec::new();
    for s in suggestions.and_then(|v| v.as_array()).into_iter().flatten() {
        let Some(s) = s.as_object() else { continue };
        members!(s,
            "type" => kind,
            "behavior" => behavior,
            "rules" => rules,
            "mode" => mode,
            "directories" => dirs,
        );
        let strings = |v: Option<Value<'_>>, f: &dyn Fn(Value<'_>) -> Option<String>| {
            v.and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(f)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match string(kind).as_deref() {
            Some("addRules") => {
                let rules = strings(rules, &|r| {
                    let r = r.as_object()?;
                    r.str("ruleContent")
                        .or_else(|| r.str("toolName"))
                        .map(|s| s.into_owned())
                });
                if !rules.is_empty() {
                    let verb = string(behavior).unwrap_or_default();
                    out.push(format!("always {verb}: {rules}"));
                }
            }
            Some("setMode") => {
                if let Some(mode) = string(mode) {
                    out.push(format!("mode {mode}"));
                }
            }
            Some("addDirectories") => {
                let dirs = strings(dirs, &|d| d.as_str().map(|s| s.into_owned()));
                if !dirs.is_empty() {
                    out.push(format!("allow dir {dirs}"));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_of_ccpipe_name_their_subtype() {
        assert_eq!(ours("interrupt-4242-1"), Some("interrupt"));
        assert_eq!(
            ours("set_permission_mode-4242-17"),
            Some("set_permission_mode")
        );
        assert_eq!(ours("get_context_usage-1-2"), Some("get_context_usage"));
        assert_eq!(ours("nonsense-4242-1"), None);
        assert_eq!(ours("interrupt-x-1"), None);
        assert_eq!(ours("1e7640ee-eb46-49df-839c-87cbd577147b"), None);
    }
}
