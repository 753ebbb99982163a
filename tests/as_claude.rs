//! `cc-replay --as-claude`: the stand-in for the `claude` binary answers a
//! host's messages with the turns of a recording, as the real CLI would
//! frame them, and the whole pipeline (cc-prompt, cc-steer with a real
//! FIFO, cc-run, cc-fmt) runs offline through it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::{bin, fixture};
use serde_json::{Value, json};

/// The flags cc-run passes to claude.
const CC_RUN: [&str; 8] = [
    "-p",
    "--input-format",
    "stream-json",
    "--output-format",
    "stream-json",
    "--verbose",
    "--replay-user-messages",
    "--include-partial-messages",
];

/// Generous, for a loaded machine; no test waits it out when all is well.
const STEP: Duration = Duration::from_secs(60);

const PROMPT: &str = "fix the failing test";
const STEERING: &str = "please keep the public API as it is";

fn user(text: &str) -> String {
    json!({"type": "user", "message": {"role": "user", "content": text},
           "parent_tool_use_id": null})
    .to_string()
}

fn cc_replay() -> PathBuf {
    assert_cmd::cargo::cargo_bin("cc-replay")
}

/// A running stand-in, driven line by line.
struct Stand {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<Value>,
}

impl Stand {
    fn spawn(program: &Path, args: &[&str], states: bool) -> Stand {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_remove("CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if states {
            cmd.env("CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS", "1");
        }
        let mut child = cmd.spawn().expect("spawn the stand-in");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        Stand {
            stdin: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// The next event, if one comes within `timeout`.
    fn next(&mut self, timeout: Duration) -> Option<Value> {
        let line = self.lines.recv_timeout(timeout).ok()?;
        let event: Value = serde_json::from_str(&line).expect("every line is JSON");
        self.seen.push(event.clone());
        Some(event)
    }

    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + STEP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left) {
                Some(e) if pred(&e) => return e,
                Some(_) => {}
                None => panic!("no {what}; saw:\n{:#?}", self.seen),
            }
        }
    }

    /// Closes stdin and reads the rest; the exit status must be 0.
    fn finish(mut self) -> Vec<Value> {
        self.stdin = None;
        while self.next(STEP).is_some() {}
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        std::mem::take(&mut self.seen)
    }
}

impl Drop for Stand {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn replays(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .filter(|e| e["isReplay"] == true)
        .filter_map(|e| e["message"]["content"].as_str())
        .collect()
}

fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e["subtype"].as_str() {
            Some(sub) => format!("{}/{sub}", e["type"].as_str().unwrap_or("?")),
            None => e["type"].as_str().unwrap_or("?").to_owned(),
        })
        .collect()
}

#[test]
fn each_message_gets_the_next_turn_then_an_error_result() {
    // command-lifecycle.jsonl: two text turns, recorded with echoes of its own.
    let input = [user("first"), user("second"), user("third")].join("\n") + "\n";
    let out = bin("cc-replay")
        .arg("--no-delay")
        .arg("--as-claude")
        .arg(fixture("command-lifecycle.jsonl"))
        .args(&CC_RUN[..7])
        .write_stdin(input)
        .timeout(STEP)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let events: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Our messages are echoed, the recorded ones and their lifecycle are not.
    assert_eq!(replays(&events), ["first", "second", "third"]);
    let kinds = kinds(&events);
    assert!(!kinds.iter().any(|k| k == "command_lifecycle"), "{kinds:?}");
    let results: Vec<&Value> = events.iter().filter(|e| e["type"] == "result").collect();
    assert_eq!(results.len(), 3, "{kinds:?}");
    assert_eq!(results[0]["result"], "first stamped message");
    assert_eq!(results[1]["result"], "echo: second stamped message");
    assert_eq!(results[2]["is_error"], true);
    let why = results[2]["errors"][0].as_str().unwrap();
    assert!(why.contains("no more turns"), "{why}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no more turns"));
    // No session states unless asked for, no stream events without the flag.
    assert!(!kinds.iter().any(|k| k.contains("session_state_changed")));
    assert!(!kinds.iter().any(|k| k == "stream_event"));
}

#[test]
fn session_states_and_partial_messages_as_the_cli_sends_them() {
    let mut s = Stand::spawn(
        &cc_replay(),
        &[&["--no-delay", "--as-claude"][..], &CC_RUN].concat(),
        true,
    );
    s.send(&user(PROMPT));
    s.wait_for("the result", |e| e["type"] == "result");
    let events = s.finish();
    let kinds = kinds(&events);
    assert_eq!(kinds.first().unwrap(), "system/session_state_changed");
    assert_eq!(events[0]["state"], "running");
    assert_eq!(events.last().unwrap()["state"], "idle");
    let states = kinds.iter().filter(|k| k.contains("state_changed")).count();
    assert_eq!(states, 2, "the recorded states are not played: {kinds:?}");
    assert!(kinds.iter().any(|k| k == "stream_event"));
    // The prompt's echo comes after the turn's init, where the CLI puts it.
    let init = kinds.iter().position(|k| k == "system/init").unwrap();
    let echo = events.iter().position(|e| e["isReplay"] == true).unwrap();
    assert!(init < echo, "{kinds:?}");
    assert_eq!(replays(&events), [PROMPT]);
    let session = events[init]["session_id"].clone();
    assert!(
        events.iter().all(|e| e["session_id"] == session),
        "one session"
    );
}

#[test]
fn a_message_sent_while_a_turn_plays_is_merged_after_a_tool_result() {
    let mut s = Stand::spawn(
        &cc_replay(),
        &[&["--as-claude"][..], &CC_RUN].concat(),
        false,
    );
    s.send(&user(PROMPT));
    s.wait_for("the first cargo test", |e| {
        e["type"] == "assistant" && e.to_string().contains(r#""command":"cargo test""#)
    });
    s.send(&user(STEERING));
    let result = s.wait_for("the result", |e| e["type"] == "result");
    assert_eq!(result["subtype"], "success");
    let events = s.finish();
    assert_eq!(replays(&events), [PROMPT, STEERING]);
    let echo = events
        .iter()
        .position(|e| e["isReplay"] == true && e["message"]["content"] == STEERING);
    let before = &events[echo.unwrap() - 1];
    assert_eq!(
        before["type"], "user",
        "merged after a tool result: {before}"
    );
    assert!(before["message"]["content"][0]["tool_use_id"].is_string());
    let results = events.iter().filter(|e| e["type"] == "result").count();
    assert_eq!(results, 1, "merged, not a turn of its own");
}

#[test]
fn an_interrupt_is_answered_and_ends_the_turn() {
    let mut s = Stand::spawn(
        &cc_replay(),
        &[&["--as-claude"][..], &CC_RUN].concat(),
        true,
    );
    s.send(&user(PROMPT));
    s.wait_for("the Read", |e| {
        e["type"] == "assistant" && e.to_string().contains(r#""name":"Read""#)
    });
    s.send(r#"{"type":"control_request","request_id":"interrupt-1","request":{"subtype":"interrupt"}}"#);
    let answer = s.wait_for("the answer", |e| e["type"] == "control_response");
    assert_eq!(answer["response"]["request_id"], "interrupt-1");
    assert_eq!(answer["response"]["subtype"], "success");
    let result = s.wait_for("the result", |e| e["type"] == "result");
    assert_eq!(result["subtype"], "error_during_execution");
    assert_eq!(result["is_error"], true);
    assert!(result.get("result").is_none());
    let idle = s.next(STEP).unwrap();
    assert_eq!(idle["state"], "idle");
    // Other control requests are refused, not left waiting.
    s.send(r#"{"type":"control_request","request_id":"set_model-2","request":{"subtype":"set_model","model":"x"}}"#);
    let refused = s.wait_for("the refusal", |e| e["type"] == "control_response");
    assert_eq!(refused["response"]["subtype"], "error");
    assert_eq!(refused["response"]["request_id"], "set_model-2");
    let events = s.finish();
    assert!(
        !events.iter().any(|e| e.to_string().contains("cargo test")),
        "the turn ended"
    );
    assert!(
        events
            .iter()
            .any(|e| e.to_string().contains("[Request interrupted by user]"))
    );
}

#[test]
fn a_recorded_permission_request_waits_for_its_answer() {
    // permission-allow.jsonl: a Write asked on stdout (can_use_tool), recorded
    // without echoes of the user's messages.
    let mut s = Stand::spawn(
        &cc_replay(),
        &[
            &["--no-delay", "--as-claude"][..],
            &[fixture("permission-allow.jsonl").to_str().unwrap()],
            &CC_RUN[..7],
        ]
        .concat(),
        true,
    );
    s.send(&user("write the notes"));
    let ask = s.wait_for("the permission request", |e| e["type"] == "control_request");
    let waiting = s.next(STEP).unwrap();
    assert_eq!(waiting["state"], "requires_action");
    // Nothing more comes until it is answered (the check cannot fail when
    // the stand-in waits; it could only miss a stand-in that is slow to run on).
    assert_eq!(s.next(Duration::from_millis(500)), None);
    let id = ask["request_id"].as_str().unwrap();
    let answer = json!({"type": "control_response", "response": {"subtype": "success",
        "request_id": id, "response": {"behavior": "allow"}}});
    s.send(&answer.to_string());
    // Echoed, as the CLI echoes the host's answers (cc-fmt shows the outcome).
    assert_eq!(s.next(STEP).unwrap(), answer);
    assert_eq!(s.next(STEP).unwrap()["state"], "running");
    let result = s.wait_for("the result", |e| e["type"] == "result");
    assert_eq!(result["subtype"], "success");
    let events = s.finish();
    assert_eq!(replays(&events), ["write the notes"]);
}

/// Each run is a session of its own: runs side by side (GNU parallel) are
/// told apart by cc-fmt and cc-stats as real sessions are.
#[test]
fn each_run_is_a_new_session() {
    let recorded: Value =
        serde_json::from_str(include_str!("fixtures/demo.jsonl").lines().next().unwrap()).unwrap();
    let recorded = recorded["session_id"].as_str().unwrap().to_owned();
    let mut ids = vec![];
    for _ in 0..2 {
        let mut s = Stand::spawn(
            &cc_replay(),
            &[&["--no-delay", "--as-claude"][..], &CC_RUN[..7]].concat(),
            false,
        );
        s.send(&user(PROMPT));
        s.wait_for("the result", |e| e["type"] == "result");
        let events = s.finish();
        let mut seen: Vec<&str> = events
            .iter()
            .filter_map(|e| e["session_id"].as_str())
            .collect();
        seen.dedup();
        assert_eq!(seen.len(), 1, "one session id in a run: {seen:?}");
        assert!(
            !events.iter().any(|e| e.to_string().contains(&recorded)),
            "the recording's session id is gone everywhere"
        );
        ids.push(seen[0].to_owned());
    }
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn only_the_headless_stream_json_mode_is_stood_in_for() {
    for (args, named) in [
        (
            &[
                "--input-format",
                "stream-json",
                "--output-format",
                "stream-json",
                "--verbose",
            ][..],
            "-p",
        ),
        (
            &[
                "-p",
                "--input-format",
                "text",
                "--output-format",
                "stream-json",
                "--verbose",
            ],
            "--input-format text",
        ),
        (
            &[
                "-p",
                "--input-format",
                "stream-json",
                "--output-format",
                "json",
                "--verbose",
            ],
            "--output-format json",
        ),
        (
            &[
                "-p",
                "--input-format",
                "stream-json",
                "--output-format",
                "stream-json",
            ],
            "--verbose",
        ),
    ] {
        let out = bin("cc-replay")
            .arg("--as-claude")
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(named), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    // Any other flag of claude's is taken and has no effect.
    bin("cc-replay")
        .arg("--as-claude")
        .args(CC_RUN)
        .args([
            "--model",
            "sonnet",
            "--allowedTools",
            "Bash",
            "Read",
            "--permission-prompt-tool",
            "stdio",
        ])
        .write_stdin("")
        .assert()
        .success()
        .stdout("");
    let bad = bin("cc-replay")
        .args(["--as-claude", "/nonexistent.jsonl"])
        .args(CC_RUN)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("/nonexistent.jsonl"));
}

#[test]
fn a_recording_with_a_bad_line_is_refused_before_anything_plays() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.jsonl");
    std::fs::write(
        &path,
        "{\"type\":\"system\",\"subtype\":\"init\"}\n{\"type\":\n",
    )
    .unwrap();
    let out = bin("cc-replay")
        .arg("--as-claude")
        .arg(&path)
        .args(CC_RUN)
        .write_stdin(user("hi"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.jsonl:2: invalid JSON"), "{err}");
}

#[test]
fn invoked_as_claude_it_is_the_stand_in() {
    let dir = tempfile::tempdir().unwrap();
    let claude = dir.path().join("claude");
    std::os::unix::fs::symlink(cc_replay(), &claude).unwrap();
    let mut s = Stand::spawn(&claude, &CC_RUN, false);
    s.send(&user(PROMPT));
    let result = s.wait_for("the result", |e| e["type"] == "result");
    assert_eq!(result["subtype"], "success");
    assert_eq!(replays(&s.finish()), [PROMPT]);
    let version = Command::new(&claude).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("2.1.332 (Claude Code"));
}

/// The README's shim and offline pipeline, word for word.
const SHIM: &str = r#"printf '#!/bin/sh\nexec cc-replay --as-claude "$@"\n' > claude-demo && chmod +x claude-demo"#;
const PIPELINE: &str = r#"cc-prompt "fix the failing test" | cc-steer s.fifo | cc-run --claude ./claude-demo | cc-fmt"#;

/// The README's first lines show the demo, its picture, then the offline
/// pipeline, with the commands the tests run.
#[test]
fn the_readme_starts_with_the_demo_and_the_offline_pipeline() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let at = |needle: &str| {
        readme
            .find(needle)
            .unwrap_or_else(|| panic!("the README lacks {needle:?}"))
    };
    let demo = at("cc-replay --demo | cc-fmt\n");
    let picture = at("](docs/demo.svg)");
    let shim = at(&format!("{SHIM}\n"));
    let pipeline = at(&format!("{PIPELINE}\n"));
    let quick_start = at("## Quick start");
    assert!(demo < picture && picture < shim && shim < pipeline && pipeline < quick_start);
    assert!(readme.contains("It replays, it does not think"));
    let svg = std::fs::read_to_string(root.join("docs/demo.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains(&xml_text(DEMO_STEERING)));
}

/// `text` as the SVG holds it.
fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const DEMO_STEERING: &str = "keep the signature of average, other crates call it";

/// Writes one line to the FIFO as `echo LINE > FIFO` does.
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
    let mut w = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
    writeln!(w, "{line}").unwrap();
}

/// The README's offline pipeline, with the real binaries, a real FIFO and
/// the shim the README shows: the transcript has the prompt, a tool with
/// its real output, the steering line typed into the FIFO, and the footer.
#[test]
fn the_whole_pipeline_runs_offline_with_a_steering_line() {
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = cc_replay().parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let script = format!("set -o pipefail\n{SHIM}\n{PIPELINE} --color never --width 100\n");
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .env("PATH", path);
    for var in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
        "CCPIPE_CLAUDE",
        "CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS",
    ] {
        cmd.env_remove(var);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let mut transcript = Vec::new();
    let wait_for = |needle: &str, transcript: &mut Vec<String>| loop {
        match lines.recv_timeout(STEP) {
            Ok(line) => {
                let found = line.contains(needle);
                transcript.push(line);
                if found {
                    return;
                }
            }
            Err(_) => panic!("no {needle:?} in:\n{}", transcript.join("\n")),
        }
    };
    wait_for("Bash(cargo test)", &mut transcript);
    let fifo = dir.path().join("s.fifo");
    echo_to(&fifo, STEERING);
    wait_for("success", &mut transcript);
    echo_to(&fifo, "/end");
    loop {
        match lines.recv_timeout(STEP) {
            Ok(line) => transcript.push(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("the pipeline did not end:\n{}", transcript.join("\n"));
            }
        }
    }
    let status = child.wait().unwrap();
    let text = transcript.join("\n");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{status:?}\n{text}\n{stderr}");
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in:\n{text}"))
    };
    // In order: the prompt, the failing run with cargo's output, the
    // steering line (merged after a tool result), the footer.
    let prompt = at(&format!("❯ {PROMPT}"));
    let run = at("test average_keeps_the_fraction ... FAILED");
    let steering = at(&format!("❯ {STEERING}"));
    let footer = at("✓ success");
    assert!(
        prompt < run && run < steering && steering < footer,
        "{text}"
    );
    assert!(!fifo.exists(), "cc-steer removes the FIFO it made");
}
