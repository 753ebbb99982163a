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
    // One walk over the message: nested objects have no index.
    let (mut id, mut usage, mut content) = (None, Tokens::default(), None);
    for (key, value) in ev.object("message").iter().flat_map(Object::members) {
        if key.is("id") {
            id = value.as_str();
        } else if key.is("usage") {
            usage = value.as_object().map(self::usage).unwrap_or_default();
        } else if key.is("content") {
            content = value.as_array();
        }
    }
    session.assistant_usage(id.as_deref(), usage);
    for block in content.into_iter().flatten() {
        let Some(block) = block.as_object() else {
            continue;
        };
        let (mut tool_use, mut name) = (false, None);
        for (key, value) in block.members() {
            if key.is("type") {
                tool_use = value.is_str("tool_use");
            } else if key.is("name") {
                name = value.as_str();
            }
        }
        if tool_use {
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
    tokens(
        u,
        [
            "input_tokens",
            "output_tokens",
            "cache_read_input_tokens",
            "cache_creation_input_tokens",
        ],
    )
}

/// A result's `modelUsage`, summed over its models.
fn model_usage(models: Object<'_>) -> Tokens {
    let mut total = Tokens::default();
    for m in models.members().filter_map(|(_, m)| m.as_object()) {
        total += tokens(
            m,
            [
                "inputTokens",
                "outputTokens",
                "cacheReadInputTokens",
                "cacheCreationInputTokens",
            ],
        );
    }
    total
}

/// The four counts named `keys` (input, output, cache read, cache
/// creation), in one walk over the object.
fn tokens(o: Object<'_>, keys: [&str; 4]) -> Tokens {
    let mut n = [0u64; 4];
    for (key, value) in o.members() {
        if let Some(i) = keys.iter().position(|k| key.is(k)) {
            n[i] = whole(value).unwrap_or(0);
        }
    }
    Tokens {
        input: n[0],
        output: n[1],
        cache_read: n[2],
        cache_creation: n[3],
    }
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
