//! What a tool call and a tool result show: the part of a call's input that
//! matters, and a result's text cut to its first lines.
//!
//! Promises: the returned text is still untrusted (callers pass it to the
//! sink, which sanitises it); cutting never splits a character.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::event::{Block, Content, Text, view};

/// Longest input summary shown for a call, in characters.
const MAX_DETAIL: usize = 200;
/// Longest line of a tool result shown when output is shortened, in characters.
const MAX_RESULT_LINE: usize = 400;

/// The fields of a tool input worth showing.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Input<'a> {
    #[serde(borrow)]
    command: Option<Text<'a>>,
    #[serde(borrow)]
    file_path: Option<Text<'a>>,
    #[serde(borrow)]
    notebook_path: Option<Text<'a>>,
    #[serde(borrow)]
    pattern: Option<Text<'a>>,
    #[serde(borrow)]
    path: Option<Text<'a>>,
    #[serde(borrow)]
    url: Option<Text<'a>>,
    #[serde(borrow)]
    query: Option<Text<'a>>,
    #[serde(borrow)]
    description: Option<Text<'a>>,
    #[serde(borrow)]
    skill: Option<Text<'a>>,
}

/// The part of a call's input that says what it does: the Bash command, the
/// file of Read/Write/Edit, the Grep/Glob pattern, the WebFetch url, the Task
/// description...; otherwise the input as compact JSON, shortened.
pub fn call_detail<'a>(name: &str, input: Option<&'a RawValue>) -> Cow<'a, str> {
    let Some(raw) = input else {
        return Cow::Borrowed("");
    };
    let fields: Option<Input<'a>> = view(Some(raw));
    let f = |t: &Option<Text<'a>>| t.as_ref().map(|t| t.0.clone());
    let chosen = fields.and_then(|i| {
        let picked = match name {
            "Bash" | "BashOutput" => f(&i.command),
            "Read" | "Write" | "Edit" | "MultiEdit" => f(&i.file_path),
            "NotebookEdit" | "NotebookRead" => f(&i.notebook_path),
            "Grep" | "Glob" => f(&i.pattern).map(|p| match &i.path {
                Some(path) => Cow::Owned(format!("{p} in {}", path.0)),
                None => p,
            }),
            "WebFetch" => f(&i.url),
            "WebSearch" => f(&i.query),
            "Task" | "Agent" => f(&i.description),
            "Skill" => f(&i.skill),
            _ => None,
        };
        picked.or_else(|| f(&i.command).or_else(|| f(&i.file_path)))
    });
    let text = chosen.unwrap_or_else(|| Cow::Borrowed(raw.get()));
    shorten(text, MAX_DETAIL)
}

/// `text` cut to `max` characters, with `…` when cut.
pub fn shorten(text: Cow<'_, str>, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text,
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
    }
}

/// The text of a tool result's `content`: a string, or its text blocks
/// joined (an image block shows as `[image]`).
pub fn result_text<'c>(content: Option<&'c Content<'_>>) -> Cow<'c, str> {
    match content {
        None => Cow::Borrowed(""),
        Some(Content::Text(t)) => Cow::Borrowed(t.as_str()),
        Some(Content::Blocks(blocks)) => Cow::Owned(join_blocks(blocks)),
    }
}

fn join_blocks(blocks: &[Block<'_>]) -> String {
    let mut out = String::new();
    for b in blocks {
        let part: Cow<'_, str> = match (b.kind(), &b.text) {
            (_, Some(t)) => Cow::Borrowed(t.as_str()),
            ("", None) => continue,
            (kind, None) => Cow::Owned(format!("[{kind}]")),
        };
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&part);
    }
    out
}

/// The first `max` lines of `text` (all when `max` is 0), each cut to a
/// readable length when shortening, and how many lines were left out.
pub fn head(text: &str, max: usize) -> (Cow<'_, str>, usize) {
    let text = text.strip_suffix('\n').unwrap_or(text);
    if max == 0 {
        return (Cow::Borrowed(text), 0);
    }
    let mut end = text.len();
    let mut shown = 0;
    let mut cut_line = false;
    let mut start: usize = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
        if shown == max {
            end = start.saturating_sub(1);
            break;
        }
        if text[start..nl].chars().nth(MAX_RESULT_LINE).is_some() {
            cut_line = true;
        }
        shown += 1;
        start = nl + 1;
    }
    let omitted = if shown == max && end < text.len() {
        memchr::memchr_iter(b'\n', &text.as_bytes()[end..]).count()
    } else {
        0
    };
    let kept = &text[..end.min(text.len())];
    if !cut_line {
        return (Cow::Borrowed(kept), omitted);
    }
    let lines: Vec<Cow<'_, str>> = kept
        .split('\n')
        .map(|l| shorten(Cow::Borrowed(l), MAX_RESULT_LINE))
        .collect();
    (Cow::Owned(lines.join("\n")), omitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    #[test]
    fn details_pick_the_field_that_matters() {
        let r = raw(r#"{"command":"ls / | head -3","description":"x"}"#);
        assert_eq!(call_detail("Bash", Some(&r)), "ls / | head -3");
        let r = raw(r#"{"file_path":"/etc/hostname"}"#);
        assert_eq!(call_detail("Read", Some(&r)), "/etc/hostname");
        let r = raw(r#"{"pattern":"fn main","path":"src"}"#);
        assert_eq!(call_detail("Grep", Some(&r)), "fn main in src");
        let r = raw(r#"{"todos":[1,2]}"#);
        assert_eq!(call_detail("TodoWrite", Some(&r)), r#"{"todos":[1,2]}"#);
        let long = format!(r#"{{"x":"{}"}}"#, "y".repeat(300));
        let r = raw(&long);
        assert_eq!(
            call_detail("Other", Some(&r)).chars().count(),
            MAX_DETAIL + 1
        );
    }

    #[test]
    fn head_counts_what_it_leaves_out() {
        assert_eq!(head("a\nb\nc\nd\n", 2), (Cow::Borrowed("a\nb"), 2));
        assert_eq!(head("a\nb", 2), (Cow::Borrowed("a\nb"), 0));
        assert_eq!(head("a\nb\nc", 0), (Cow::Borrowed("a\nb\nc"), 0));
        assert_eq!(head("", 3), (Cow::Borrowed(""), 0));
    }

    #[test]
    fn result_blocks_are_joined() {
        let m: super::super::event::Message = serde_json::from_str(
            r#"{"content":[{"type":"text","text":"one"},{"type":"image","source":{}},7]}"#,
        )
        .unwrap();
        assert_eq!(result_text(m.content.as_ref()), "one\n[image]");
    }
}
