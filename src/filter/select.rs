//! `--type`/`--subtype` selection and the named `--recipe`s.
//!
//! Promises: selection looks at raw bytes first. The CLI writes every event as
//! `{"type":"...",` (and `"subtype":"..."` right after it when there is one),
//! so a line that starts that way is decided without parsing the rest: lines of
//! other types are skipped unread, and lines of a selected type are passed on
//! (verbatim when there is no expression) without being validated. Lines that
//! start any other way (whitespace, another key first, escapes in the type) are
//! parsed and decided on the value, so the result is the same for valid input.

use jaq_json::Val;

/// What the bytes of a line tell about a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not selected: skip without parsing.
    Skip,
    /// Selected.
    Take,
    /// The bytes do not tell: parse and use [`Selector::by_value`].
    Undecided,
}

/// Events selected by `type` (any of `types`) and `subtype` (any of `subtypes`);
/// an empty list selects everything.
#[derive(Debug, Default)]
pub struct Selector {
    types: Vec<Vec<u8>>,
    subtypes: Vec<Vec<u8>>,
}

const TYPE_PREFIX: &[u8] = b"{\"type\":\"";
const SUBTYPE_PREFIX: &[u8] = b",\"subtype\":\"";

/// The contents of a JSON string at the start of `s` (after the opening
/// quote) when it holds no escape, and what follows its closing quote.
fn plain_string(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = memchr::memchr2(b'"', b'\\', s)?;
    (s[end] == b'"').then(|| (&s[..end], &s[end + 1..]))
}

impl Selector {
    pub fn new(types: &[String], subtypes: &[String]) -> Self {
        let bytes = |v: &[String]| v.iter().map(|s| s.as_bytes().to_vec()).collect();
        Selector {
            types: bytes(types),
            subtypes: bytes(subtypes),
        }
    }

    /// True when nothing is filtered out.
    pub fn is_all(&self) -> bool {
        self.types.is_empty() && self.subtypes.is_empty()
    }

    /// Decides on the leading bytes of `line` alone, when it can. With no
    /// selection there is nothing to decide: every line is parsed.
    #[inline]
    pub fn by_bytes(&self, line: &[u8]) -> Verdict {
        if self.is_all() {
            return Verdict::Undecided;
        }
        let Some((ty, rest)) = line.strip_prefix(TYPE_PREFIX).and_then(plain_string) else {
            return Verdict::Undecided;
        };
        if !self.types.is_empty() && !self.types.iter().any(|t| t == ty) {
            return Verdict::Skip;
        }
        if self.subtypes.is_empty() {
            return Verdict::Take;
        }
        if rest.first() == Some(&b'}') {
            // The object ends after `type`: there is no subtype.
            return Verdict::Skip;
        }
        let Some((sub, _)) = rest.strip_prefix(SUBTYPE_PREFIX).and_then(plain_string) else {
            return Verdict::Undecided;
        };
        if self.subtypes.iter().any(|s| s == sub) {
            Verdict::Take
        } else {
            Verdict::Skip
        }
    }

    /// Decides on a parsed event.
    pub fn by_value(&self, v: &Val) -> bool {
        let field = |name: &str| match v {
            Val::Obj(o) => match o.get(&Val::utf8_str(name.to_owned())) {
                Some(Val::TStr(s)) => Some(s.to_vec()),
                _ => None,
            },
            _ => None,
        };
        let matches = |list: &[Vec<u8>], name| {
            list.is_empty() || field(name).is_some_and(|s| list.contains(&s))
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
    fn bytes_decide_the_common_shape() {
        let s = sel(&["system"], &["init"]);
        assert_eq!(
            s.by_bytes(br#"{"type":"system","subtype":"init","x":1}"#),
            Verdict::Take
        );
        assert_eq!(
            s.by_bytes(br#"{"type":"system","subtype":"status"}"#),
            Verdict::Skip
        );
        assert_eq!(
            s.by_bytes(br#"{"type":"user","subtype":"init"}"#),
            Verdict::Skip
        );
        assert_eq!(s.by_bytes(br#"{"type":"system"}"#), Verdict::Skip);
        assert_eq!(
            s.by_bytes(br#"{"type":"system","uuid":"u","subtype":"init"}"#),
            Verdict::Undecided
        );
        assert_eq!(s.by_bytes(br#"{ "type":"system"}"#), Verdict::Undecided);
        assert_eq!(s.by_bytes(br#"{"type":"sys\u0074em"}"#), Verdict::Undecided);
        assert_eq!(
            sel(&["a", "b"], &[]).by_bytes(br#"{"type":"b","c":1}"#),
            Verdict::Take
        );
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
