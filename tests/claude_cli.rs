//! Facts about the real Claude Code CLI (pinned version) that ccpipe relies
//! on, checked by running it against the scripted API stand-in in
//! tests/support. If one fails after a version bump, ccpipe's assumptions
//! (and PROTOCOL-NOTES) need revisiting.

mod support;

use std::time::Duration;

use serde_json::Value;
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
