//! Reads the events cc-stats counts off a validated line and hands their
//! fields to the session they belong to.
//!
//! Promises: only `system` (init, api_retry, permission_denied), `assistant`
//! and `result` events are looked into; every other line (stream events,
//! tool results, unknown types, objects without a `type`) costs one key
//! lookup. A field of an unexpected JSON type is treated as absent, never
//! as an error: the line was valid JSON, and cc-check is the place that
//! judges the protocol.

use crate::json::{Object, Value};

use super::session::{ErrorResult, ResultFields, Tokens, TokensFrom};
use super::tally::Tally;

/// Longest error reason kept, in bytes (a result text can be long).
const MAX_REASON: usize = 300;

/// Counts one event.
pub fn count(tally: &mut Tally, ev: Object<'_>) {
    let Some(kind) = ev.get("type") else {
        return;
    };
    if kind.is_str("assistant") {
        assistant(tally, ev);
    } else if kind.is_str("result") {
        result(tally, ev);
    } else if kind.is_str("system") {
        system(tally, ev);
    }
}

/// The session an event belongs to; events without a string `session_id`
/// share the session with the empty id.
fn session_id<'a>(ev: &Object<'a>) -> std::borrow::Cow<'a, str> {
    ev.str("session_id").unwrap_or_default()
}

fn system(tally: &mut Tally, ev: Object<'_>) {
    let Some(subtype) = ev.get("subtype") else {
        return;
    };
    if subtype.is_str("init") {
        tally.session(&session_id(&ev)).activity();
    } else if subtype.is_str("api_retry") {
        tally.session(&session_id(&ev)).retry();
    } else if subtype.is_str("permission_denied") {
        let tool = ev.str("tool_name").unwrap_or_default();
        let id = ev.str("tool_use_id");
        tally.session(&session_id(&ev)).denial(&tool, id.as_deref());
    }
}

fn assistant(tally: &mut Tally, ev: Object<'_>) {
    let session = tally.session(&session_id(&ev));
    let Some(message) = ev.object("message") else {
        session.activity();
        return;
    };
    let usage = message.object("usage").map(usage).unwrap_or_default();
    session.assistant_usage(message.str("id").as_deref(), usage);
    for block in message.array("content").into_iter().flatten() {
        if block.get("type").is_some_and(|t| t.is_str("tool_use")) {
            let name = block.get("name").and_then(|n| n.as_str());
            session.tool_call(&name.unwrap_or_default());
        }
    }
}

fn result(tally: &mut Tally, ev: Object<'_>) {
    let subtype = ev.str("subtype").unwrap_or_default().into_owned();
    let is_error = ev.bool("is_error").unwrap_or(subtype != "success");
    let tokens = match (ev.object("modelUsage"), ev.object("usage")) {
        (Some(models), _) => TokensFrom::ModelUsage(model_usage(models)),
        (None, Some(turn)) => TokensFrom::TurnUsage(usage(turn)),
        (None, None) => TokensFrom::None,
    };
    let error = is_error.then(|| error(&ev, &subtype));
    let fields = ResultFields {
        is_error,
        num_turns: ev.get("num_turns").and_then(whole).unwrap_or(0),
        cost: ev.f64("total_cost_usd").filter(|c| c.is_finite()),
        duration_ms: ev.get("duration_ms").and_then(whole),
        api_running_ms: ev.get("duration_api_ms").and_then(whole),
        tokens,
        error,
        subtype,
    };
    let session = tally.session(&session_id(&ev));
    for denial in ev.array("permission_denials").into_iter().flatten() {
        let tool = denial.get("tool_name").and_then(|v| v.as_str());
        let id = denial.get("tool_use_id").and_then(|v| v.as_str());
        session.denial(&tool.unwrap_or_default(), id.as_deref());
    }
    session.result(fields);
}

/// Why a result failed: its text, else its `errors`, else its
/// `terminal_reason`, else its subtype.
fn error(ev: &Object<'_>, subtype: &str) -> ErrorResult {
    let terminal_reason = ev.str("terminal_reason").map(|s| cut(&s));
    let mut reason = ev.get("result").and_then(text).unwrap_or_default();
    if reason.is_empty() {
        let texts: Vec<String> = ev
            .array("errors")
            .into_iter()
            .flatten()
            .filter_map(text)
            .collect();
        reason = cut(&texts.join("; "));
    }
    if reason.is_empty() {
        reason = terminal_reason
            .clone()
            .unwrap_or_else(|| subtype.to_owned());
    }
    ErrorResult {
        subtype: subtype.to_owned(),
        api_error_status: ev.get("api_error_status").and_then(whole),
        terminal_reason,
        reason,
    }
}

/// An API `usage` object.
fn usage(u: Object<'_>) -> Tokens {
    let n = |k: &str| u.get(k).and_then(whole).unwrap_or(0);
    Tokens {
        input: n("input_tokens"),
        output: n("output_tokens"),
        cache_read: n("cache_read_input_tokens"),
        cache_creation: n("cache_creation_input_tokens"),
    }
}

/// A result's `modelUsage`, summed over its models.
fn model_usage(models: Object<'_>) -> Tokens {
    let mut total = Tokens::default();
    for (_, m) in models.members() {
        let Some(m) = m.as_object() else { continue };
        let n = |k: &str| m.get(k).and_then(whole).unwrap_or(0);
        total += Tokens {
            input: n("inputTokens"),
            output: n("outputTokens"),
            cache_read: n("cacheReadInputTokens"),
            cache_creation: n("cacheCreationInputTokens"),
        };
    }
    total
}

/// A count or a duration in ms: a non-negative number, rounded.
fn whole(v: Value<'_>) -> Option<u64> {
    v.as_u64().or_else(|| {
        let f = v.as_f64()?;
        (f.is_finite() && f >= 0.0).then(|| f.round() as u64)
    })
}

/// A string value, its first [`MAX_REASON`] bytes decoded (`…` when cut).
fn text(v: Value<'_>) -> Option<String> {
    let (s, more) = v.as_str_prefix(MAX_REASON)?;
    Some(if more {
        format!("{s}…")
    } else {
        s.into_owned()
    })
}

fn cut(s: &str) -> String {
    if s.len() <= MAX_REASON {
        return s.to_owned();
    }
    let mut end = MAX_REASON;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}
