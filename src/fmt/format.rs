//! Numbers as people read them: durations, costs, token counts, turns, and
//! the tools a result says were denied.

use super::event::members;
use crate::json::{Object, Value};

/// `850ms`, `4.1s`, `2m05s`.
pub fn duration(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "?".into();
    }
    if ms < 1000.0 {
        return format!("{}ms", ms.round());
    }
    let secs = ms / 1000.0;
    if secs < 60.0 {
        return format!("{secs:.1}s");
    }
    let whole = secs.round() as u64;
    format!("{}m{:02}s", whole / 60, whole % 60)
}

/// `$0.0010`, `$1.25`.
pub fn cost(usd: f64) -> String {
    if usd < 1.0 {
        format!("${usd:.4}")
    } else {
        format!("${usd:.2}")
    }
}

/// `24 in / 34 out tokens`.
pub fn tokens(usage: Option<Object<'_>>) -> Option<String> {
    let (input, output) = token_counts(usage?);
    if input.is_none() && output.is_none() {
        return None;
    }
    let n = |v: Option<f64>| v.map_or_else(|| "?".into(), |v| format!("{v}"));
    Some(format!("{} in / {} out tokens", n(input), n(output)))
}

/// `input_tokens` and `output_tokens` of a usage object, when numbers.
pub fn token_counts(usage: Object<'_>) -> (Option<f64>, Option<f64>) {
    members!(usage, "input_tokens" => input, "output_tokens" => output);
    (
        input.and_then(|v| v.as_f64()),
        output.and_then(|v| v.as_f64()),
    )
}

/// `1234567` as `1,234,567`.
pub fn grouped(n: f64) -> String {
    let digits = format!("{}", n.max(0.0).round() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 turn`, `3 turns`.
pub fn turns(n: Option<f64>) -> Option<String> {
    let n = n?;
    Some(if n == 1.0 {
        "1 turn".into()
    } else {
        format!("{n} turns")
    })
}

/// The names of the denied tools, comma-separated, each once; untrusted.
pub fn denials(list: Value<'_>) -> Option<String> {
    let list = list.as_array()?;
    let mut names: Vec<String> = Vec::new();
    for d in list {
        let Some(name) = d.get("tool_name").and_then(|v| v.as_str()) else {
            continue;
        };
        if !name.is_empty() && !names.iter().any(|n| *n == name) {
            names.push(name.into_owned());
        }
    }
    (!names.is_empty()).then(|| names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(67.0), "67ms");
        assert_eq!(duration(4120.0), "4.1s");
        assert_eq!(duration(125_000.0), "2m05s");
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(grouped(964_665.0), "964,665");
        assert_eq!(grouped(12.0), "12");
        assert_eq!(grouped(1_000_000.0), "1,000,000");
    }

    #[test]
    fn costs() {
        assert_eq!(cost(0.00097), "$0.0010");
        assert_eq!(cost(2.5), "$2.50");
    }
}
