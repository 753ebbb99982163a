//! The poll(2) loop of cc-steer: stdin and the FIFO, line by line, in
//! arrival order, onto one stdout.
//!
//! Promises: every stdin line goes out unchanged and whole; FIFO lines go out
//! as [`super::commands`] decides; output is flushed before every wait, so
//! each line is passed on as soon as it arrives; no line is written in part
//! between two others. One read per source per wake-up keeps either side
//! from starving the other. The loop ends on `/end`, stdin's end (with
//! `--exit-with-stdin`), the idle timeout, a closed downstream (seen by
//! polling stdout for errors, even while idle), a signal, or when neither
//! source is left.

use std::io::{self, BufWriter, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::rc::Rc;
use std::time::{Duration, Instant};

use nix::errno::Errno;

use super::commands::{self, Action};
use super::fifo::Fifo;
use super::sys::{self, Gate, Gated, RawStdout, Signals, Wait};
use super::{Cli, TOOL};
use crate::app;
use crate::error::Error;
use crate::lines::{LineError, LineReader};
use crate::protocol::Priority;

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `/end` was written to the FIFO.
    Command,
    /// stdin ended and `--exit-with-stdin` was given.
    StdinEnded,
    /// `--idle-timeout` passed with nothing read.
    Idle,
    /// The reader of stdout went away.
    Downstream,
    /// stdin has ended and the FIFO is gone: nothing can arrive any more.
    NothingLeft,
    /// SIGINT, SIGTERM or SIGHUP (the signal number).
    Signal(i32),
}

struct Stdin {
    reader: LineReader<Gated<io::Stdin>>,
    gate: Gate,
}

struct Steering {
    fd: Rc<OwnedFd>,
    reader: LineReader<Gated<Rc<OwnedFd>>>,
    gate: Gate,
    /// Lines read through earlier openings of the FIFO, for line numbers.
    lines_before: u64,
}

impl Steering {
    fn new(fd: OwnedFd, max_line: usize, lines_before: u64) -> Self {
        let fd = Rc::new(fd);
        let (src, gate) = Gated::new(Rc::clone(&fd));
        Steering {
            fd,
            reader: LineReader::with_max(src, max_line),
            gate,
            lines_before,
        }
    }
}

pub struct Pump<'a> {
    out: BufWriter<RawStdout>,
    fifo: &'a Fifo,
    stdin: Option<Stdin>,
    steering: Option<Steering>,
    max_line: usize,
    priority: Option<Priority>,
    exit_with_stdin: bool,
    idle_timeout: Option<Duration>,
    last_input: Instant,
}

impl<'a> Pump<'a> {
    pub fn new(cli: &Cli, fifo: &'a Fifo, fd: OwnedFd) -> Self {
        let (src, gate) = Gated::new(io::stdin());
        Pump {
            out: BufWriter::with_capacity(64 * 1024, RawStdout),
            fifo,
            stdin: Some(Stdin {
                reader: LineReader::with_max(src, cli.max_line),
                gate,
            }),
            steering: Some(Steering::new(fd, cli.max_line, 0)),
            max_line: cli.max_line,
            priority: cli.priority,
            exit_with_stdin: cli.exit_with_stdin,
            idle_timeout: cli.idle_timeout,
            last_input: Instant::now(),
        }
    }

    /// Runs until one of the [`End`] conditions; the output is flushed
    /// except after a signal or a closed downstream.
    pub fn run(&mut self, signals: &Signals) -> Result<End, Error> {
        let end = self.pump(signals)?;
        if !matches!(end, End::Signal(_) | End::Downstream) {
            self.out.flush()?;
        }
        Ok(end)
    }

    fn pump(&mut self, signals: &Signals) -> Result<End, Error> {
        let stdin = io::stdin();
        let stdout = io::stdout();
        loop {
            if let Some(sig) = sys::pending() {
                return Ok(End::Signal(sig));
            }
            // Nothing more is ready: pass on what has arrived before waiting.
            self.out.flush()?;
            if self.stdin.is_none() && self.steering.is_none() {
                return Ok(End::NothingLeft);
            }
            let timeout = match self.idle_timeout {
                None => None,
                Some(limit) => {
                    let left = (self.last_input + limit).saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(End::Idle);
                    }
                    Some(left)
                }
            };
            let fifo_fd = self.steering.as_ref().map(|s| Rc::clone(&s.fd));
            let wait = |fd, events| Wait {
                fd,
                events,
                revents: 0,
            };
            let mut fds = vec![
                wait(signals.fd(), sys::POLLIN),
                // No events asked: only POLLERR/POLLHUP, i.e. the reader is gone.
                wait(stdout.as_fd(), 0),
            ];
            let stdin_at = self.stdin.is_some().then(|| {
                fds.push(wait(stdin.as_fd(), sys::POLLIN));
                fds.len() - 1
            });
            let fifo_at = fifo_fd.as_ref().map(|fd| {
                fds.push(wait(fd.as_fd(), sys::POLLIN));
                fds.len() - 1
            });
            match sys::poll(&mut fds, timeout) {
                Ok(()) => {}
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(Error::usage(format!("poll: {}", e.desc()))),
            }
            let ready = |at: Option<usize>| at.is_some_and(|i| fds[i].revents != 0);
            let woken = ready(Some(0));
            let down = fds[1].revents & (sys::POLLERR | sys::POLLHUP | sys::POLLNVAL) != 0;
            let (stdin_ready, fifo_ready) = (ready(stdin_at), ready(fifo_at));
            drop(fds);
            if woken {
                signals.drain();
                continue;
            }
            if down {
                return Ok(End::Downstream);
            }
            if stdin_ready || fifo_ready {
                self.last_input = Instant::now();
            }
            let stdin_end = if stdin_ready {
                self.read_stdin()?
            } else {
                None
            };
            // Steering that arrived together with stdin's end still goes out.
            if fifo_ready && let Some(end) = self.read_fifo()? {
                return Ok(end);
            }
            if let Some(end) = stdin_end {
                return Ok(end);
            }
        }
    }

    /// Passes on the stdin lines one read brings in.
    fn read_stdin(&mut self) -> Result<Option<End>, Error> {
        let Some(input) = &mut self.stdin else {
            return Ok(None);
        };
        input.gate.open();
        loop {
            match input.reader.next_line(&mut || Ok(())) {
                Ok(Some((_, line))) => {
                    self.out.write_all(line)?;
                    self.out.write_all(b"\n")?;
                }
                Ok(None) => break,
                Err(LineError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(LineError::Io(e)) => return Err(Error::usage(format!("stdin: {e}"))),
                Err(e @ LineError::TooLong { line, .. }) => {
                    app::warn(TOOL, format!("stdin:{line}: {e}"));
                }
            }
        }
        self.stdin = None;
        Ok(self.exit_with_stdin.then_some(End::StdinEnded))
    }

    /// Handles the FIFO lines one read brings in; reopens the FIFO when its
    /// last writer has closed it.
    fn read_fifo(&mut self) -> Result<Option<End>, Error> {
        let Some(steer) = &mut self.steering else {
            return Ok(None);
        };
        steer.gate.open();
        loop {
            match steer.reader.next_line(&mut || Ok(())) {
                Ok(Some((n, line))) => {
                    let at = steer.lines_before + n;
                    match commands::parse(line, self.priority) {
                        Action::Pass => {
                            self.out.write_all(line)?;
                            self.out.write_all(b"\n")?;
                        }
                        Action::Send(msg) => {
                            self.out.write_all(&msg)?;
                            self.out.write_all(b"\n")?;
                        }
                        Action::End => return Ok(Some(End::Command)),
                        Action::Help => app::warn(TOOL, commands::HELP),
                        Action::Reject(why) => {
                            app::warn(TOOL, format!("{}:{at}: {why}", self.fifo.path().display()));
                        }
                    }
                }
                Ok(None) => break,
                Err(LineError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(LineError::Io(e)) => {
                    return Err(Error::usage(format!("{}: {e}", self.fifo.path().display())));
                }
                Err(e @ LineError::TooLong { line, .. }) => {
                    let at = steer.lines_before + line;
                    app::warn(TOOL, format!("{}:{at}: {e}", self.fifo.path().display()));
                }
            }
        }
        // Every writer has closed the FIFO (a last line without a newline was
        // taken as a line). Open it afresh before letting the old descriptor
        // go, so the FIFO always has a reader and nothing written meanwhile is
        // lost; a fresh reader is not woken until a new writer has come and gone.
        let lines = steer.lines_before + steer.reader.line_number();
        match self.fifo.reopen() {
            Ok(fd) => *steer = Steering::new(fd, self.max_line, lines),
            Err(e) => {
                app::warn(TOOL, format!("{e}; steering has stopped"));
                self.steering = None;
            }
        }
        Ok(None)
    }
}
