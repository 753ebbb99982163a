//! Every stage passes an event on as soon as it exists: with the input still
//! open, the first event's output must arrive at once, not when the input
//! ends or a buffer fills. (A stage that only flushed at the end would hang
//! here until the timeout.)

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A real `system/init` event: the first line of a capture.
fn init() -> String {
    let capture = include_str!("fixtures/text-turn.jsonl");
    capture.lines().next().expect("a first line").to_owned()
}

const USER: &str = r#"{"type":"user","message":{"role":"user","content":"hi"}}"#;

fn bin(name: &str) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin(name));
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "COLUMNS", "CCPIPE_CLAUDE"] {
        cmd.env_remove(var);
    }
    cmd
}

/// Writes `line` to `cmd`'s stdin, keeps stdin open, and returns the first
/// line of output, which must come within a few seconds.
fn first_output(mut cmd: Command, line: &str) -> String {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
    stdin.flush().unwrap();
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let _ = tx.send(first);
    });
    let got = rx.recv_timeout(Duration::from_secs(10));
    let _ = child.kill();
    let _ = child.wait();
    drop(stdin);
    got.unwrap_or_else(|_| panic!("{cmd:?}: no output while the input was open"))
}

fn fifo_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ccpipe-stream-{tag}-{}.fifo", std::process::id()))
}

#[test]
fn cc_check_passes_each_event_on_at_once() {
    let mut cmd = bin("cc-check");
    cmd.arg("--output");
    assert_eq!(first_output(cmd, &init()), format!("{}\n", init()));
}

#[test]
fn cc_filter_passes_each_event_on_at_once() {
    let mut cmd = bin("cc-filter");
    cmd.arg(".session_id");
    assert_eq!(
        first_output(cmd, &init()),
        "\"8834fe79-1bf1-4476-a6e6-de678ceb6247\"\n"
    );
    let mut cmd = bin("cc-filter");
    cmd.args(["--type", "system"]);
    assert_eq!(first_output(cmd, &init()), format!("{}\n", init()));
}

#[test]
fn cc_fmt_prints_each_event_at_once() {
    let mut cmd = bin("cc-fmt");
    cmd.args(["--color", "never"]);
    assert!(first_output(cmd, &init()).contains("session 8834fe79"));
}

#[test]
fn cc_replay_passes_each_event_on_at_once() {
    let mut cmd = bin("cc-replay");
    cmd.arg("--no-delay");
    assert_eq!(first_output(cmd, &init()), format!("{}\n", init()));
}

#[test]
fn cc_prompt_lines_writes_each_message_at_once() {
    let mut cmd = bin("cc-prompt");
    cmd.arg("--lines");
    assert!(first_output(cmd, "first question").contains(r#""content":"first question""#));
}

#[test]
fn cc_steer_passes_each_stdin_line_on_at_once() {
    let fifo = fifo_path("steer");
    let mut cmd = bin("cc-steer");
    cmd.arg(&fifo);
    assert_eq!(first_output(cmd, USER), format!("{USER}\n"));
    let _ = std::fs::remove_file(&fifo);
}

#[test]
fn cc_run_passes_each_line_both_ways_at_once() {
    let fake = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fake-claude");
    let mut cmd = bin("cc-run");
    cmd.arg("--claude").arg(fake).env("FAKE_MODE", "echo");
    assert_eq!(first_output(cmd, USER), format!("{USER}\n"));
}
