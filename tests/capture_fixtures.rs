//! Captures the shared fixtures afresh from the real Claude Code CLI.
//!
//! `capture_fixtures` always runs every fixture scenario against the pinned
//! CLI and the scripted API stand-in, and checks that each capture is
//! well-formed (one JSON object per line, starting with `system/init`) with
//! the event types the fixture is about. With `CCPIPE_CAPTURE_DIR` set it also
//! writes them there, the scratch paths rewritten to `/home/dev/project`:
//!
//! ```sh
//! CCPIPE_CAPTURE_DIR=tests/fixtures cargo test --test capture_fixtures -- --nocapture
//! ```
//!
//! Review the diff before committing renewed fixtures (e.g. after moving the
//! pinned version in tests/support/claude.rs).

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use support::{MockApi, STEP, Sandbox, Session};

/// One fixture: the file name, extra CLI flags, and how to drive the run.
struct Scenario {
    file: &'static str,
    args: &'static [&'static str],
    drive: fn(&MockApi, &mut Session),
    /// `type` or `type/subtype` values the capture must contain.
    expect: &'static [&'static str],
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        file: "text-turn.jsonl",
        args: &[],
        drive: |_, cli| one_turn(cli, "What is a FIFO? one two three four five six"),
        expect: &["system/init", "assistant", "result/success"],
    },
    Scenario {
        file: "bash-tool.jsonl",
        args: &["--allowedTools", "Bash"],
        drive: |_, cli| one_turn(cli, "bash: ls / | head -3"),
        expect: &["system/init", "assistant", "user", "result/success"],
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
    },
    Scenario {
        file: "api-error-400.jsonl",
        args: &[],
        drive: |_, cli| one_turn(cli, "http: 400"),
        expect: &["system/init", "assistant", "result/success"],
    },
    Scenario {
        file: "auth-retry-401-killed.jsonl",
        args: &[],
        drive: |api, cli| {
            api.fail_with(Some(401));
            cli.say("hello");
            for _ in 0..3 {
                cli.wait_for_type("system", Some("api_retry"), STEP);
            }
            cli.kill();
        },
        expect: &["system/init", "system/api_retry"],
    },
];

fn one_turn(cli: &mut Session, prompt: &str) {
    cli.say(prompt);
    cli.wait_result(STEP);
    cli.finish(STEP);
}

fn is_tool_use(event: &Value) -> bool {
    event["type"] == "assistant" && event.to_string().contains(r#""type":"tool_use""#)
}

/// Runs one scenario; returns the capture (anonymised, newline-terminated).
fn capture(scenario: &Scenario) -> String {
    let started = std::time::Instant::now();
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cli = Session::spawn(sandbox.claude(scenario.args));
    (scenario.drive)(&api, &mut cli);
    let mut seen = BTreeSet::new();
    for (n, line) in cli.raw_lines().iter().enumerate() {
        let event: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}:{}: not JSON ({e}): {line}", scenario.file, n + 1));
        let kind = event["type"]
            .as_str()
            .unwrap_or_else(|| panic!("{}:{}: no string `type`: {line}", scenario.file, n + 1));
        seen.insert(kind.to_owned());
        if let Some(sub) = event["subtype"].as_str() {
            seen.insert(format!("{kind}/{sub}"));
        }
        if n == 0 {
            assert_eq!(
                (kind, event["subtype"].as_str()),
                ("system", Some("init")),
                "{}: first line",
                scenario.file
            );
        }
    }
    for want in scenario.expect {
        assert!(
            seen.contains(*want),
            "{}: no {want} event; saw {seen:?}",
            scenario.file
        );
    }
    eprintln!("{}: captured in {:.1?}", scenario.file, started.elapsed());
    let mut text = sandbox.anonymise(&cli.raw_lines().join("\n"));
    text.push('\n');
    text
}

#[test]
fn capture_fixtures() {
    let dir = std::env::var_os("CCPIPE_CAPTURE_DIR").map(std::path::PathBuf::from);
    // In parallel: most of each run is waiting (sleeps, retry backoff).
    let captures: Vec<(&str, String)> = std::thread::scope(|s| {
        let runs: Vec<_> = SCENARIOS
            .iter()
            .map(|scenario| (scenario.file, s.spawn(|| capture(scenario))))
            .collect();
        runs.into_iter()
            .map(|(file, run)| {
                (
                    file,
                    run.join()
                        .unwrap_or_else(|_| panic!("{file}: capture failed")),
                )
            })
            .collect()
    });
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir).expect("create CCPIPE_CAPTURE_DIR");
        for (file, text) in captures {
            let path = dir.join(file);
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            eprintln!("wrote {}", path.display());
        }
    }
}
