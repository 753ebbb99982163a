//! A session's header and each turn's footer.
//!
//! Promises: the header (model, cwd, session, permission mode) shows once
//! per session, at its first `system/init`; a later init says only what
//! changed (`· model sonnet`). The footer of a result decides success from
//! `is_error`, shows why a turn failed (HTTP status, the result text, the
//! `errors`), `terminal_reason` when it is not `completed`, and that
//! `structured_output` is present; it tells the turn's figures (turns,
//! duration, tokens: per result) from the session's (`session total`: the
//! CLI's running `total_cost_usd`), so adding footers never double-counts.

use std::io::{self, Write};

use super::lanes::Header;
use super::{Pretty, line, num};
use crate::fmt::event::{Event, members, string};
use crate::fmt::format::{cost, denials, duration, tokens, turns};
use crate::fmt::sink::Sink;
use crate::fmt::theme::Role;
use crate::fmt::tool;

impl Pretty {
    pub(super) fn header<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        o.end_line()?;
        o.set_base(0);
        members!(ev,
            "model" => model,
            "cwd" => cwd,
            "session_id" => session,
            "permissionMode" => mode,
        );
        let owned = |v| string(v).map(|s| s.into_owned());
        let header = Header {
            model: owned(model),
            cwd: owned(cwd),
            mode: owned(mode),
        };
        let l = self.lanes.get(lane);
        if l.open {
            line(o, Role::Warning, "⚠ the turn ended without a result")?;
        }
        l.open = true;
        l.stream.reset();
        l.mode.clone_from(&header.mode);
        if l.replays != Some(false) {
            l.held = Some(Vec::new());
        }
        match l.header.replace(header.clone()) {
            Some(old) => {
                let changes = [
                    ("· model ", old.model, header.model),
                    ("· permission mode ", old.mode, header.mode),
                ];
                for (name, was, now) in changes {
                    if let Some(now) = now.filter(|n| Some(n) != was.as_ref()) {
                        o.label(Role::Dim, name)?;
                        o.inline(Role::Dim, &now)?;
                        o.end_line()?;
                    }
                }
                Ok(())
            }
            None => {
                if o.lines() > 0 {
                    o.newline()?;
                }
                o.set_indent(3);
                o.label(Role::Header, "──")?;
                let session = string(session);
                let fields = [
                    ("", header.model.as_deref()),
                    ("", header.cwd.as_deref()),
                    ("session ", session.as_deref()),
                    ("permission mode ", header.mode.as_deref()),
                ];
                for (i, (name, value)) in fields.iter().filter(|(_, v)| v.is_some()).enumerate() {
                    o.label(Role::Header, if i == 0 { " " } else { " · " })?;
                    o.label(Role::Header, name)?;
                    o.inline(Role::Header, value.unwrap_or(""))?;
                }
                o.end_line()?;
                o.set_indent(0);
                Ok(())
            }
        }
    }

    pub(super) fn result<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        o.end_line()?;
        o.set_base(0);
        let l = self.lanes.get(lane);
        l.open = false;
        l.stream.reset();
        l.replays.get_or_insert(false);
        members!(ev,
            "is_error" => is_error,
            "api_error_status" => http,
            "result" => result,
            "errors" => errors,
            "terminal_reason" => reason,
            "num_turns" => num_turns,
            "duration_ms" => duration_ms,
            "usage" => usage,
            "total_cost_usd" => total_cost,
            "permission_denials" => denied,
            "structured_output" => structured,
        );
        let subtype = ev.subtype();
        let failed = is_error
            .and_then(|v| v.as_bool())
            .unwrap_or(subtype != "success");
        let role = if failed { Role::Error } else { Role::Success };
        o.set_indent(2);
        o.label(role, if failed { "✗ failure" } else { "✓ success" })?;
        if !subtype.is_empty() && subtype != "success" {
            o.label(role, " (")?;
            o.inline(role, subtype)?;
            o.label(role, ")")?;
        }
        if failed {
            if let Some(status) = http.and_then(|v| v.as_f64()) {
                o.label(role, &format!(" · HTTP {}", num(Some(status))))?;
            }
            if let Some(short) = result.and_then(|v| tool::short(v, 200)) {
                o.label(role, " · ")?;
                o.inline(role, &short)?;
            }
            let errors: Vec<String> = errors
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(|e| tool::short(e, 200).map(|s| s.into_owned()))
                .collect();
            if !errors.is_empty() {
                o.label(role, " · ")?;
                o.inline(role, &errors.join("; "))?;
            }
        }
        if let Some(reason) = string(reason).filter(|r| r != "completed") {
            o.label(Role::Warning, " · stopped: ")?;
            o.inline(Role::Warning, &reason)?;
        }
        let mut stats = String::new();
        for part in [
            turns(num_turns.and_then(|v| v.as_f64())),
            duration_ms.and_then(|v| v.as_f64()).map(duration),
            tokens(usage.and_then(|v| v.as_object())),
            total_cost
                .and_then(|v| v.as_f64())
                .map(|c| format!("session total {}", cost(c))),
        ]
        .into_iter()
        .flatten()
        {
            stats.push_str(" · ");
            stats.push_str(&part);
        }
        o.label(Role::Dim, &stats)?;
        if let Some(names) = denied.and_then(denials) {
            o.label(Role::Warning, " · permission denied: ")?;
            o.inline(Role::Warning, &names)?;
        }
        if structured.is_some_and(|v| !v.is_null()) {
            o.label(Role::Dim, " · structured output")?;
        }
        o.end_line()?;
        o.set_indent(0);
        Ok(())
    }
}
