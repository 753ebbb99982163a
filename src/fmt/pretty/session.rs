//! The pretty style's session events: the header of each turn (system/init),
//! other system events (retries, tasks, status), the result footer, and
//! control requests and responses (permission prompts, interrupts).

use std::io::{self, Write};

use super::{Pretty, line, num, unknown};
use crate::fmt::event::{Event, members, string};
use crate::fmt::format::{cost, denials, duration, tokens, turns};
use crate::fmt::sink::Sink;
use crate::fmt::theme::Role;
use crate::fmt::tool;

impl Pretty {
    pub(super) fn system<W: Write>(
        &mut self,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        match ev.subtype() {
            "init" => self.header(ev, o),
            "api_retry" => {
                o.end_line()?;
                let mut msg = format!("⚠ API retry {}", num(ev.f64("attempt")));
                if let Some(max) = ev.f64("max_retries") {
                    msg.push_str(&format!("/{}", num(Some(max))));
                }
                if let Some(ms) = ev.f64("retry_delay_ms") {
                    msg.push_str(&format!(" in {}", duration(ms)));
                }
                o.label(Role::Warning, &msg)?;
                if let Some(err) = ev.str("error") {
                    o.label(Role::Warning, ": ")?;
                    o.inline(Role::Warning, &err)?;
                }
                if let Some(status) = ev.f64("error_status") {
                    o.label(Role::Warning, &format!(" (HTTP {})", num(Some(status))))?;
                }
                o.end_line()
            }
            "task_started" => {
                o.end_line()?;
                o.label(Role::Dim, "· task started: ")?;
                o.inline(Role::Dim, &ev.str("description").unwrap_or_default())?;
                if let Some(kind) = ev.str("task_type") {
                    o.label(Role::Dim, " (")?;
                    o.inline(Role::Dim, &kind)?;
                    o.label(Role::Dim, ")")?;
                }
                o.end_line()
            }
            "task_notification" => {
                let status = ev.str("status").unwrap_or_default();
                let status = &*status;
                let role = if status == "failed" {
                    Role::Warning
                } else {
                    Role::Dim
                };
                o.end_line()?;
                o.label(role, "· task ")?;
                o.inline(role, if status.is_empty() { "ended" } else { status })?;
                o.label(role, ": ")?;
                o.inline(role, &ev.str("summary").unwrap_or_default())?;
                o.end_line()
            }
            "status" => match ev.str("status").as_deref().unwrap_or("") {
                "" | "requesting" => Ok(()),
                other => {
                    o.end_line()?;
                    o.label(Role::Dim, "· ")?;
                    o.inline(Role::Dim, other)?;
                    o.end_line()
                }
            },
            "thinking_tokens" => Ok(()),
            "compact_boundary" => line(o, Role::Dim, "· conversation compacted"),
            _ => unknown(ev, o),
        }
    }

    pub(super) fn header<W: Write>(
        &mut self,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        o.end_line()?;
        if self.open {
            line(o, Role::Warning, "⚠ the turn ended without a result")?;
        }
        if self.printed {
            o.newline()?;
        }
        self.open = true;
        self.stream.reset();
        o.label(Role::Header, "──")?;
        members!(ev,
            "model" => model,
            "cwd" => cwd,
            "session_id" => session,
            "permissionMode" => mode,
        );
        let fields = [
            ("", string(model)),
            ("", string(cwd)),
            ("session ", string(session)),
            ("permission mode ", string(mode)),
        ];
        for (i, (name, value)) in fields.iter().filter(|(_, v)| v.is_some()).enumerate() {
            o.label(Role::Header, if i == 0 { " " } else { " · " })?;
            o.label(Role::Header, name)?;
            o.inline(Role::Header, value.as_deref().unwrap_or(""))?;
        }
        o.end_line()
    }

    pub(super) fn result<W: Write>(
        &mut self,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        o.end_line()?;
        self.open = false;
        self.stream.reset();
        let subtype = ev.subtype();
        let failed = ev.bool("is_error").unwrap_or(subtype != "success");
        let role = if failed { Role::Error } else { Role::Success };
        o.label(role, if failed { "✗ failure" } else { "✓ success" })?;
        if !subtype.is_empty() && subtype != "success" {
            o.label(role, " (")?;
            o.inline(role, subtype)?;
            o.label(role, ")")?;
        }
        if failed {
            if let Some(status) = ev.f64("api_error_status") {
                o.label(role, &format!(" · HTTP {}", num(Some(status))))?;
            }
            if let Some(short) = ev.get("result").and_then(|v| tool::short(v, 200)) {
                o.label(role, " · ")?;
                o.inline(role, &short)?;
            }
        }
        let mut stats = String::new();
        for part in [
            turns(ev.f64("num_turns")),
            ev.f64("duration_ms").map(duration),
            ev.f64("total_cost_usd").map(cost),
            tokens(ev.object("usage")),
        ]
        .into_iter()
        .flatten()
        {
            stats.push_str(" · ");
            stats.push_str(&part);
        }
        o.label(Role::Dim, &stats)?;
        if let Some(names) = denials(ev) {
            o.label(Role::Warning, " · permission denied: ")?;
            o.inline(Role::Warning, &names)?;
        }
        o.end_line()
    }

    pub(super) fn control_request<W: Write>(
        &mut self,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        members!(opt ev.object("request"), "subtype" => subtype, "tool_name" => tool_name, "input" => input);
        match string(subtype).as_deref().unwrap_or("") {
            "interrupt" => {
                if self.interrupts.len() < 64 {
                    let id = ev.str("request_id").unwrap_or_default();
                    self.interrupts.push(id.into_owned());
                }
                line(o, Role::Dim, "· interrupt requested")
            }
            "can_use_tool" => {
                let name = string(tool_name).unwrap_or_default();
                o.end_line()?;
                o.label(Role::Warning, "? permission asked for ")?;
                o.inline(Role::Warning, &name)?;
                let detail = tool::call_detail(&name, input.and_then(|v| v.as_object()));
                if !detail.is_empty() {
                    o.label(Role::Warning, "(")?;
                    o.inline(Role::Warning, &detail)?;
                    o.label(Role::Warning, ")")?;
                }
                o.end_line()
            }
            other => {
                o.end_line()?;
                o.label(Role::Dim, "· control_request ")?;
                o.inline(Role::Dim, other)?;
                o.end_line()
            }
        }
    }

    pub(super) fn control_response<W: Write>(
        &mut self,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        members!(opt ev.object("response"),
            "subtype" => subtype,
            "request_id" => request_id,
            "error" => error,
            "response" => payload,
        );
        let id = string(request_id).unwrap_or_default();
        if string(subtype).as_deref() == Some("error") {
            o.end_line()?;
            o.label(Role::Error, "✗ control request failed: ")?;
            o.inline(Role::Error, &string(error).unwrap_or_default())?;
            return o.end_line();
        }
        // An interrupt is answered by an empty success (older CLIs) or a
        // receipt listing `still_queued`; other requests carry a payload.
        let known = self.interrupts.iter().position(|i| *i == id);
        let interrupt = match known {
            Some(at) => {
                self.interrupts.remove(at);
                true
            }
            None => payload.is_none_or(|p| p.get("still_queued").is_some()),
        };
        if interrupt {
            line(o, Role::Warning, "⏹ interrupt acknowledged")
        } else {
            line(o, Role::Dim, "· control_response success")
        }
    }
}
