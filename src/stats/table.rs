//! The default output: one row per session, then the totals, for people.
//!
//! Promises: every string from the input (session ids, subtypes, tool
//! names, error reasons) goes through [`crate::sanitize::one_line`]; colour
//! (status words, headings) only when the caller's colour decision says so.
//! The session id is the last column, so the numbers line up whatever the
//! ids look like.

use std::collections::BTreeMap;
use std::io::{self, Write};

use nu_ansi_term::{Color, Style};

use super::report::{Durations, Report};
use super::session::Status;
use crate::sanitize;

const HEADINGS: [&str; 12] = [
    "status", "results", "turns", "wall", "api", "cost", "in_tok", "out_tok", "tools", "denied",
    "retries", "session",
];

pub fn write<W: Write>(out: &mut W, r: &Report, color: bool) -> io::Result<()> {
    let paint = Paint(color);
    let rows: Vec<[String; 12]> = r
        .per_session
        .iter()
        .map(|s| {
            [
                s.status.as_str().to_owned(),
                s.results.values().sum::<u64>().to_string(),
                s.turns.to_string(),
                total(&s.duration_ms),
                total(&s.api_duration_ms),
                s.cost_usd.map_or("-".into(), cost),
                s.tokens.input.to_string(),
                s.tokens.output.to_string(),
                s.tool_calls.to_string(),
                s.permission_denials.to_string(),
                s.api_retries.to_string(),
                text(&s.session_id),
            ]
        })
        .collect();
    let mut widths = HEADINGS.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let last = HEADINGS.len() - 1;
    let mut line = String::new();
    for (i, h) in HEADINGS.iter().enumerate() {
        line.push_str(&cell(h, widths[i], i, last));
    }
    writeln!(out, "{}", paint.style(Style::new().bold(), line.trim_end()))?;
    for (row, s) in rows.iter().zip(&r.per_session) {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate() {
            let padded = cell(c, widths[i], i, last);
            match i {
                0 => line.push_str(&paint.status(s.status, &padded)),
                _ => line.push_str(&padded),
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)?;
    totals(out, r, paint)
}

fn totals<W: Write>(out: &mut W, r: &Report, paint: Paint) -> io::Result<()> {
    let heading = |name: &str| paint.style(Style::new().bold(), &format!("{name:<12}"));
    let s = r.status;
    let mut sessions = format!("{} ({} ok", r.sessions, s.ok);
    for (n, status) in [(s.error, Status::Error), (s.incomplete, Status::Incomplete)] {
        if n > 0 {
            sessions += &format!(
                ", {}",
                paint.status(status, &format!("{n} {}", status.as_str()))
            );
        }
    }
    writeln!(out, "{} {sessions})", heading("sessions"))?;
    let results: u64 = r.results.values().sum();
    writeln!(
        out,
        "{} {results}{}{}",
        heading("results"),
        counts(&r.results, ": "),
        if r.error_results > 0 {
            format!("; {} with is_error", r.error_results)
        } else {
            String::new()
        }
    )?;
    writeln!(out, "{} {}", heading("turns"), r.turns)?;
    writeln!(out, "{} {}", heading("cost"), cost(r.cost_usd))?;
    writeln!(out, "{} {}", heading("wall"), spread(&r.duration_ms))?;
    writeln!(out, "{} {}", heading("api"), spread(&r.api_duration_ms))?;
    let t = r.tokens;
    writeln!(
        out,
        "{} input {}, output {}, cache read {}, cache creation {}",
        heading("tokens"),
        t.input,
        t.output,
        t.cache_read,
        t.cache_creation
    )?;
    writeln!(
        out,
        "{} {}{}",
        heading("tool calls"),
        r.tool_calls,
        counts(&r.tools, ": ")
    )?;
    writeln!(
        out,
        "{} {}{}",
        heading("denials"),
        r.permission_denials,
        counts(&r.denied_tools, ": ")
    )?;
    writeln!(out, "{} {}", heading("api retries"), r.api_retries)?;
    if r.errors.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", paint.style(Style::new().bold(), "errors"))?;
    for e in &r.errors {
        let status = e
            .error
            .api_error_status
            .map_or(String::new(), |s| format!(" (HTTP {s})"));
        writeln!(
            out,
            "  {} {}{status}: {}",
            text(&e.session_id),
            paint.status(Status::Error, &text(&e.error.subtype)),
            text(&e.error.reason)
        )?;
    }
    Ok(())
}

/// One cell padded to `width`: the status left-aligned, numbers right, the
/// last column (the session) unpadded.
fn cell(text: &str, width: usize, i: usize, last: usize) -> String {
    let pad = " ".repeat(width.saturating_sub(text.chars().count()));
    match i {
        0 => format!("{text}{pad}  "),
        i if i == last => text.to_owned(),
        _ => format!("{pad}{text}  "),
    }
}

/// `: a 1, b 2` (terminal-safe names), or nothing for no entries.
fn counts(map: &BTreeMap<String, u64>, lead: &str) -> String {
    if map.is_empty() {
        return String::new();
    }
    let items: Vec<String> = map
        .iter()
        .map(|(k, n)| format!("{} {n}", text(k)))
        .collect();
    format!("{lead}{}", items.join(", "))
}

fn spread(d: &Durations) -> String {
    if d.results == 0 {
        return "- (no results)".into();
    }
    let ms = |v: Option<u64>| v.map_or("-".into(), duration);
    format!(
        "total {}, p50 {}, p95 {}, max {} (over {} result{})",
        duration(d.total),
        ms(d.p50),
        ms(d.p95),
        ms(d.max),
        d.results,
        if d.results == 1 { "" } else { "s" }
    )
}

fn total(d: &Durations) -> String {
    if d.results == 0 {
        "-".into()
    } else {
        duration(d.total)
    }
}

/// 850ms, 1.2s, 3m05s, 2h10m.
pub fn duration(ms: u64) -> String {
    match ms {
        0..1000 => format!("{ms}ms"),
        1000..60_000 => format!("{:.1}s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{}m{:02}s", ms / 60_000, ms / 1000 % 60),
        _ => format!("{}h{:02}m", ms / 3_600_000, ms / 60_000 % 60),
    }
}

fn cost(usd: f64) -> String {
    format!("${usd:.4}")
}

fn text(s: &str) -> String {
    if s.is_empty() {
        return "(none)".into();
    }
    sanitize::one_line(s).into_owned()
}

#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn style(self, style: Style, text: &str) -> String {
        if self.0 {
            style.paint(text).to_string()
        } else {
            text.to_owned()
        }
    }

    fn status(self, status: Status, text: &str) -> String {
        let color = match status {
            Status::Ok => Color::Green,
            Status::Error => Color::Red,
            Status::Incomplete => Color::Yellow,
        };
        self.style(color.normal(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(850), "850ms");
        assert_eq!(duration(1250), "1.2s");
        assert_eq!(duration(185_000), "3m05s");
        assert_eq!(duration(7_800_000), "2h10m");
    }
}
