//! The poll(2) loop of cc-steer: stdin and the FIFO, line by line, in
//! arrival order, onto one stdout.
//!
//! Promises: every stdin line goes out unchanged and whole; FIFO lines go out
//! as [`super::commands`] decides; output is flushed before every wait, so
//! each line is passed on as soon as it arrives; no line is written in part
//! between two others. One read per source per wake-up keeps either side
//! from starving the other. The FIFO's path is watched each second
//! ([`Fifo::watch`]); a FIFO that was removed is still read until its
//! writers close it, and a regular file that took its place is read to its
//! end. A FIFO line over `PIPE_BUF` that shared the FIFO with other lines
//! is passed on with a warning (another writer's bytes may be inside it).
//! The loop ends on `/end`, stdin's end (with `--exit-with-stdin`), the idle
//! timeout, a closed downstream (seen by polling stdout for errors, even
//! while idle), a signal, or a FIFO path that must be refused.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use nix::errno::Errno;

use super::commands::{self, Action};
use super::fifo::{Change, Fifo};
use super::sys::{self, Gate, Gated, RawStdout, Signals, Wait};
use super::{Cli, TOOL};
use crate::app;
use crate::error::Error;
use crate::lines::{LineError, LineReader};
use crate::protocol::MessageOptions;

/// How often the FIFO's path is checked (the promise in `--help`).
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// Linux's atomic pipe write size: a line (with its newline) up to this
/// long from one write is never mixed with another writer's bytes.
const PIPE_BUF: usize = 4096;

/// Removed FIFOs still read at once; beyond this the oldest is let go
/// (a writer still holding it then gets EPIPE, not silence).
const MAX_DRAINING: usize = 8;

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
    /// SIGINT, SIGTERM or SIGHUP (the signal number).
    Signal(i32),
}

struct Stdin {
    reader: LineReader<Gated<io::Stdin>>,
    gate: Gate,
}

/// One source of steering lines: the FIFO (one opening of it, from the
/// first writer to the last writer's close), a removed FIFO, or a regular
/// file that took the FIFO's place.
struct Steering {
    fd: Rc<OwnedFd>,
    reader: LineReader<Gated<Rc<OwnedFd>>>,
    gate: Gate,
    /// Lines read through earlier openings of the FIFO, for line numbers.
    lines_before: u64,
    /// A FIFO (whose long lines may be torn), not a file.
    is_fifo: bool,
    /// A line has been read through this opening.
    seen_a_line: bool,
    /// A long line read first in this opening: warned about if another
    /// line follows before the last writer closes (line number, length).
    long_alone: Option<(u64, usize)>,
}

impl Steering {
    fn new(fd: OwnedFd, max_line: usize, lines_before: u64, is_fifo: bool) -> Self {
        let fd = Rc::new(fd);
        let (src, gate) = Gated::new(Rc::clone(&fd));
        Steering {
            fd,
            reader: LineReader::with_max(src, max_line),
            gate,
            lines_before,
            is_fifo,
            seen_a_line: false,
            long_alone: None,
        }
    }

    fn lines(&self) -> u64 {
        self.lines_before + self.reader.line_number()
    }

    /// Keeps the record for torn-line warnings, and gives them.
    fn note_line(&mut self, at: u64, len: usize, path: &Path) {
        if !self.is_fifo {
            return;
        }
        if let Some((n, len)) = self.long_alone.take() {
            warn_torn(path, n, len);
        }
        // With its newline, the line took more than one atomic write.
        if len + 1 > PIPE_BUF {
            if self.seen_a_line {
                warn_torn(path, at, len);
            } else {
                self.long_alone = Some((at, len));
            }
        }
        self.seen_a_line = true;
    }
}

fn warn_torn(path: &Path, at: u64, len: usize) {
    app::warn(
        TOOL,
        format!(
            "{}:{at}: a line of {len} bytes (over PIPE_BUF, {PIPE_BUF}) arrived together with \
             other lines: if another writer wrote meanwhile, its bytes may be mixed into it \
             (passed on; write long lines when no one else writes)",
            path.display()
        ),
    );
}

/// What one read of a steering source brought.
enum Got {
    /// Lines, or nothing yet; the source stays open.
    More,
    /// Every writer has closed it (or the file has ended).
    Eof,
    /// `/end`.
    End,
}

pub struct Pump<'a> {
    out: BufWriter<RawStdout>,
    fifo: &'a mut Fifo,
    stdin: Option<Stdin>,
    /// The FIFO now at the path.
    steering: Steering,
    /// Removed FIFOs and files that took the FIFO's place, read to their end.
    draining: Vec<Steering>,
    max_line: usize,
    message: MessageOptions,
    exit_with_stdin: bool,
    idle_timeout: Option<Duration>,
    last_input: Instant,
    next_watch: Instant,
}

impl<'a> Pump<'a> {
    pub fn new(cli: &Cli, fifo: &'a mut Fifo, fd: OwnedFd) -> Self {
        let (src, gate) = Gated::new(io::stdin());
        Pump {
            out: BufWriter::with_capacity(64 * 1024, RawStdout),
            fifo,
            stdin: Some(Stdin {
                reader: LineReader::with_max(src, cli.max_line),
                gate,
            }),
            steering: Steering::new(fd, cli.max_line, 0, true),
            draining: Vec::new(),
            max_line: cli.max_line,
            message: cli.message.options(),
            exit_with_stdin: cli.exit_with_stdin,
            idle_timeout: cli.idle_timeout,
            last_input: Instant::now(),
            next_watch: Instant::now() + WATCH_EVERY,
        }
    }

    /// Runs until one of the [`End`] conditions; the output is flushed
    /// except after a signal or a closed downstream.
    pub fn run(&mut self, signals: &Signals) -> Result<End, Error> {
        let end = self.pump(signals);
        match end {
            Ok(End::Signal(_) | End::Downstream) => {}
            Ok(_) => self.out.flush()?,
            // Lines read before a refusal still go out, if they can; the
            // refusal is what gets reported.
            Err(_) => {
                let _ = self.out.flush();
            }
        }
        end
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
            let now = Instant::now();
            if now >= self.next_watch {
                self.watch()?;
                self.next_watch = now + WATCH_EVERY;
            }
            let mut timeout = self.next_watch.saturating_duration_since(now);
            if let Some(limit) = self.idle_timeout {
                let left = (self.last_input + limit).saturating_duration_since(now);
                if left.is_zero() {
                    return Ok(End::Idle);
                }
                timeout = timeout.min(left);
            }
            let steering_fds: Vec<Rc<OwnedFd>> = std::iter::once(&self.steering)
                .chain(&self.draining)
                .map(|s| Rc::clone(&s.fd))
                .collect();
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
            let steering_at = fds.len();
            for fd in &steering_fds {
                fds.push(wait(fd.as_fd(), sys::POLLIN));
            }
            match sys::poll(&mut fds, Some(timeout)) {
                Ok(()) => {}
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(Error::usage(format!("poll: {}", e.desc()))),
            }
            let woken = fds[0].revents != 0;
            let down = fds[1].revents & (sys::POLLERR | sys::POLLHUP | sys::POLLNVAL) != 0;
            let stdin_ready = stdin_at.is_some_and(|i| fds[i].revents != 0);
            let ready: Vec<bool> = fds[steering_at..].iter().map(|w| w.revents != 0).collect();
            drop(fds);
            if woken {
                signals.drain();
                continue;
            }
            if down {
                return Ok(End::Downstream);
            }
            if stdin_ready || ready.contains(&true) {
                self.last_input = Instant::now();
            }
            let stdin_end = if stdin_ready {
                self.read_stdin()?
            } else {
                None
            };
            // Steering that arrived together with stdin's end still goes out.
            if self.read_steering(&ready)? {
                return Ok(End::Command);
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
                Ok(Some((_, line))) => put_line(&mut self.out, line)?,
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

    /// Reads the steering sources poll found ready (`ready[0]` is the FIFO
    /// at the path, the rest the draining ones, in order). True on `/end`.
    fn read_steering(&mut self, ready: &[bool]) -> Result<bool, Error> {
        let path = self.fifo.path().to_path_buf();
        // Older input first: what was written before the FIFO was replaced.
        let mut i = 0;
        for &is_ready in &ready[1..] {
            if !is_ready {
                i += 1;
                continue;
            }
            match read_lines(&mut self.draining[i], &mut self.out, self.message, &path)? {
                Got::End => return Ok(true),
                Got::More => i += 1,
                Got::Eof => {
                    self.draining.remove(i);
                }
            }
        }
        if ready[0] {
            match read_lines(&mut self.steering, &mut self.out, self.message, &path)? {
                Got::End => return Ok(true),
                Got::More => {}
                // Every writer has closed the FIFO (a last line without a
                // newline was taken as a line). Open it afresh before letting
                // the old descriptor go, so the FIFO always has a reader and
                // nothing written meanwhile is lost; a fresh reader is not
                // woken until a new writer has come and gone.
                Got::Eof => {
                    let change = self.fifo.reopen()?;
                    self.switch(change, false);
                }
            }
        }
        Ok(false)
    }

    /// Checks the FIFO's path, and follows any change.
    fn watch(&mut self) -> Result<(), Error> {
        if let Some(change) = self.fifo.watch()? {
            self.switch(change, true);
        }
        Ok(())
    }

    /// Reads from `change` from now on; the FIFO read so far is kept
    /// (`keep_old`) until its writers close it, if it may still have some.
    fn switch(&mut self, change: Change, keep_old: bool) {
        let lines = self.steering.lines();
        let new = Steering::new(change.fifo, self.max_line, lines, true);
        let old = std::mem::replace(&mut self.steering, new);
        if keep_old {
            self.draining.push(old);
        }
        for file in change.files {
            self.draining
                .push(Steering::new(file, self.max_line, lines, false));
        }
        while self.draining.iter().filter(|s| s.is_fifo).count() > MAX_DRAINING {
            let oldest = self.draining.iter().position(|s| s.is_fifo);
            self.draining.remove(oldest.expect("counted above"));
        }
    }
}

/// Writes one line and its newline: exactly to a pipe or a file; on a
/// terminal with control and invisible characters made visible, as every
/// data stage does ([`crate::output::stdout`]).
fn put_line(out: &mut impl Write, line: &[u8]) -> io::Result<()> {
    static TERMINAL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *TERMINAL.get_or_init(|| io::stdout().is_terminal()) {
        let text = String::from_utf8_lossy(line);
        out.write_all(crate::sanitize::clean(&text).as_bytes())?;
    } else {
        out.write_all(line)?;
    }
    out.write_all(b"\n")
}

/// Handles the lines one read of `steer` brings in.
fn read_lines(
    steer: &mut Steering,
    out: &mut impl Write,
    message: MessageOptions,
    path: &Path,
) -> Result<Got, Error> {
    steer.gate.open();
    loop {
        match steer.reader.next_line(&mut || Ok(())) {
            Ok(Some((n, line))) => {
                let at = steer.lines_before + n;
                match commands::parse(line, message) {
                    Action::Pass => put_line(out, line)?,
                    Action::Send(msg) => put_line(out, &msg)?,
                    Action::End => return Ok(Got::End),
                    Action::Help => app::warn(TOOL, commands::HELP),
                    Action::Reject(why) => {
                        app::warn(TOOL, format!("{}:{at}: {why}", path.display()));
                    }
                }
                let len = line.len();
                steer.note_line(at, len, path);
            }
            Ok(None) => return Ok(Got::Eof),
            Err(LineError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Got::More),
            Err(LineError::Io(e)) => {
                return Err(Error::usage(format!("{}: {e}", path.display())));
            }
            Err(e @ LineError::TooLong { line, .. }) => {
                let at = steer.lines_before + line;
                app::warn(TOOL, format!("{}:{at}: {e}", path.display()));
                steer.seen_a_line = true;
            }
        }
    }
}
