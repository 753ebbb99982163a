//! cc-steer: passes stream-json input through from stdin and injects, in
//! arrival order, lines written to a FIFO (text, ready-made messages,
//! `/interrupt`, `/end`), so a running headless session can be steered.
//!
//! Submodules: [`fifo`] (safe creation, opening, watching and removal),
//! [`lock`] (one cc-steer per FIFO), [`commands`] (what a FIFO line means),
//! [`pump`] (the poll loop), [`sys`] (signals and descriptor-level I/O).

mod commands;
mod fifo;
mod lock;
mod pump;
mod sys;

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::error::{Error, Result, exit};
use crate::lines::parse_size;

use fifo::Fifo;
use pump::{End, Pump};

const TOOL: &str = "cc-steer";

const LONG_ABOUT: &str = "\
Passes stream-json input lines from stdin to stdout unchanged, and injects every line \
written to FIFO, in arrival order, so a running `claude -p --input-format stream-json` \
session can be steered from another terminal or script.

A line written to the FIFO is:
  TEXT          a user message with that text (see --priority, --no-uuid)
  {...}         a stream-json input message, passed as it is if valid; an invalid one
                is reported on stderr as FIFO:LINE: reason and dropped
  //TEXT        the text /TEXT (to send a message that starts with a slash)
  /note TEXT    a note that adds context without starting a turn
  /interrupt [--cancel-queued]   interrupt the running turn (and cancel queued messages)
  /allow [N]    allow permission request N, as cc-fmt numbers them (? #N ...);
                without N the oldest waiting one (cc-run resolves the number)
  /deny [N] [REASON]   deny it; the tool's result is REASON
  /model NAME, /mode MODE, /thinking N|off, /stop-task ID, /context
                session controls: switch model, permission mode (default,
                acceptEdits, bypassPermissions, plan, dontAsk, auto; others are
                refused at once), thinking budget; stop a background task;
                ask for the context usage
  /end          the end of the stream (stdin not yet read is not passed on)
  /help         the list of commands, on stderr
Any other /word is reported and dropped. A line that starts with / but is not a /word, \
such as a path (/tmp/log is full), is plain text.

Lines, from stdin and the FIFO alike, are split on \\n only (U+2028 is not a break); a \\r \
before it and a BOM are dropped, blank lines are skipped, a line over --max-line is \
reported and skipped; every other stdin line goes out byte for byte. A write of up to \
PIPE_BUF (4096) bytes reaches the FIFO whole, so lines from concurrent writers are never \
torn or merged if each line is written with one write. A longer line can have another \
writer's bytes mixed into it: one that arrives together with other lines (before the \
last writer closes the FIFO) is passed on with a warning naming it. When every writer \
has closed the FIFO, a last line without a newline is taken as a line; bytes without a \
newline that another writer's bytes follow before then become one line with them.

The FIFO is created with mode 0600 if absent and removed on exit if cc-steer created it. \
An existing path is used only if it is a FIFO (not a symbolic link) owned by this user \
and neither readable nor writable by group or others (mode 0600); otherwise cc-steer \
refuses it and exits 2. A regular file there (often `echo ... > FIFO` after cc-steer \
ended: the line is in it) is refused with the command that removes it.

One FIFO feeds one session: cc-steer holds a lock on FIFO.lock beside it (mode 0600, \
removed on exit), and a second cc-steer on the same path exits 2 naming the first one's \
pid. A killed cc-steer's lock does not block the next run, which also removes the FIFO \
the killed one made when it exits.

While it runs, cc-steer checks the path every second. Removing the FIFO does not end it: \
it makes a new one (mode 0600) and says so on stderr (to end it, write /end or send \
SIGTERM). A regular file that took the FIFO's place meanwhile (a write after the \
removal) is read as steering lines and replaced by a new FIFO, if it is this user's, \
has one link and is not writable by group or others; anything else at the path is \
refused, and cc-steer exits 2.

Lifecycle: `echo ... > FIFO` may be repeated any number of times; cc-steer keeps \
listening after each writer closes. After stdin ends, cc-steer goes on reading the FIFO \
(the session can still be steered) until one of:
  /end written to the FIFO                                exit 0
  stdin ends, with --exit-with-stdin                      exit 0
  nothing read from stdin or the FIFO for --idle-timeout  exit 0
  the reader of stdout goes away (even while idle)        exit 0
  SIGINT / SIGTERM / SIGHUP                               exit 130 / 143 / 129
When cc-steer ends, its stdout closes: claude then finishes its queued work and exits.

Exit status:
    0  ended by /end, --exit-with-stdin, --idle-timeout or the reader going away
    2  bad usage, the FIFO was refused, another cc-steer reads it, or an I/O error
  130  SIGINT (129 SIGHUP, 143 SIGTERM)";

const EXAMPLES: &str = "\
Examples:
  # Steer a session from another terminal
  cc-prompt 'Fix the failing test' | cc-steer /tmp/steer.fifo \\
    | claude -p --input-format stream-json --output-format stream-json --verbose | cc-fmt
  echo 'Also update the changelog' > /tmp/steer.fifo
  echo /interrupt > /tmp/steer.fifo
  echo /end > /tmp/steer.fifo

  # Only steering input; give up after ten quiet minutes
  cc-steer --idle-timeout 10m /tmp/steer.fifo < /dev/null | claude -p ...";

/// Passes stream-json input through and injects steering lines from a FIFO.
#[derive(Debug, Parser)]
#[command(name = "cc-steer", version, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    /// The FIFO to read steering lines from (created, mode 0600, if absent).
    #[arg(value_name = "FIFO")]
    pub fifo: PathBuf,

    #[command(flatten)]
    pub message: crate::cli::MessageArgs,

    /// End when stdin ends, instead of waiting for more steering.
    #[arg(long)]
    pub exit_with_stdin: bool,

    /// End after this long with nothing read from stdin or the FIFO, e.g. 90s, 10m, 1h.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub idle_timeout: Option<Duration>,

    /// Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_line: usize,
}

fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e} (e.g. 30s, 10m)"))?;
    if d.is_zero() {
        return Err("must be more than zero".into());
    }
    Ok(d)
}

pub fn run(cli: Cli) -> Result<i32> {
    sys::ensure_std_fds().map_err(|e| Error::usage(format!("/dev/null: {e}")))?;
    let signals = sys::Signals::install()
        .map_err(|e| Error::usage(format!("cannot install signal handlers: {e}")))?;
    let (mut fifo, fd) = Fifo::open(&cli.fifo)?;
    let mut pump = Pump::new(&cli, &mut fifo, fd);
    let end = pump.run(&signals);
    // A signal decides the status, whatever error it caused on the way out.
    if let Some(sig) = sys::pending() {
        return Ok(signal_status(sig));
    }
    match end? {
        End::Signal(sig) => Ok(signal_status(sig)),
        End::Command | End::StdinEnded | End::Idle | End::Downstream => Ok(exit::OK),
    }
}

fn signal_status(sig: i32) -> i32 {
    match sig {
        2 => exit::SIGINT,
        15 => exit::SIGTERM,
        sig => 128 + sig,
    }
}
