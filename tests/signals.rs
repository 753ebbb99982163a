//! Ctrl-C in a pipeline (issue 8, item 9): the downstream stages (cc-check,
//! cc-filter, cc-fmt) take the first SIGINT, when their stdin is a pipe, as
//! "finish the input", so cc-run's clean stop reaches the screen; a second
//! SIGINT ends them at once.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

const USER: &str = r#"{"type":"user","message":{"role":"user","content":"hi"}}"#;

/// Line `n` (0-based) of a recorded session: 0 is its init event, 2 its result.
fn recorded(n: usize) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text-turn.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().nth(n).unwrap().to_owned()
}

fn exe(name: &str) -> PathBuf {
    assert_cmd::cargo::cargo_bin(name)
}

/// Reads lines until one contains `what`; returns everything read.
fn read_until(out: &mut impl BufRead, what: &str) -> String {
    let mut all = String::new();
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "output ended before {what:?}: {all}"
        );
        all.push_str(&line);
        if line.contains(what) {
            return all;
        }
    }
}

fn wait_with_deadline(child: &mut Child, secs: u64) -> std::process::ExitStatus {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < until, "no exit within {secs} s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn pid(child: &Child) -> Pid {
    Pid::from_raw(child.id() as i32)
}

/// The downstream stages, each with what it writes for the init event and
/// for the result.
fn stages() -> [(&'static str, Vec<&'static str>, &'static str, &'static str); 3] {
    [
        (
            "cc-fmt",
            vec!["--color", "never"],
            "permission mode",
            "✓ success",
        ),
        (
            "cc-check",
            vec!["--output"],
            r#""subtype":"init""#,
            r#""type":"result""#,
        ),
        (
            "cc-filter",
            vec!["-c", "."],
            r#""subtype":"init""#,
            r#""type":"result""#,
        ),
    ]
}

fn start(tool: &str, args: &[&str]) -> Child {
    Command::new(exe(tool))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn the_first_sigint_finishes_the_input_of_a_downstream_stage() {
    for (tool, args, first, last) in stages() {
        let mut child = start(tool, &args);
        let mut stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        writeln!(stdin, "{}", recorded(0)).unwrap();
        read_until(&mut out, first);
        kill(pid(&child), Signal::SIGINT).unwrap();
        // The rest of the input still arrives and is handled.
        let _ = writeln!(stdin, "{}", recorded(2));
        drop(stdin);
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        let status = wait_with_deadline(&mut child, 10);
        assert!(rest.contains(last), "{tool}: {rest:?} ({status:?})");
        assert_eq!(status.code(), Some(0), "{tool}");
    }
}

#[test]
fn a_second_sigint_ends_a_downstream_stage_at_once() {
    for (tool, args, first, _) in stages() {
        let mut child = start(tool, &args);
        let mut stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        writeln!(stdin, "{}", recorded(0)).unwrap();
        read_until(&mut out, first);
        kill(pid(&child), Signal::SIGINT).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        assert!(child.try_wait().unwrap().is_none(), "{tool}: one SIGINT");
        kill(pid(&child), Signal::SIGINT).unwrap();
        // stdin is still open: only the signal can end it.
        let status = wait_with_deadline(&mut child, 10);
        assert_eq!(status.signal(), Some(2), "{tool}: {status:?}");
        drop(stdin);
    }
}

#[test]
fn sigint_ends_a_stage_at_once_when_it_reads_files() {
    // /dev/stdin named as a file: not "the input of a pipeline" by stdin.
    let mut child = start("cc-check", &["--output", "/dev/stdin"]);
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "{}", recorded(0)).unwrap();
    read_until(&mut out, "init");
    kill(pid(&child), Signal::SIGINT).unwrap();
    let status = wait_with_deadline(&mut child, 10);
    assert_eq!(status.signal(), Some(2), "{status:?}");
}

/// The README's pipeline, `cc-run | tee -i log | cc-fmt`, in a process group
/// of its own as a shell would run it, and Ctrl-C sent to that group: cc-run
/// stops the session cleanly and its interrupted result reaches the log and
/// the screen.
#[test]
fn ctrl_c_in_a_pipeline_shows_the_interrupted_result() {
    let claude = r#"
echo '{"type":"system","subtype":"init","session_id":"s1","model":"m","cwd":"/","tools":[],"permissionMode":"default"}'
while IFS= read -r line; do
  case "$line" in
  *'"subtype":"interrupt"'*)
    sleep 0.2
    echo '{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":1,"duration_ms":5,"session_id":"s1"}'
    exit 0 ;;
  *) printf '%s\n' "$line" ;;
  esac
done
"#;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("session.jsonl");
    let fake = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripted-claude");
    let mut run = Command::new(exe("cc-run"))
        .arg("--claude")
        .arg(&fake)
        .env("FAKE_SCRIPT", claude)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let group = pid(&run);
    let mut tee = Command::new("tee")
        .arg("-i")
        .arg(&log)
        .stdin(run.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .process_group(group.as_raw())
        .spawn()
        .unwrap();
    let mut fmt = Command::new(exe("cc-fmt"))
        .args(["--color", "never"])
        .env_remove("NO_COLOR")
        .stdin(tee.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .process_group(group.as_raw())
        .spawn()
        .unwrap();
    let mut stdin = run.stdin.take().unwrap();
    writeln!(stdin, "{USER}").unwrap();
    let mut screen = BufReader::new(fmt.stdout.take().unwrap());
    let mut shown = read_until(&mut screen, "❯ hi");
    killpg(group, Signal::SIGINT).unwrap();
    screen.read_to_string(&mut shown).unwrap();
    let fmt_status = wait_with_deadline(&mut fmt, 20);
    let run_status = wait_with_deadline(&mut run, 20);
    wait_with_deadline(&mut tee, 20);
    drop(stdin);
    assert!(
        shown.contains("✗ failure (error_during_execution) · 1 turn"),
        "{shown}"
    );
    assert_eq!(fmt_status.code(), Some(0), "{fmt_status:?}");
    assert_eq!(run_status.code(), Some(130), "{run_status:?}");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("error_during_execution"), "{logged}");
}
