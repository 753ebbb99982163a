//! The input pump: cc-run's stdin (after an optional `--prompt` message)
//! to the child's stdin, on a plain thread over the shared [`LineReader`].
//!
//! Promises: a line reaches the child only after it parses as a JSON object
//! that passes `check_input`; the first bad line stops the pump (nothing
//! from it on is sent) and is reported as `stdin:N: why`. Lines are flushed
//! whenever stdin has nothing more ready. The controller can write one last
//! line (the interrupt) and close the child's input at any time.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use tokio::sync::mpsc::UnboundedSender;

use super::pump::Report;
use crate::lines::{LineError, LineReader};

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
    crate::protocol::validate::check_input_line(line)
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
                    return InputEnd::Invalid(super::bad_stdin_line(n, line, &why));
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
