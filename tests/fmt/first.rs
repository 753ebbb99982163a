//! What a new user sees first (issue 11): results under their own call,
//! subagents nested and labelled, wrapped call lines indented, the prompt
//! before the answer whatever order the CLI writes them in.

use serde_json::{Value, json};

use super::{assistant_text, fmt, fmt_fixture};

fn lines(events: &[Value]) -> String {
    events
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn tool_use(msg: &str, id: &str, name: &str, input: Value, parent: Option<&str>) -> Value {
    json!({"type":"assistant","message":{"id":msg,"content":[{"type":"tool_use","id":id,"name":name,"input":input}]},"parent_tool_use_id":parent})
}

fn tool_result(id: &str, content: &str, parent: Option<&str>) -> Value {
    json!({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":id,"content":content}]},"parent_tool_use_id":parent})
}

#[test]
fn subagents_are_nested_under_their_task_and_labelled_with_their_type() {
    let input = lines(&[
        tool_use(
            "m1",
            "t1",
            "Task",
            json!({"description":"Look around","prompt":"p","subagent_type":"Explore"}),
            None,
        ),
        tool_use(
            "m0",
            "t0",
            "Task",
            json!({"description":"Check docs","prompt":"p"}),
            None,
        ),
        json!({"type":"assistant","message":{"id":"m2","content":[{"type":"text","text":"sub says\nhi"},{"type":"tool_use","id":"t2","name":"Read","input":{"file_path":"a.txt"}}]},"parent_tool_use_id":"t1"}),
        // The other subagent, with its type on the event (2.1.332).
        json!({"type":"assistant","message":{"id":"m3","content":[{"type":"text","text":"docs are fine"}]},"parent_tool_use_id":"t0","subagent_type":"docs-reader"}),
        tool_result("t2", "x\ny", Some("t1")),
        tool_result("t1", "found it", None),
        serde_json::from_str(&assistant_text("main again")).expect("JSON"),
    ]);
    let r = fmt(&[], &input);
    assert_eq!(
        r.out,
        "● Task(Look around)\n● Task(Check docs)\n\
         \x20 ↳ Explore (Look around)\n  sub says\n  hi\n  ● Read(a.txt)\n\
         \x20 ↳ docs-reader (Check docs)\n  docs are fine\n\
         \x20 ↳ Explore (Look around)\n  ● Read(a.txt)\n    ⎿ x\n      y\n\
         ● Task(Look around)\n  ⎿ found it\nmain again\n"
    );
}

#[test]
fn a_result_right_after_its_call_is_not_restated() {
    let input = lines(&[
        tool_use("m1", "t1", "Bash", json!({"command":"ls"}), None),
        tool_result("t1", "a", None),
    ]);
    let r = fmt(&[], &input);
    assert_eq!(r.out, "● Bash(ls)\n  ⎿ a\n");
}

#[test]
fn wrapped_tool_call_lines_keep_their_indent() {
    let input = lines(&[tool_use(
        "m1",
        "t1",
        "Bash",
        json!({"command":"cargo test --workspace --all-features -- --nocapture"}),
        None,
    )]);
    let r = fmt(&["--width", "24"], &input);
    assert_eq!(
        r.out,
        "● Bash(cargo test\n  --workspace\n  --all-features --\n  --nocapture)\n"
    );
}

#[test]
fn the_header_shows_once_per_session_and_the_footer_tells_turn_from_session() {
    let r = fmt_fixture(&["--color", "never"], "interrupt.jsonl");
    assert_eq!(r.out.matches("── ").count(), 1, "{}", r.out);
    let footers: Vec<&str> = r.out.lines().filter(|l| l.contains(" turn")).collect();
    assert_eq!(footers.len(), 2);
    // Turns, duration and tokens are the turn's; the cost is the session's
    // running total, and says so.
    assert!(
        footers[0].ends_with("· 3 turns · 1.7s · 12 in / 12 out tokens · session total $0.0003")
    );
    assert!(footers[1].ends_with("· 1 turn · 86ms · 12 in / 4 out tokens · session total $0.0004"));
}

/// The stream events of one answer block.
fn streamed(msg: &str, words: &[&str]) -> Vec<Value> {
    let ev = |e: Value| json!({"type":"stream_event","event":e,"parent_tool_use_id":null,"session_id":"s1"});
    let mut out = vec![
        ev(json!({"type":"message_start","message":{"id":msg}})),
        ev(
            json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}),
        ),
    ];
    for w in words {
        out.push(ev(
            json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":w}}),
        ));
    }
    out
}

fn init() -> Value {
    json!({"type":"system","subtype":"init","session_id":"s1","model":"m"})
}

fn replay(text: &str) -> Value {
    json!({"type":"user","message":{"role":"user","content":text},"isReplay":true,"parent_tool_use_id":null,"session_id":"s1"})
}

fn complete(msg: &str, text: &str) -> Value {
    json!({"type":"assistant","message":{"id":msg,"content":[{"type":"text","text":text}]},"parent_tool_use_id":null,"session_id":"s1"})
}

fn done() -> Value {
    json!({"type":"result","subtype":"success","is_error":false,"session_id":"s1"})
}

#[test]
fn the_prompt_comes_before_the_answer_in_either_order() {
    // 2.1.197 with partial messages: the prompt is replayed after the stream.
    let mut old = vec![init()];
    old.extend(streamed("m1", &["one ", "two"]));
    old.extend([replay("count to two"), complete("m1", "one two"), done()]);
    // 2.1.332: the prompt first.
    let mut new = vec![init(), replay("count to two")];
    new.extend(streamed("m1", &["one ", "two"]));
    new.extend([complete("m1", "one two"), done()]);
    for events in [old, new] {
        let r = fmt(&["--color", "never"], &lines(&events));
        assert_eq!(
            r.out,
            "── m · session s1\n❯ count to two\none two\n✓ success\n"
        );
    }
}

#[test]
fn without_replays_the_answer_streams_from_the_second_turn() {
    // A CLI run without --replay-user-messages: the first turn shows that
    // no prompt will come, so later turns are not held back.
    let mut events = vec![init()];
    events.extend(streamed("m1", &["first"]));
    events.extend([complete("m1", "first"), done(), init()]);
    events.extend(streamed("m2", &["second"]));
    let r = fmt(&["--color", "never"], &lines(&events));
    assert!(
        r.out
            .ends_with("first\n✓ success\nsecond\n⚠ input ended before the session's result\n"),
        "{}",
        r.out
    );
}

/// Wrapped lines never end in the spaces before the word that wrapped,
/// also when the text streams in pieces (the demo streams word by word).
#[test]
fn wrapped_lines_end_without_spaces() {
    let demo = crate::common::bin("cc-replay")
        .args(["--no-delay", "--demo"])
        .output()
        .unwrap()
        .stdout;
    let demo = String::from_utf8(demo).unwrap();
    for width in ["50", "100"] {
        let r = fmt(&["--color", "never", "--width", width], &demo);
        assert!(r.out.lines().count() > 30, "{}", r.out);
        for l in r.out.lines() {
            assert!(!l.ends_with(' '), "{width} columns: {l:?}\n{}", r.out);
        }
    }
}
