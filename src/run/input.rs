//! The input pump: cc-run's stdin (after an optional `--prompt` message)
//! to the child's stdin, on a plain thread over the shared [`LineReader`].
//!
//! Promises: a line reaches the child only after it passes `check_input`
//! (read by the one reader); the first bad line stops the pump (nothing
//! from it on is sent) and is reported as `stdin:N: why`. A permission
//! answer is matched to the request it names (`#3`, `#`, or the real id:
//! see `control.rs`) and sent with the real id. Lines are flushed whenever
//! stdin has nothing more ready. The end of stdin does not close the
//! child's input: the controller does, once the session needs nothing more
//! (`Channel::may_close`).
//!
//! With `--retry`, what was sent is also kept on a [`Tape`] (the prompt,
//! every line but permission answers, at most [`TAPE_MAX`] bytes), so a
//! new attempt can be sent the same input once stdin has ended.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use tokio::sync::mpsc::UnboundedSender;

use super::control::{self, Channel};
use super::pump::Report;
use crate::json::Reader;
use crate::lines::{LineError, LineReader};
use crate::protocol::validate;

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

/// What the controller asks the writer thread to do, in order.
enum Cmd {
    Line(Vec<u8>),
    Close,
}

/// The child's stdin, shared by the input pump (which writes stdin's lines
/// itself) and the controller (whose answers, interrupt and close go
/// through one writer thread, in order, so it never blocks on a full pipe).
#[derive(Clone)]
pub struct ChildInput {
    writer: Arc<Mutex<Option<BufWriter<File>>>>,
    open: Arc<AtomicBool>,
    /// False once cc-run stopped passing stdin on (an interrupt).
    from_stdin: Arc<AtomicBool>,
    queue: mpsc::Sender<Cmd>,
}

impl ChildInput {
    pub fn new(file: File) -> Self {
        let (queue, rx) = mpsc::channel();
        let input = ChildInput {
            writer: Arc::new(Mutex::new(Some(BufWriter::with_capacity(64 * 1024, file)))),
            open: Arc::new(AtomicBool::new(true)),
            from_stdin: Arc::new(AtomicBool::new(true)),
            queue,
        };
        let writer = input.clone();
        thread::spawn(move || {
            for cmd in rx {
                match cmd {
                    Cmd::Line(line) => {
                        let _ = writer.write_line(&line).and_then(|_| writer.flush());
                    }
                    Cmd::Close => writer.close(),
                }
            }
        });
        input
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

    /// Flushes and closes the child's input now: the CLI finishes queued
    /// work and exits.
    fn close(&self) {
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut w) = guard.take() {
            let _ = w.flush();
        }
        self.open.store(false, Ordering::SeqCst);
    }

    /// Passes no more of stdin on: the input pump ends.
    pub fn stop_stdin(&self) {
        self.from_stdin.store(false, Ordering::SeqCst);
    }

    /// A line from stdin; `Ok(false)` once the input is closed or stdin is
    /// no longer passed on.
    fn write_from_stdin(&self, line: &[u8]) -> io::Result<bool> {
        if !self.from_stdin.load(Ordering::SeqCst) {
            return Ok(false);
        }
        self.write_line(line)
    }

    /// Sends `line` (an answer) after what was queued before it.
    pub fn send(&self, line: Vec<u8>) {
        let _ = self.queue.send(Cmd::Line(line));
    }

    /// Closes the input after what was queued before.
    pub fn close_later(&self) {
        let _ = self.queue.send(Cmd::Close);
    }
}

/// The most input kept for `--retry`.
pub const TAPE_MAX: usize = 1 << 20;

/// The input sent to claude, kept so a new attempt can be sent the same.
#[derive(Debug, Default)]
pub struct Tape {
    inner: Mutex<TapeInner>,
}

#[derive(Debug, Default)]
struct TapeInner {
    lines: Vec<Vec<u8>>,
    bytes: usize,
    overflow: bool,
    ended: bool,
}

impl Tape {
    fn lock(&self) -> std::sync::MutexGuard<'_, TapeInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn record(&self, line: &[u8]) {
        let mut g = self.lock();
        if g.overflow || g.bytes + line.len() > TAPE_MAX {
            g.overflow = true;
            g.lines = Vec::new();
            return;
        }
        g.bytes += line.len();
        g.lines.push(line.to_owned());
    }

    fn end(&self) {
        self.lock().ended = true;
    }

    /// The whole input, or why it cannot be sent again.
    pub fn replay(&self) -> Result<Vec<Vec<u8>>, String> {
        let g = self.lock();
        if g.overflow {
            Err(format!(
                "the input was longer than {} KiB, more than cc-run keeps",
                TAPE_MAX / 1024
            ))
        } else if !g.ended {
            Err("cc-run's input had not ended, so it cannot be sent again".into())
        } else {
            Ok(g.lines.clone())
        }
    }
}

/// What an attempt sends claude.
pub enum Source {
    /// `prompt` (a ready message line), then, if `read_stdin`, every stdin
    /// line; kept on the tape, if any.
    Fresh {
        prompt: Option<Vec<u8>>,
        read_stdin: bool,
        tape: Option<Arc<Tape>>,
    },
    /// The lines of an earlier attempt, sent again (`--retry`).
    Replay(Vec<Vec<u8>>),
}

/// Sends the input of `source` to the child.
pub fn spawn_input(
    source: Source,
    max_line: usize,
    input: ChildInput,
    channel: Arc<Channel>,
    tx: UnboundedSender<Report>,
) {
    thread::spawn(move || {
        let end = match source {
            Source::Fresh {
                prompt,
                read_stdin,
                tape,
            } => {
                let end = pump_input(
                    prompt,
                    read_stdin,
                    max_line,
                    &input,
                    &channel,
                    tape.as_deref(),
                );
                if let (InputEnd::Eof, Some(tape)) = (&end, tape) {
                    tape.end();
                }
                end
            }
            Source::Replay(lines) => replay(lines, &input, &channel),
        };
        // What was read before the end goes to the child now; the input
        // itself stays open for the controller to close.
        let _ = input.flush();
        let _ = tx.send(Report::InputDone(end));
    });
}

/// Sends the lines of an earlier attempt, counting the user messages.
fn replay(lines: Vec<Vec<u8>>, input: &ChildInput, channel: &Channel) -> InputEnd {
    let mut json = Reader::default();
    for line in lines {
        let user = json
            .read(&line)
            .ok()
            .and_then(|doc| doc.object().ok()?.get("type"))
            .is_some_and(|t| t.is_str("user"));
        match input
            .write_line(&line)
            .and_then(|open| input.flush().map(|_| open))
        {
            Ok(true) if user => channel.user_sent(),
            Ok(true) => {}
            Ok(false) => return InputEnd::Closed,
            Err(_) => return InputEnd::ChildGone,
        }
    }
    InputEnd::Eof
}

fn pump_input(
    prompt: Option<Vec<u8>>,
    read_stdin: bool,
    max: usize,
    input: &ChildInput,
    channel: &Channel,
    tape: Option<&Tape>,
) -> InputEnd {
    let record = |line: &[u8]| {
        if let Some(tape) = tape {
            tape.record(line);
        }
    };
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
        record(&line);
        channel.user_sent();
    }
    if !read_stdin {
        return InputEnd::Eof;
    }
    let mut reader = LineReader::with_max(io::stdin().lock(), max);
    let mut json = Reader::default();
    let mut flush_failed = false;
    loop {
        let next = reader.next_line(&mut || input.flush().inspect_err(|_| flush_failed = true));
        let (n, line) = match next {
            Ok(None) => return InputEnd::Eof,
            Ok(Some(item)) => item,
            Err(err @ LineError::TooLong { line, .. }) => {
                return InputEnd::Invalid(format!("stdin:{line}: {err}"));
            }
            Err(LineError::Io(_)) if flush_failed => return InputEnd::ChildGone,
            Err(LineError::Io(e)) => return InputEnd::ReadError(format!("stdin: {e}")),
        };
        let kind = match json.read(line) {
            Ok(doc) => match validate::check_input(&doc) {
                Ok(()) => doc
                    .object()
                    .ok()
                    .and_then(|o| o.str("type"))
                    .map(|t| t.into_owned()),
                Err(why) => return InputEnd::Invalid(super::bad_stdin_line(n, line, &why)),
            },
            Err(why) => {
                return InputEnd::Invalid(super::bad_stdin_line(n, line, &why.to_string()));
            }
        };
        let written = match kind.as_deref() {
            Some("control_response") => match answer(line, channel) {
                Ok(Some(line)) => input.write_from_stdin(&line),
                Ok(None) => input.write_from_stdin(line),
                Err(why) => {
                    crate::app::warn("cc-run", format!("stdin:{n}: {why}; dropped"));
                    continue;
                }
            },
            Some("user") => {
                let r = input.write_from_stdin(line);
                if matches!(r, Ok(true)) {
                    record(line);
                    channel.user_sent();
                }
                r
            }
            _ => {
                let r = input.write_from_stdin(line);
                if matches!(r, Ok(true)) {
                    record(line);
                }
                r
            }
        };
        if let Some(end) = sent(written) {
            return end;
        }
    }
}

/// A permission answer, rewritten for the request it names; `None` to send
/// the line as it is (not an answer to a waiting request).
fn answer(line: &[u8], channel: &Channel) -> Result<Option<Vec<u8>>, String> {
    let Some((id, payload)) = control::permission_answer(line) else {
        return Ok(None);
    };
    let Some(pending) = channel.resolve(&id)? else {
        return Ok(None);
    };
    Ok(Some(match payload {
        Some(payload) => control::answer(&pending.id, &control::complete(&pending, &payload)),
        // An error response, or a success without a payload: the CLI takes
        // neither as a permission answer; send it on with the real id.
        None if id == pending.id => return Ok(None),
        None => control::refuse(&pending.id, "answered without a permission result"),
    }))
}
