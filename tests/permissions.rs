//! Issue 7, against the real Claude Code CLI and the scripted API: the
//! control channel stays open for permission prompts, which a policy
//! (`--permit`) or a person (`--ask`, answering through cc-steer) decides;
//! session controls from cc-steer; cc-run never hangs after its input ends.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{MockApi, STEP, Sandbox, Session};

/// Runs `script` under bash with pipefail in the sandbox.
fn bash(sandbox: &Sandbox, script: &str) -> std::process::Output {
    sandbox
        .command("bash")
        .arg("-c")
        .arg(format!("set -o pipefail; {script}"))
        .output()
        .expect("run bash")
}

fn events(text: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(text)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn last_result(events: &[Value]) -> Value {
    events
        .iter()
        .rev()
        .find(|e| e["type"] == "result")
        .cloned()
        .unwrap_or(Value::Null)
}

/// The text of the tool result for the tool call with this input command.
fn tool_results(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["type"] == "user")
        .filter_map(|e| e["message"]["content"].as_array())
        .flatten()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| match &b["content"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn echo_to(fifo: &Path, line: &str) {
    let deadline = Instant::now() + STEP;
    while !fifo.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            fifo.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut w = std::fs::OpenOptions::new()
        .write(true)
        .open(fifo)
        .expect("open FIFO");
    w.write_all(format!("{line}\n").as_bytes())
        .expect("write FIFO");
}

fn fifo_in(sandbox: &Sandbox) -> PathBuf {
    sandbox.cwd().join("steer.fifo")
}

fn is_permission_request(e: &Value) -> bool {
    e["type"] == "control_request" && e["request"]["subtype"] == "can_use_tool"
}

/// Done-when 1: a policy of `true` lets the tool run, even though the
/// request arrives after cc-run's input ended.
#[test]
fn permit_true_allows_the_tool() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let out = bash(&sandbox, "cc-prompt 'bash: touch x' | cc-run --permit true");
    let ev = events(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(ev.iter().any(is_permission_request), "the CLI never asked");
    assert!(sandbox.cwd().join("x").exists(), "the tool did not run");
    assert_eq!(last_result(&ev)["is_error"], false);
}

/// Done-when 2: `false` denies; the denial is in the result, and with
/// --fail-on-denial the exit status is 6 with a line naming the tool.
#[test]
fn permit_false_denies_and_fail_on_denial_exits_6() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let out = bash(
        &sandbox,
        "cc-prompt 'bash: touch x' | cc-run --permit false",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!sandbox.cwd().join("x").exists(), "the tool ran");
    let ev = events(&out.stdout);
    let result = last_result(&ev);
    let denials = result["permission_denials"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(denials.len(), 1, "{result}");
    assert_eq!(denials[0]["tool_name"], "Bash");
    assert!(
        tool_results(&ev)
            .iter()
            .any(|t| t.contains("denied by the --permit policy")),
        "{:?}",
        tool_results(&ev)
    );

    let out = bash(
        &sandbox,
        "cc-prompt 'bash: touch x' | cc-run --permit false --fail-on-denial > /dev/null",
    );
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cc-run: permission denied for Bash (--fail-on-denial)\n"
    );
}

/// Done-when 3: one policy allows `git status` and denies `rm` in the same
/// session, with its own message.
#[test]
fn a_policy_allows_one_command_and_denies_another() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let policy = sandbox.cwd().join("policy.jq");
    std::fs::write(
        &policy,
        r#"if .tool_name == "Bash" and (.input.command | test("^git (status|diff|log)\\b"))
           then true
           else "only git status, diff and log may run here" end"#,
    )
    .unwrap();
    std::fs::write(sandbox.cwd().join("keep.txt"), "keep").unwrap();
    let out = bash(
        &sandbox,
        "git init -q . && cc-prompt 'multi: bash: git status --short ;; bash: rm -f keep.txt' \
         | cc-run --permit-file policy.jq",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(sandbox.cwd().join("keep.txt").exists(), "rm ran");
    let results = tool_results(&events(&out.stdout));
    assert!(
        results
            .iter()
            .any(|t| t.contains("only git status, diff and log may run here")),
        "{results:?}"
    );
    assert!(
        results.iter().any(|t| t.contains("keep.txt")),
        "git status did not run: {results:?}"
    );
}

/// Done-when 4: a person answers through cc-steer: `/allow` lets the tool
/// run, `/deny 2 nope` makes the tool's result "nope".
#[test]
fn a_person_answers_through_cc_steer() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let fifo = fifo_in(&sandbox);
    let mut s = Session::spawn(sandbox.shell(
        "cc-prompt 'bash: touch allowed' | cc-steer steer.fifo | cc-run --ask | tee log.jsonl",
    ));
    s.wait_for("the first permission request", STEP, is_permission_request);
    echo_to(&fifo, "/allow");
    s.wait_result(STEP);
    assert!(
        sandbox.cwd().join("allowed").exists(),
        "/allow did not let it run"
    );

    echo_to(&fifo, "bash: touch denied");
    s.wait_for("the second permission request", STEP, |e| {
        is_permission_request(e) && e["request"]["input"]["command"] == "touch denied"
    });
    echo_to(&fifo, "/deny 2 nope");
    s.wait_result(STEP);
    assert!(
        !sandbox.cwd().join("denied").exists(),
        "/deny did not stop it"
    );
    echo_to(&fifo, "/end");
    let status = s.finish(STEP);
    assert!(status.success(), "{status:?}\n{}", s.stderr());
    let log = std::fs::read(sandbox.cwd().join("log.jsonl")).unwrap();
    let results = tool_results(&events(&log));
    assert!(results.iter().any(|t| t == "nope"), "{results:?}");
}

/// An answer to a number that is not waiting is reported, not sent.
#[test]
fn an_answer_to_no_waiting_request_is_reported() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let fifo = fifo_in(&sandbox);
    let mut s =
        Session::spawn(sandbox.shell("cc-prompt 'hello' | cc-steer steer.fifo | cc-run --ask"));
    s.wait_result(STEP);
    echo_to(&fifo, "/allow 7");
    echo_to(&fifo, "/end");
    let status = s.finish(STEP);
    assert!(status.success(), "{status:?}");
    assert!(
        s.stderr()
            .contains("no permission request is waiting (answer \"#7\"); dropped"),
        "{}",
        s.stderr()
    );
}

/// Done-when 5: with no answer, --ask-timeout denies and the session goes
/// on to its result.
#[test]
fn ask_timeout_denies_and_the_session_goes_on() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let fifo = fifo_in(&sandbox);
    let mut s = Session::spawn(sandbox.shell(
        "cc-prompt 'bash: touch late' | cc-steer steer.fifo | cc-run --ask --ask-timeout 2s",
    ));
    s.wait_for("the permission request", STEP, is_permission_request);
    let asked = Instant::now();
    let result = s.wait_result(STEP);
    assert!(
        asked.elapsed() >= Duration::from_secs(2),
        "denied before the timeout"
    );
    assert_eq!(
        result["permission_denials"][0]["tool_name"], "Bash",
        "{result}"
    );
    assert!(!sandbox.cwd().join("late").exists());
    echo_to(&fifo, "/end");
    s.finish(STEP);
    assert!(
        s.stderr()
            .contains("no answer within 2s (cc-run --ask-timeout); denied"),
        "{}",
        s.stderr()
    );
    let results = tool_results(s.events());
    assert!(
        results.iter().any(|t| t.contains("no answer within 2s")),
        "{results:?}"
    );
}

/// Done-when 6: session controls from the FIFO, each answered by the CLI;
/// an unknown mode is refused by cc-steer and never sent.
#[test]
fn session_controls_from_the_fifo() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let fifo = fifo_in(&sandbox);
    let mut s = Session::spawn(
        sandbox.shell("cc-prompt 'hello' | cc-steer steer.fifo | cc-run -- --allowedTools Bash"),
    );
    s.wait_result(STEP);
    let response_to = |s: &mut Session, prefix: &str| {
        let prefix = prefix.to_owned();
        s.wait_for(&format!("the answer to {prefix}"), STEP, |e| {
            e["type"] == "control_response"
                && e["response"]["request_id"]
                    .as_str()
                    .is_some_and(|id| id.starts_with(&prefix))
        })
    };
    echo_to(&fifo, "/model claude-sonnet-4-5");
    let r = response_to(&mut s, "set_model-");
    assert_eq!(r["response"]["subtype"], "success", "{r}");
    echo_to(&fifo, "/mode plan");
    let r = response_to(&mut s, "set_permission_mode-");
    assert_eq!(r["response"]["subtype"], "success", "{r}");
    echo_to(&fifo, "/mode nonsense");
    // A slow turn to interrupt, with a queued message behind it.
    echo_to(
        &fifo,
        "slow: one two three four five six seven eight nine ten",
    );
    s.wait_for("the slow turn", STEP, |e| {
        e["type"] == "user" && e["isReplay"] == true
    });
    echo_to(&fifo, "queued behind");
    echo_to(&fifo, "/interrupt --cancel-queued");
    let r = response_to(&mut s, "interrupt-");
    assert_eq!(r["response"]["subtype"], "success", "{r}");
    // The interrupted turn ends in an error result; the session goes on.
    s.wait_result(STEP);
    echo_to(&fifo, "carry on");
    s.wait_for("the next turn's result", STEP, |e| {
        e["type"] == "result" && e["result"] == "echo: carry on"
    });
    echo_to(&fifo, "/end");
    let status = s.finish(STEP);
    assert!(status.success(), "{status:?}\n{}", s.stderr());
    assert!(
        s.stderr().contains("unknown permission mode \"nonsense\""),
        "{}",
        s.stderr()
    );
    let sent_modes = s
        .events()
        .iter()
        .filter(|e| e["type"] == "control_response")
        .count();
    assert_eq!(sent_modes, 3, "only three requests reached the CLI");
}

/// A request ccpipe does not serve (a hook callback) is answered at once
/// with an error, and the session does not wait for it.
#[test]
fn hook_callbacks_are_refused_at_once() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let init = r#"{"type":"control_request","request_id":"initialize-1","request":{"subtype":"initialize","hooks":{"PreToolUse":[{"matcher":"Bash","hookCallbackIds":["cb1"]}]}}}"#;
    let script = format!(
        "{{ echo '{init}'; cc-prompt 'bash: echo hooked'; }} | cc-run -- --allowedTools Bash"
    );
    let out = bash(&sandbox, &script);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let ev = events(&out.stdout);
    assert!(
        ev.iter()
            .any(|e| e["type"] == "control_request" && e["request"]["subtype"] == "hook_callback"),
        "no hook callback came:\n{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("claude sent a \"hook_callback\" request, which ccpipe does not serve"),
        "{stderr}"
    );
    assert!(ev.iter().any(|e| e["type"] == "result"));
}

/// Done-when 7: with nothing pending, cc-run closes claude's input once the
/// session is idle and exits; it says so with --verbose.
#[test]
fn cc_run_never_waits_after_its_input_ends() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let started = Instant::now();
    let out = bash(&sandbox, "cc-prompt hello | cc-run --verbose > /dev/null");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("closing claude's input: the session is idle and nothing waits"),
        "{stderr}"
    );
    assert!(started.elapsed() < STEP, "took {:?}", started.elapsed());
}
