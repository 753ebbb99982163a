//! `--type`/`--subtype` selection and the named `--recipe`s.
//!
//! Promises: selection reads `type` and `subtype` from the index the reader
//! made of the line (wherever they stand among its keys), so nothing is
//! built for a line it skips. Every line has been validated before: a
//! malformed line is reported whatever its type.

use crate::json::Doc;

/// Events selected by `type` (any of `types`) and `subtype` (any of `subtypes`);
/// an empty list selects everything.
#[derive(Debug, Default)]
pub struct Selector {
    types: Vec<String>,
    subtypes: Vec<String>,
}

impl Selector {
    pub fn new(types: &[String], subtypes: &[String]) -> Self {
        Selector {
            types: types.to_vec(),
            subtypes: subtypes.to_vec(),
        }
    }

    /// True when nothing is filtered out.
    pub fn is_all(&self) -> bool {
        self.types.is_empty() && self.subtypes.is_empty()
    }

    /// True when the line is selected.
    #[inline]
    pub fn takes(&self, doc: &Doc<'_>) -> bool {
        if self.is_all() {
            return true;
        }
        let Ok(event) = doc.object() else {
            return false;
        };
        let matches = |list: &[String], name: &str| {
            list.is_empty()
                || event
                    .get(name)
                    .is_some_and(|v| list.iter().any(|want| v.is_str(want)))
        };
        matches(&self.types, "type") && matches(&self.subtypes, "subtype")
    }
}

/// The type `T` when `code` starts with `select(.type == "T")` followed by
/// `|` or nothing: events of other types cannot produce output, so the bytes
/// may rule them out before any parsing.
pub fn leading_type_test(code: &str) -> Option<String> {
    let rest = code.trim_start().strip_prefix("select")?.trim_start();
    let rest = rest.strip_prefix('(')?.trim_start().strip_prefix(".type")?;
    let rest = rest.trim_start().strip_prefix("==")?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    let (ty, rest) = rest.split_at(end);
    let rest = rest
        .strip_prefix('"')?
        .trim_start()
        .strip_prefix(')')?
        .trim_start();
    let piped = rest.starts_with('|') && !rest.starts_with("|=");
    (rest.is_empty() || piped).then(|| ty.to_owned())
}

/// A named jq expression for a common question about a session.
pub struct Recipe {
    pub name: &'static str,
    pub about: &'static str,
    /// Strings print as raw text (as with `-r`).
    pub raw: bool,
    /// Outputs are joined without newlines (as with `-j`).
    pub join: bool,
    pub source: &'static str,
}

pub const RECIPES: &[Recipe] = &[
    Recipe {
        name: "text",
        about: "the assistant's text blocks, as raw text",
        raw: true,
        join: false,
        source: r#"select(.type == "assistant") | .message.content[]? | select(.type == "text") | .text"#,
    },
    Recipe {
        name: "thinking",
        about: "the assistant's thinking blocks, as raw text",
        raw: true,
        join: false,
        source: r#"select(.type == "assistant") | .message.content[]? | select(.type == "thinking") | .thinking"#,
    },
    Recipe {
        name: "deltas",
        about: "streamed text as it arrives (needs --include-partial-messages), joined raw",
        raw: true,
        join: true,
        source: r#"select(.type == "stream_event") | .event | select(.type == "content_block_delta") | .delta | select(.type == "text_delta") | .text"#,
    },
    Recipe {
        name: "tools",
        about: "tool calls with their inputs",
        raw: false,
        join: false,
        source: r#"select(.type == "assistant") | .message.content[]? | select(.type == "tool_use") | {id, name, input}"#,
    },
    Recipe {
        name: "tool-results",
        about: "tool results as the model saw them",
        raw: false,
        join: false,
        source: r#"select(.type == "user") | .message.content[]? | select(.type == "tool_result") | {tool_use_id, is_error, content}"#,
    },
    Recipe {
        name: "result",
        about: "the final result of each turn: outcome, text, turns, time and cost",
        raw: false,
        join: false,
        source: r#"select(.type == "result") | {subtype, is_error, result, num_turns, duration_ms, total_cost_usd, session_id}"#,
    },
    Recipe {
        name: "init",
        about: "the session set-up: id, model, working directory, tools",
        raw: false,
        join: false,
        source: r#"select(.type == "system") | select(.subtype == "init") | {session_id, model, cwd, permissionMode, tools}"#,
    },
    Recipe {
        name: "errors",
        about: "failed turns and API retries",
        raw: false,
        join: false,
        source: r#"select((.type == "result" and (.is_error or .subtype != "success")) or (.type == "system" and .subtype == "api_retry"))"#,
    },
];

/// The recipe called `name`.
pub fn recipe(name: &str) -> Option<&'static Recipe> {
    RECIPES.iter().find(|r| r.name == name)
}

/// The `--list-recipes` text: name, what it shows, and its jq source.
pub fn list() -> String {
    let mut out = String::new();
    for r in RECIPES {
        out.push_str(&format!(
            "{:<13} {}\n{:<13} {}\n",
            r.name, r.about, "", r.source
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(types: &[&str], subtypes: &[&str]) -> Selector {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Selector::new(&own(types), &own(subtypes))
    }

    #[test]
    fn selection_reads_type_and_subtype_wherever_they_are() {
        let s = sel(&["system"], &["init"]);
        let takes = |s: &Selector, line: &str| {
            let mut r = crate::json::Reader::default();
            s.takes(&r.read(line.as_bytes()).unwrap())
        };
        assert!(takes(&s, r#"{"type":"system","subtype":"init","x":1}"#));
        assert!(!takes(&s, r#"{"type":"system","subtype":"status"}"#));
        assert!(!takes(&s, r#"{"type":"user","subtype":"init"}"#));
        assert!(!takes(&s, r#"{"type":"system"}"#));
        assert!(takes(&s, r#"{"x":1,"subtype":"init","type":"system"}"#));
        assert!(takes(&s, r#"{ "type" : "sys\u0074em", "subtype":"init"}"#));
        assert!(!takes(&s, r#"["system"]"#));
        assert!(takes(&sel(&["a", "b"], &[]), r#"{"type":"b","c":1}"#));
        assert!(takes(&sel(&[], &[]), "3"));
    }

    #[test]
    fn leading_type_tests_are_recognised_only_when_safe() {
        let t = |c: &str| leading_type_test(c);
        assert_eq!(
            t(r#"select(.type=="assistant")"#).as_deref(),
            Some("assistant")
        );
        assert_eq!(
            t(r#" select( .type == "result" ) | .x"#).as_deref(),
            Some("result")
        );
        assert_eq!(t(r#"select(.type=="a") |= 1"#), None);
        assert_eq!(t(r#"select(.type=="a"), ."#), None);
        assert_eq!(t(r#"select(.type=="a" or .x)"#), None);
        assert_eq!(t(r#"select(.types=="a")"#), None);
        assert_eq!(t(r#"select(.type=="a\u0062")"#), None);
        for r in RECIPES.iter().filter(|r| r.name != "errors") {
            assert!(t(r.source).is_some(), "{}", r.name);
        }
    }

    #[test]
    fn every_recipe_compiles() {
        for r in RECIPES {
            assert!(
                super::super::jq::compile(r.source, &[]).is_ok(),
                "{}",
                r.name
            );
        }
    }
}
