//! The control channel in the transcript: numbered permission prompts and
//! their outcomes, answers labelled by the request they answer, and
//! `command_lifecycle` folded.

use serde_json::{Value, json};

use super::fmt;

fn lines(events: &[Value]) -> String {
    events
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn call(id: &str, command: &str) -> Value {
    json!({"type":"assistant","message":{"id":format!("m-{id}"),"role":"assistant","content":[{"type":"tool_use","id":id,"name":"Bash","input":{"command":command}}]},"parent_tool_use_id":null,"uuid":"u","session_id":"s1"})
}

fn ask(request: &str, tool_use: &str, command: &str) -> Value {
    json!({"type":"control_request","request_id":request,"request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":command},"tool_use_id":tool_use,
        "permission_suggestions":[
            {"type":"addRules","behavior":"allow","destination":"localSettings","rules":[{"toolName":"Bash","ruleContent":format!("{command} *")}]},
            {"type":"setMode","mode":"acceptEdits","destination":"session"}],
        "decision_reason":"no rule allows it"}})
}

fn answer(request: &str, answer: Value) -> Value {
    json!({"response":{"request_id":request,"response":answer,"subtype":"success"},"type":"control_response"})
}

fn result(id: &str, content: &str, error: bool) -> Value {
    json!({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":id,"content":content,"is_error":error}]},"parent_tool_use_id":null,"session_id":"s1"})
}

#[test]
fn permission_prompts_are_numbered_with_their_outcome() {
    let input = lines(&[
        call("t1", "touch x"),
        ask("uuid-a", "t1", "touch x"),
        answer(
            "uuid-a",
            json!({"behavior":"allow","updatedInput":{"command":"touch x"}}),
        ),
        result("t1", "(Bash completed with no output)", false),
        call("t2", "rm -rf y"),
        ask("uuid-b", "t2", "rm -rf y"),
        answer("uuid-b", json!({"behavior":"deny","message":"not in prod"})),
        json!({"type":"system","subtype":"permission_denied","tool_name":"Bash","tool_use_id":"t2","message":"not in prod","uuid":"u","session_id":"s1"}),
        result("t2", "not in prod", true),
        call("t3", "curl x"),
        json!({"type":"system","subtype":"permission_denied","tool_name":"Bash","tool_use_id":"t3","message":"denied by a rule","uuid":"u","session_id":"s1"}),
    ]);
    let r = fmt(&["--color", "never"], &input);
    assert_eq!(
        r.out,
        "● Bash(touch x)\n\
         ? #1 Bash(touch x)   /allow 1 · /deny 1 reason\n    \
         always allow: touch x * · mode acceptEdits · why: no rule allows it\n\
         ✓ allowed #1 Bash(touch x)\n\
         ● Bash(touch x)\n  ⎿ (Bash completed with no output)\n\
         ● Bash(rm -rf y)\n\
         ? #2 Bash(rm -rf y)   /allow 2 · /deny 2 reason\n    \
         always allow: rm -rf y * · mode acceptEdits · why: no rule allows it\n\
         ✗ denied #2: not in prod\n\
         ● Bash(rm -rf y)\n  ⎿ not in prod\n\
         ● Bash(curl x)\n\
         ✗ denied Bash(curl x): denied by a rule\n",
        "the echo and permission_denied of one call show once"
    );
    let r = fmt(&["--color", "always"], &input);
    assert!(
        r.out.contains("\x1b[33m? #1 "),
        "prompts in yellow: {:?}",
        r.out
    );
    assert!(r.out.contains("\x1b[32m✓ allowed #1"), "{:?}", r.out);
    assert!(
        r.out.contains("\x1b[31m✗ denied #2: not in prod"),
        "{:?}",
        r.out
    );
}

#[test]
fn a_withdrawn_prompt_says_so() {
    let input = lines(&[
        ask("uuid-a", "t1", "sleep 9"),
        json!({"type":"control_cancel_request","request_id":"uuid-a"}),
    ]);
    let r = fmt(&["--color", "never"], &input);
    assert!(
        r.out.ends_with("· permission request #1 withdrawn\n"),
        "{}",
        r.out
    );
}

#[test]
fn answers_are_labelled_by_the_request_they_answer() {
    let ok = |id: &str, payload: Option<Value>| {
        let mut response = json!({"subtype":"success","request_id":id});
        if let Some(p) = payload {
            response["response"] = p;
        }
        json!({"type":"control_response","response":response})
    };
    let cases: Vec<(Vec<Value>, &str)> = vec![
        // Ids made by ccpipe's stages name their request.
        (
            vec![ok(
                "interrupt-4242-1",
                Some(json!({"still_queued":["a","b"]})),
            )],
            "⏹ interrupted (2 queued messages kept)\n",
        ),
        (vec![ok("interrupt-4242-1", None)], "⏹ interrupted\n"),
        (
            vec![ok(
                "interrupt-4242-2",
                Some(json!({"still_queued":[],"cancelled":["a"]})),
            )],
            "⏹ interrupted (1 queued message cancelled)\n",
        ),
        (
            vec![ok("set_model-4242-3", Some(json!({"model":"sonnet"})))],
            "· model set to sonnet\n",
        ),
        (
            vec![ok(
                "set_permission_mode-4242-4",
                Some(json!({"mode":"plan"})),
            )],
            "· permission mode plan\n",
        ),
        (
            vec![ok("set_max_thinking_tokens-4242-5", None)],
            "· thinking tokens set\n",
        ),
        (
            vec![ok("stop_task-4242-6", Some(json!({})))],
            "· task stopped\n",
        ),
        (
            vec![ok(
                "get_context_usage-4242-7",
                Some(
                    json!({"categories":[],"totalTokens":2335,"maxTokens":1_000_000,"rawMaxTokens":1_000_000,"percentage":0.2335}),
                ),
            )],
            "· context 2,335 / 1,000,000 tokens (0%)\n",
        ),
        (
            vec![
                json!({"type":"control_response","response":{"subtype":"error","request_id":"set_permission_mode-4242-8","error":"Cannot set permission mode: must be one of acceptEdits, plan","error_code":"invalid_mode"}}),
            ],
            "✗ /mode failed: Cannot set permission mode: must be one of acceptEdits, plan (invalid_mode)\n",
        ),
        // A request seen in the stream tells what its answer means.
        (
            vec![
                json!({"type":"control_request","request_id":"r9","request":{"subtype":"set_max_thinking_tokens","max_thinking_tokens":null}}),
                ok("r9", None),
            ],
            "· control_request set_max_thinking_tokens\n· thinking tokens off\n",
        ),
        (
            vec![
                json!({"type":"control_request","request_id":"r8","request":{"subtype":"stop_task","task_id":"t1"}}),
                ok("r8", Some(json!({}))),
            ],
            "· control_request stop_task\n· task t1 stopped\n",
        ),
        // Foreign ids: the shape of the payload.
        (
            vec![ok("ctl-1", Some(json!({"still_queued":[]})))],
            "⏹ interrupted\n",
        ),
        (
            vec![ok("ctl-2", Some(json!({"model":"claude-sonnet-5"})))],
            "· model set to claude-sonnet-5\n",
        ),
        (
            vec![ok("ctl-3", Some(json!({"mode":"acceptEdits"})))],
            "· permission mode acceptEdits\n",
        ),
        (
            vec![ok("ctl-4", None)],
            "· control_response ok (request ctl-4)\n",
        ),
        (
            vec![
                json!({"type":"control_response","response":{"subtype":"error","request_id":"ctl-5","error":"no such task"}}),
            ],
            "✗ control request ctl-5 failed: no such task\n",
        ),
    ];
    for (events, want) in cases {
        let input = lines(&events);
        let r = fmt(&["--color", "never"], &input);
        assert_eq!(r.out, want, "{input}");
        assert!(!r.out.contains("acknowledged"));
    }
}

#[test]
fn a_mode_change_answered_and_reported_shows_once() {
    let input = lines(&[
        json!({"type":"control_response","response":{"subtype":"success","request_id":"set_permission_mode-1-1","response":{"mode":"plan"}}}),
        json!({"type":"system","subtype":"status","status":null,"permissionMode":"plan","uuid":"u","session_id":"s1"}),
        json!({"type":"system","subtype":"status","status":null,"permissionMode":"default","uuid":"u","session_id":"s1"}),
    ]);
    let r = fmt(&["--color", "never"], &input);
    assert_eq!(r.out, "· permission mode plan\n· permission mode default\n");
}

#[test]
fn command_lifecycle_is_folded() {
    let life = |uuid: &str, state: &str| json!({"type":"command_lifecycle","command_uuid":uuid,"state":state,"uuid":"x","session_id":"s1"});
    let replay = |uuid: &str, text: &str| json!({"type":"user","message":{"role":"user","content":text},"parent_tool_use_id":null,"uuid":uuid,"isReplay":true,"session_id":"s1"});
    let init = json!({"type":"system","subtype":"init","session_id":"s1","model":"m"});
    let input = lines(&[
        life("aaaa", "queued"),
        life("aaaa", "started"),
        init.clone(),
        replay("aaaa", "fix the failing test please"),
        // Typed while the turn runs: queued, then taken in with its replay.
        life("bbbb", "queued"),
        replay("bbbb", "also update the README"),
        life("bbbb", "started"),
        // Queued, replayed, then cancelled by an interrupt.
        life("cccc", "queued"),
        replay("cccc", "and then deploy to production"),
        life("cccc", "cancelled"),
        // Queued while busy and started, never replayed.
        life("dddd", "queued"),
        life("dddd", "started"),
        // Never replayed, discarded.
        life("eeee1234-5678", "discarded"),
        life("aaaa", "completed"),
        life("bbbb", "completed"),
    ]);
    let r = fmt(&["--color", "never"], &input);
    assert_eq!(
        r.out,
        "── m · session s1\n\
         ❯ fix the failing test please\n\
         ❯ also update the README\n\
         ❯ and then deploy to production\n\
         ✗ message cancelled: and then deploy to production\n\
         · queued message started\n\
         ✗ message discarded (eeee1234)\n\
         ⚠ input ended before the session's result\n"
    );
}
