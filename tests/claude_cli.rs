//! Facts about the real Claude Code CLI (pinned version) that ccpipe relies
//! on, checked by running it against the scripted API stand-in in
//! tests/support. If one fails after a version bump, ccpipe's assumptions
//! (and PROTOCOL-NOTES) need revisiting.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::script::STEERING_MARKER;
use support::session::{alive, descendants};
use support::{MockApi, STEP, Sandbox, Session};

fn is_tool_use(event: &Value) -> bool {
    event["type"] == "assistant"
        && event["message"]["content"]
            .as_array()
            .is_some_and(|c| c.iter().any(|b| b["type"] == "tool_use"))
}

/// The CLI in use is the one asked for: the pin, or `$CCPIPE_CLAUDE_VERSION`.
#[test]
fn claude_version_is_the_requested_one() {
    let want = support::claude::requested().expect("a valid version request");
    if std::env::var_os(support::claude::VERSION_VAR).is_none() {
        assert_eq!(want.to_string(), support::claude::PINNED);
    }
    let out = std::process::Command::new(support::claude())
        .arg("--version")
        .output()
        .expect("run claude --version");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("{want} ")),
        "claude --version printed {text:?}, expected {want}"
    );
    assert_eq!(support::claude::version(), want);
}

#[test]
fn versions_parse_and_order() {
    use support::claude::Version;
    assert_eq!(Version::parse("2.1.332"), Some(Version::new(2, 1, 332)));
    assert_eq!(Version::parse(" 2.1.197\n"), Some(Version::new(2, 1, 197)));
    for bad in ["", "2.1", "2.1.x", "2.1.3.4", "v2.1.3", "2..1", "../2.1.3"] {
        assert_eq!(Version::parse(bad), None, "{bad:?}");
    }
    assert!(Version::new(2, 1, 332) > Version::new(2, 1, 197));
    assert!(Version::new(2, 2, 0) > Version::new(2, 1, 999));
    assert_eq!(Version::new(2, 1, 332).to_string(), "2.1.332");
}

/// The agent SDK's types (the protocol's source of truth) can be provisioned.
#[test]
fn agent_sdk_types_are_provisioned() {
    let dts = support::sdk::sdk_dts();
    let text = std::fs::read_to_string(&dts).unwrap_or_else(|e| panic!("{}: {e}", dts.display()));
    assert!(
        text.contains("export declare type SDKMessage ="),
        "{} has no SDKMessage union",
        dts.display()
    );
    let manifest = dts.with_file_name("package.json");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).expect("package.json")).unwrap();
    assert_eq!(manifest["version"], support::sdk::SDK_VERSION);
}

#[test]
fn text_turn_ends_with_a_successful_result() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    cli.say("hello there");
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{result}");
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["result"], "echo: hello there");
    let init = &cli.events()[0];
    assert_eq!(
        (init["type"].as_str(), init["subtype"].as_str()),
        (Some("system"), Some("init"))
    );
    assert_eq!(
        init["claude_code_version"],
        support::claude::version().to_string()
    );
    let status = cli.finish(STEP);
    assert!(status.success(), "exit {status:?}\n{}", cli.transcript());
    assert!(
        api.turns()
            .iter()
            .any(|r| r.last_user_texts().iter().any(|t| t == "hello there")),
        "the prompt never reached the API"
    );
}

#[test]
fn bash_tool_really_runs_in_the_working_directory() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--allowedTools", "Bash", "Read"]));
    cli.say("bash: echo made-by-bash > proof.txt && cat proof.txt");
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{}", cli.transcript());
    assert_eq!(result["result"], "Tool finished: made-by-bash");
    let proof = std::fs::read_to_string(sandbox.cwd().join("proof.txt")).expect("proof.txt");
    assert_eq!(proof, "made-by-bash\n");
    let tool_result = cli
        .events()
        .iter()
        .find(|e| e["type"] == "user" && e["message"]["content"][0]["type"] == "tool_result");
    let tool_result = tool_result.expect("a user event with the tool_result");
    assert_eq!(tool_result["tool_use_result"]["stdout"], "made-by-bash");
    cli.finish(STEP);
}

#[test]
fn steering_during_a_tool_is_merged_and_replayed() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let args = ["--allowedTools", "Bash", "--replay-user-messages"];
    let mut cli = Session::spawn(sandbox.claude(&args));
    cli.say("bash: sleep 2; echo finished");
    cli.wait_for("Bash tool_use", STEP, is_tool_use);
    cli.say("Please also count the files");
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{}", cli.transcript());
    assert_eq!(
        result["num_turns"], 2,
        "merged into the running turn, not a turn of its own"
    );
    let merged = api
        .turns()
        .into_iter()
        .find(|r| r.contains(STEERING_MARKER) && r.contains("Please also count the files"));
    assert!(
        merged.is_some(),
        "no request carried the steering message:\n{}",
        api.summary()
    );
    let replayed = cli.events().iter().any(|e| {
        e["type"] == "user"
            && e["isReplay"] == true
            && e["message"]["content"] == "Please also count the files"
    });
    assert!(replayed, "steering line not replayed\n{}", cli.transcript());
    cli.finish(STEP);
}

#[test]
fn interrupt_ends_the_turn_and_the_next_message_is_answered() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let args = ["--allowedTools", "Bash", "--replay-user-messages"];
    let mut cli = Session::spawn(sandbox.claude(&args));
    cli.say("bash: sleep 3; echo unreachable > late.txt");
    cli.wait_for("Bash tool_use", STEP, is_tool_use);
    std::thread::sleep(Duration::from_millis(300));
    let id = cli.interrupt();
    let response = cli.wait_for_type("control_response", None, STEP);
    assert_eq!(response["response"]["subtype"], "success");
    assert_eq!(response["response"]["request_id"], id.as_str());
    let result = cli.wait_result(STEP);
    assert_eq!(result["subtype"], "error_during_execution", "{result}");
    assert_eq!(result["is_error"], true);
    cli.say("carry on");
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{}", cli.transcript());
    assert_eq!(result["result"], "echo: carry on");
    cli.finish(STEP);
    assert!(
        !sandbox.cwd().join("late.txt").exists(),
        "the interrupted command ran to its end"
    );
}

#[test]
fn http_400_gives_an_error_result() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    cli.say("http: 400");
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], true, "{result}");
    assert_eq!(result["api_error_status"], 400);
    assert_eq!(result["result"], "API Error: 400 scripted 400");
    let status = cli.finish(STEP);
    assert_eq!(status.code(), Some(1), "exit status after an API error");
}

#[test]
fn http_401_is_retried_as_authentication_failed() {
    let api = MockApi::start();
    api.fail_with(Some(401));
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    cli.say("hello");
    let retry = cli.wait_for_type("system", Some("api_retry"), STEP);
    assert_eq!(retry["error"], "authentication_failed", "{retry}");
    assert_eq!(retry["error_status"], 401);
    assert_eq!(retry["attempt"], 1);
    assert_eq!(retry["max_retries"], 10);
    let pid = cli.pid();
    let family = cli.kill();
    assert!(!alive(pid), "claude survived the kill");
    let left: Vec<u32> = family.into_iter().filter(|&p| alive(p)).collect();
    assert!(left.is_empty(), "processes left behind: {left:?}");
    assert!(descendants(pid).is_empty());
    assert!(
        !cli.events().iter().any(|e| e["type"] == "result"),
        "a 401 ended the run"
    );
}

#[test]
fn overloaded_529_is_retried_then_answered() {
    let api = MockApi::start();
    api.fail_next(529, 1);
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    cli.say("still there?");
    let retry = cli.wait_for_type("system", Some("api_retry"), STEP);
    assert_eq!(retry["error"], "overloaded", "{retry}");
    assert_eq!(retry["error_status"], 529);
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{}", cli.transcript());
    assert_eq!(result["result"], "echo: still there?");
    cli.finish(STEP);
}

/// The stand-in itself: error bodies per status and visible surprises.
#[test]
fn stand_in_speaks_the_api_error_format() {
    let api = MockApi::start();
    let curl = |path: &str, body: &str| -> (String, Value) {
        let out = std::process::Command::new("curl")
            .args([
                "-sS",
                "-X",
                "POST",
                "-H",
                "content-type: application/json",
                "-w",
                "\n%{http_code}",
            ])
            .args(["-d", body, &format!("{}{path}", api.url())])
            .output()
            .expect("run curl");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (json, code) = text.rsplit_once('\n').expect("status line");
        (
            code.to_owned(),
            serde_json::from_str(json).unwrap_or(Value::Null),
        )
    };
    for (status, kind) in [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "billing_error"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (529, "overloaded_error"),
    ] {
        let prompt = serde_json::json!({"stream": true, "messages": [
            {"role": "user", "content": format!("http: {status}")}]});
        let (code, body) = curl("/v1/messages?beta=true", &prompt.to_string());
        assert_eq!(code, status.to_string());
        assert_eq!(body["type"], "error");
        assert_eq!(body["error"]["type"], kind, "status {status}");
    }
    let (code, body) = curl("/v1/elsewhere", "{}");
    assert_eq!(
        (code.as_str(), body["error"]["type"].as_str()),
        ("404", Some("not_found_error"))
    );
    let (code, body) = curl("/v1/messages/count_tokens", "{}");
    assert_eq!(
        (code.as_str(), body["input_tokens"].as_u64()),
        ("200", Some(12))
    );
    let plain = r#"{"messages": [{"role": "user", "content": "bash: true"}]}"#;
    let (code, body) = curl("/v1/messages", plain);
    assert_eq!(code, "200");
    assert_eq!(body["content"][0]["name"], "Bash");
    assert_eq!(body["stop_reason"], "tool_use");
    assert_eq!(api.requests().len(), 9, "every request is recorded");
    assert_eq!(api.requests()[7].path, "/v1/messages/count_tokens");
}

#[test]
fn partial_messages_reach_stdout_while_the_api_streams() {
    let api = MockApi::start();
    api.set_slow_delay(Duration::from_millis(400));
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--include-partial-messages"]));
    cli.say("slow: one two three four five");
    cli.wait_for("first text_delta", STEP, |e| {
        e["type"] == "stream_event" && e["event"]["delta"]["type"] == "text_delta"
    });
    let first = std::time::Instant::now();
    let result = cli.wait_result(STEP);
    let spread = first.elapsed();
    assert_eq!(result["result"], "one two three four five");
    // Five deltas 400 ms apart: the first must arrive well before the end.
    assert!(
        spread >= Duration::from_millis(1200),
        "deltas were held back: {spread:?}"
    );
    cli.finish(STEP);
}

fn is_tool_result(event: &Value) -> bool {
    event["type"] == "user" && event["message"]["content"][0]["type"] == "tool_result"
}

/// The main agent's tool_result content as text.
fn tool_result_text(event: &Value) -> String {
    support::script::block_text(&event["message"]["content"][0])
}

#[test]
fn a_result_line_can_exceed_256_kib() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    cli.say("big: 300000");
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false);
    assert_eq!(
        result["result"].as_str().map(str::len),
        Some(300_000),
        "the answer's length"
    );
    assert_eq!(result["result"], support::script::big_text(300_000));
    let line = cli.raw_lines().last().unwrap();
    assert!(
        line.len() > 256 * 1024,
        "result line of {} bytes",
        line.len()
    );
    cli.finish(STEP);
}

#[test]
fn permission_prompt_on_stdio_allow_runs_the_tool() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--permission-prompt-tool", "stdio"]));
    // A bare allow: enough for 2.1.332, refused by 2.1.197 (it wants updatedInput).
    cli.say("write: bare.txt :: bare allow");
    let ask = cli.wait_request("can_use_tool", STEP);
    let request = &ask["request"];
    assert_eq!(request["tool_name"], "Write", "{ask}");
    let bare = sandbox.cwd().join("bare.txt");
    assert_eq!(request["input"]["file_path"], bare.to_str().unwrap());
    assert!(request["tool_use_id"].is_string(), "{ask}");
    assert!(request["permission_suggestions"].is_array(), "{ask}");
    cli.answer(
        ask["request_id"].as_str().unwrap(),
        json!({"behavior": "allow"}),
    );
    let outcome = cli.wait_for("tool_result", STEP, is_tool_result);
    cli.wait_result(STEP);
    if support::claude::at_least(2, 1, 332) {
        let written = std::fs::read_to_string(&bare).ok();
        assert_eq!(
            written.as_deref(),
            Some("bare allow\n"),
            "{}",
            cli.transcript()
        );
    } else {
        assert!(tool_result_text(&outcome).contains("ZodError"), "{outcome}");
        assert!(!bare.exists());
    }
    // An allow with updatedInput runs the tool with the host's input.
    cli.say("write: allowed.txt :: as the model asked");
    let ask = cli.wait_request("can_use_tool", STEP);
    let mut input = ask["request"]["input"].clone();
    input["content"] = json!("as the host said\n");
    cli.answer(
        ask["request_id"].as_str().unwrap(),
        json!({"behavior": "allow", "updatedInput": input}),
    );
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{}", cli.transcript());
    let path = sandbox.cwd().join("allowed.txt");
    let written = std::fs::read_to_string(&path).ok();
    assert_eq!(
        written.as_deref(),
        Some("as the host said\n"),
        "{}",
        cli.transcript()
    );
    assert_eq!(result["permission_denials"], json!([]));
    // The file is known to the session now, so Edit may change it.
    cli.say(&format!(
        "edit: {} :: host said => host edited",
        path.display()
    ));
    let ask = cli.wait_request("can_use_tool", STEP);
    assert_eq!(ask["request"]["tool_name"], "Edit", "{ask}");
    let input = ask["request"]["input"].clone();
    cli.answer(
        ask["request_id"].as_str().unwrap(),
        json!({"behavior": "allow", "updatedInput": input}),
    );
    cli.wait_result(STEP);
    let edited = std::fs::read_to_string(&path).ok();
    assert_eq!(
        edited.as_deref(),
        Some("as the host edited\n"),
        "{}",
        cli.transcript()
    );
    cli.finish(STEP);
}

#[test]
fn permission_prompt_on_stdio_deny_and_invalid_answers() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--permission-prompt-tool", "stdio"]));
    cli.say("bash: echo no > denied.txt");
    let ask = cli.wait_request("can_use_tool", STEP);
    assert_eq!(ask["request"]["tool_name"], "Bash", "{ask}");
    assert!(
        ask["request"]["blocked_path"]
            .as_str()
            .is_some_and(|p| p.ends_with("denied.txt")),
        "{ask}"
    );
    let message = "not in this repository";
    cli.answer(
        ask["request_id"].as_str().unwrap(),
        json!({"behavior": "deny", "message": message}),
    );
    let denied = cli.wait_for("tool_result", STEP, is_tool_result);
    assert_eq!(tool_result_text(&denied), message);
    assert_eq!(denied["message"]["content"][0]["is_error"], true);
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "a denial is not an error");
    let denials = result["permission_denials"].as_array().expect("denials");
    assert_eq!(denials.len(), 1, "{result}");
    assert_eq!(denials[0]["tool_name"], "Bash");
    assert_eq!(denials[0]["tool_input"]["command"], "echo no > denied.txt");
    assert!(!sandbox.cwd().join("denied.txt").exists());
    // Neither deny-without-message nor a misspelt key is an answer.
    for answer in [json!({"behavior": "deny"}), json!({"behaviour": "allow"})] {
        cli.say("bash: echo no > denied.txt");
        let ask = cli.wait_request("can_use_tool", STEP);
        cli.answer(ask["request_id"].as_str().unwrap(), answer.clone());
        let failed = cli.wait_for("tool_result", STEP, is_tool_result);
        let text = tool_result_text(&failed);
        let expected = if support::claude::at_least(2, 1, 332) {
            "invalid permission result"
        } else {
            "Tool permission request failed: ZodError"
        };
        assert!(text.contains(expected), "{answer}: {text}");
        assert_eq!(failed["message"]["content"][0]["is_error"], true);
        cli.wait_result(STEP);
    }
    assert!(!sandbox.cwd().join("denied.txt").exists());
    cli.finish(STEP);
}

#[test]
fn without_a_prompt_tool_a_write_is_denied() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    cli.say("write: refused.txt");
    let result = cli.wait_result(STEP);
    assert_eq!(
        result["permission_denials"][0]["tool_name"], "Write",
        "{result}"
    );
    let live = cli
        .events()
        .iter()
        .find(|e| e["type"] == "system" && e["subtype"] == "permission_denied");
    if support::claude::at_least(2, 1, 332) {
        let live = live.unwrap_or_else(|| panic!("no permission_denied\n{}", cli.transcript()));
        assert_eq!(live["tool_name"], "Write");
        assert!(live["tool_use_id"].is_string() && live["message"].is_string());
    } else {
        assert!(live.is_none(), "{}", cli.transcript());
    }
    assert!(!sandbox.cwd().join("refused.txt").exists());
    cli.finish(STEP);
}

#[test]
fn messages_with_a_uuid_get_a_command_lifecycle() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    let uuid = "0b0e5c1a-7f2d-4c3e-9a6b-5d4c3b2a1f00";
    cli.say_with("stamped", json!({"uuid": uuid}));
    cli.wait_result(STEP);
    cli.say("unstamped");
    cli.wait_result(STEP);
    cli.finish(STEP);
    let states: Vec<(&str, &str)> = cli
        .events()
        .iter()
        .filter(|e| e["type"] == "command_lifecycle")
        .map(|e| {
            (
                e["command_uuid"].as_str().unwrap_or("?"),
                e["state"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    if support::claude::at_least(2, 1, 332) {
        let want = [(uuid, "queued"), (uuid, "started"), (uuid, "completed")];
        assert_eq!(states, want, "{}", cli.transcript());
    } else {
        assert_eq!(states, [], "{}", cli.transcript());
    }
}

#[test]
fn initialize_with_hooks_makes_the_cli_call_back() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--allowedTools", "Bash"]));
    let hooks = json!({"PreToolUse": [{"matcher": "Bash", "hookCallbackIds": ["hook-bash"]}]});
    let id = cli.request(json!({"subtype": "initialize", "hooks": hooks}));
    let init = cli.wait_response(&id, STEP);
    assert_eq!(init["response"]["subtype"], "success", "{init}");
    assert!(
        init["response"]["response"]["commands"].is_array(),
        "{init}"
    );
    cli.say("bash: echo hooked");
    let call = cli.wait_request("hook_callback", STEP);
    assert_eq!(call["request"]["callback_id"], "hook-bash", "{call}");
    assert_eq!(call["request"]["input"]["hook_event_name"], "PreToolUse");
    assert_eq!(call["request"]["input"]["tool_name"], "Bash");
    cli.answer(
        call["request_id"].as_str().unwrap(),
        json!({"continue": true}),
    );
    let result = cli.wait_result(STEP);
    assert_eq!(
        result["result"],
        "Tool finished: hooked",
        "{}",
        cli.transcript()
    );
    cli.finish(STEP);
}

#[test]
fn session_controls_are_answered() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    let new = support::claude::at_least(2, 1, 332);
    let id = cli.request(json!({"subtype": "set_model", "model": "claude-sonnet-4-5"}));
    let answer = cli.wait_response(&id, STEP);
    assert_eq!(answer["response"]["subtype"], "success", "{answer}");
    if new {
        assert_eq!(answer["response"]["response"]["model"], "claude-sonnet-4-5");
    } else {
        assert_eq!(answer["response"].get("response"), None, "{answer}");
    }
    let id = cli.request(json!({"subtype": "set_permission_mode", "mode": "plan"}));
    let answer = cli.wait_response(&id, STEP);
    assert_eq!(answer["response"]["response"]["mode"], "plan", "{answer}");
    let id = cli.request(json!({"subtype": "set_permission_mode", "mode": "nonsense"}));
    let answer = cli.wait_response(&id, STEP);
    if new {
        assert_eq!(answer["response"]["subtype"], "error", "{answer}");
        assert_eq!(answer["response"]["error_code"], "invalid_mode");
    } else {
        assert_eq!(answer["response"]["subtype"], "success", "{answer}");
    }
    for request in [
        json!({"subtype": "set_max_thinking_tokens", "max_thinking_tokens": 2048}),
        json!({"subtype": "set_max_thinking_tokens"}),
    ] {
        let id = cli.request(request);
        let answer = cli.wait_response(&id, STEP);
        assert_eq!(answer["response"]["subtype"], "success", "{answer}");
        assert_eq!(answer["response"].get("response"), None, "{answer}");
    }
    cli.say("after the controls");
    let result = cli.wait_result(STEP);
    assert_eq!(result["result"], "echo: after the controls");
    let turns = api.turns();
    assert_eq!(turns.len(), 1, "{}", api.summary());
    assert_eq!(
        turns[0].body["model"], "claude-sonnet-4-5",
        "set_model took effect"
    );
    if new {
        // 2.1.332 checks the model with a one-token request first: not a turn.
        let probes = api.requests().into_iter().filter(|r| r.is_probe()).count();
        assert_eq!(probes, 1, "{}", api.summary());
    }
    cli.finish(STEP);
}

#[test]
fn interrupt_lists_the_messages_still_queued() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--allowedTools", "Bash"]));
    let first = "9f1c7a52-0000-4000-8000-000000000001";
    let queued = "9f1c7a52-0000-4000-8000-000000000002";
    cli.say_with("bash: true; sleep 30", json!({"uuid": first}));
    cli.wait_for("Bash tool_use", STEP, is_tool_use);
    cli.say_with("next one", json!({"uuid": queued}));
    if support::claude::at_least(2, 1, 332) {
        cli.wait_for("queued lifecycle", STEP, |e| {
            e["command_uuid"] == queued && e["state"] == "queued"
        });
    } else {
        std::thread::sleep(Duration::from_millis(500));
    }
    let id = cli.interrupt();
    let answer = cli.wait_response(&id, STEP);
    assert_eq!(answer["response"]["subtype"], "success", "{answer}");
    if support::claude::at_least(2, 1, 332) {
        assert_eq!(
            answer["response"]["response"]["still_queued"],
            json!([queued])
        );
    }
    let interrupted = cli.wait_result(STEP);
    assert_eq!(interrupted["subtype"], "error_during_execution");
    let next = cli.wait_result(STEP);
    assert_eq!(next["result"], "echo: next one", "{}", cli.transcript());
    cli.finish(STEP);
}

#[test]
fn a_long_standalone_sleep_is_refused_by_the_newer_cli() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--allowedTools", "Bash"]));
    cli.say("bash: sleep 40");
    cli.wait_for("Bash tool_use", STEP, is_tool_use);
    if support::claude::at_least(2, 1, 332) {
        let refused = cli.wait_for("tool_result", STEP, is_tool_result);
        let text = tool_result_text(&refused);
        assert!(text.contains("Blocked: standalone sleep 40"), "{text}");
        cli.wait_result(STEP);
    } else {
        std::thread::sleep(Duration::from_secs(1));
        cli.interrupt();
        let stopped = cli.wait_for("tool_result", STEP, is_tool_result);
        assert!(!tool_result_text(&stopped).contains("Blocked"), "{stopped}");
        cli.wait_result(STEP);
    }
    cli.finish(STEP);
}

#[test]
fn overloaded_529_without_retries_then_a_new_process_gets_the_answer() {
    let api = MockApi::start();
    api.fail_next(529, 1);
    let sandbox = Sandbox::new(&api).no_api_retries();
    let mut first = Session::spawn(sandbox.claude(&[]));
    first.say("are you there?");
    let failed = first.wait_result(STEP);
    assert_eq!(failed["is_error"], true, "{failed}");
    assert_eq!(failed["api_error_status"], 529);
    assert!(
        !first.events().iter().any(|e| e["subtype"] == "api_retry"),
        "retried: {}",
        first.transcript()
    );
    assert_eq!(first.finish(STEP).code(), Some(1));
    let mut second = Session::spawn(sandbox.claude(&[]));
    second.say("are you there?");
    let answered = second.wait_result(STEP);
    assert_eq!(answered["is_error"], false, "{}", second.transcript());
    assert_eq!(answered["result"], "echo: are you there?");
    second.finish(STEP);
    assert_eq!(api.turns().len(), 2, "{}", api.summary());
}

#[test]
fn x_should_retry_false_stops_only_the_newer_cli_retrying() {
    let api = MockApi::start();
    api.fail_next(529, 1);
    api.set_should_retry(Some(false));
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&[]));
    cli.say("once more");
    let result = cli.wait_result(STEP);
    let retried = cli.events().iter().any(|e| e["subtype"] == "api_retry");
    if support::claude::at_least(2, 1, 332) {
        assert!(!retried, "{}", cli.transcript());
        assert_eq!(result["api_error_status"], 529, "{result}");
        assert_eq!(result["is_error"], true);
    } else {
        assert!(retried, "{}", cli.transcript());
        assert_eq!(result["result"], "echo: once more", "{result}");
    }
    cli.finish(STEP);
}

#[test]
fn a_stalled_stream_leaves_the_cli_silent() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--include-partial-messages"]));
    cli.say("stall: now");
    cli.wait_for("message_start", STEP, |e| {
        e["type"] == "stream_event" && e["event"]["type"] == "message_start"
    });
    // Nothing more comes: no delta, no retry, no result.
    let quiet = Duration::from_secs(5);
    assert_eq!(cli.next_event(quiet), None, "{}", cli.transcript());
    assert_eq!(api.turns().len(), 1, "{}", api.summary());
    cli.kill();
}

#[test]
fn a_slow_tool_prints_its_lines_in_the_tool_result() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--allowedTools", "Bash"]));
    cli.say("tick: 3");
    let result = cli.wait_result(STEP);
    assert_eq!(result["result"], "Tool finished: tick 1\ntick 2\ntick 3");
    let duration = result["duration_ms"].as_u64().unwrap_or(0);
    assert!(duration >= 2000, "ran for {duration} ms");
    cli.finish(STEP);
}

#[test]
fn a_subagent_runs_offline_and_its_events_name_the_task() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(&["--allowedTools", "Bash", "Task"]));
    cli.say("task: bash: echo from-the-subagent");
    let task = cli.wait_for("Task tool_use", STEP, is_tool_use);
    assert_eq!(task["message"]["content"][0]["name"], "Task");
    let task_id = task["message"]["content"][0]["id"].clone();
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{}", cli.transcript());
    let nested: Vec<&Value> = cli
        .events()
        .iter()
        .filter(|e| e["parent_tool_use_id"] == task_id)
        .collect();
    let ran = nested
        .iter()
        .any(|e| is_tool_result(e) && tool_result_text(e) == "from-the-subagent");
    assert!(ran, "no nested Bash result\n{}", cli.transcript());
    assert!(
        nested.iter().any(|e| is_tool_use(e)),
        "no nested tool_use\n{}",
        cli.transcript()
    );
    assert!(
        result["result"]
            .as_str()
            .is_some_and(|r| r.contains("from-the-subagent")),
        "{result}"
    );
    cli.finish(STEP);
}

#[test]
fn structured_output_comes_with_the_result() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let schema =
        r#"{"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"]}"#;
    let mut cli = Session::spawn(sandbox.claude(&["--json-schema", schema]));
    cli.say(r#"json: {"answer": 42}"#);
    let result = cli.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{}", cli.transcript());
    assert_eq!(
        result["structured_output"],
        json!({"answer": 42}),
        "{result}"
    );
    cli.finish(STEP);
}
