//! cc-fmt on what the real CLI writes (the pinned version, against the
//! scripted API): the prompt before a streamed answer, numbered permission
//! prompts with their outcomes, and answers to session controls.

use std::time::Duration;

use serde_json::{Value, json};

use super::fmt;
use crate::support::{MockApi, STEP, Sandbox, Session};

/// The session's stdout through cc-fmt.
fn shown(cli: &Session) -> String {
    let r = fmt(&["--color", "never"], &cli.raw_lines().join("\n"));
    assert_eq!(r.code, 0, "{}", r.err);
    r.out
}

fn say(cli: &mut Session, text: &str) {
    cli.send(
        &json!({"type":"user","message":{"role":"user","content":text},"parent_tool_use_id":null}),
    );
}

#[test]
fn the_prompt_comes_before_the_streamed_answer() {
    let api = MockApi::start();
    api.set_slow_delay(Duration::from_millis(30));
    let sandbox = Sandbox::new(&api);
    let mut cli =
        Session::spawn(sandbox.claude(&["--include-partial-messages", "--replay-user-messages"]));
    say(&mut cli, "slow: one two three four");
    cli.wait_result(STEP);
    cli.finish(STEP);
    let out = shown(&cli);
    assert!(
        out.contains("\n❯ slow: one two three four\none two three four\n✓ success"),
        "{out}"
    );
}

#[test]
fn permission_prompts_show_their_number_and_outcome() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[
        "--permission-prompt-tool",
        "stdio",
        "--replay-user-messages",
    ]));
    let answer = |cli: &mut Session, reply: Value| {
        let req = cli.wait_for_type("control_request", None, STEP);
        let id = req["request_id"].as_str().expect("request id").to_owned();
        cli.send(&json!({"type":"control_response","response":{"subtype":"success","request_id":id,"response":reply}}));
    };
    say(&mut cli, "bash: touch x");
    answer(&mut cli, json!({"behavior":"allow"}));
    cli.wait_result(STEP);
    say(&mut cli, "bash: rm -rf y");
    answer(&mut cli, json!({"behavior":"deny","message":"not in prod"}));
    cli.wait_result(STEP);
    cli.finish(STEP);
    let out = shown(&cli);
    for want in [
        "? #1 Bash(touch x)   /allow 1 · /deny 1 reason\n",
        "✓ allowed #1 Bash(touch x)\n",
        "? #2 Bash(rm -rf y)   /allow 2 · /deny 2 reason\n",
        "✗ denied #2: not in prod\n",
        "permission denied: Bash",
    ] {
        assert!(out.contains(want), "{want:?} in\n{out}");
    }
    assert_eq!(out.matches("denied #2").count(), 1, "{out}");
}

#[test]
fn answers_to_session_controls_say_what_they_did() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    say(&mut cli, "hello");
    cli.wait_result(STEP);
    let request = |cli: &mut Session, id: &str, request: Value| {
        cli.send(&json!({"type":"control_request","request_id":id,"request":request}));
        cli.wait_for("the answer", STEP, |e: &Value| {
            e["type"] == "control_response" && e["response"]["request_id"] == id
        });
    };
    request(
        &mut cli,
        "set_model-4242-1",
        json!({"subtype":"set_model","model":"sonnet"}),
    );
    request(
        &mut cli,
        "get_context_usage-4242-2",
        json!({"subtype":"get_context_usage"}),
    );
    request(&mut cli, "interrupt-4242-3", json!({"subtype":"interrupt"}));
    cli.finish(STEP);
    let out = shown(&cli);
    assert!(out.contains("\n· model set"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("· context ") && l.ends_with("%)")),
        "{out}"
    );
    assert!(out.contains("\n⏹ interrupted"), "{out}");
    assert!(!out.contains("control_response ok"), "{out}");
}
