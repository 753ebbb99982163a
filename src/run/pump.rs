//! The three byte pumps between cc-run and the child, each a plain thread on
//! the shared [`LineReader`] (same line rules as every stage: `\n` only,
//! `\r` and BOM dropped, blank lines skipped, long lines grow the buffer).
//!
//! Promises: stdin lines reach the child only after they parse as a JSON
//! object that passes `check_input`; the first bad line stops the input
//! pump (nothing after it is sent). Child events reach stdout unchanged and
//! are flushed whenever the child has nothing more ready, so an event is
//! never held back and bulk output still moves in large writes. The child's
//! stderr is always drained (an unread pipe would block it at 64 KiB),
//! forwarded with secrets redacted, and its last lines kept for messages.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::classify::{self, Notable};
use super::redact::Redactor;
use crate::lines::{LineError, LineReader};
use crate::sanitize;

/// What the pumps tell the controller, in the order it happened.
#[derive(Debug)]
pub enum Report {
    Event(Notable),
    /// The child's stdout ended, or writing to our stdout failed.
    StdoutDone(io::Result<()>),
    InputDone(InputEnd),
    StderrDone,
    /// Nobody reads our stdout any more (`cc-run | head -1`).
    DownstreamGone,
}

#[derive(Debug)]
pub enum InputEnd {
    /// Our stdin reached EOF (or was not to be read).
    Eof,
    /// cc-run closed the child's input (interrupt, timeout).
    Closed,
    /// The child stopped reading (it exited).
    ChildGone,
    /// A line that must not reach the child: `stdin:N: why`.
    Invalid(String),
    ReadError(String),
}

/// State the pumps share with the controller.
pub struct Shared {
    pub redactor: Redactor,
    tail: Mutex<VecDeque<String>>,
}

const TAIL_LINES: usize = 8;
const STDERR_MAX_LINE: usize = 1 << 20;

impl Shared {
    pub fn new(redactor: Redactor) -> Self {
        Shared {
            redactor,
            tail: Mutex::new(VecDeque::new()),
        }
    }

    fn remember(&self, line: &[u8]) {
        let text = String::from_utf8_lossy(line);
        let text = sanitize::one_line(&self.redactor.text(&text)).into_owned();
        let text = classify::truncate(text.trim(), 400);
        let mut tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(text);
    }

    /// The last line the child wrote on stderr, redacted and on one line.
    pub fn last_stderr_line(&self) -> Option<String> {
        let tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.back().cloned()
    }
}

/// The child's stdin, shared by the input pump and the controller (which
/// writes the interrupt and closes it). Dropping the writer closes the pipe.
#[derive(Clone)]
pub struct ChildInput {
    writer: Arc<Mutex<Option<BufWriter<File>>>>,
    open: Arc<AtomicBool>,
}

impl ChildInput {
    pub fn new(file: File) -> Self {
        ChildInput {
            writer: Arc::new(Mutex::new(Some(BufWriter::with_capacity(64 * 1024, file)))),
            open: Arc::new(AtomicBool::new(true)),
        }
    }

    /// False once the input is closed; never blocks.
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::SeqCst)
    }

    /// Writes one line; `Ok(false)` when the input was closed meanwhile.
    fn write_line(&self, line: &[u8]) -> io::Result<bool> {
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let Some(w) = guard.as_mut() else {
            return Ok(false);
        };
        w.write_all(line)?;
        w.write_all(b"\n")?;
        Ok(true)
    }

    fn flush(&self) -> io::Result<()> {
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }

    /// Flushes and closes the child's input: the CLI finishes queued work
    /// and exits.
    pub fn close(&self) {
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut w) = guard.take() {
            let _ = w.flush();
        }
        self.open.store(false, Ordering::SeqCst);
    }

    /// Writes `line` as the last input and closes, on a thread of its own
    /// (the pipe may be full, and the controller must not block).
    pub fn send_last(&self, line: Vec<u8>) {
        let input = self.clone();
        thread::spawn(move || {
            let _ = input.write_line(&line);
            input.close();
        });
    }
}

/// Checks one stdin line before it may reach the child.
fn check_line(line: &[u8]) -> Result<(), String> {
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
    if !v.is_object() {
        return Err("not a JSON object".into());
    }
    crate::protocol::validate::check_input(&v)
}

/// Sends `prompt` (a ready message line), then, if `read_stdin`, every
/// stdin line, to the child; closes the child's input at the end.
pub fn spawn_input(
    prompt: Option<Vec<u8>>,
    read_stdin: bool,
    max_line: usize,
    input: ChildInput,
    tx: UnboundedSender<Report>,
) {
    thread::spawn(move || {
        let end = pump_input(prompt, read_stdin, max_line, &input);
        input.close();
        let _ = tx.send(Report::InputDone(end));
    });
}

fn pump_input(
    prompt: Option<Vec<u8>>,
    read_stdin: bool,
    max: usize,
    input: &ChildInput,
) -> InputEnd {
    let sent = |r: io::Result<bool>| match r {
        Ok(true) => None,
        Ok(false) => Some(InputEnd::Closed),
        Err(_) => Some(InputEnd::ChildGone),
    };
    if let Some(line) = prompt {
        let flushed = input
            .write_line(&line)
            .and_then(|open| input.flush().map(|_| open));
        if let Some(end) = sent(flushed) {
            return end;
        }
    }
    if !read_stdin {
        return InputEnd::Eof;
    }
    let mut reader = LineReader::with_max(io::stdin().lock(), max);
    let mut flush_failed = false;
    loop {
        let next = reader.next_line(&mut || input.flush().inspect_err(|_| flush_failed = true));
        match next {
            Ok(None) => return InputEnd::Eof,
            Ok(Some((n, line))) => {
                if let Err(why) = check_line(line) {
                    return InputEnd::Invalid(format!("stdin:{n}: {why}"));
                }
                if let Some(end) = sent(input.write_line(line)) {
                    return end;
                }
            }
            Err(err @ LineError::TooLong { line, .. }) => {
                return InputEnd::Invalid(format!("stdin:{line}: {err}"));
            }
            Err(LineError::Io(_)) if flush_failed => return InputEnd::ChildGone,
            Err(LineError::Io(e)) => return InputEnd::ReadError(format!("stdin: {e}")),
        }
    }
}

/// Copies the child's events to stdout and reports the notable ones.
pub fn spawn_output(src: File, max_line: usize, shared: Arc<Shared>, tx: UnboundedSender<Report>) {
    thread::spawn(move || {
        let result = pump_output(src, max_line, &shared, &tx);
        let _ = tx.send(Report::StdoutDone(result));
    });
}

fn pump_output(
    src: File,
    max: usize,
    shared: &Shared,
    tx: &UnboundedSender<Report>,
) -> io::Result<()> {
    // A File on a duplicate of fd 1: `Stdout` is line-buffered and would
    // search every block for newlines; events are flushed here instead.
    use std::os::fd::AsFd;
    let stdout = io::stdout().as_fd().try_clone_to_owned()?;
    let mut out = BufWriter::with_capacity(64 * 1024, File::from(stdout));
    let mut reader = LineReader::with_max(src, max);
    let mut write_error = None;
    loop {
        let next = reader.next_line(&mut || {
            out.flush().inspect_err(|e| {
                write_error = Some(match e.raw_os_error() {
                    Some(code) => io::Error::from_raw_os_error(code),
                    None => io::Error::from(e.kind()),
                })
            })
        });
        match next {
            Ok(None) => return out.flush(),
            Ok(Some((n, line))) => {
                if !line.starts_with(b"{") {
                    stray(shared, n, line);
                    continue;
                }
                let event = classify::inspect(line);
                out.write_all(line)?;
                out.write_all(b"\n")?;
                if let Some(event) = event {
                    if event.urgent() {
                        out.flush()?;
                    }
                    let _ = tx.send(Report::Event(event));
                }
            }
            Err(err @ LineError::TooLong { line, .. }) => {
                crate::app::warn("cc-run", format!("claude stdout:{line}: {err}; dropped"));
            }
            Err(LineError::Io(e)) => {
                return Err(write_error.take().unwrap_or(e));
            }
        }
    }
}

/// A stdout line that is not an event goes to stderr, so stdout stays JSON.
fn stray(shared: &Shared, n: u64, line: &[u8]) {
    let text = String::from_utf8_lossy(line);
    let text = shared.redactor.text(&text);
    crate::app::warn(
        "cc-run",
        format!(
            "claude stdout:{n}: not an event: {}",
            sanitize::one_line(&text)
        ),
    );
    shared.remember(line);
}

/// Forwards the child's stderr to ours, redacted, and keeps its tail.
pub fn spawn_stderr(src: File, shared: Arc<Shared>, tx: UnboundedSender<Report>) {
    thread::spawn(move || {
        let mut err = BufWriter::new(io::stderr());
        let mut reader = LineReader::with_max(src, STDERR_MAX_LINE);
        loop {
            // A failing stderr must not stop the draining.
            match reader.next_line(&mut || {
                let _ = err.flush();
                Ok(())
            }) {
                Ok(None) | Err(LineError::Io(_)) => break,
                Ok(Some((_, line))) => {
                    let _ = err.write_all(&shared.redactor.bytes(line));
                    let _ = err.write_all(b"\n");
                    shared.remember(line);
                }
                Err(LineError::TooLong { .. }) => {
                    let _ = err.write_all(b"[cc-run: a stderr line over 1 MiB was dropped]\n");
                }
            }
        }
        let _ = err.flush();
        let _ = tx.send(Report::StderrDone);
    });
}

/// Watches stdout when it is a pipe: the reader's exit shows as POLLERR at
/// once, while writing would only notice at the next event, which an idle
/// session may never produce.
pub fn spawn_downstream_watch(tx: UnboundedSender<Report>) {
    use nix::sys::stat::{SFlag, fstat};
    let is_pipe = fstat(io::stdout())
        .is_ok_and(|st| SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFIFO);
    if !is_pipe {
        return;
    }
    thread::spawn(move || {
        let mut fds = nix::libc::pollfd {
            fd: 1,
            events: 0,
            revents: 0,
        };
        loop {
            // SAFETY: one valid pollfd for the duration of the call.
            let n = unsafe { nix::libc::poll(&mut fds, 1, -1) };
            if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            if n > 0 && fds.revents & (nix::libc::POLLERR | nix::libc::POLLHUP) != 0 {
                let _ = tx.send(Report::DownstreamGone);
            }
            return;
        }
    });
}
