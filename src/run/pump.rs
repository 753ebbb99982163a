//! The output pumps: the child's stdout to ours and its stderr to ours,
//! each a plain thread on the shared [`LineReader`] (same line rules as
//! every stage: `\n` only, `\r` and BOM dropped, blank lines skipped, long
//! lines grow the buffer), and a watch on whoever reads our stdout.
//!
//! Promises: child events reach stdout unchanged (on a terminal, control
//! and invisible characters are made visible, as for every data stage: see
//! [`crate::output::stdout`]) and are flushed whenever the child has
//! nothing more ready, so an event is never held back and bulk
//! output still moves in large writes. The child's stderr is always drained
//! (an unread pipe would block it at 64 KiB), forwarded with secrets
//! redacted, and its last lines kept for messages.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::thread;

use tokio::sync::mpsc::UnboundedSender;

use super::classify;
use super::control::Channel;
use super::events::{self, Notable};
use super::input::InputEnd;
use super::redact::Redactor;
use crate::json::Reader;
use crate::lines::{LineError, LineReader};
use crate::sanitize;

/// What the pumps tell the controller, in the order it happened.
#[derive(Debug)]
pub enum Report {
    Event(Notable),
    /// The child's first event was written: it tells whether the child
    /// sends session states (see `control.rs`).
    FirstEvent,
    /// The child's stdout ended, or writing to our stdout failed.
    StdoutDone(io::Result<()>),
    InputDone(InputEnd),
    StderrDone,
    /// Nobody reads our stdout any more (`cc-run | head -1`).
    DownstreamGone,
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

/// Copies the child's events to stdout and reports the notable ones.
pub fn spawn_output(
    src: File,
    max_line: usize,
    shared: Arc<Shared>,
    channel: Arc<Channel>,
    tx: UnboundedSender<Report>,
) {
    thread::spawn(move || {
        let result = pump_output(src, max_line, &shared, &channel, &tx);
        let _ = tx.send(Report::StdoutDone(result));
    });
}

fn pump_output(
    src: File,
    max: usize,
    shared: &Shared,
    channel: &Channel,
    tx: &UnboundedSender<Report>,
) -> io::Result<()> {
    // A File on a duplicate of fd 1: `Stdout` is line-buffered and would
    // search every block for newlines; events are flushed here instead.
    use std::os::fd::AsFd;
    let stdout = io::stdout().as_fd().try_clone_to_owned()?;
    let mut out = BufWriter::with_capacity(64 * 1024, File::from(stdout));
    let terminal = io::stdout().is_terminal();
    let mut reader = LineReader::with_max(src, max);
    let mut json = Reader::default();
    let mut first = true;
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
                channel.touch();
                // Only a valid event line reaches stdout.
                let event = match json.read(line).and_then(|doc| doc.object()) {
                    Ok(obj) => {
                        let event = events::inspect(&obj);
                        // The first event of the session itself (not an answer
                        // to a request of the host) tells whether the child
                        // sends session states.
                        if first && events::is_session_event(&obj) {
                            first = false;
                            channel.first_event(matches!(event, Some(Notable::State(_))));
                            let _ = tx.send(Report::FirstEvent);
                        }
                        if let Some(Notable::Request { id, subtype, .. }) = &event
                            && subtype == "can_use_tool"
                            && let Some(request) = obj.object("request")
                        {
                            channel.register_request(id, &request);
                        }
                        event
                    }
                    Err(why) => {
                        stray(shared, n, line, &why.to_string());
                        continue;
                    }
                };
                match std::str::from_utf8(line) {
                    // A valid event is valid UTF-8.
                    Ok(text) if terminal => out.write_all(sanitize::clean(text).as_bytes())?,
                    _ => out.write_all(line)?,
                }
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

/// The most of a stray stdout line quoted on stderr.
const STRAY_QUOTE: usize = 200;

/// A stdout line that is not a valid event goes to stderr, quoted (cut,
/// redacted, terminal-safe), so stdout carries only events.
fn stray(shared: &Shared, n: u64, line: &[u8], why: &str) {
    let head = &line[..line.len().min(STRAY_QUOTE)];
    let text = String::from_utf8_lossy(head);
    let text = shared.redactor.text(&text);
    let cut = match line.len() - head.len() {
        0 => String::new(),
        more => format!("… ({more} more bytes)"),
    };
    crate::app::warn(
        "cc-run",
        format!(
            "claude stdout:{n}: not an event ({why}), not passed on: {}{cut}",
            sanitize::one_line(&text)
        ),
    );
}

/// Forwards the child's stderr to ours, redacted and sanitised, and keeps
/// its tail.
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
                    // Redacted, then made terminal-safe (tabs kept); one
                    // line in, one line out.
                    let text = String::from_utf8_lossy(line);
                    let _ = err.write_all(sanitize::clean(&shared.redactor.text(&text)).as_bytes());
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
