//! End-to-end: the session stages together with the real Claude Code CLI and
//! the scripted API stand-in, steered through a real FIFO the way a person in
//! a second terminal would (`echo ... > steer.fifo`).

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{MockApi, STEP, Sandbox, Session};

const MERGED: &str = "The user sent a new message while you were working";

/// Writes one line to the FIFO as `echo LINE > FIFO` does: open, write, close.
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
        .expect("open FIFO for writing");
    w.write_all(format!("{line}\n").as_bytes())
        .expect("write to FIFO");
}

fn fifo_in(sandbox: &Sandbox) -> PathBuf {
    sandbox.cwd().join("steer.fifo")
}

fn is_tool_use(e: &Value, name: &str) -> bool {
    e["type"] == "assistant"
        && e["message"]["content"].as_array().is_some_and(|c| {
            c.iter()
                .any(|b| b["type"] == "tool_use" && b["name"] == name)
        })
}

/// Runs `script` under bash with pipefail (the status of the first stage
/// that failed) in the sandbox; returns its status and stdout.
fn pipeline(sandbox: &Sandbox, script: &str) -> (std::process::ExitStatus, String) {
    let out = sandbox
        .command("bash")
        .arg("-c")
        .arg(format!("set -o pipefail; {script}"))
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script}: {:?}\n{stdout}\n{stderr}",
        out.status
    );
    (out.status, stdout)
}

#[test]
fn prompt_run_fmt_prints_the_answer_and_the_footer() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let (_, out) = pipeline(
        &sandbox,
        "cc-prompt 'what is a FIFO?' | cc-run | cc-fmt --color never",
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&"❯ what is a FIFO?"), "{out}");
    assert!(lines.contains(&"echo: what is a FIFO?"), "{out}");
    let footer = lines.last().copied().unwrap_or_default();
    assert!(footer.starts_with("✓ success · 1 turn · "), "{out}");
}

#[test]
fn a_bash_call_runs_and_its_output_shows_in_the_transcript() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let (_, out) = pipeline(
        &sandbox,
        "cc-prompt 'bash: echo made-by-bash | tee proof.txt' | cc-run -- --allowedTools Bash | cc-fmt --color never",
    );
    let proof =
        std::fs::read_to_string(sandbox.cwd().join("proof.txt")).expect("the tool did not run");
    assert_eq!(proof, "made-by-bash\n");
    assert!(
        out.contains("● Bash(echo made-by-bash | tee proof.txt)"),
        "{out}"
    );
    assert!(out.contains("  ⎿ made-by-bash"), "{out}");
    assert!(out.contains("Tool finished: made-by-bash"), "{out}");
}

#[test]
fn steering_line_reaches_the_model_while_a_tool_runs() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let fifo = fifo_in(&sandbox);
    let mut s = Session::spawn(sandbox.shell(
        "cc-prompt 'bash: sleep 3; echo slept' | cc-steer steer.fifo | cc-run -- --allowedTools Bash",
    ));
    s.wait_for("the Bash call", STEP, |e| is_tool_use(e, "Bash"));
    echo_to(&fifo, "please also count the files");

    // The model is told, in the running turn, and the line is replayed.
    let req = api.wait_for(STEP, |r| {
        r.contains(MERGED) && r.contains("please also count the files")
    });
    assert!(
        req.is_some(),
        "steering never reached the model\n{}",
        api.summary()
    );
    s.wait_for("the replayed steering message", STEP, |e| {
        e["type"] == "user"
            && e["isReplay"] == true
            && e["message"]["content"] == "please also count the files"
    });
    let result = s.wait_result(STEP);
    assert_eq!(result["is_error"], false, "{}", s.transcript());

    echo_to(&fifo, "/end");
    let status = s.finish(STEP);
    assert!(status.success(), "{status:?}\n{}", s.transcript());
    assert!(!fifo.exists(), "cc-steer left the FIFO it created behind");
}

#[test]
fn interrupt_stops_the_tool_and_the_session_goes_on() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let fifo = fifo_in(&sandbox);
    let mut s = Session::spawn(sandbox.shell(
        "cc-prompt 'bash: sleep 20; echo unreachable' | cc-steer steer.fifo | cc-run -- --allowedTools Bash",
    ));
    s.wait_for("the Bash call", STEP, |e| is_tool_use(e, "Bash"));
    let started = Instant::now();
    echo_to(&fifo, "/interrupt");

    let ack = s.wait_for_type("control_response", None, STEP);
    assert_eq!(ack["response"]["subtype"], "success", "{ack}");
    let result = s.wait_result(STEP);
    assert_eq!(result["subtype"], "error_during_execution", "{result}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the sleep was not interrupted"
    );

    echo_to(&fifo, "carry on");
    let next = s.wait_result(STEP);
    assert_eq!(next["is_error"], false, "{}", s.transcript());
    assert_eq!(next["result"], "echo: carry on", "{next}");
    assert_eq!(
        next["session_id"], result["session_id"],
        "not the same session"
    );

    echo_to(&fifo, "/end");
    let status = s.finish(STEP);
    assert!(
        status.success(),
        "exit status from the last result (success): {status:?}"
    );
}

#[test]
fn full_pipeline_with_a_second_writer() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let fifo = fifo_in(&sandbox);
    // pipefail: the status is that of the first stage that failed, not cc-fmt's.
    let mut pipeline = sandbox.command("bash");
    pipeline.arg("-c").arg(
        "set -o pipefail; cc-prompt 'bash: sleep 3; echo built' | cc-steer steer.fifo | cc-run -- --allowedTools Bash \
         | cc-check --output | cc-filter 'select(.type != \"system\" or .subtype == \"init\")' \
         | cc-fmt --color never",
    );
    let mut s = Session::spawn(pipeline);
    s.wait_for("the Bash call in the transcript", STEP, |e| {
        e.as_str()
            .is_some_and(|l| l.contains("sleep 3; echo built"))
    });
    // A second terminal steers while the tool runs.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || echo_to(&fifo, "second writer: update the changelog"))
    };
    writer.join().unwrap();
    let req = api.wait_for(STEP, |r| r.contains("second writer: update the changelog"));
    assert!(req.is_some(), "{}", api.summary());
    s.wait_for("the steering message in the transcript", STEP, |e| {
        e.as_str()
            .is_some_and(|l| l.contains("second writer: update the changelog"))
    });
    s.wait_for("the result footer", STEP, |e| {
        e.as_str()
            .is_some_and(|l| l.contains("Tool finished: built"))
    });
    echo_to(&fifo, "/end");
    let status = s.finish(STEP);
    assert!(status.success(), "{status:?}\n{}", s.transcript());
    let transcript = s.raw_lines().join("\n");
    assert!(
        !transcript.contains("{\"type\""),
        "raw JSON reached the transcript:\n{transcript}"
    );
}
