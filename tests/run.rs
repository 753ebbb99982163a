//! cc-run against tests/fake-claude: argument passing, binary lookup, exit
//! statuses from events, fail-fast, input validation, stderr draining,
//! redaction, signals and timeouts, and that no child process survives.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, fixture};
use predicates::prelude::*;

const USER: &str = r#"{"type":"user","message":{"role":"user","content":"hi"}}"#;

fn fake() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fake-claude")
}

/// A unique value for CCPIPE_TEST_TAG: every process the run starts inherits
/// it, so /proc tells which of them are still alive.
fn tag(name: &str) -> String {
    format!("{name}-{}", std::process::id())
}

/// Live (non-zombie) processes whose environment holds `CCPIPE_TEST_TAG=tag`.
fn tagged(tag: &str) -> Vec<String> {
    let needle = format!("CCPIPE_TEST_TAG={tag}\0");
    let mut found = vec![];
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let path = entry.path();
        let Ok(environ) = std::fs::read(path.join("environ")) else {
            continue;
        };
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        let zombie = stat
            .rfind(')')
            .is_some_and(|i| stat[i + 1..].trim_start().starts_with('Z'));
        if !zombie
            && environ
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        {
            let cmdline = std::fs::read(path.join("cmdline")).unwrap_or_default();
            found.push(String::from_utf8_lossy(&cmdline).replace('\0', " "));
        }
    }
    found
}

/// Waits up to 5 s for every process tagged `tag` to be gone.
fn assert_none_left(tag: &str) {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let left = tagged(tag);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < until, "processes left behind: {left:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// cc-run with the fake child in `mode`.
fn run(mode: &str) -> assert_cmd::Command {
    let mut cmd = bin("cc-run");
    cmd.arg("--claude").arg(fake()).env("FAKE_MODE", mode);
    cmd
}

/// cc-run replaying a fixture, then doing `then` (drain, sleep, hang).
fn replay(name: &str, then: &str) -> assert_cmd::Command {
    let mut cmd = run("output");
    cmd.env("FAKE_OUTPUT", fixture(name)).env("FAKE_THEN", then);
    cmd
}

/// The same as a std Command, for tests that signal it while it runs.
fn spawn(args: &[&str], envs: &[(&str, &str)], tag: &str) -> Child {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("cc-run"));
    cmd.arg("--claude")
        .arg(fake())
        .args(args)
        .env_remove("CCPIPE_CLAUDE")
        .env("CCPIPE_TEST_TAG", tag)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Reads stdout lines until one contains `what`.
fn wait_for(out: &mut impl BufRead, what: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "stdout ended before {what:?}"
        );
        if line.contains(what) {
            return;
        }
    }
}

fn wait_with_deadline(child: &mut Child, secs: u64) -> std::process::ExitStatus {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < until,
            "cc-run did not exit within {secs} s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    child.stderr.take().unwrap().read_to_string(&mut s).unwrap();
    s
}

fn kill(child: &Child, sig: nix::sys::signal::Signal) {
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, sig).unwrap();
}

#[test]
fn claude_args_pass_through_verbatim_after_the_fixed_flags() {
    let dir = tempfile::tempdir().unwrap();
    let args_file = dir.path().join("args");
    run("echo")
        .env("FAKE_ARGS", &args_file)
        .args(["--", "--model", "x y", "-v", "--timeout", "$HOME", "*"])
        .write_stdin("")
        .assert()
        .code(1);
    let args = std::fs::read_to_string(&args_file).unwrap();
    let expected = "-p\n--input-format\nstream-json\n--output-format\nstream-json\n--verbose\n\
                    --replay-user-messages\n--include-partial-messages\n--model\nx y\n-v\n\
                    --timeout\n$HOME\n*\n";
    assert_eq!(args, expected);
    // --no-partial leaves partial messages out; a flag given twice is not doubled.
    for (flags, partial) in [
        (&["--no-partial", "--"][..], 0),
        (&["--", "--include-partial-messages"][..], 1),
    ] {
        run("echo")
            .env("FAKE_ARGS", &args_file)
            .args(flags)
            .write_stdin("")
            .assert()
            .code(1);
        let args = std::fs::read_to_string(&args_file).unwrap();
        let n = args
            .lines()
            .filter(|a| *a == "--include-partial-messages")
            .count();
        assert_eq!(n, partial, "{flags:?}: {args}");
    }
}

#[test]
fn the_binary_comes_from_flag_then_env_then_path() {
    let dir = tempfile::tempdir().unwrap();
    let on_path = dir.path().join("claude");
    std::os::unix::fs::symlink(fake(), &on_path).unwrap();
    let path = format!("{}:/usr/bin:/bin", dir.path().display());
    let ok = |cmd: &mut assert_cmd::Command| {
        cmd.env("FAKE_MODE", "turns")
            .write_stdin(format!("{USER}\n"))
            .assert()
            .success()
            .stdout(predicate::str::contains(r#""type":"result""#));
    };
    ok(bin("cc-run").env("PATH", &path));
    ok(bin("cc-run")
        .env("PATH", "/usr/bin:/bin")
        .env("CCPIPE_CLAUDE", fake()));
    // The flag wins over the environment.
    ok(bin("cc-run")
        .env("CCPIPE_CLAUDE", "/nonexistent/claude")
        .arg("--claude")
        .arg(fake()));
}

#[test]
fn a_missing_binary_exits_127_saying_how_to_fix_it() {
    bin("cc-run")
        .env("PATH", "/nonexistent")
        .write_stdin("")
        .assert()
        .code(127)
        .stdout("")
        .stderr(predicate::str::contains(
            "cc-run: cannot run claude: `claude` not found on PATH",
        ))
        .stderr(predicate::str::contains("--claude or CCPIPE_CLAUDE"));
    bin("cc-run")
        .env("CCPIPE_CLAUDE", "/nonexistent/claude")
        .write_stdin("")
        .assert()
        .code(127)
        .stderr("cc-run: cannot run claude: /nonexistent/claude (from CCPIPE_CLAUDE): not found\n");
    let dir = tempfile::tempdir().unwrap();
    let not_exec = dir.path().join("claude");
    std::fs::write(&not_exec, "#!/bin/sh\n").unwrap();
    bin("cc-run")
        .arg("--claude")
        .arg(&not_exec)
        .assert()
        .code(127)
        .stderr(predicate::str::contains("ermission denied"));
}

#[test]
fn a_successful_result_exits_0_and_every_event_is_forwarded() {
    let expected = std::fs::read_to_string(fixture("bash-tool.jsonl")).unwrap();
    replay("bash-tool.jsonl", "drain")
        .write_stdin(format!("{USER}\n"))
        .assert()
        .success()
        .stdout(expected)
        .stderr("");
}

#[test]
fn an_error_result_exits_1_with_the_apis_message() {
    replay("api-error-400.jsonl", "drain")
        .env("FAKE_EXIT", "1")
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(
            "cc-run: the session ended with an error (HTTP 400): \
             API Error: 400 scripted 400\n",
        );
}

#[test]
fn the_last_result_decides() {
    // An interrupted turn (error result) followed by a successful one.
    replay("interrupt.jsonl", "drain")
        .write_stdin("")
        .assert()
        .success();
}

#[test]
fn no_result_exits_1_and_quotes_the_childs_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let init = dir.path().join("init.jsonl");
    let first = std::fs::read_to_string(fixture("text-turn.jsonl")).unwrap();
    std::fs::write(&init, first.lines().next().unwrap()).unwrap();
    run("output")
        .env("FAKE_OUTPUT", &init)
        .env("FAKE_EXIT", "2")
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cc-run: the session ended without a result (claude exited with status 2)",
        ));
    run("secret")
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("its stderr ended with: using key"));
}

#[test]
fn authentication_retries_fail_fast_with_exit_3_and_no_process_left() {
    let tag = tag("auth");
    let start = Instant::now();
    let out = replay("auth-retry-401-killed.jsonl", "sleep")
        .env("CCPIPE_TEST_TAG", &tag)
        .env("ANTHROPIC_API_KEY", "sk-test-0123456789abcdef")
        .env("CLAUDE_CODE_OAUTH_TOKEN", "oauth-value-0123456789")
        .timeout(Duration::from_secs(20))
        .write_stdin(format!("{USER}\n"))
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            r#""error":"authentication_failed""#,
        ))
        .get_output()
        .clone();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("ANTHROPIC_API_KEY") && stderr.contains("CLAUDE_CODE_OAUTH_TOKEN"));
    assert!(!stderr.contains("sk-test-0123456789abcdef") && !stderr.contains("oauth-value"));
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line names the cause: {stderr}"
    );
    assert_none_left(&tag);
}

#[test]
fn no_fail_fast_waits_for_the_cli() {
    replay("auth-retry-401-killed.jsonl", "sleep")
        .args(["--no-fail-fast", "--timeout", "1s", "--grace", "200ms"])
        .write_stdin("")
        .timeout(Duration::from_secs(20))
        .assert()
        .code(124);
    // Without a result, the retry errors still name the cause.
    replay("auth-retry-401-killed.jsonl", "drain")
        .arg("--no-fail-fast")
        .write_stdin("")
        .assert()
        .code(3);
}

#[test]
fn a_bad_input_line_stops_the_input_with_its_line_number() {
    for (bad, why) in [
        ("not json", "stdin:3: invalid JSON"),
        ("[1,2]", "stdin:3: expected a JSON object"),
        (r#"{"type":"bogus"}"#, "stdin:3: unknown input type"),
    ] {
        let input = format!("{USER}\n\n{bad}\n{USER}\n");
        run("echo")
            .write_stdin(input)
            .assert()
            .code(1)
            .stdout(format!("{USER}\n"))
            .stderr(predicate::str::starts_with(format!("cc-run: {why}")));
    }
}

#[test]
fn input_lines_are_neither_lost_nor_merged_and_long_lines_pass() {
    let mut input = String::new();
    for i in 0..5000 {
        input.push_str(&format!(
            "{{\"type\":\"user\",\"message\":{{\"role\":\"user\",\"content\":\"n{i}\u{2028}x\"}}}}"
        ));
        input.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
    }
    let big = "y".repeat(48 << 20);
    input.push_str(&format!(
        r#"{{"type":"user","message":{{"role":"user","content":"{big}"}}}}"#
    ));
    let out = run("echo")
        .write_stdin(input.clone())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let expected: String = input
        .lines()
        .map(|l| format!("{}\n", l.trim_end_matches('\r')))
        .collect();
    assert!(
        out.stdout == expected.as_bytes(),
        "output differs from input"
    );
}

#[test]
fn a_stdout_line_that_is_not_an_event_goes_to_stderr() {
    run("stray")
        .write_stdin("")
        .assert()
        .code(1)
        .stdout("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"fake\"}\n")
        .stderr(predicate::str::starts_with(
            "cc-run: claude stdout:1: not an event (invalid JSON at column 1: expected a JSON \
             value), not passed on: plain text on stdout\n",
        ));
}

/// Issue 8, items 3 and 4: only valid event lines reach stdout, whatever
/// their first byte, and a huge stray line is quoted cut on stderr.
#[test]
fn malformed_child_lines_never_reach_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.jsonl");
    let init = r#"{"type":"system","subtype":"init","session_id":"fake"}"#;
    let result =
        r#"{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done"}"#;
    let mut bytes = Vec::new();
    bytes.extend_from_slice(format!("{init}\n").as_bytes());
    bytes.extend_from_slice(b"{\"type\":\"assistant\",\n");
    bytes.extend_from_slice(b"{\"type\":\"user\",\"x\":\"\xff\"}\n");
    bytes.extend_from_slice(b"{\"type\":\"a\",\"type\":\"b\"}\n");
    bytes.extend_from_slice(b"[1,2]\n");
    bytes.push(b'x');
    bytes.extend(std::iter::repeat_n(b'y', 100 << 20));
    bytes.push(b'\n');
    bytes.extend_from_slice(format!("{result}\n").as_bytes());
    std::fs::write(&file, &bytes).unwrap();
    let out = run("output")
        .env("FAKE_OUTPUT", &file)
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{init}\n{result}\n"),
        "only valid events pass"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    for (n, why) in [
        (2, "invalid JSON at column 21"),
        (3, "invalid UTF-8 at column 21"),
        (4, "duplicate key \"type\" at column 13"),
        (5, "expected a JSON object, found an array"),
        (6, "invalid JSON at column 1"),
    ] {
        assert!(
            err.contains(&format!("claude stdout:{n}: not an event ({why}")),
            "line {n}: {err}"
        );
    }
    assert!(
        err.contains(&format!("({} more bytes)", (100 << 20) + 1 - 200)),
        "{err}"
    );
    assert!(
        err.len() < 4096,
        "the huge line is cut on stderr: {} bytes",
        err.len()
    );
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn stderr_is_drained_while_the_child_runs() {
    let out = run("flood")
        .write_stdin("")
        .timeout(Duration::from_secs(30))
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        out.stderr.len() > 1_000_000,
        "stderr forwarded: {}",
        out.stderr.len()
    );
}

#[test]
fn secrets_are_redacted_from_stderr_and_verbose_output() {
    let key = "not-an-sk-but-secret-0123456789";
    let out = run("secret")
        .env("ANTHROPIC_API_KEY", key)
        .env("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
        .arg("--verbose")
        .args(["--", "--append-system-prompt", "sk-ant-api03-INARGS000"])
        .write_stdin("")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains(key), "{stderr}");
    assert!(
        !stderr.contains("SECRETSECRET") && !stderr.contains("INARGS000"),
        "{stderr}"
    );
    assert!(
        stderr.contains("using key [REDACTED] and sk-ant-[REDACTED]"),
        "{stderr}"
    );
    assert!(stderr.contains("ANTHROPIC_API_KEY=[REDACTED]"), "{stderr}");
    assert!(
        stderr.contains("ANTHROPIC_BASE_URL=http://127.0.0.1:9"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--include-partial-messages --append-system-prompt"),
        "{stderr}"
    );
}

#[test]
fn prompt_with_empty_stdin_runs_one_turn() {
    run("turns")
        .args(["--prompt", "hello there"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""content":"hello there""#))
        .stdout(predicate::str::contains(r#""type":"result""#));
}

#[test]
fn timeout_interrupts_then_kills_a_child_that_ignores_term() {
    let tag = tag("timeout");
    let start = Instant::now();
    replay("text-turn.jsonl", "hang")
        .env("CCPIPE_TEST_TAG", &tag)
        .args(["--timeout", "500ms", "--grace", "300ms"])
        .write_stdin("")
        .timeout(Duration::from_secs(20))
        .assert()
        .code(124)
        .stderr(predicate::str::contains("cc-run: timed out after 500ms"));
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
    assert_none_left(&tag);
}

#[test]
fn a_process_left_holding_stdout_is_ended_after_the_child_exits() {
    let tag = tag("orphan");
    let start = Instant::now();
    replay("text-turn.jsonl", "orphan")
        .env("CCPIPE_TEST_TAG", &tag)
        .args(["--grace", "500ms"])
        .write_stdin("")
        .timeout(Duration::from_secs(20))
        .assert()
        .success();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "took {:?}",
        start.elapsed()
    );
    assert_none_left(&tag);
}

#[test]
fn sigterm_ends_the_child_group_with_143() {
    let tag = tag("sigterm");
    let mut child = spawn(
        &[],
        &[
            ("FAKE_MODE", "output"),
            ("FAKE_THEN", "sleep"),
            ("FAKE_OUTPUT", fixture("text-turn.jsonl").to_str().unwrap()),
        ],
        &tag,
    );
    let mut out = BufReader::new(child.stdout.take().unwrap());
    wait_for(&mut out, r#""type":"result""#);
    kill(&child, nix::sys::signal::Signal::SIGTERM);
    let status = wait_with_deadline(&mut child, 10);
    assert_eq!(status.code(), Some(143));
    assert!(stderr_of(&mut child).contains("cc-run: stopped by SIGTERM"));
    assert_none_left(&tag);
}

#[test]
fn sigint_sends_an_interrupt_and_ends_the_input() {
    let tag = tag("sigint");
    let mut child = spawn(&[], &[("FAKE_MODE", "echo")], &tag);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{USER}").unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    wait_for(&mut out, USER);
    kill(&child, nix::sys::signal::Signal::SIGINT);
    // The echoing child shows what it received, then sees EOF and exits.
    wait_for(&mut out, r#""request":{"subtype":"interrupt"}"#);
    let status = wait_with_deadline(&mut child, 10);
    assert_eq!(status.code(), Some(130));
    drop(stdin);
    assert_none_left(&tag);
}

#[test]
fn a_second_sigint_terminates_a_child_that_does_not_stop() {
    let tag = tag("sigint2");
    let output = fixture("text-turn.jsonl");
    let envs = [
        ("FAKE_MODE", "output"),
        ("FAKE_THEN", "sleep"),
        ("FAKE_OUTPUT", output.to_str().unwrap()),
    ];
    let mut child = spawn(&["--verbose"], &envs, &tag);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    wait_for(&mut out, r#""type":"result""#);
    kill(&child, nix::sys::signal::Signal::SIGINT);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "one SIGINT only interrupts"
    );
    kill(&child, nix::sys::signal::Signal::SIGINT);
    let status = wait_with_deadline(&mut child, 10);
    assert_eq!(status.code(), Some(130));
    let stderr = stderr_of(&mut child);
    assert!(stderr.contains("sending an interrupt"), "{stderr}");
    assert!(stderr.contains("sending SIGTERM"), "{stderr}");
    assert!(stderr.ends_with("cc-run: stopped by SIGINT\n"), "{stderr}");
    assert_none_left(&tag);
}

#[test]
fn sighup_ends_the_run_with_129() {
    let tag = tag("sighup");
    let mut child = spawn(&[], &[("FAKE_MODE", "echo")], &tag);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{USER}").unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    wait_for(&mut out, USER);
    kill(&child, nix::sys::signal::Signal::SIGHUP);
    let status = wait_with_deadline(&mut child, 10);
    assert_eq!(status.code(), Some(129));
    drop(stdin);
    assert_none_left(&tag);
}

#[test]
fn sigkill_of_cc_run_leaves_no_process() {
    let tag = tag("sigkill");
    let mut child = spawn(
        &[],
        &[
            ("FAKE_MODE", "output"),
            ("FAKE_THEN", "sleep"),
            ("FAKE_OUTPUT", fixture("text-turn.jsonl").to_str().unwrap()),
        ],
        &tag,
    );
    let mut out = BufReader::new(child.stdout.take().unwrap());
    wait_for(&mut out, r#""type":"result""#);
    assert!(
        tagged(&tag).len() >= 3,
        "cc-run, its guardian, sh and sleep: {:?}",
        tagged(&tag)
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_none_left(&tag);
}

#[test]
fn a_closed_downstream_ends_the_run_quietly() {
    let tag = tag("head");
    let script = format!(
        "{} --claude {} < /dev/null | head -1",
        assert_cmd::cargo::cargo_bin("cc-run").display(),
        fake().display()
    );
    let start = Instant::now();
    let out = Command::new("sh")
        .args(["-c", &script])
        .env("CCPIPE_TEST_TAG", &tag)
        .env("FAKE_MODE", "output")
        .env("FAKE_THEN", "sleep")
        .env("FAKE_OUTPUT", fixture("text-turn.jsonl"))
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_none_left(&tag);
}

#[test]
fn a_failing_stdout_exits_2_with_the_reason() {
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("cc-run"))
        .arg("--claude")
        .arg(fake())
        .env("FAKE_MODE", "turns")
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            let line = format!("{USER}\n");
            child.stdin.take().unwrap().write_all(line.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cc-run: write error: No space left on device (os error 28)\n"
    );
}

#[test]
fn help_shows_examples_and_the_exit_table() {
    bin("cc-run")
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains(
            "cc-prompt 'What does this repo do?' | cc-run",
        ))
        .stdout(predicate::str::contains("124  --timeout expired"));
}

/// tests/scripted-claude: a child whose behaviour is the shell code in FAKE_SCRIPT.
fn scripted() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripted-claude")
}

/// Live (non-zombie) processes whose arguments are exactly `argv`.
fn by_argv(argv: &[&str]) -> Vec<String> {
    let want: Vec<u8> = argv
        .iter()
        .flat_map(|a| [a.as_bytes(), b"\0"].concat())
        .collect();
    let mut found = vec![];
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let path = entry.path();
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        let zombie = stat
            .rfind(')')
            .is_some_and(|i| stat[i + 1..].trim_start().starts_with('Z'));
        if !zombie && std::fs::read(path.join("cmdline")).is_ok_and(|c| c == want) {
            found.push(path.display().to_string());
        }
    }
    found
}

/// Waits up to 5 s for every process running `argv` to be gone; kills what
/// is left so that a failing test leaves nothing behind.
fn assert_argv_gone(argv: &[&str]) {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let left = by_argv(argv);
        if left.is_empty() {
            return;
        }
        if Instant::now() > until {
            for p in &left {
                let pid: i32 = p.trim_start_matches("/proc/").parse().unwrap();
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
            panic!("left behind: {argv:?} at {left:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

const INIT: &str = r#"{"type":"system","subtype":"init","session_id":"fake"}"#;
const RESULT: &str =
    r#"{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done"}"#;

/// A tool that starts `setsid env -i sleep N &` leaves cc-run's process group
/// and drops CCPIPE_RUN_ID; it is still cc-run's descendant (cc-run is a
/// child subreaper) and, where cgroup v2 is writable, in the run's cgroup.
#[test]
fn a_grandchild_that_sheds_the_group_and_the_mark_ends_with_the_run() {
    let secs = format!("3125.{}", std::process::id());
    let script = format!(
        "( setsid env -i sleep {secs} & )\necho '{INIT}'\necho '{RESULT}'\ncat > /dev/null"
    );
    let start = Instant::now();
    bin("cc-run")
        .arg("--claude")
        .arg(scripted())
        .args(["--grace", "5s"])
        .env("FAKE_SCRIPT", &script)
        .write_stdin("")
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    let took = start.elapsed();
    assert_argv_gone(&["sleep", &secs]);
    // It held claude's stdout: left alone, it kept cc-run waiting for TERM
    // and KILL, grace apart (10.5 s here).
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn sigkill_of_cc_run_ends_a_grandchild_that_shed_the_group_and_the_mark() {
    // With a cgroup (where cgroup v2 is writable) and without one (the
    // guardian's record of cc-run's descendants).
    for (i, no_cgroup) in [(1, ""), (2, "1")] {
        let secs = format!("3125.{}{i}", std::process::id());
        let script = format!(
            "( setsid env -i sleep {secs} < /dev/null > /dev/null 2>&1 & )\n\
             echo '{RESULT}'\ncat > /dev/null"
        );
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("cc-run"))
            .arg("--claude")
            .arg(scripted())
            .env("FAKE_SCRIPT", &script)
            .env("CCPIPE_NO_CGROUP", no_cgroup)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        wait_for(&mut out, r#""type":"result""#);
        let until = Instant::now() + Duration::from_secs(10);
        while by_argv(&["sleep", &secs]).is_empty() {
            assert!(Instant::now() < until, "the grandchild never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        // The guardian's record is renewed every 250 ms.
        std::thread::sleep(Duration::from_millis(1000));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_argv_gone(&["sleep", &secs]);
    }
}

/// A prompt cc-run denies itself counts for --fail-on-denial even when the
/// CLI's result lists no denial (the offline stand-in's does not), and a
/// prompt nobody can answer is denied with a line on stderr.
#[test]
fn denials_made_by_cc_run_count_for_fail_on_denial() {
    let request = r#"{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool","tool_name":"Write","input":{"file_path":"x"},"tool_use_id":"t1"}}"#;
    let result = r#"{"type":"result","subtype":"success","is_error":false,"result":"ok","session_id":"s","num_turns":1,"duration_ms":1,"total_cost_usd":0}"#;
    let script = format!(
        "read prompt; echo '{{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}}'; \
         echo '{request}'; read answer; printf '%s\\n' \"$answer\" >&2; echo '{result}'; cat > /dev/null"
    );
    for (args, why) in [
        (
            &["--permit", "false"][..],
            "permission request #1 (Write): denied: denied by the --permit policy",
        ),
        (
            &["--ask"][..],
            "no one can answer: cc-run's input has ended",
        ),
    ] {
        let out = bin("cc-run")
            .arg("--claude")
            .arg(scripted())
            .env("FAKE_SCRIPT", &script)
            .args(args)
            .args(["--fail-on-denial", "--verbose", "--prompt", "write x"])
            .write_stdin("")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(6), "{args:?}: {stderr}");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cc-run: permission denied for Write (--fail-on-denial)"),
            "{args:?}: {stderr}"
        );
    }
}
