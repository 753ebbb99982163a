//! cc-steer, run as a real process: passthrough, FIFO lines and commands,
//! FIFO safety, concurrent writers, and every way the process ends.

mod common;

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::sys::stat::Mode;
use nix::unistd::Pid;
use serde_json::Value;

/// Long enough for a loaded machine; every wait that passes returns early.
const PATIENCE: Duration = Duration::from_secs(20);

fn steer_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cc-steer"));
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "COLUMNS", "TERM"] {
        cmd.env_remove(var);
    }
    cmd
}

/// A running cc-steer with its stdout lines arriving on a channel.
struct Steer {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Option<thread::JoinHandle<String>>,
    fifo: PathBuf,
}

impl Steer {
    fn start(fifo: &Path, args: &[&str]) -> Steer {
        let mut child = steer_cmd()
            .arg(fifo)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cc-steer");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut err = child.stderr.take().expect("stderr");
        let stderr = thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Steer {
            stdin: child.stdin.take(),
            child,
            lines,
            stderr: Some(stderr),
            fifo: fifo.to_path_buf(),
        }
    }

    fn send_stdin(&mut self, data: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin.write_all(data).expect("write stdin");
        stdin.flush().expect("flush stdin");
    }

    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Writes `data` to the FIFO through one writer that then closes.
    fn steer(&self, data: &str) {
        let mut w = open_writer(&self.fifo);
        w.write_all(data.as_bytes()).expect("write FIFO");
    }

    fn line(&self) -> String {
        self.lines
            .recv_timeout(PATIENCE)
            .expect("a line on cc-steer's stdout")
    }

    fn json(&self) -> Value {
        let line = self.line();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    fn pid(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32)
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Waits for the exit, then returns every stdout line not yet taken.
    fn rest(&mut self) -> Vec<String> {
        let start = Instant::now();
        while self.running() {
            assert!(start.elapsed() < PATIENCE, "cc-steer did not exit");
            thread::sleep(Duration::from_millis(5));
        }
        let mut rest = vec![];
        while let Ok(line) = self.lines.recv_timeout(PATIENCE) {
            rest.push(line);
        }
        rest
    }

    /// Waits for the exit; returns the status code, stderr and how long it took.
    fn finish(mut self) -> (i32, String, Duration) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                let took = start.elapsed();
                let err = self.stderr.take().unwrap().join().unwrap();
                let code = status.code().expect("exited, not killed by a signal");
                return (code, err, took);
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("cc-steer did not exit");
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Steer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child killed when the test ends, even by a failed assertion.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Opens the FIFO for writing once cc-steer is reading it (a non-blocking
/// open fails until a reader exists, so a dead cc-steer cannot hang a test).
fn open_writer(fifo: &Path) -> fs::File {
    let start = Instant::now();
    loop {
        let probe = OpenOptions::new()
            .write(true)
            .custom_flags(nix::libc::O_NONBLOCK)
            .open(fifo);
        if probe.is_ok() {
            let meta = fs::symlink_metadata(fifo).expect("stat FIFO");
            assert!(
                meta.file_type().is_fifo(),
                "{} is not a FIFO",
                fifo.display()
            );
            // A reader exists, so a blocking open returns at once.
            return OpenOptions::new()
                .write(true)
                .open(fifo)
                .expect("open FIFO");
        }
        assert!(start.elapsed() < PATIENCE, "cc-steer never opened the FIFO");
        thread::sleep(Duration::from_millis(5));
    }
}

/// The lock file cc-steer keeps beside its FIFO.
fn lock_of(fifo: &Path) -> PathBuf {
    let mut name = fifo.file_name().unwrap().to_os_string();
    name.push(".lock");
    fifo.with_file_name(name)
}

/// Waits until `what` holds, failing the test after PATIENCE.
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < PATIENCE, "waited in vain: {what}");
        thread::sleep(Duration::from_millis(10));
    }
}

fn is_fifo(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("steer.fifo");
    (dir, fifo)
}

fn content(v: &Value) -> &str {
    assert_eq!(v["type"], "user", "{v}");
    assert_eq!(v["message"]["role"], "user", "{v}");
    v["message"]["content"].as_str().expect("string content")
}

#[test]
fn stdin_passes_through_byte_for_byte() {
    let (_dir, fifo) = temp();
    let mut input = Vec::new();
    for f in common::all_fixtures() {
        input.extend(fs::read(f).expect("fixture"));
    }
    input.extend("{\"a\":\"x\u{2028}y é\"}\n".as_bytes());
    let out = common::bin("cc-steer")
        .arg(&fifo)
        .arg("--exit-with-stdin")
        .write_stdin(input.clone())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout == input, "stdout differs from stdin");
    assert!(!fifo.exists(), "the FIFO it created is removed");
}

#[test]
fn long_stdin_line_passes_whole() {
    let (_dir, fifo) = temp();
    let mut input = b"{\"type\":\"user\",\"x\":\"".to_vec();
    input.extend(std::iter::repeat_n(b'a', 40 << 20));
    input.extend_from_slice(b"\"}\n{\"next\":1}\n");
    let out = common::bin("cc-steer")
        .arg(&fifo)
        .arg("--exit-with-stdin")
        .write_stdin(input.clone())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout == input, "a 40 MiB line did not pass unchanged");
}

#[test]
fn text_becomes_a_user_message_with_priority() {
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &["--priority", "now"]);
    s.steer("please also run the linter\n");
    let v = s.json();
    assert_eq!(content(&v), "please also run the linter");
    assert_eq!(v["priority"], "now");
    s.steer("/end\n");
    assert_eq!(s.finish().0, 0);
}

#[test]
fn json_lines_are_checked_and_bad_ones_dropped() {
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    let valid =
        r#"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"hi"}]}}"#;
    s.steer(&format!(
        "{valid}\n{{not json\n{{\"type\":\"bogus\"}}\nstill here\n"
    ));
    assert_eq!(s.line(), valid, "a valid message passes byte for byte");
    assert_eq!(content(&s.json()), "still here", "the session goes on");
    s.steer("/end\n");
    let (code, err, _) = s.finish();
    assert_eq!(code, 0);
    let name = fifo.display();
    assert!(err.contains(&format!("{name}:2: invalid JSON")), "{err}");
    assert!(
        err.contains(&format!("{name}:3: ")) && err.contains("bogus"),
        "{err}"
    );
}

#[test]
fn interrupts_have_distinct_request_ids() {
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    s.steer("/interrupt\n/interrupt\n");
    let (a, b) = (s.json(), s.json());
    for v in [&a, &b] {
        assert_eq!(v["type"], "control_request");
        assert_eq!(v["request"]["subtype"], "interrupt");
    }
    assert!(a["request_id"].is_string());
    assert_ne!(a["request_id"], b["request_id"]);
    s.steer("/end\n");
    assert_eq!(s.finish().0, 0);
}

#[test]
fn slash_escapes_paths_and_unknown_commands() {
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    s.steer("/frobnicate\n//end\n/tmp/build.log is full\n/help\n");
    assert_eq!(content(&s.json()), "/end");
    assert_eq!(content(&s.json()), "/tmp/build.log is full");
    s.steer("/end\n");
    let (code, err, _) = s.finish();
    assert_eq!(code, 0);
    assert!(err.contains(":1: unknown command /frobnicate"), "{err}");
    assert!(
        err.contains("/interrupt") && err.contains("/end"),
        "/help lists commands: {err}"
    );
}

#[test]
fn end_stops_and_removes_the_fifo_it_created() {
    let (_dir, fifo) = temp();
    let mut s = Steer::start(&fifo, &[]);
    s.send_stdin(b"{\"type\":\"user\",\"n\":1}\n");
    assert_eq!(s.line(), "{\"type\":\"user\",\"n\":1}");
    let meta = fs::symlink_metadata(&fifo).expect("FIFO exists while running");
    assert!(meta.file_type().is_fifo());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    s.steer("/end\nnot sent\n");
    assert_eq!(s.rest(), Vec::<String>::new(), "nothing after /end");
    let (code, _, _) = s.finish();
    assert_eq!(code, 0);
    assert!(!fifo.exists(), "FIFO removed");
    assert!(!lock_of(&fifo).exists(), "lock file removed");
}

#[test]
fn a_fifo_that_was_there_is_kept() {
    let (_dir, fifo) = temp();
    nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).expect("mkfifo");
    let s = Steer::start(&fifo, &[]);
    s.steer("hello\n");
    assert_eq!(content(&s.json()), "hello");
    s.steer("/end\n");
    assert_eq!(s.finish().0, 0);
    assert!(
        fs::symlink_metadata(&fifo)
            .expect("still there")
            .file_type()
            .is_fifo()
    );
}

/// Runs cc-steer on a path it must refuse; returns stderr.
fn refused(path: &Path) -> String {
    let out = common::bin("cc-steer")
        .arg(path)
        .write_stdin("{\"type\":\"user\"}\n")
        .timeout(PATIENCE)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "nothing passes through a refused run"
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("refusing"), "{err}");
    err
}

#[test]
fn refuses_a_regular_file() {
    let (_dir, path) = temp();
    fs::write(&path, "keep me\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    let err = refused(&path);
    assert!(err.contains("regular file"), "{err}");
    // Most often a line written after cc-steer ended: say how to clean up.
    assert!(
        err.contains(&format!("remove it: rm {}", path.display())),
        "{err}"
    );
    assert!(
        !lock_of(&path).exists(),
        "nothing made beside a refused path"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "keep me\n",
        "left untouched"
    );
}

#[test]
fn refuses_a_symlink_to_a_fifo() {
    let (dir, link) = temp();
    let target = dir.path().join("real.fifo");
    nix::unistd::mkfifo(&target, Mode::from_bits_truncate(0o600)).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert!(refused(&link).contains("symbolic link"));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn refuses_a_fifo_others_may_write() {
    for mode in [0o620, 0o606, 0o640, 0o604] {
        let (_dir, fifo) = temp();
        nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).unwrap();
        fs::set_permissions(&fifo, fs::Permissions::from_mode(mode)).unwrap();
        let err = refused(&fifo);
        assert!(err.contains(&format!("mode {mode:04o}")), "{err}");
        assert!(fifo.exists(), "a FIFO it did not create is kept");
    }
}

#[test]
fn refuses_a_path_owned_by_another_user() {
    if nix::unistd::geteuid().is_root() {
        let (_dir, fifo) = temp();
        nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).unwrap();
        let nobody = nix::unistd::Uid::from_raw(65534);
        nix::unistd::chown(&fifo, Some(nobody), None).unwrap();
        assert!(refused(&fifo).contains("belongs to uid 65534"));
    } else {
        // Not root: a file root owns is another user's.
        assert!(refused(Path::new("/etc/passwd")).contains("belongs to uid 0"));
    }
}

#[test]
fn writers_one_after_another_all_arrive() {
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    // Until cc-steer has made the FIFO, `>` would create a regular file.
    open_writer(&fifo);
    for i in 0..25 {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("echo 'message {i}' > \"$0\""))
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
    }
    for i in 0..25 {
        assert_eq!(content(&s.json()), format!("message {i}"));
    }
    s.steer("/end\n");
    assert_eq!(s.finish().0, 0);
}

#[test]
fn a_last_line_without_newline_counts_when_the_writer_closes() {
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    s.steer("no newline here");
    assert_eq!(content(&s.json()), "no newline here");
    s.steer("after\n");
    assert_eq!(content(&s.json()), "after");
    s.steer("/end\n");
    assert_eq!(s.finish().0, 0);
}

#[test]
fn concurrent_writers_are_never_torn_and_keep_their_order() {
    const WRITERS: usize = 4;
    const LINES: usize = 1000;
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    open_writer(&fifo); // wait until cc-steer reads the FIFO
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let fifo = fifo.clone();
            thread::spawn(move || {
                let mut out = OpenOptions::new().write(true).open(&fifo).unwrap();
                for i in 0..LINES {
                    // Sizes up to PIPE_BUF (4096) bytes with the newline.
                    let pad = (i * 37 + w * 11) % 4000;
                    let line = format!("w{w} {i:04} {pad:04} {}\n", "x".repeat(pad));
                    assert!(line.len() <= 4096);
                    // One write per line: what makes it atomic.
                    assert_eq!(out.write(line.as_bytes()).unwrap(), line.len());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut next = [0usize; WRITERS];
    for _ in 0..WRITERS * LINES {
        let v = s.json();
        let text = content(&v);
        let parts: Vec<&str> = text.split(' ').collect();
        assert_eq!(parts.len(), 4, "torn or merged: {text:.80}");
        let w: usize = parts[0][1..].parse().unwrap();
        let i: usize = parts[1].parse().unwrap();
        let pad: usize = parts[2].parse().unwrap();
        assert_eq!(parts[3], "x".repeat(pad), "torn line w{w} {i}");
        assert_eq!(i, next[w], "writer {w}: lost, duplicated or reordered");
        next[w] += 1;
    }
    assert_eq!(next, [LINES; WRITERS]);
    s.steer("/end\n");
    assert_eq!(s.finish().0, 0);
}

#[test]
fn stdin_and_fifo_lines_interleave_in_arrival_order() {
    let (_dir, fifo) = temp();
    let mut s = Steer::start(&fifo, &[]);
    for i in 0..5 {
        s.send_stdin(format!("{{\"stdin\":{i}}}\n").as_bytes());
        assert_eq!(s.line(), format!("{{\"stdin\":{i}}}"));
        s.steer(&format!("steer {i}\n"));
        assert_eq!(content(&s.json()), format!("steer {i}"));
    }
    s.steer("/end\n");
    assert_eq!(s.finish().0, 0);
}

#[test]
fn exit_with_stdin_ends_with_stdin() {
    let (_dir, fifo) = temp();
    let mut s = Steer::start(&fifo, &["--exit-with-stdin"]);
    s.send_stdin(b"{\"type\":\"user\"}\n");
    assert_eq!(s.line(), "{\"type\":\"user\"}");
    s.close_stdin();
    let (code, _, took) = s.finish();
    assert_eq!(code, 0);
    assert!(took < Duration::from_secs(5));
    assert!(!fifo.exists());
}

#[test]
fn by_default_it_keeps_steering_after_stdin_ends() {
    let (_dir, fifo) = temp();
    let mut s = Steer::start(&fifo, &[]);
    s.send_stdin(b"{\"type\":\"user\"}\n");
    assert_eq!(s.line(), "{\"type\":\"user\"}");
    s.close_stdin();
    thread::sleep(Duration::from_millis(300));
    assert!(s.running(), "must not end with stdin");
    s.steer("after stdin ended\n");
    assert_eq!(content(&s.json()), "after stdin ended");
    s.steer("/end\n");
    assert_eq!(s.finish().0, 0);
    assert!(!fifo.exists());
}

#[test]
fn idle_timeout_ends_a_quiet_session_but_not_a_busy_one() {
    let (_dir, fifo) = temp();
    let mut s = Steer::start(&fifo, &["--idle-timeout", "1s"]);
    for i in 0..8 {
        s.steer(&format!("tick {i}\n"));
        assert_eq!(content(&s.json()), format!("tick {i}"));
        thread::sleep(Duration::from_millis(200));
    }
    assert!(s.running(), "input every 200ms keeps it alive past 1s");
    let quiet_since = Instant::now();
    let (code, _, _) = s.finish();
    let quiet = quiet_since.elapsed();
    assert_eq!(code, 0);
    assert!(quiet >= Duration::from_millis(600), "ended after {quiet:?}");
    assert!(quiet < Duration::from_secs(5), "ended after {quiet:?}");
    assert!(!fifo.exists());
}

#[test]
fn signals_end_with_their_status_and_remove_the_fifo() {
    for (sig, code) in [
        (Signal::SIGTERM, 143),
        (Signal::SIGINT, 130),
        (Signal::SIGHUP, 129),
    ] {
        let (_dir, fifo) = temp();
        let s = Steer::start(&fifo, &[]);
        s.steer("ready\n");
        assert_eq!(content(&s.json()), "ready");
        kill(s.pid(), sig).unwrap();
        assert_eq!(s.finish().0, code, "{sig}");
        assert!(!fifo.exists(), "{sig}: FIFO removed");
    }
}

#[test]
fn sigterm_ends_it_even_when_blocked_on_a_full_downstream() {
    let (_dir, fifo) = temp();
    let mut child = Reaped(
        steer_cmd()
            .arg(&fifo)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped()) // never read
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let child = &mut child.0;
    let mut stdin = child.stdin.take().unwrap();
    // Far more than the pipe to stdout holds: cc-steer ends up blocked in write.
    let feeder = thread::spawn(move || {
        let line = format!("{{\"pad\":\"{}\"}}\n", "y".repeat(1000));
        for _ in 0..2000 {
            if stdin.write_all(line.as_bytes()).is_err() {
                break;
            }
        }
    });
    thread::sleep(Duration::from_millis(500));
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "did not end while blocked"
        );
        thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(status.code(), Some(143));
    assert!(!fifo.exists());
    feeder.join().unwrap();
}

#[test]
fn a_closed_downstream_ends_it_promptly_even_while_idle() {
    let (_dir, fifo) = temp();
    let mut child = Reaped(
        steer_cmd()
            .arg(&fifo)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let child = &mut child.0;
    let _stdin = child.stdin.take(); // kept open: only the downstream goes away
    let mut out = BufReader::new(child.stdout.take().unwrap());
    open_writer(&fifo).write_all(b"first\n").unwrap();
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(line.contains("first"), "{line}");
    drop(out); // like `| head -1`
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "still running with no reader"
        );
        thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.is_empty(), "a closed downstream is not an error: {err}");
    assert!(!fifo.exists());
}

#[test]
fn over_long_fifo_lines_are_reported_and_skipped() {
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &["--max-line", "1K"]);
    s.steer(&format!("{}\nshort\n", "z".repeat(3000)));
    assert_eq!(content(&s.json()), "short");
    s.steer("/end\n");
    let (code, err, _) = s.finish();
    assert_eq!(code, 0);
    assert!(err.contains(":1: line longer than 1024 bytes"), "{err}");
}

#[test]
fn help_shows_an_example_and_the_lifecycle() {
    let out = common::bin("cc-steer").arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Examples:"), "{help}");
    assert!(help.contains("echo /end > /tmp/steer.fifo"), "{help}");
    assert!(
        help.contains("--exit-with-stdin") && help.contains("130 / 143"),
        "{help}"
    );
    // The decisions of issue 8 items 5 to 7, where a user looks first
    // (compared with the wrapping undone).
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for promise in [
        "Removing the FIFO does not end it: it makes a",
        "FIFO.lock",
        "a second cc-steer on the same path exits 2",
        "passed on with a warning",
    ] {
        assert!(help.contains(promise), "{promise}: {help}");
    }
}

/// Issue 8 item 5: a FIFO removed while cc-steer is idle is noticed within a
/// second and made again, so the next `echo hi > FIFO` is not lost in a
/// regular file.
#[test]
fn a_removed_fifo_is_made_again() {
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    s.steer("ready\n");
    assert_eq!(content(&s.json()), "ready");
    fs::remove_file(&fifo).unwrap();
    wait_for("the FIFO made again", || is_fifo(&fifo));
    let meta = fs::symlink_metadata(&fifo).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    s.steer("after the removal\n");
    assert_eq!(content(&s.json()), "after the removal");
    s.steer("/end\n");
    let (code, err, _) = s.finish();
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("the FIFO was removed; made a new one"),
        "{err}"
    );
    assert!(!fifo.exists() && !lock_of(&fifo).exists(), "cleaned up");
}

/// Issue 8 item 5: with stdin ended, a removal used to end cc-steer (exit 0,
/// "removed while opening it") when the writer closed. The writer's line
/// still arrives, and steering goes on through a new FIFO.
#[test]
fn removal_after_stdin_ended_does_not_end_it() {
    let (_dir, fifo) = temp();
    let mut s = Steer::start(&fifo, &[]);
    s.close_stdin();
    let mut held = open_writer(&fifo);
    fs::remove_file(&fifo).unwrap();
    held.write_all(b"written to the removed FIFO\n").unwrap();
    drop(held);
    assert_eq!(content(&s.json()), "written to the removed FIFO");
    wait_for("the FIFO made again", || is_fifo(&fifo));
    thread::sleep(Duration::from_millis(300));
    assert!(s.running(), "a removal must not end cc-steer");
    s.steer("still steering\n");
    assert_eq!(content(&s.json()), "still steering");
    s.steer("/end\n");
    let (code, err, _) = s.finish();
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("removed while opening"), "{err}");
    assert!(!fifo.exists(), "the FIFO it made is removed");
}

/// Issue 8 item 5: `echo hi > FIFO` between the removal and cc-steer noticing
/// it makes a regular file; cc-steer reads it (it is ours, not writable by
/// others) and puts a FIFO back.
#[test]
fn a_regular_file_in_the_fifo_s_place_is_read_as_steering() {
    let (dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    s.steer("ready\n");
    assert_eq!(content(&s.json()), "ready");
    // What `echo > FIFO` leaves under umask 022, swapped in atomically.
    let tmp = dir.path().join("echoed");
    fs::write(&tmp, "first lost line\nsecond lost line\n").unwrap();
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o644)).unwrap();
    fs::rename(&tmp, &fifo).unwrap();
    assert_eq!(content(&s.json()), "first lost line");
    assert_eq!(content(&s.json()), "second lost line");
    wait_for("a FIFO back at the path", || is_fifo(&fifo));
    s.steer("through the new FIFO\n");
    assert_eq!(content(&s.json()), "through the new FIFO");
    s.steer("/end\n");
    let (code, err, _) = s.finish();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("regular file"), "{err}");
    assert!(!fifo.exists() && !lock_of(&fifo).exists(), "cleaned up");
}

/// What cannot be trusted at the path while running ends cc-steer (exit 2)
/// and is left alone.
#[test]
fn an_unsafe_replacement_is_refused_while_running() {
    /// Puts something at the FIFO's path (arguments: a free path beside it, the FIFO).
    type Replace = fn(&Path, &Path);
    let cases: [(&str, Replace); 3] = [
        ("writable by others", |tmp, fifo| {
            fs::write(tmp, "injected\n").unwrap();
            fs::set_permissions(tmp, fs::Permissions::from_mode(0o666)).unwrap();
            fs::rename(tmp, fifo).unwrap();
        }),
        ("a symlink", |tmp, fifo| {
            nix::unistd::mkfifo(&tmp.with_extension("real"), Mode::from_bits_truncate(0o600))
                .unwrap();
            std::os::unix::fs::symlink(tmp.with_extension("real"), tmp).unwrap();
            fs::rename(tmp, fifo).unwrap();
        }),
        ("a FIFO others may write", |tmp, fifo| {
            nix::unistd::mkfifo(tmp, Mode::from_bits_truncate(0o600)).unwrap();
            fs::set_permissions(tmp, fs::Permissions::from_mode(0o622)).unwrap();
            fs::rename(tmp, fifo).unwrap();
        }),
    ];
    for (what, replace) in cases {
        let (dir, fifo) = temp();
        let s = Steer::start(&fifo, &[]);
        s.steer("ready\n");
        assert_eq!(content(&s.json()), "ready");
        replace(&dir.path().join("swap"), &fifo);
        let (code, err, _) = s.finish();
        assert_eq!(code, 2, "{what}: {err}");
        assert!(err.contains("refusing"), "{what}: {err}");
        assert!(fs::symlink_metadata(&fifo).is_ok(), "{what}: left alone");
        assert!(!lock_of(&fifo).exists(), "{what}: lock removed");
    }
}

/// Issue 8 item 5: a FIFO left behind by a SIGKILLed cc-steer is used by the
/// next run (its stale lock does not block it) and removed when that ends.
#[test]
fn a_fifo_left_by_a_killed_cc_steer_is_reused_and_removed() {
    let (_dir, fifo) = temp();
    let first = Steer::start(&fifo, &[]);
    first.steer("ready\n");
    assert_eq!(content(&first.json()), "ready");
    let pid = first.pid();
    kill(pid, Signal::SIGKILL).unwrap();
    drop(first);
    assert!(is_fifo(&fifo), "left behind");
    let s = Steer::start(&fifo, &[]);
    s.steer("next run\n");
    assert_eq!(content(&s.json()), "next run");
    s.steer("/end\n");
    let (code, err, _) = s.finish();
    assert_eq!(code, 0, "{err}");
    assert!(!fifo.exists(), "the killed run's FIFO is removed");
    assert!(!lock_of(&fifo).exists(), "and its lock");
    assert!(
        err.contains(&format!("left behind by a cc-steer (pid {pid})")),
        "{err}"
    );
}

/// Issue 8 item 6: two cc-steer on one FIFO used to split the lines between
/// two sessions; the second is refused, naming the first.
#[test]
fn a_second_cc_steer_on_the_same_fifo_is_refused() {
    let (_dir, fifo) = temp();
    let first = Steer::start(&fifo, &[]);
    first.steer("ready\n");
    assert_eq!(content(&first.json()), "ready");
    let out = common::bin("cc-steer")
        .arg(&fifo)
        .write_stdin("{\"type\":\"user\"}\n")
        .timeout(Duration::from_secs(10))
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        out.stdout.is_empty(),
        "nothing passes through a refused run"
    );
    assert!(
        err.contains(&format!("another cc-steer (pid {})", first.pid()))
            && err.contains("refusing"),
        "{err}"
    );
    // The first one still has the FIFO, and its lock.
    first.steer("to the first\n");
    assert_eq!(content(&first.json()), "to the first");
    first.steer("/end\n");
    assert_eq!(first.finish().0, 0);
    assert!(!fifo.exists() && !lock_of(&fifo).exists());
}

/// Issue 8 item 7: a line over PIPE_BUF written while another writer also
/// writes may have that writer's bytes inside; it comes with a warning. A
/// long line written alone does not.
#[test]
fn a_long_line_among_other_writers_is_warned_about() {
    let long = "L".repeat(10_000);
    // Alone: the only line ever written (ended by a signal, not by /end,
    // which would be a second line).
    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    s.steer(&format!("{long}\n"));
    assert_eq!(content(&s.json()), long);
    kill(s.pid(), Signal::SIGTERM).unwrap();
    let (code, err, _) = s.finish();
    assert_eq!(code, 143);
    assert!(!err.contains("PIPE_BUF"), "a line written alone: {err}");

    let (_dir, fifo) = temp();
    let s = Steer::start(&fifo, &[]);
    // Two writers connected at once, the second writing a long line.
    let mut a = open_writer(&fifo);
    let mut b = open_writer(&fifo);
    a.write_all(b"short one\n").unwrap();
    b.write_all(format!("{long}\n").as_bytes()).unwrap();
    drop((a, b));
    assert_eq!(content(&s.json()), "short one");
    assert_eq!(content(&s.json()), long, "passed on all the same");
    // Two writers of 1 MiB lines at once: what tears lines for real.
    let big = "B".repeat(1 << 20);
    let writers: Vec<_> = [open_writer(&fifo), open_writer(&fifo)]
        .into_iter()
        .map(|mut w| {
            let big = big.clone();
            thread::spawn(move || {
                for _ in 0..3 {
                    w.write_all(format!("{big}\n").as_bytes()).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    s.steer("/end\n");
    let (code, err, _) = s.finish();
    assert_eq!(code, 0, "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("PIPE_BUF")).collect();
    let name = fifo.display();
    assert!(!warnings.is_empty(), "no warning: {err}");
    assert!(
        warnings[0].starts_with(&format!("cc-steer: {name}:2: a line of 10000 bytes")),
        "{err}"
    );
    // 6 MiB in 6 lines, however torn: at least two of them long, in company.
    assert!(warnings.len() >= 3, "{err}");
}

/// Issue 8 item 18: `--max-line` counts a line's bytes, not the `\r` of its
/// CRLF.
#[test]
fn max_line_does_not_count_the_cr_of_crlf() {
    let (_dir, fifo) = temp();
    let line = "{\"k\":\"123\"}"; // 11 bytes
    let out = common::bin("cc-steer")
        .arg(&fifo)
        .args(["--exit-with-stdin", "--max-line", "11"])
        .write_stdin(format!("{line}\r\n{line}x\r\n"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{line}\n"));
    assert!(err.contains("stdin:2: line longer than 11 bytes"), "{err}");
    assert!(!err.contains("stdin:1:"), "{err}");
}

#[test]
fn bad_usage_exits_2() {
    let out = common::bin("cc-steer").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "FIFO argument required");
    let (_dir, fifo) = temp();
    let out = common::bin("cc-steer")
        .arg(&fifo)
        .args(["--idle-timeout", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!fifo.exists(), "nothing created on bad usage");
}
