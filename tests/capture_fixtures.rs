//! Captures the shared fixtures afresh from the real Claude Code CLI.
//!
//! `capture_fixtures` always runs every fixture scenario against the CLI in
//! use (the pin, or `$CCPIPE_CLAUDE_VERSION`) and the scripted API stand-in,
//! and checks that each capture is well-formed (one JSON object per line,
//! each with a string `type`, `system/init` before the first answer) with
//! the event kinds the fixture is about. With `CCPIPE_CAPTURE_DIR` set it
//! also writes them there, the stdout as `<name>.jsonl` and the lines the
//! test wrote to the CLI's stdin as `stdin/<name>.jsonl`, with the scratch
//! paths rewritten to `/home/dev/project` and the stand-in's address to
//! `127.0.0.1:4000`:
//!
//! ```sh
//! CCPIPE_CAPTURE_DIR=tests/fixtures cargo test --test capture_fixtures -- --nocapture
//! CCPIPE_CLAUDE_VERSION=2.1.197 CCPIPE_CAPTURE_DIR=tests/fixtures/2.1.197 \
//!     cargo test --test capture_fixtures -- --nocapture
//! ```
//!
//! Review the diff before committing renewed fixtures (e.g. after moving the
//! pinned version in tests/support/claude.rs).

mod support;

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};
use support::{MockApi, STEP, Sandbox, Session};

/// One fixture: the file name, extra CLI flags, and how to drive the run.
struct Scenario {
    file: &'static str,
    args: &'static [&'static str],
    drive: fn(&MockApi, &mut Session),
    /// `type` or `type/subtype` values the capture must contain.
    expect: &'static [&'static str],
    /// More that only 2.1.332 and later emit.
    expect_new: &'static [&'static str],
}

/// How many scenarios run at once (each CLI takes a core while it starts).
const AT_ONCE: usize = 4;

const SCHEMA: &str = r#"{"type":"object","properties":{"answer":{"type":"integer"},"why":{"type":"string"}},"required":["answer"]}"#;

const SCENARIOS: &[Scenario] = &[
    Scenario {
        file: "slow-tool.jsonl",
        args: &["--allowedTools", "Bash"],
        // Over 30 s: 2.1.332 reports a running tool every 30 s.
        drive: |_, cli| one_turn(cli, "tick: 32"),
        expect: &["system/init", "system/task_started", "result/success"],
        expect_new: &["tool_progress"],
    },
    Scenario {
        file: "text-turn.jsonl",
        args: &[],
        drive: |_, cli| one_turn(cli, "What is a FIFO? one two three four five six"),
        expect: &["system/init", "assistant", "result/success"],
        expect_new: &[],
    },
    Scenario {
        file: "bash-tool.jsonl",
        args: &["--allowedTools", "Bash"],
        drive: |_, cli| one_turn(cli, "bash: ls / | head -3"),
        expect: &["system/init", "assistant", "user", "result/success"],
        expect_new: &[],
    },
    Scenario {
        file: "tools-partial.jsonl",
        args: &[
            "--allowedTools",
            "Bash",
            "Read",
            "--include-partial-messages",
        ],
        drive: |_, cli| {
            one_turn(
                cli,
                r"multi: read: /etc/hostname ;; bash: printf 'a\tb\n'; echo done",
            )
        },
        expect: &[
            "system/init",
            "system/status",
            "stream_event",
            "assistant",
            "user",
            "result/success",
        ],
        expect_new: &[],
    },
    Scenario {
        file: "thinking-partial.jsonl",
        args: &["--include-partial-messages"],
        drive: |_, cli| one_turn(cli, "think: Considering the request carefully."),
        expect: &[
            "system/init",
            "system/thinking_tokens",
            "stream_event",
            "assistant",
            "result/success",
        ],
        expect_new: &[],
    },
    Scenario {
        file: "steer-replayed.jsonl",
        args: &["--allowedTools", "Bash", "--replay-user-messages"],
        drive: |_, cli| {
            // Long enough for the CLI to report the command as a task.
            cli.say("bash: sleep 4; echo finished");
            cli.wait_for("Bash tool_use", STEP, is_tool_use);
            cli.say("Please also count the files");
            cli.wait_result(STEP);
            cli.finish(STEP);
        },
        expect: &[
            "system/init",
            "system/task_started",
            "user",
            "assistant",
            "result/success",
        ],
        expect_new: &[],
    },
    Scenario {
        file: "interrupt.jsonl",
        args: &["--allowedTools", "Bash", "--replay-user-messages"],
        drive: |_, cli| {
            cli.say("bash: sleep 8; echo unreachable");
            cli.wait_for("Bash tool_use", STEP, is_tool_use);
            std::thread::sleep(Duration::from_millis(500));
            cli.interrupt();
            cli.wait_result(STEP);
            cli.say("carry on");
            cli.wait_result(STEP);
            cli.finish(STEP);
        },
        expect: &[
            "system/init",
            "control_response",
            "result/error_during_execution",
            "result/success",
        ],
        expect_new: &[],
    },
    Scenario {
        file: "api-error-400.jsonl",
        args: &[],
        drive: |_, cli| one_turn(cli, "http: 400"),
        expect: &["system/init", "assistant", "result"],
        expect_new: &[],
    },
    Scenario {
        file: "auth-retry-401-killed.jsonl",
        args: &[],
        drive: |api, cli| {
            api.fail_with(Some(401));
            cli.say("hello");
            // Five retries (backoff doubling from about 0.5 s), then killed.
            for _ in 0..5 {
                cli.wait_for_type("system", Some("api_retry"), STEP);
            }
            cli.kill();
        },
        expect: &["system/init", "system/api_retry"],
        expect_new: &[],
    },
    Scenario {
        file: "retry-529.jsonl",
        args: &[],
        drive: |api, cli| {
            api.fail_next(529, 1);
            one_turn(cli, "still there?");
        },
        expect: &["system/init", "system/api_retry", "result/success"],
        expect_new: &[],
    },
    Scenario {
        file: "big-result.jsonl",
        args: &[],
        drive: |_, cli| {
            cli.say("big: 270000");
            cli.wait_result(STEP);
            let line = cli.raw_lines().last().expect("the result line");
            assert!(
                line.len() > 256 * 1024,
                "result line of {} bytes",
                line.len()
            );
            cli.finish(STEP);
        },
        expect: &["system/init", "assistant", "result/success"],
        expect_new: &[],
    },
    Scenario {
        file: "permission-allow.jsonl",
        args: &["--permission-prompt-tool", "stdio"],
        drive: |_, cli| {
            cli.say("write: notes.txt :: hello from the model");
            allow(cli);
            cli.wait_result(STEP);
            cli.say("edit: notes.txt :: hello => goodbye");
            allow(cli);
            let result = cli.wait_result(STEP);
            assert_eq!(result["permission_denials"], json!([]), "{result}");
            cli.finish(STEP);
        },
        expect: &[
            "system/init",
            "control_request",
            "user",
            "assistant",
            "result/success",
        ],
        expect_new: &[],
    },
    Scenario {
        file: "permission-deny.jsonl",
        args: &[
            "--permission-prompt-tool",
            "stdio",
            "--disallowedTools",
            "Bash(rm:*)",
        ],
        drive: |_, cli| {
            // Denied by the host, through the prompt tool.
            cli.say("write: secret.txt :: not for the repository");
            let ask = cli.wait_request("can_use_tool", STEP);
            let message = "writes are not allowed here";
            cli.answer(
                ask["request_id"].as_str().unwrap(),
                json!({"behavior": "deny", "message": message}),
            );
            let result = cli.wait_result(STEP);
            assert_eq!(result["permission_denials"][0]["tool_name"], "Write");
            // Denied by a rule: the CLI does not ask.
            cli.say("bash: rm -f notes.txt");
            let result = cli.wait_result(STEP);
            assert_eq!(result["permission_denials"][0]["tool_name"], "Bash");
            cli.finish(STEP);
        },
        expect: &["system/init", "control_request", "user", "result/success"],
        expect_new: &["system/permission_denied"],
    },
    Scenario {
        file: "permission-cancelled.jsonl",
        args: &["--permission-prompt-tool", "stdio"],
        drive: |_, cli| {
            // An interrupt while a permission request waits for its answer.
            cli.say("write: pending.txt");
            cli.wait_request("can_use_tool", STEP);
            std::thread::sleep(Duration::from_millis(300));
            let id = cli.interrupt();
            cli.wait_response(&id, STEP);
            cli.wait_result(STEP);
            cli.finish(STEP);
        },
        expect: &[
            "system/init",
            "control_request",
            "control_response",
            "result/error_during_execution",
        ],
        expect_new: &["control_cancel_request"],
    },
    Scenario {
        file: "command-lifecycle.jsonl",
        args: &["--replay-user-messages"],
        drive: |_, cli| {
            // The second message is queued while the first is answered.
            cli.say_with(
                "slow: first stamped message",
                json!({"uuid": "5f0c6f0e-0000-4000-8000-00000000000a"}),
            );
            cli.say_with(
                "second stamped message",
                json!({"uuid": "5f0c6f0e-0000-4000-8000-00000000000b"}),
            );
            cli.wait_result(STEP);
            cli.wait_result(STEP);
            cli.finish(STEP);
        },
        expect: &["system/init", "user", "assistant", "result/success"],
        expect_new: &["command_lifecycle"],
    },
    Scenario {
        file: "interrupt-queued.jsonl",
        args: &["--allowedTools", "Bash"],
        drive: |_, cli| {
            let new = support::claude::at_least(2, 1, 332);
            let stamp = |n: u32| json!({"uuid": format!("7e57ab1e-0000-4000-8000-{n:012}")});
            // A plain interrupt: the queued message survives it.
            cli.say_with("bash: true; sleep 30", stamp(1));
            cli.wait_for("Bash tool_use", STEP, is_tool_use);
            cli.say_with("queued behind the tool", stamp(2));
            wait_queued(cli, new, "000000000002");
            cli.interrupt();
            cli.wait_result(STEP);
            cli.wait_result(STEP);
            // With cancel_queued, the queued message is cancelled.
            cli.say_with("bash: true; sleep 30", stamp(3));
            cli.wait_for("Bash tool_use", STEP, is_tool_use);
            cli.say_with("cancelled before it runs", stamp(4));
            wait_queued(cli, new, "000000000004");
            let id = cli.request(json!({"subtype": "interrupt", "cancel_queued": true}));
            cli.wait_response(&id, STEP);
            cli.wait_result(STEP);
            cli.finish(STEP);
        },
        expect: &[
            "system/init",
            "control_response",
            "result/error_during_execution",
            "result/success",
        ],
        expect_new: &["command_lifecycle"],
    },
    Scenario {
        file: "initialize-hooks.jsonl",
        args: &["--allowedTools", "Bash"],
        drive: |_, cli| {
            let hooks = json!({"PreToolUse": [
                {"matcher": "Bash", "hookCallbackIds": ["hook-pre-bash"]}]});
            let id = cli.request(json!({"subtype": "initialize", "hooks": hooks}));
            cli.wait_response(&id, STEP);
            cli.say("bash: echo hooked");
            let call = cli.wait_request("hook_callback", STEP);
            cli.answer(
                call["request_id"].as_str().unwrap(),
                json!({"continue": true}),
            );
            cli.wait_result(STEP);
            cli.finish(STEP);
        },
        expect: &[
            "control_response",
            "system/init",
            "control_request",
            "result/success",
        ],
        expect_new: &[],
    },
    Scenario {
        file: "session-controls.jsonl",
        args: &[],
        drive: |_, cli| {
            for request in [
                json!({"subtype": "set_model", "model": "claude-sonnet-4-5"}),
                json!({"subtype": "set_permission_mode", "mode": "plan"}),
                json!({"subtype": "set_permission_mode", "mode": "nonsense"}),
                json!({"subtype": "set_permission_mode", "mode": "default"}),
                json!({"subtype": "set_max_thinking_tokens", "max_thinking_tokens": 2048}),
                json!({"subtype": "set_max_thinking_tokens"}),
            ] {
                let id = cli.request(request);
                cli.wait_response(&id, STEP);
            }
            one_turn(cli, "after the controls");
        },
        expect: &["control_response", "system/init", "result/success"],
        expect_new: &[],
    },
    Scenario {
        file: "subagent.jsonl",
        args: &["--allowedTools", "Bash", "Task"],
        drive: |_, cli| one_turn(cli, "task: bash: echo from-the-subagent"),
        expect: &[
            "system/init",
            "system/task_started",
            "assistant",
            "user",
            "result/success",
        ],
        expect_new: &[],
    },
    Scenario {
        file: "subagent-background.jsonl",
        args: &["--allowedTools", "Bash", "Task"],
        drive: |_, cli| {
            // The turn ends while the subagent works; its notification starts another.
            cli.say("bgtask: bash: echo from-the-background");
            cli.wait_result(STEP);
            let next = cli.wait_result(STEP);
            assert_eq!(
                next["result"], "Task finished: Tool finished: from-the-background",
                "{next}"
            );
            cli.finish(STEP);
        },
        expect: &[
            "system/init",
            "system/task_started",
            "system/task_notification",
            "result/success",
        ],
        expect_new: &["system/background_tasks_changed"],
    },
    Scenario {
        file: "session-mirror.jsonl",
        args: &["--session-mirror"],
        drive: |_, cli| one_turn(cli, "mirror this turn"),
        expect: &["system/init", "transcript_mirror", "result/success"],
        expect_new: &[],
    },
    Scenario {
        file: "structured-output.jsonl",
        args: &["--json-schema", SCHEMA],
        drive: |_, cli| {
            cli.say(r#"json: {"answer": 42, "why": "scripted"}"#);
            let result = cli.wait_result(STEP);
            assert_eq!(result["structured_output"]["answer"], 42, "{result}");
            cli.finish(STEP);
        },
        expect: &["system/init", "assistant", "user", "result/success"],
        expect_new: &[],
    },
];

fn one_turn(cli: &mut Session, prompt: &str) {
    cli.say(prompt);
    cli.wait_result(STEP);
    cli.finish(STEP);
}

/// Answers the next permission request with allow and the input as asked
/// (2.1.197 wants `updatedInput`; 2.1.332 also takes a bare allow).
fn allow(cli: &mut Session) {
    let ask = cli.wait_request("can_use_tool", STEP);
    let input = ask["request"]["input"].clone();
    cli.answer(
        ask["request_id"].as_str().unwrap(),
        json!({"behavior": "allow", "updatedInput": input}),
    );
}

/// Waits until the CLI has queued the message whose uuid ends so (2.1.332
/// says so with `command_lifecycle`; older ones get half a second).
fn wait_queued(cli: &mut Session, new: bool, uuid_end: &str) {
    if new {
        cli.wait_for("queued lifecycle", STEP, |e| {
            e["state"] == "queued"
                && e["command_uuid"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(uuid_end))
        });
    } else {
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn is_tool_use(event: &Value) -> bool {
    event["type"] == "assistant" && event.to_string().contains(r#""type":"tool_use""#)
}

/// One capture: stdout and stdin lines, anonymised, newline-terminated.
struct Capture {
    stdout: String,
    stdin: String,
}

/// Runs one scenario and checks its capture.
fn capture(scenario: &Scenario) -> Capture {
    let started = std::time::Instant::now();
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(scenario.args));
    (scenario.drive)(&api, &mut cli);
    check(scenario.file, &cli, scenario.expect, scenario.expect_new);
    eprintln!("{}: captured in {:.1?}", scenario.file, started.elapsed());
    Capture::of(&sandbox, &cli)
}

/// Checks that the capture is one JSON object per line with a string
/// `type`, `system/init` before the first answer, and holds the event kinds
/// `expect` (and `expect_new`, on 2.1.332 and later).
fn check(file: &str, cli: &Session, expect: &[&str], expect_new: &[&str]) {
    let mut seen = BTreeSet::new();
    for (n, line) in cli.raw_lines().iter().enumerate() {
        let event: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{file}:{}: not JSON ({e}): {line}", n + 1));
        let kind = event["type"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}:{}: no string `type`: {line}", n + 1));
        if matches!(kind, "assistant" | "result") {
            assert!(
                seen.contains("system/init"),
                "{file}:{}: {kind} before system/init",
                n + 1
            );
        }
        seen.insert(kind.to_owned());
        if let Some(sub) = event["subtype"].as_str() {
            seen.insert(format!("{kind}/{sub}"));
        }
    }
    let new = support::claude::at_least(2, 1, 332);
    let expected = expect.iter().chain(expect_new.iter().filter(|_| new));
    for want in expected {
        assert!(
            seen.contains(*want),
            "{file}: no {want} event; saw {seen:?}\n{}",
            cli.transcript()
        );
    }
}

impl Capture {
    fn of(sandbox: &Sandbox, cli: &Session) -> Capture {
        let text = |lines: &[String]| {
            let mut text = sandbox.anonymise(&lines.join("\n"));
            text.push('\n');
            text
        };
        Capture {
            stdout: text(cli.raw_lines()),
            stdin: text(cli.sent_lines()),
        }
    }

    /// Writes `<dir>/<file>` and `<dir>/stdin/<file>`.
    fn write(self, dir: &std::path::Path, file: &str) {
        std::fs::create_dir_all(dir.join("stdin")).expect("create CCPIPE_CAPTURE_DIR/stdin");
        for (path, text) in [
            (dir.join(file), self.stdout),
            (dir.join("stdin").join(file), self.stdin),
        ] {
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            eprintln!("wrote {}", path.display());
        }
    }
}

/// Where to write captures, if anywhere.
fn capture_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("CCPIPE_CAPTURE_DIR").map(std::path::PathBuf::from)
}

#[test]
fn capture_fixtures() {
    let dir = capture_dir();
    // A few at a time: most of each run is waiting (sleeps, retry backoff),
    // but each CLI takes a core while it starts.
    let next = Mutex::new(SCENARIOS.iter());
    let captures: Mutex<Vec<(&str, Capture)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..AT_ONCE)
            .map(|_| {
                s.spawn(|| {
                    loop {
                        let Some(scenario) = next.lock().unwrap().next() else {
                            return;
                        };
                        let done = capture(scenario);
                        captures.lock().unwrap().push((scenario.file, done));
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("a capture failed (see above)");
        }
    });
    let captures = captures.into_inner().unwrap();
    assert_eq!(captures.len(), SCENARIOS.len());
    if let Some(dir) = &dir {
        for (file, capture) in captures {
            capture.write(dir, file);
        }
    }
}

/// The embedded demo (`cc-replay --demo`, `cc-replay --as-claude`): a short
/// real session on a scratch crate whose test fails, with the flags cc-run
/// passes and the session states it asks for. The model's words are
/// scripted ([`support::demo`]); the Read, both `cargo test` runs and the
/// Edit are the CLI's own, and so is the merging of the message typed while
/// the first test run works.
#[test]
fn capture_demo() {
    use support::demo;
    let file = "demo.jsonl";
    let started = std::time::Instant::now();
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api).with_env("CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS", "1");
    demo::write_project(sandbox.cwd());
    api.play(demo::turns(sandbox.cwd()));
    let mut cmd = sandbox.claude(&[
        "--replay-user-messages",
        "--include-partial-messages",
        "--model",
        demo::MODEL,
        "--allowedTools",
        "Bash",
        "Read",
        "Edit",
    ]);
    plain_cargo(&mut cmd, &sandbox);
    let mut cli = Session::spawn(cmd);
    cli.say(demo::PROMPT);
    cli.wait_for("the first cargo test", STEP, |e| {
        is_tool_use(e) && e.to_string().contains(r#""command":"cargo test""#)
    });
    cli.say(demo::STEERING);
    let result = cli.wait_result(STEP);
    assert_eq!(result["subtype"], "success", "{result}");
    cli.finish(STEP);
    check(
        file,
        &cli,
        &[
            "system/init",
            "system/session_state_changed",
            "stream_event",
            "assistant",
            "user",
            "result/success",
        ],
        &[],
    );
    assert_eq!(api.script_left(), 0, "{}", api.summary());
    assert!(
        demo::fixed(sandbox.cwd()),
        "the Edit did not change src/lib.rs"
    );
    let turns = api.turns();
    assert_eq!(turns.len(), 5, "{}", api.summary());
    // The first test run's output reached the model with the steering merged
    // into the same request (a reminder inside the tool result), not queued
    // as a turn of its own.
    let after_run = turns[2].last_user_texts().join("\n");
    for needle in ["test result: FAILED", "left: Some(2.0)"] {
        assert!(after_run.contains(needle), "no {needle:?} in {after_run}");
    }
    for needle in [support::script::STEERING_MARKER, demo::STEERING] {
        assert!(
            turns[2].contains(needle),
            "the steering was not merged after the test run\n{}\n{}",
            api.summary(),
            cli.transcript()
        );
    }
    let last_run = turns[4].last_user_texts().join("\n");
    assert!(last_run.contains("test result: ok. 2 passed"), "{last_run}");
    let events = cli.events();
    let replayed = |text: &str| {
        events
            .iter()
            .any(|e| e["isReplay"] == true && e["message"]["content"] == text)
    };
    assert!(replayed(demo::PROMPT) && replayed(demo::STEERING));
    let results = events.iter().filter(|e| e["type"] == "result").count();
    assert_eq!(results, 1, "one turn: the steering was merged into it");
    let init = events.iter().find(|e| e["subtype"] == "init").unwrap();
    assert_eq!(init["model"], demo::MODEL);
    eprintln!("{file}: captured in {:.1?}", started.elapsed());
    let capture = Capture::of(&sandbox, &cli);
    // Not even a piece of the scratch paths is left (streamed tool inputs
    // keep a path in one piece, so it is anonymised there too).
    for dir in [sandbox.cwd(), sandbox.home()] {
        let name = dir.file_name().unwrap().to_string_lossy();
        assert!(
            !capture.stdout.contains(name.as_ref()),
            "{name} left in {file}"
        );
    }
    if let Some(dir) = capture_dir() {
        capture.write(&dir, file);
    }
}

/// The Bash tool's `cargo test` as on a developer's machine: the
/// toolchain's own cargo first on PATH (the rustup proxy would look for
/// its settings in the scratch HOME), none of the variables cargo sets for
/// this test run (`CARGO_TARGET_DIR` would send the build into ours,
/// `RUST_BACKTRACE` would add a backtrace to the failure), no colour.
fn plain_cargo(cmd: &mut std::process::Command, sandbox: &Sandbox) {
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        let cargo = k.starts_with("CARGO") && k != "CARGO_HOME";
        let rust = k.starts_with("RUST") && !k.starts_with("RUSTUP");
        if cargo || rust {
            cmd.env_remove(&key);
        }
    }
    cmd.env("CARGO_TERM_COLOR", "never");
    let toolchain = std::env::var_os("CARGO")
        .map(std::path::PathBuf::from)
        .and_then(|c| c.parent().map(std::path::Path::to_path_buf));
    let path = sandbox
        .env()
        .into_iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let path = std::env::join_paths(toolchain.into_iter().chain(std::env::split_paths(&path)))
        .expect("PATH");
    cmd.env("PATH", path);
}
