//! cc-replay: re-emits a recorded stream-json session event by event, with
//! pauses, so the stages downstream see it as they would a live session;
//! or, with `--as-claude`, stands in for the `claude` binary itself.
//!
//! Promises: every line of the recording comes out unchanged, in order, each
//! followed by `\n` and flushed before the next pause (line endings are
//! normalised to `\n` and blank lines dropped, as every stage reads them);
//! a line that is not JSON by the rules every stage shares ([`crate::json`])
//! is reported as cc-check would report it, not replayed, and makes the exit
//! status 1;
//! `--demo` plays a real capture embedded in the binary, so a first pipeline
//! works with nothing else installed; `--as-claude` (as_claude.rs) plays it,
//! or a FILE, turn by turn, in answer to a host such as cc-run.

mod as_claude;
mod claude_args;
mod host;
mod pace;
mod recording;

use std::ffi::OsString;
use std::io::Write;
use std::time::Duration;

use clap::Parser;

use crate::cli::InputArgs;
use crate::error::{Error, Result, exit};
use crate::lines::LineReader;
use crate::output::{self, Flow, Item};

/// A real capture of Claude Code 2.1.332 run as cc-run runs it (see
/// tests/fixtures/README.md): a prompt to fix a failing test in a small
/// crate, thinking, a Read, `cargo test` failing, a message typed while it
/// runs and merged into the turn, an Edit, `cargo test` passing, the answer.
pub const DEMO: &[u8] = include_bytes!("../../tests/fixtures/demo.jsonl");

/// Pause between events when none is asked for, for `--demo` and `--as-claude`.
const DEMO_DELAY: Duration = Duration::from_millis(40);

/// The slowest `--speed`: slower is a replay that never gets anywhere.
const MIN_SPEED: f64 = 0.001;

/// The longest `--delay` or `--max-gap`: longer is a stuck replay, not a paced one.
const MAX_PAUSE: Duration = Duration::from_secs(24 * 60 * 60);

const ABOUT: &str = "Replay a recorded stream-json session, event by event";

const LONG_ABOUT: &str = "\
Replay a recorded stream-json session (the stdout of `claude -p --output-format \
stream-json --verbose`, or of cc-run), event by event, flushed, with a pause \
between events. Lines come out exactly as recorded; a line that is not a JSON \
object is reported and skipped.

Pacing: --no-delay plays as fast as the reader takes it; --delay DURATION \
pauses that long between events (150ms, 2s; a bare number is milliseconds); \
--speed X follows the recorded clock where events carry a `timestamp` (user \
messages, tool results), X times faster, and paces the events in between with \
the --delay pause divided by X. Gaps longer than --max-gap are shortened to it. \
Without a pacing flag files play with no delay, and --demo and --as-claude with \
40 ms between events. --speed is a number of at least 0.001 (any larger finite number \
works; 1e300 plays with no pause); --delay and --max-gap are at most 24h; any \
other value is a usage error.

--as-claude [FILE] [CLAUDE_ARGS]: stand in for the `claude` binary, so a \
pipeline through cc-run runs offline: read stream-json messages on stdin and \
answer each with the next turn of the recording (FILE, else the demo), event \
by event. It takes the flags cc-run passes (`-p --input-format stream-json \
--output-format stream-json --verbose` are required; --replay-user-messages \
echoes the messages it gets, a message sent while a turn plays included; \
--include-partial-messages keeps the token-level events) and ignores any \
other. An interrupt ends the turn; it exits when stdin ends. It replays, it \
does not think: the answers are the recording's whatever is asked. Invoked \
as `claude` (a symlink), cc-replay acts as --as-claude.

Exit status: 0 done (or the reader went away), 1 a line that is not a JSON \
object or too long to hold (reported with its number and skipped; with \
--as-claude the recording is refused before anything plays), 2 usage or an \
unreadable file.";

const EXAMPLES: &str = "\
Examples:
  cc-replay --demo | cc-fmt                      # the embedded demo session
  cc-replay --speed 4 session.jsonl | cc-fmt     # a saved session, 4x faster
  cc-replay --no-delay session.jsonl | cc-filter --type result
  printf '#!/bin/sh\\nexec cc-replay --as-claude \"$@\"\\n' > claude-demo && chmod +x claude-demo
  cc-prompt 'fix the failing test' | cc-run --claude ./claude-demo | cc-fmt   # offline";

#[derive(Debug, Parser)]
#[command(name = "cc-replay", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub input: InputArgs,

    /// Play the real session embedded in the binary instead of FILEs.
    #[arg(long, conflicts_with = "files")]
    pub demo: bool,

    /// Pause between events, e.g. 150ms, 2s (a bare number is milliseconds).
    #[arg(long, value_name = "DURATION", value_parser = parse_delay)]
    pub delay: Option<Duration>,

    /// Follow the recorded clock, X times faster (0.5 is half speed; at least 0.001).
    #[arg(long, value_name = "X", value_parser = parse_speed)]
    pub speed: Option<f64>,

    /// Play as fast as the reader takes it.
    #[arg(long, conflicts_with_all = ["delay", "speed"])]
    pub no_delay: bool,

    /// Longest pause taken from the recorded clock (with --speed), e.g. 3s, 500ms.
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = parse_max_gap)]
    pub max_gap: Duration,

    /// Stand in for the `claude` binary: answer the stream-json messages on
    /// stdin with the turns of a recording (FILE, else the demo). Takes the
    /// rest of the command line: an optional FILE, then claude's flags.
    #[arg(long, value_name = "ARGS", num_args = 0.., allow_hyphen_values = true)]
    pub as_claude: Option<Vec<OsString>>,
}

fn parse_speed(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= MIN_SPEED => Ok(x),
        Ok(x) if x.is_finite() && x > 0.0 => Err(format!(
            "{s:?} is too slow: the slowest is {MIN_SPEED} (0.5 is half speed)"
        )),
        _ => Err(format!(
            "{s:?} is not a positive number (0.5 is half speed, 4 four times faster)"
        )),
    }
}

/// A duration (`150ms`, `2s`), or a bare number of milliseconds as before.
fn parse_delay(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let d = match s.parse::<f64>() {
        Ok(ms) if ms.is_finite() && ms >= 0.0 => Duration::try_from_secs_f64(ms / 1000.0)
            .map_err(|_| format!("{s:?} is too long (at most 24h)"))?,
        Ok(_) => {
            return Err(format!(
                "{s:?} is not a duration (e.g. 150ms, 2s; a bare number is milliseconds)"
            ));
        }
        Err(_) => humantime::parse_duration(s)
            .map_err(|e| format!("{s:?}: {e} (e.g. 150ms, 2s; a bare number is milliseconds)"))?,
    };
    at_most_a_day(s, d)
}

fn parse_max_gap(s: &str) -> std::result::Result<Duration, String> {
    let d =
        humantime::parse_duration(s.trim()).map_err(|e| format!("{s:?}: {e} (e.g. 500ms, 3s)"))?;
    at_most_a_day(s, d)
}

fn at_most_a_day(s: &str, d: Duration) -> std::result::Result<Duration, String> {
    if d > MAX_PAUSE {
        return Err(format!("{s:?} is too long (at most 24h)"));
    }
    Ok(d)
}

/// The pause between events before --speed divides it.
fn pace_base(cli: &Cli) -> Duration {
    match (cli.no_delay, cli.delay) {
        (true, _) => Duration::ZERO,
        (false, Some(d)) => d,
        (false, None) if cli.demo || cli.as_claude.is_some() => DEMO_DELAY,
        (false, None) => Duration::ZERO,
    }
}

/// cc-replay's entry point: invoked as `claude` (a symlink to it), it is
/// `cc-replay --as-claude` with claude's arguments.
pub fn main() -> ! {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let name = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_owned());
    if name.is_some_and(|n| n == "claude") {
        args.splice(0..1, ["cc-replay".into(), "--as-claude".into()]);
    }
    crate::app::main_from("cc-replay", args, run)
}

pub fn run(cli: Cli) -> Result<i32> {
    if let Some(args) = &cli.as_claude {
        return as_claude::run(&cli, args);
    }
    let mut out = output::stdout();
    let mut pacer = pace::Pacer::new(pace_base(&cli), cli.speed, cli.max_gap);
    let mut bad = false;
    let mut reader = crate::json::Reader::default();
    let mut emit = |item: Item<'_>, at: &dyn std::fmt::Display, out: &mut output::Out| {
        match item {
            Item::Line(line) => {
                let recorded = match reader.read(line).and_then(|doc| doc.object().map(|_| doc)) {
                    Ok(doc) => pace::recorded_time(&doc),
                    Err(err) => {
                        out.flush()?;
                        crate::app::warn("cc-replay", format!("{at}: {err}; not replayed"));
                        bad = true;
                        return Ok(Flow::Continue);
                    }
                };
                pacer.wait(recorded, out)?;
                out.write_all(line)?;
                out.write_all(b"\n")?;
                if pacer.paced() {
                    out.flush()?;
                }
            }
            Item::TooLong(err) => {
                crate::app::warn("cc-replay", format!("{at}: {err}"));
                bad = true;
            }
        }
        Ok::<Flow, Error>(Flow::Continue)
    };
    if cli.demo {
        let mut reader = LineReader::new(DEMO);
        let name = crate::lines::SourceName::named("demo");
        loop {
            match reader.next_line(&mut || Ok(())) {
                Ok(Some((n, line))) => {
                    let at = output::At {
                        source: &name,
                        line: n,
                    };
                    emit(Item::Line(line), &at, &mut out)?;
                }
                Ok(None) => break,
                Err(err) => return Err(Error::data(format!("demo: {err}"))),
            }
        }
        out.flush()?;
    } else {
        output::each_line(
            &cli.input.files,
            cli.input.max_line,
            &mut out,
            |at, item, out| emit(item, &at, out),
        )?;
    }
    Ok(if bad { exit::FAILURE } else { exit::OK })
}
