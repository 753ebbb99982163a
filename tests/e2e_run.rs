//! cc-run (and cc-prompt) with the real Claude Code CLI against the scripted
//! API stand-in: answers and tool calls flow through, HTTP failures map to the
//! documented exit statuses, and no process of the session survives any way
//! cc-run can end.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::Value;
use support::{MockApi, STEP, Sandbox, Session};

/// Live processes that belong to the sandbox: their working directory is
/// inside its scratch cwd, or their environment holds its scratch HOME.
fn sandbox_processes(sandbox: &Sandbox) -> Vec<String> {
    let home = format!("HOME={}\0", sandbox.home().display());
    let mut found = vec![];
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let path = entry.path();
        let Some(pid) = path
            .file_name()
            .and_then(|n| n.to_str()?.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        if stat
            .rfind(')')
            .is_none_or(|i| stat[i + 1..].trim_start().starts_with(['Z', 'X']))
        {
            continue;
        }
        let in_cwd =
            std::fs::read_link(path.join("cwd")).is_ok_and(|d| d.starts_with(sandbox.cwd()));
        let environ = std::fs::read(path.join("environ")).unwrap_or_default();
        let in_home = environ.windows(home.len()).any(|w| w == home.as_bytes());
        if in_cwd || in_home {
            let cmdline = std::fs::read(path.join("cmdline")).unwrap_or_default();
            found.push(format!(
                "{pid}: {}",
                String::from_utf8_lossy(&cmdline).replace('\0', " ")
            ));
        }
    }
    found
}

/// Waits up to 5 s for every process of the sandbox to be gone.
fn assert_none_left(sandbox: &Sandbox) {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let left = sandbox_processes(sandbox);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < until, "processes left behind: {left:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until a process runs `sleep SECS` (the Bash tool's command).
fn wait_for_sleep(sandbox: &Sandbox, secs: &str) {
    let needle = format!("sleep {secs}");
    let until = Instant::now() + STEP;
    while !sandbox_processes(sandbox)
        .iter()
        .any(|p| p.contains(&needle))
    {
        assert!(
            Instant::now() < until,
            "the Bash tool never started `{needle}`"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn is_tool_use(event: &Value) -> bool {
    event["type"] == "assistant"
        && event["message"]["content"]
            .as_array()
            .is_some_and(|c| c.iter().any(|b| b["type"] == "tool_use"))
}

fn events(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn run_shell(sandbox: &Sandbox, script: &str) -> std::process::Output {
    sandbox
        .shell(script)
        .stdin(Stdio::null())
        .output()
        .expect("run sh")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn prompt_into_run_prints_the_answer_and_a_result() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let out = run_shell(&sandbox, "cc-prompt 'hello from ccpipe' | cc-run");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let events = events(&out.stdout);
    let replay = events
        .iter()
        .find(|e| e["type"] == "user" && e["isReplay"] == true);
    assert_eq!(
        replay.expect("replayed prompt")["message"]["content"],
        "hello from ccpipe"
    );
    let answer = events
        .iter()
        .find(|e| e["type"] == "assistant")
        .expect("an answer");
    assert_eq!(
        answer["message"]["content"][0]["text"],
        "echo: hello from ccpipe"
    );
    let result = events.iter().rev().find(|e| e["type"] == "result").unwrap();
    assert_eq!(result["is_error"], false);
    assert_eq!(result["result"], "echo: hello from ccpipe");
    assert_none_left(&sandbox);
}

/// Issue 6's done-when: a result line over 256 KiB (2.1.332 writes `type`
/// late in it) is found by cc-run, passes cc-check --strict, and cc-fmt
/// shows it, every stage exiting 0.
#[test]
fn a_300_kb_result_passes_the_whole_pipeline() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let log = sandbox.cwd().join("session.jsonl");
    let out = sandbox
        .command("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; cc-prompt 'big: 300000' | cc-run \
             | cc-check --output --strict | tee {} | cc-fmt --color never --max-lines 3",
            log.display()
        ))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let raw = std::fs::read_to_string(&log).unwrap();
    // The result (the CLI reports the session idle after it).
    let result = raw
        .lines()
        .rfind(|l| l.contains(r#""type":"result""#))
        .expect("a result");
    assert!(result.len() > 300_000, "{} bytes", result.len());
    let shown = text(&out.stdout);
    assert!(
        shown.lines().last().unwrap().starts_with("✓ success"),
        "{}",
        &shown[shown.len().saturating_sub(500)..]
    );
}

#[test]
fn a_bash_tool_call_really_runs() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let script = "cc-prompt 'bash: echo tool-was-here > made.txt' | cc-run -- --allowedTools Bash";
    let out = run_shell(&sandbox, script);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let made = std::fs::read_to_string(sandbox.cwd().join("made.txt")).expect("made.txt");
    assert_eq!(made, "tool-was-here\n");
    assert!(events(&out.stdout).iter().any(is_tool_use));
}

#[test]
fn prompt_flag_with_empty_stdin_runs_one_turn_and_exits() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let out = sandbox
        .ccpipe("cc-run")
        .args(["--prompt", "just once"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let results: Vec<Value> = events(&out.stdout)
        .into_iter()
        .filter(|e| e["type"] == "result")
        .collect();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["result"], "echo: just once");
}

#[test]
fn http_401_fails_fast_with_exit_3_naming_the_variables_only() {
    let api = MockApi::start();
    api.fail_with(Some(401));
    let sandbox = Sandbox::new(&api);
    let start = Instant::now();
    let out = sandbox
        .ccpipe("cc-run")
        .args(["--prompt", "hello"])
        .env("CLAUDE_CODE_OAUTH_TOKEN", "oauth-secret-value-123")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let took = start.elapsed();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "stderr: {stderr}");
    assert!(took < Duration::from_secs(5), "exit 3 took {took:?}");
    assert!(stderr.contains("ANTHROPIC_API_KEY") && stderr.contains("CLAUDE_CODE_OAUTH_TOKEN"));
    assert!(!stderr.contains("sk-ant-test-dummy") && !stderr.contains("oauth-secret-value"));
    let retry = events(&out.stdout)
        .into_iter()
        .find(|e| e["subtype"] == "api_retry");
    assert_eq!(
        retry.expect("the retry event is forwarded")["error"],
        "authentication_failed"
    );
    assert_none_left(&sandbox);
}

#[test]
fn http_400_exits_1_with_the_apis_message() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let out = run_shell(&sandbox, "cc-prompt 'http: 400' | cc-run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "cc-run: the session ended with an error (HTTP 400): API Error: 400 scripted 400\n"
    );
}

#[test]
fn billing_and_rate_limit_failures_map_to_4_and_5() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    for (status, code) in [("402", 4), ("429", 5), ("529", 5)] {
        let out = sandbox
            .ccpipe("cc-run")
            .args(["--prompt", &format!("http: {status}")])
            .env("CLAUDE_CODE_MAX_RETRIES", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "HTTP {status}: {stderr}");
        assert!(stderr.contains(&format!("HTTP {status}")), "{stderr}");
    }
}

#[test]
fn a_missing_cli_exits_127() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let out = sandbox
        .ccpipe("cc-run")
        .env("CCPIPE_CLAUDE", sandbox.cwd().join("no-such-claude"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(text(&out.stderr).contains("no-such-claude (from CCPIPE_CLAUDE): not found"));
}

/// cc-run with Bash allowed, its Bash tool running `sleep SECS` (after
/// `true;`: 2.1.332 refuses a command that starts with a long sleep).
fn session_in_tool(sandbox: &Sandbox, secs: &str, extra: &[&str]) -> Session {
    let mut cmd = sandbox.ccpipe("cc-run");
    cmd.args(extra).args(["--", "--allowedTools", "Bash"]);
    let mut run = Session::spawn(cmd);
    run.say(&format!("bash: true; sleep {secs}"));
    run.wait_for("Bash tool_use", STEP, is_tool_use);
    wait_for_sleep(sandbox, secs);
    run
}

#[test]
fn sigterm_ends_the_session_and_its_tools() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut run = session_in_tool(&sandbox, "3517", &["--grace", "2s"]);
    kill(Pid::from_raw(run.pid() as i32), Signal::SIGTERM).unwrap();
    let status = run.finish(STEP);
    assert_eq!(status.code(), Some(143), "{}", run.transcript());
    assert_none_left(&sandbox);
}

#[test]
fn sigkill_of_cc_run_leaves_no_process() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut run = session_in_tool(&sandbox, "3518", &[]);
    kill(Pid::from_raw(run.pid() as i32), Signal::SIGKILL).unwrap();
    let status = run.finish(STEP);
    assert_eq!(status.code(), None, "killed by a signal");
    assert_none_left(&sandbox);
}

#[test]
fn sigint_interrupts_the_turn_then_exits_130() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut run = session_in_tool(&sandbox, "3519", &[]);
    kill(Pid::from_raw(run.pid() as i32), Signal::SIGINT).unwrap();
    let result = run.wait_result(STEP);
    assert_eq!(
        result["subtype"],
        "error_during_execution",
        "{}",
        run.transcript()
    );
    let status = run.finish(STEP);
    assert_eq!(status.code(), Some(130), "{}", run.transcript());
    assert_none_left(&sandbox);
}

#[test]
fn sigint_after_the_input_ended_still_stops_the_turn_cleanly() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let mut cmd = sandbox.ccpipe("cc-run");
    cmd.args(["--verbose", "--", "--allowedTools", "Bash"]);
    let mut run = Session::spawn(cmd);
    run.say("bash: true; sleep 3523");
    run.close_stdin();
    run.wait_for("Bash tool_use", STEP, is_tool_use);
    wait_for_sleep(&sandbox, "3523");
    kill(Pid::from_raw(run.pid() as i32), Signal::SIGINT).unwrap();
    let result = run.wait_result(STEP);
    assert_eq!(
        result["subtype"],
        "error_during_execution",
        "{}",
        run.transcript()
    );
    let status = run.finish(STEP);
    assert_eq!(status.code(), Some(130), "{}", run.transcript());
    let stderr = run.stderr();
    // claude's input is still open while the turn runs (the control
    // channel), so the interrupt goes as a request, not as SIGINT.
    assert!(stderr.contains("sending an interrupt"), "{stderr}");
    assert!(
        !stderr.contains("SIGTERM"),
        "the CLI ended by itself: {stderr}"
    );
    assert_none_left(&sandbox);
}

#[test]
fn timeout_ends_the_session_and_its_tools_with_124() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let start = Instant::now();
    let mut run = session_in_tool(
        &sandbox,
        "3520",
        &["--timeout", "15s", "--grace", "2s", "--verbose"],
    );
    // Input still open: the timeout interrupts the turn, which ends cleanly.
    let result = run.wait_result(STEP);
    assert_eq!(
        result["subtype"],
        "error_during_execution",
        "{}",
        run.transcript()
    );
    let status = run.finish(STEP);
    assert_eq!(status.code(), Some(124), "{}", run.transcript());
    assert!(start.elapsed() < Duration::from_secs(60));
    let stderr = run.stderr();
    assert!(stderr.contains("cc-run: timed out after 15s"), "{stderr}");
    assert!(stderr.contains("sending an interrupt"), "{stderr}");
    assert!(
        !stderr.contains("SIGTERM"),
        "the CLI ended by itself: {stderr}"
    );
    assert_none_left(&sandbox);
}

#[test]
fn a_closed_downstream_ends_the_session_and_its_tools() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    // Literally `| head -1`: quick, quiet, nothing left.
    let out = run_shell(
        &sandbox,
        "cc-prompt 'bash: true; sleep 3521' | cc-run -- --allowedTools Bash | head -1",
    );
    assert_eq!(events(&out.stdout).len(), 1);
    assert_eq!(text(&out.stderr), "");
    assert_none_left(&sandbox);
    // The reader goes away while a tool runs.
    let mut cmd = sandbox.ccpipe("cc-run");
    cmd.args([
        "--prompt",
        "bash: true; sleep 3522",
        "--",
        "--allowedTools",
        "Bash",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("tool_use") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "no tool_use before EOF"
        );
    }
    wait_for_sleep(&sandbox, "3522");
    drop(out);
    let until = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < until,
            "cc-run kept running without a reader"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    assert_none_left(&sandbox);
}
