//! Several sessions in one input (merged runs): a labelled lane per
//! session, each with its header and footer, text never glued across
//! sessions; one session stays unlabelled.

use serde_json::{Value, json};

use super::{fmt, fmt_fixture};
use crate::common::fixture;

/// The lines of a fixture with its session id replaced by `id`.
fn as_session(name: &str, id: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    text.lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).expect("fixture line");
            if v.get("session_id").is_some() {
                v["session_id"] = json!(id);
            }
            v.to_string()
        })
        .collect()
}

/// The sessions' lines interleaved one by one, as `parallel --line-buffer`
/// may merge them.
fn interleave(sessions: &[Vec<String>]) -> String {
    let longest = sessions.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..longest {
        for s in sessions {
            if let Some(l) = s.get(i) {
                out.push(l.as_str());
            }
        }
    }
    out.join("\n")
}

#[test]
fn eight_merged_sessions_show_eight_labelled_lanes_each_with_its_footer() {
    let names = [
        "bash-tool.jsonl",
        "tools-partial.jsonl",
        "steer-replayed.jsonl",
        "text-turn.jsonl",
        "thinking-partial.jsonl",
        "interrupt.jsonl",
        "api-error-400.jsonl",
        "bash-tool.jsonl",
    ];
    let sessions: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| as_session(n, &format!("session-{}", i + 1)))
        .collect();
    let r = fmt(&["--color", "never"], &interleave(&sessions));
    assert_eq!(r.code, 0, "{}", r.err);
    let lines: Vec<&str> = r.out.lines().collect();
    // From the second session on, every line is labelled.
    let second = lines
        .iter()
        .position(|l| l.starts_with("[2] "))
        .expect("lane 2");
    for l in &lines[second..] {
        assert!(
            l.is_empty()
                || (l.starts_with('[') && l[1..].starts_with(|c: char| c.is_ascii_digit())),
            "unlabelled line {l:?} in\n{}",
            r.out
        );
    }
    for n in 1..=8 {
        let own: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with(&format!("[{n}] ")))
            .collect();
        assert!(
            own.iter()
                .any(|l| l.contains(&format!("session session-{n}"))),
            "lane {n} names its session:\n{}",
            r.out
        );
        let footers = own
            .iter()
            .filter(|l| l.contains("✓ success") || l.contains("✗ failure"))
            .count();
        let results = sessions[n - 1]
            .iter()
            .filter(|l| l.contains(r#""type":"result""#))
            .count();
        assert_eq!(footers, results, "lane {n}'s footers:\n{}", r.out);
    }
    // Each session's header once, in its own lane.
    assert_eq!(r.out.matches("── claude-opus-5-5").count(), 8, "{}", r.out);
    assert!(
        r.out
            .contains("[1] ── session session-1 (the lines above)\n"),
        "{}",
        r.out
    );
}

#[test]
fn one_session_has_no_labels() {
    for name in ["interrupt.jsonl", "tools-partial.jsonl"] {
        let r = fmt_fixture(&["--color", "never"], name);
        assert!(!r.out.contains("[1]"), "{}", r.out);
    }
}

fn delta(session: &str, text: &str) -> Value {
    json!({"type":"stream_event","session_id":session,"parent_tool_use_id":null,
           "event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":text}}})
}

fn start(session: &str, id: &str) -> [Value; 2] {
    [
        json!({"type":"stream_event","session_id":session,"parent_tool_use_id":null,
               "event":{"type":"message_start","message":{"id":id}}}),
        json!({"type":"stream_event","session_id":session,"parent_tool_use_id":null,
               "event":{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}}),
    ]
}

#[test]
fn streamed_text_of_two_sessions_is_never_glued() {
    let mut events: Vec<Value> = Vec::new();
    events.extend(start("a", "m1"));
    events.push(delta("a", "Hello "));
    events.extend(start("b", "m2"));
    events.push(delta("b", "Bonjour "));
    events.push(delta("a", "world,\nand "));
    events.push(delta("b", "le monde"));
    events.push(delta("a", "more"));
    events.push(delta("b", "\net plus"));
    let input = events
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let r = fmt(&["--color", "never"], &input);
    // With two sessions, streamed text shows a whole line at a time, so
    // words of one session never land on another's line, nor one line of
    // a session cut in pieces by the other's.
    assert_eq!(
        r.out,
        "Hello \n[1] ── session a (the lines above)\n[1] world,\n[2] Bonjour le monde\n\
         [1] and more\n[2] et plus\n"
    );
}

#[test]
fn control_lines_go_to_the_last_session_seen_and_lanes_have_colours() {
    let input = [
        json!({"type":"system","subtype":"init","session_id":"a","model":"m"}),
        json!({"type":"system","subtype":"init","session_id":"b","model":"m"}),
        json!({"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"ls"},"tool_use_id":"t"}}),
        json!({"type":"system","subtype":"api_retry","session_id":"a","attempt":1}),
        json!({"type":"control_response","response":{"subtype":"success","request_id":"set_model-1-1","response":{"model":"x"}}}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let r = fmt(&["--color", "never"], &input);
    assert!(
        r.out
            .contains("[2] ? #1 Bash(ls)   /allow 1 · /deny 1 reason\n[1] ⚠ API retry 1\n[1] · model set to x\n"),
        "{}",
        r.out
    );
    let r = fmt(&["--color", "always"], &input);
    assert!(r.out.contains("\x1b[1;36m[1] "), "lane 1 cyan: {:?}", r.out);
    assert!(
        r.out.contains("\x1b[1;35m[2] "),
        "lane 2 magenta: {:?}",
        r.out
    );
}
