//! `--prom`: the report in the Prometheus text exposition format (0.0.4),
//! for a node_exporter textfile or a Pushgateway in CI.
//!
//! Promises: every family has its `# HELP` and `# TYPE` lines; metric
//! names start with `ccpipe_`; counters end in `_total`; durations are in
//! seconds (summaries with quantiles 0.5, 0.95 and 1, the maximum); label
//! values from the input are made terminal-safe ([`crate::sanitize`]) and
//! then escaped as the format requires (`\\`, `\"`, `\n`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::report::{Durations, Report};
use crate::sanitize;

pub fn write<W: Write>(out: &mut W, r: &Report) -> io::Result<()> {
    let mut p = Prom { out };
    p.family(
        "ccpipe_sessions",
        "gauge",
        "Sessions in the input, by how they ended: ok, error (the last result has is_error true) or incomplete (no result for the last turn).",
    )?;
    for (status, n) in [
        ("ok", r.status.ok),
        ("error", r.status.error),
        ("incomplete", r.status.incomplete),
    ] {
        p.sample("ccpipe_sessions", &[("status", status)], n as f64)?;
    }
    p.labelled(
        "ccpipe_results_total",
        "Result events, by subtype.",
        "subtype",
        &r.results,
    )?;
    p.single(
        "ccpipe_error_results_total",
        "counter",
        "Result events with is_error true.",
        r.error_results as f64,
    )?;
    p.single(
        "ccpipe_turns_total",
        "counter",
        "Model round trips: num_turns summed over results.",
        r.turns as f64,
    )?;
    p.single(
        "ccpipe_cost_usd_total",
        "counter",
        "Estimated cost in USD: each session's last total_cost_usd (a running total), summed over sessions.",
        r.cost_usd,
    )?;
    p.family(
        "ccpipe_tokens_total",
        "counter",
        "Tokens by kind: each session's last result's modelUsage, plus assistant usage (once per message id) after it.",
    )?;
    let t = r.tokens;
    for (kind, n) in [
        ("input", t.input),
        ("output", t.output),
        ("cache_read", t.cache_read),
        ("cache_creation", t.cache_creation),
    ] {
        p.sample("ccpipe_tokens_total", &[("kind", kind)], n as f64)?;
    }
    p.labelled(
        "ccpipe_tool_calls_total",
        "Tool calls (tool_use blocks of assistant messages), by tool name.",
        "tool",
        &r.tools,
    )?;
    p.labelled(
        "ccpipe_permission_denials_total",
        "Permission denials, each tool call once, by tool name.",
        "tool",
        &r.denied_tools,
    )?;
    p.single(
        "ccpipe_api_retries_total",
        "counter",
        "API retries (system/api_retry events).",
        r.api_retries as f64,
    )?;
    p.summary(
        "ccpipe_result_duration_seconds",
        "Wall time per result (duration_ms).",
        &r.duration_ms,
    )?;
    p.summary(
        "ccpipe_result_api_duration_seconds",
        "API time per result (the growth of the running duration_api_ms).",
        &r.api_duration_ms,
    )?;
    p.family(
        "ccpipe_session_ok",
        "gauge",
        "1 when the session's last turn ended in a result with is_error false, else 0.",
    )?;
    for s in &r.per_session {
        let ok = f64::from(u8::from(s.status == super::session::Status::Ok));
        p.sample("ccpipe_session_ok", &[("session_id", &s.session_id)], ok)?;
    }
    p.family(
        "ccpipe_session_cost_usd",
        "gauge",
        "The session's last total_cost_usd (sessions without a result have none).",
    )?;
    for s in &r.per_session {
        if let Some(cost) = s.cost_usd {
            let labels = [("session_id", s.session_id.as_str())];
            p.sample("ccpipe_session_cost_usd", &labels, cost)?;
        }
    }
    p.family(
        "ccpipe_session_turns",
        "gauge",
        "The session's model round trips (num_turns summed over its results).",
    )?;
    for s in &r.per_session {
        let labels = [("session_id", s.session_id.as_str())];
        p.sample("ccpipe_session_turns", &labels, s.turns as f64)?;
    }
    Ok(())
}

struct Prom<'w, W> {
    out: &'w mut W,
}

impl<W: Write> Prom<'_, W> {
    fn family(&mut self, name: &str, kind: &str, help: &str) -> io::Result<()> {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        writeln!(self.out, "# HELP {name} {help}")?;
        writeln!(self.out, "# TYPE {name} {kind}")
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) -> io::Result<()> {
        self.out.write_all(name.as_bytes())?;
        if !labels.is_empty() {
            self.out.write_all(b"{")?;
            for (i, (k, v)) in labels.iter().enumerate() {
                let sep = if i == 0 { "" } else { "," };
                write!(self.out, "{sep}{k}=\"{}\"", label_value(v))?;
            }
            self.out.write_all(b"}")?;
        }
        writeln!(self.out, " {}", number(value))
    }

    fn single(&mut self, name: &str, kind: &str, help: &str, value: f64) -> io::Result<()> {
        self.family(name, kind, help)?;
        self.sample(name, &[], value)
    }

    fn labelled(
        &mut self,
        name: &str,
        help: &str,
        label: &str,
        counts: &BTreeMap<String, u64>,
    ) -> io::Result<()> {
        self.family(name, "counter", help)?;
        for (k, n) in counts {
            self.sample(name, &[(label, k)], *n as f64)?;
        }
        Ok(())
    }

    fn summary(&mut self, name: &str, help: &str, d: &Durations) -> io::Result<()> {
        self.family(name, "summary", help)?;
        let secs = |ms: Option<u64>| ms.map_or(f64::NAN, |ms| ms as f64 / 1000.0);
        for (q, v) in [("0.5", d.p50), ("0.95", d.p95), ("1", d.max)] {
            self.sample(name, &[("quantile", q)], secs(v))?;
        }
        self.sample(&format!("{name}_sum"), &[], d.total as f64 / 1000.0)?;
        self.sample(&format!("{name}_count"), &[], d.results as f64)
    }
}

/// A label value: terminal-safe, then escaped for the format.
fn label_value(v: &str) -> String {
    let safe = sanitize::clean(v);
    let mut out = String::with_capacity(safe.len());
    for c in safe.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A sample value as the format spells it (`NaN`, `+Inf`, `-Inf`).
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_safe_and_escaped() {
        assert_eq!(label_value("a\"b\\c\nd\u{1b}[0m"), r#"a\"b\\c\nd^[[0m"#);
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(0.25), "0.25");
    }
}
