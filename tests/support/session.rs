//! A running child (the real CLI, or a ccpipe stage that spawns it) driven
//! line by line: write stdin lines, wait for stdout events with timeouts, and
//! kill its whole process group on drop so no child is left behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A spawned child with piped stdio, in its own process group.
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    eof: bool,
    raw: Vec<String>,
    sent: Vec<String>,
    events: Vec<Value>,
    stderr: Arc<Mutex<Vec<u8>>>,
    next_request: u32,
}

impl Session {
    /// Spawns `cmd` (stdin, stdout and stderr piped; stderr is drained in the
    /// background so the child never blocks on it).
    pub fn spawn(mut cmd: Command) -> Session {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.process_group(0);
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut buf = Vec::new();
            while matches!(reader.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
                let line = String::from_utf8_lossy(&buf)
                    .trim_end_matches('\n')
                    .to_owned();
                buf.clear();
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = err.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        Session {
            child,
            stdin,
            lines,
            eof: false,
            raw: Vec::new(),
            sent: Vec::new(),
            events: Vec::new(),
            stderr,
            next_request: 1,
        }
    }

    /// The child's process id (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes one line (a newline is added) to the child's stdin.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        stdin
            .write_all(line.as_bytes())
            .and_then(|_| stdin.write_all(b"\n"))
            .expect("write stdin");
        stdin.flush().expect("flush stdin");
        self.sent.push(line.to_owned());
    }

    /// Writes one JSON value as a line.
    pub fn send(&mut self, value: &Value) {
        self.send_line(&value.to_string());
    }

    /// Sends a user message with this text.
    pub fn say(&mut self, text: &str) {
        self.say_with(text, json!({}));
    }

    /// Sends a user message with this text and extra top-level fields, e.g.
    /// `json!({"uuid": "…"})` (2.1.332 then reports its `command_lifecycle`).
    pub fn say_with(&mut self, text: &str, extra: Value) {
        let mut line = json!({"type": "user", "message": {"role": "user", "content": text},
                              "parent_tool_use_id": null});
        if let (Some(line), Value::Object(extra)) = (line.as_object_mut(), extra) {
            line.extend(extra);
        }
        self.send(&line);
    }

    /// Sends a control_request (`request` holds `subtype` and its fields)
    /// with a fresh id `<subtype>-<n>`; returns the id.
    pub fn request(&mut self, request: Value) -> String {
        let subtype = request["subtype"].as_str().unwrap_or("request");
        let id = format!("{subtype}-{}", self.next_request);
        self.next_request += 1;
        self.send(&json!({"type": "control_request", "request_id": id, "request": request}));
        id
    }

    /// Sends an interrupt control_request; returns its request id.
    pub fn interrupt(&mut self) -> String {
        self.request(json!({"subtype": "interrupt"}))
    }

    /// Waits for the control_response to the request `id`.
    pub fn wait_response(&mut self, id: &str, timeout: Duration) -> Value {
        self.wait_for(&format!("control_response to {id}"), timeout, |e| {
            e["type"] == "control_response" && e["response"]["request_id"] == id
        })
    }

    /// Waits for a control_request from the CLI with this subtype
    /// (`can_use_tool`, `hook_callback`, ...).
    pub fn wait_request(&mut self, subtype: &str, timeout: Duration) -> Value {
        self.wait_for(&format!("control_request {subtype}"), timeout, |e| {
            e["type"] == "control_request" && e["request"]["subtype"] == subtype
        })
    }

    /// Answers the CLI's control_request `request_id` with success and
    /// `response` (e.g. `{"behavior": "allow"}`).
    pub fn answer(&mut self, request_id: &str, response: Value) {
        self.send(&json!({"type": "control_response", "response": {
            "subtype": "success", "request_id": request_id, "response": response}}));
    }

    /// Answers the CLI's control_request `request_id` with an error.
    pub fn answer_error(&mut self, request_id: &str, error: &str) {
        self.send(&json!({"type": "control_response", "response": {
            "subtype": "error", "request_id": request_id, "error": error}}));
    }

    /// Closes stdin: the CLI finishes queued work and exits.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The next stdout line as JSON (a string value if it is not JSON), or
    /// `None` on timeout or end of output.
    pub fn next_event(&mut self, timeout: Duration) -> Option<Value> {
        if self.eof {
            return None;
        }
        match self.lines.recv_timeout(timeout) {
            Ok(line) => {
                let value = serde_json::from_str(&line).unwrap_or(Value::String(line.clone()));
                self.raw.push(line);
                self.events.push(value.clone());
                Some(value)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.eof = true;
                None
            }
        }
    }

    /// Reads events until one matches `pred`; panics with the transcript when
    /// none does within `timeout` (or output ends). `what` names it for that message.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_event(left) {
                Some(event) if pred(&event) => return event,
                Some(_) => {}
                None => panic!(
                    "no {what} within {timeout:?} ({})\n{}",
                    if self.eof {
                        "output ended"
                    } else {
                        "timed out"
                    },
                    self.transcript()
                ),
            }
        }
    }

    /// Waits for an event of this `type` (and `subtype`, when given).
    pub fn wait_for_type(&mut self, kind: &str, subtype: Option<&str>, timeout: Duration) -> Value {
        let what = format!("{kind}/{}", subtype.unwrap_or("*"));
        self.wait_for(&what, timeout, |e| {
            e["type"] == kind && subtype.is_none_or(|s| e["subtype"] == s)
        })
    }

    /// Waits for the next `result` event.
    pub fn wait_result(&mut self, timeout: Duration) -> Value {
        self.wait_for_type("result", None, timeout)
    }

    /// Closes stdin, reads the rest of the output and waits for the exit;
    /// kills the process group and panics if that takes longer than `timeout`.
    pub fn finish(&mut self, timeout: Duration) -> ExitStatus {
        self.close_stdin();
        let deadline = Instant::now() + timeout;
        while !self.eof {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.kill();
                panic!(
                    "child did not exit within {timeout:?}\n{}",
                    self.transcript()
                );
            }
            self.next_event(left);
        }
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() >= deadline {
                self.kill();
                panic!("child closed stdout but did not exit within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the child, its process group and every descendant found in
    /// /proc, then reaps the child. Returns the descendants' pids, so a test
    /// can check with [`alive`] that none survived.
    pub fn kill(&mut self) -> Vec<u32> {
        let pid = self.child.id();
        let family = descendants(pid);
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        );
        for &p in &family {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(p as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stdin = None;
        family
    }

    /// Every event read so far.
    pub fn events(&self) -> &[Value] {
        &self.events
    }

    /// Every stdout line read so far, exactly as written (without newlines).
    pub fn raw_lines(&self) -> &[String] {
        &self.raw
    }

    /// Every line written to stdin so far (without newlines).
    pub fn sent_lines(&self) -> &[String] {
        &self.sent
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// The events and stderr so far, for failure messages.
    pub fn transcript(&self) -> String {
        let mut out = String::from("--- stdout:\n");
        for line in &self.raw {
            let short: String = line.chars().take(400).collect();
            out.push_str(&short);
            out.push('\n');
        }
        out.push_str("--- stderr:\n");
        out.push_str(&self.stderr());
        out
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

/// The pids of every process below `pid`, from /proc (Linux).
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(p) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some(ppid) = stat_field(p, 1).and_then(|s| s.parse().ok()) {
                parents.push((p, ppid));
            }
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// Whether `pid` is a live process (not gone, not a zombie).
pub fn alive(pid: u32) -> bool {
    stat_field(pid, 0).is_some_and(|state| state != "Z" && state != "X")
}

/// Field `n` after the command name in /proc/PID/stat (0: state, 1: ppid).
fn stat_field(pid: u32, n: usize) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(n).map(str::to_owned)
}
