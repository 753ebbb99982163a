//! Every other kind of the protocol table ([`crate::protocol::table`]) in
//! one line that says what happened: warnings (`⚠`) in yellow, losses and
//! refusals (`✗`) in red, the rest dim (`·`).
//!
//! Promises: noise is hidden (thinking_tokens, keep_alive, tool_progress,
//! session_state_changed, background_tasks_changed, commands_changed,
//! transcript_mirror, a `requesting` status, an `allowed` rate limit); a
//! kind cc-fmt does not know is one dim `· type/subtype` line, never an
//! error; a field of an unexpected type reads as absent.

use std::io::{self, Write};

use crate::fmt::event::{Event, members, string};
use crate::fmt::format::{duration, grouped};
use crate::fmt::sink::Sink;
use crate::fmt::theme::Role;
use crate::fmt::tool;
use crate::json::Value;

/// What one event shows.
pub enum Notice {
    Hide,
    Line(Role, String),
    Unknown,
}

use Notice::{Hide, Line};

fn dim(text: String) -> Notice {
    Line(Role::Dim, text)
}

fn warn(text: String) -> Notice {
    Line(Role::Warning, text)
}

fn lost(text: String) -> Notice {
    Line(Role::Error, text)
}

/// Shows `ev` (a kind the other renderers do not handle).
pub fn show<W: Write>(ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
    match notice(ev) {
        Hide => Ok(()),
        Line(role, text) => {
            o.end_line()?;
            o.set_indent(2);
            o.inline(role, &text)?;
            o.end_line()?;
            o.set_indent(0);
            Ok(())
        }
        Notice::Unknown => unknown(ev, o),
    }
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

/// A string field, or "".
fn s(ev: &Event<'_>, name: &str) -> String {
    ev.str(name).map(|s| s.into_owned()).unwrap_or_default()
}

/// A string field cut for one line.
fn short(v: Option<Value<'_>>, max: usize) -> String {
    v.and_then(|v| tool::short(v, max))
        .map(|s| s.into_owned())
        .unwrap_or_default()
}

/// What `ev` shows, as one line of text (untrusted parts included).
pub fn notice(ev: &Event<'_>) -> Notice {
    match ev.kind() {
        "system" => system(ev),
        "rate_limit_event" => rate_limit(ev),
        "tool_use_summary" => dim(format!("· summary: {}", short(ev.get("summary"), 300))),
        "auth_status" => auth(ev),
        "prompt_suggestion" => dim(format!(
            "· suggested next prompt: {}",
            short(ev.get("suggestion"), 200)
        )),
        "conversation_reset" => {
            let trigger = ev
                .str("trigger")
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            dim(format!(
                "· conversation reset{trigger}: a new conversation starts"
            ))
        }
        "active_goal" => match ev.object("value") {
            None => dim("· goal cleared".into()),
            Some(goal) => {
                let condition = short(goal.get("condition"), 200);
                match goal.f64("iterations") {
                    Some(n) => dim(format!("· goal: {condition} (iteration {n})")),
                    None => dim(format!("· goal: {condition}")),
                }
            }
        },
        "keep_alive" | "transcript_mirror" | "tool_progress" => Hide,
        _ => Notice::Unknown,
    }
}

fn system(ev: &Event<'_>) -> Notice {
    match ev.subtype() {
        "api_retry" => api_retry(ev),
        "task_started" => {
            let kind = ev
                .str("task_type")
                .map(|k| format!(" ({k})"))
                .unwrap_or_default();
            dim(format!("· task started: {}{kind}", s(ev, "description")))
        }
        "task_notification" => {
            let status = ev.str("status").unwrap_or_default();
            let status = if status.is_empty() {
                "ended".into()
            } else {
                status
            };
            let text = format!("· task {status}: {}", short(ev.get("summary"), 300));
            if status == "failed" {
                warn(text)
            } else {
                dim(text)
            }
        }
        "task_progress" => {
            let what = ev
                .get("summary")
                .and_then(|v| tool::short(v, 200))
                .map(|s| s.into_owned())
                .or_else(|| ev.str("last_tool_name").map(|t| format!("using {t}")));
            match what {
                Some(what) => dim(format!("· task {}: {what}", s(ev, "description"))),
                None => dim(format!("· task {} running", s(ev, "description"))),
            }
        }
        "status" => status(ev),
        "compact_boundary" => {
            let meta = ev.object("compact_metadata");
            let trigger = meta.and_then(|m| m.str("trigger")).unwrap_or_default();
            match meta.and_then(|m| m.f64("pre_tokens")) {
                Some(n) => dim(format!(
                    "· conversation compacted ({trigger}, {} tokens before)",
                    grouped(n)
                )),
                None => dim("· conversation compacted".into()),
            }
        }
        "informational" => {
            let text = short(ev.get("content"), 400);
            match ev.str("level").as_deref() {
                Some("warning") => warn(format!("⚠ {text}")),
                _ => dim(format!("· {text}")),
            }
        }
        "notification" => {
            let text = short(ev.get("text"), 400);
            match ev.str("priority").as_deref() {
                Some("high" | "immediate") => warn(format!("⚠ {text}")),
                _ => dim(format!("· {text}")),
            }
        }
        "session_writes_lost" => {
            let code = s(ev, "error_code");
            let what: Vec<String> = ev
                .array("lost")
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(|s| s.into_owned()))
                .collect();
            lost(format!(
                "✗ the session is not being saved ({code}): {} lost",
                if what.is_empty() {
                    "writes".into()
                } else {
                    what.join(", ")
                }
            ))
        }
        "hook_started" => dim(format!("· hook {} started", s(ev, "hook_name"))),
        "hook_progress" => {
            members!(ev, "output" => output, "stdout" => stdout, "stderr" => stderr);
            let text = [output, stdout, stderr]
                .into_iter()
                .map(|v| short(v, 200))
                .find(|t| !t.trim().is_empty());
            match text {
                Some(t) => dim(format!("· hook {}: {}", s(ev, "hook_name"), t.trim())),
                None => Hide,
            }
        }
        "hook_response" => hook_response(ev),
        "local_command_output" => dim(format!("· {}", short(ev.get("content"), 400))),
        "model_refusal_fallback" => warn(format!(
            "⚠ {} refused; {} takes over ({})",
            s(ev, "original_model"),
            s(ev, "fallback_model"),
            s(ev, "direction")
        )),
        "model_refusal_no_fallback" => {
            let why = ev
                .get("api_refusal_explanation")
                .and_then(|v| tool::short(v, 300))
                .unwrap_or_else(|| short(ev.get("content"), 300).into());
            lost(format!("✗ {} refused: {why}", s(ev, "original_model")))
        }
        "plugin_install" => {
            let name = ev.str("name").unwrap_or_else(|| "plugin".into());
            match ev.str("status").as_deref() {
                Some("failed") => warn(format!(
                    "⚠ plugin {name} failed to install: {}",
                    short(ev.get("error"), 300)
                )),
                Some(status) => dim(format!("· plugin {name} {status}")),
                None => dim(format!("· plugin {name}")),
            }
        }
        "elicitation_complete" => dim(format!(
            "· MCP server {}: elicitation {} complete",
            s(ev, "mcp_server_name"),
            s(ev, "elicitation_id")
        )),
        "files_persisted" => {
            let count = |name| ev.array(name).map_or(0, Iterator::count);
            let failed: Vec<String> = ev
                .array("failed")
                .into_iter()
                .flatten()
                .filter_map(|f| {
                    f.get("filename")
                        .and_then(|n| n.as_str())
                        .map(|n| n.into_owned())
                })
                .collect();
            if failed.is_empty() {
                dim(format!("· {} files persisted", count("files")))
            } else {
                warn(format!(
                    "⚠ {} files not persisted: {}",
                    failed.len(),
                    failed.join(", ")
                ))
            }
        }
        "memory_recall" => {
            let n = ev.array("memories").map_or(0, Iterator::count);
            dim(format!("· recalled {n} memories ({})", s(ev, "mode")))
        }
        "mirror_error" => warn(format!(
            "⚠ transcript mirror failed: {}",
            short(ev.get("error"), 300)
        )),
        "worker_shutting_down" => warn(format!("⚠ worker shutting down: {}", s(ev, "reason"))),
        "control_request_progress" => match ev.str("status").as_deref() {
            Some("api_retry") => warn(format!(
                "⚠ request {} retrying (attempt {})",
                s(ev, "request_id"),
                ev.f64("attempt").map_or("?".into(), |n| n.to_string())
            )),
            _ => Hide,
        },
        "task_updated" => match ev.object("patch").and_then(|p| p.str("status")) {
            Some(status) => dim(format!("· task {} {status}", s(ev, "task_id"))),
            None => Hide,
        },
        "thinking_tokens"
        | "session_state_changed"
        | "background_tasks_changed"
        | "commands_changed" => Hide,
        _ => Notice::Unknown,
    }
}

fn api_retry(ev: &Event<'_>) -> Notice {
    let n = |name| ev.f64(name).map_or("?".into(), |v| v.to_string());
    let mut msg = format!("⚠ API retry {}", n("attempt"));
    if ev.f64("max_retries").is_some() {
        msg.push_str(&format!("/{}", n("max_retries")));
    }
    if let Some(ms) = ev.f64("retry_delay_ms") {
        msg.push_str(&format!(" in {}", duration(ms)));
    }
    if let Some(err) = ev.str("error") {
        msg.push_str(&format!(": {err}"));
    }
    if ev.f64("error_status").is_some() {
        msg.push_str(&format!(" (HTTP {})", n("error_status")));
    }
    warn(msg)
}

fn status(ev: &Event<'_>) -> Notice {
    members!(ev,
        "status" => status,
        "permissionMode" => mode,
        "compact_result" => compact,
        "compact_error" => compact_error,
    );
    if let Some(mode) = string(mode) {
        return dim(format!("· permission mode {mode}"));
    }
    match string(compact).as_deref() {
        Some("failed") => {
            return lost(format!(
                "✗ compaction failed: {}",
                short(compact_error, 300)
            ));
        }
        Some("success") => return dim("· compaction done".into()),
        _ => {}
    }
    match string(status).as_deref() {
        None | Some("" | "requesting") => Hide,
        Some("compacting") => dim("· compacting the conversation…".into()),
        Some(other) => dim(format!("· {other}")),
    }
}

fn hook_response(ev: &Event<'_>) -> Notice {
    let name = s(ev, "hook_name");
    match ev.str("outcome").as_deref() {
        Some("error") => {
            let code = ev
                .f64("exit_code")
                .map(|c| format!(" (exit {c})"))
                .unwrap_or_default();
            let why = [ev.get("stderr"), ev.get("output")]
                .into_iter()
                .map(|v| short(v, 300))
                .find(|t| !t.trim().is_empty())
                .unwrap_or_default();
            warn(format!("⚠ hook {name} failed{code}: {}", why.trim()))
        }
        Some("cancelled") => warn(format!("⚠ hook {name} cancelled")),
        _ => dim(format!("· hook {name} done")),
    }
}

fn auth(ev: &Event<'_>) -> Notice {
    if let Some(err) = ev.get("error").and_then(|v| tool::short(v, 300)) {
        return lost(format!("✗ authentication failed: {err}"));
    }
    let last = ev
        .array("output")
        .and_then(|lines| lines.filter_map(|l| tool::short(l, 300)).last())
        .map(|l| l.into_owned());
    match (ev.bool("isAuthenticating"), last) {
        (_, Some(line)) => dim(format!("· authentication: {line}")),
        (Some(true), None) => dim("· authenticating…".into()),
        _ => Hide,
    }
}

fn rate_limit(ev: &Event<'_>) -> Notice {
    let Some(info) = ev.object("rate_limit_info") else {
        return Hide;
    };
    let kind = info
        .str("rateLimitType")
        .map(|k| k.replace('_', " "))
        .unwrap_or_else(|| "usage".into());
    let resets = info
        .f64("resetsAt")
        .map(|t| format!(", resets {}", when(t)))
        .unwrap_or_default();
    match info.str("status").as_deref() {
        Some("allowed_warning") => {
            let used = info
                .f64("utilization")
                .map(|u| format!(", {}% used", (if u <= 1.0 { u * 100.0 } else { u }).round()))
                .unwrap_or_default();
            warn(format!("⚠ {kind} rate limit nearly reached{used}{resets}"))
        }
        Some("rejected") => lost(format!(
            "✗ {kind} rate limit reached: requests refused{resets}"
        )),
        _ => Hide,
    }
}

/// A reset time (seconds, or milliseconds, since 1970) as `2026-11-24 14:00 UTC`.
fn when(t: f64) -> String {
    let secs = if t > 1e12 { t / 1000.0 } else { t };
    if !secs.is_finite() || !(0.0..1e11).contains(&secs) {
        return "at an unknown time".into();
    }
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64);
    let stamp = humantime::format_rfc3339_seconds(at).to_string();
    // 2026-11-24T14:00:00Z
    format!("{} {} UTC", &stamp[..10], &stamp[11..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_times_read_as_utc() {
        assert_eq!(when(1_795_000_000.0), "2026-11-18 11:06 UTC");
        assert_eq!(when(1_795_000_000_000.0), "2026-11-18 11:06 UTC");
        assert_eq!(when(f64::NAN), "at an unknown time");
    }
}
