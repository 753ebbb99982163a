//! The pretty style's session events: the header of each turn (system/init),
//! other system events (retries, tasks, status), the result footer, and
//! control requests and responses (permission prompts, interrupts).

use std::io::{self, Write};

use super::{Pretty, line, num, unknown};
use crate::fmt::event::{Control, Envelope, Text, s, view};
use crate::fmt::format::{cost, denials, duration, tokens, turns};
use crate::fmt::sink::Sink;
use crate::fmt::theme::Role;
use crate::fmt::tool;

/// The payload of an interrupt's success response (`still_queued` since 2.1).
#[derive(serde::Deserialize)]
struct Receipt<'a> {
    #[serde(borrow)]
    #[allow(dead_code)]
    still_queued: &'a serde_json::value::RawValue,
}

impl Pretty {
    pub(super) fn system<W: Write>(
        &mut self,
        ev: &Envelope<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        match ev.subtype() {
            "init" => self.header(ev, o),
            "api_retry" => {
                o.end_line()?;
                let mut msg = format!("⚠ API retry {}", num(ev.attempt));
                if let Some(max) = ev.max_retries {
                    msg.push_str(&format!("/{}", num(Some(max))));
                }
                if let Some(ms) = ev.retry_delay_ms {
                    msg.push_str(&format!(" in {}", duration(ms)));
                }
                o.label(Role::Warning, &msg)?;
                if let Some(err) = &ev.error {
                    o.label(Role::Warning, ": ")?;
                    o.inline(Role::Warning, err.as_str())?;
                }
                if let Some(status) = ev.error_status {
                    o.label(Role::Warning, &format!(" (HTTP {})", num(Some(status))))?;
                }
                o.end_line()
            }
            "task_started" => {
                o.end_line()?;
                o.label(Role::Dim, "· task started: ")?;
                o.inline(Role::Dim, s(&ev.description))?;
                if let Some(kind) = &ev.task_type {
                    o.label(Role::Dim, " (")?;
                    o.inline(Role::Dim, kind.as_str())?;
                    o.label(Role::Dim, ")")?;
                }
                o.end_line()
            }
            "task_notification" => {
                let status = s(&ev.status);
                let role = if status == "failed" {
                    Role::Warning
                } else {
                    Role::Dim
                };
                o.end_line()?;
                o.label(role, "· task ")?;
                o.inline(role, if status.is_empty() { "ended" } else { status })?;
                o.label(role, ": ")?;
                o.inline(role, s(&ev.summary))?;
                o.end_line()
            }
            "status" => match s(&ev.status) {
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
        ev: &Envelope<'_>,
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
        let fields: [(&str, &Option<Text>); 4] = [
            ("", &ev.model),
            ("", &ev.cwd),
            ("session ", &ev.session_id),
            ("permission mode ", &ev.permission_mode),
        ];
        for (i, (name, value)) in fields.iter().filter(|(_, v)| v.is_some()).enumerate() {
            o.label(Role::Header, if i == 0 { " " } else { " · " })?;
            o.label(Role::Header, name)?;
            o.inline(Role::Header, s(value))?;
        }
        o.end_line()
    }

    pub(super) fn result<W: Write>(
        &mut self,
        ev: &Envelope<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        o.end_line()?;
        self.open = false;
        self.stream.reset();
        let subtype = ev.subtype();
        let failed = ev.is_error.unwrap_or(subtype != "success");
        let role = if failed { Role::Error } else { Role::Success };
        o.label(role, if failed { "✗ failure" } else { "✓ success" })?;
        if !subtype.is_empty() && subtype != "success" {
            o.label(role, " (")?;
            o.inline(role, subtype)?;
            o.label(role, ")")?;
        }
        if failed {
            if let Some(status) = ev.api_error_status {
                o.label(role, &format!(" · HTTP {}", num(Some(status))))?;
            }
            if let Some(text) = &ev.result {
                o.label(role, " · ")?;
                let short = tool::shorten(text.0.clone(), 200);
                o.inline(role, &short)?;
            }
        }
        let mut stats = String::new();
        for part in [
            turns(ev.num_turns),
            ev.duration_ms.map(duration),
            ev.total_cost_usd.map(cost),
            tokens(ev.usage),
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
        ev: &Envelope<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let none = Control::default();
        let req = ev.request.as_deref().unwrap_or(&none);
        match s(&req.subtype) {
            "interrupt" => {
                if self.interrupts.len() < 64 {
                    self.interrupts.push(s(&ev.request_id).to_owned());
                }
                line(o, Role::Dim, "· interrupt requested")
            }
            "can_use_tool" => {
                let name = s(&req.tool_name);
                o.end_line()?;
                o.label(Role::Warning, "? permission asked for ")?;
                o.inline(Role::Warning, name)?;
                let detail = tool::call_detail(name, req.input);
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
        ev: &Envelope<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        let none = Control::default();
        let resp = ev.response.as_deref().unwrap_or(&none);
        let id = s(&resp.request_id);
        if s(&resp.subtype) == "error" {
            o.end_line()?;
            o.label(Role::Error, "✗ control request failed: ")?;
            o.inline(Role::Error, s(&resp.error))?;
            return o.end_line();
        }
        // An interrupt is answered by an empty success (older CLIs) or a
        // receipt listing `still_queued`; other requests carry a payload.
        let known = self.interrupts.iter().position(|i| i == id);
        let interrupt = match known {
            Some(at) => {
                self.interrupts.remove(at);
                true
            }
            None => resp.response.is_none() || view::<Receipt>(resp.response).is_some(),
        };
        if interrupt {
            line(o, Role::Warning, "⏹ interrupt acknowledged")
        } else {
            line(o, Role::Dim, "· control_response success")
        }
    }
}
