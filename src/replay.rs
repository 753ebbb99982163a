//! cc-replay: re-emits a recorded stream-json session event by event, with
//! pauses, so the stages downstream see it as they would a live session.
//!
//! Promises: every line of the recording comes out unchanged, in order, each
//! followed by `\n` and flushed before the next pause (line endings are
//! normalised to `\n` and blank lines dropped, as every stage reads them);
//! `--demo` plays a real capture embedded in the binary, so a first pipeline
//! works with nothing else installed.

use std::io::Write;
use std::time::{Duration, Instant};

use clap::Parser;

use crate::cli::InputArgs;
use crate::error::{Error, Result, exit};
use crate::lines::LineReader;
use crate::output::{self, Flow, Item};

/// A real capture of Claude Code 2.1.197: streamed text, a Read and a Bash
/// tool call in one message, their results, and the final answer.
pub const DEMO: &[u8] = include_bytes!("../tests/fixtures/tools-partial.jsonl");

/// Pause between events when none is asked for, for `--demo`.
const DEMO_DELAY_MS: u64 = 40;

const ABOUT: &str = "Replay a recorded stream-json session, event by event";

const LONG_ABOUT: &str = "\
Replay a recorded stream-json session (the stdout of `claude -p --output-format \
stream-json --verbose`, or of cc-run), event by event, flushed, with a pause \
between events. Lines come out exactly as recorded.

Pacing: --no-delay plays as fast as the reader takes it; --delay MS pauses MS \
milliseconds between events; --speed X follows the recorded clock where events \
carry a `timestamp` (user messages, tool results), X times faster, and paces \
the events in between with the --delay pause divided by X. Gaps longer than \
--max-gap are shortened to it. Without a pacing flag files play with no delay \
and --demo with 40 ms between events.

Exit status: 0 done (or the reader went away), 1 a line too long to hold, \
2 usage or an unreadable file.";

const EXAMPLES: &str = "\
Examples:
  cc-replay --demo | cc-fmt                      # the embedded demo session
  cc-replay --speed 4 session.jsonl | cc-fmt     # a saved session, 4x faster
  cc-replay --no-delay session.jsonl | cc-filter --type result";

#[derive(Debug, Parser)]
#[command(name = "cc-replay", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub input: InputArgs,

    /// Play the real session embedded in the binary instead of FILEs.
    #[arg(long, conflicts_with = "files")]
    pub demo: bool,

    /// Pause this many milliseconds between events.
    #[arg(long, value_name = "MS")]
    pub delay: Option<u64>,

    /// Follow the recorded clock, X times faster (0.5 is half speed).
    #[arg(long, value_name = "X", value_parser = parse_speed)]
    pub speed: Option<f64>,

    /// Play as fast as the reader takes it.
    #[arg(long, conflicts_with_all = ["delay", "speed"])]
    pub no_delay: bool,

    /// Longest pause taken from the recorded clock (with --speed), e.g. 3s, 500ms.
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = humantime::parse_duration)]
    pub max_gap: Duration,
}

fn parse_speed(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("{s:?} is not a positive number")),
    }
}

/// How long to wait before each event.
struct Pacer {
    /// Pause between events (already divided by the speed).
    step: Duration,
    /// `Some(speed)` to follow recorded timestamps.
    speed: Option<f64>,
    max_gap: Duration,
    /// The recorded time (ms since the epoch) and wall time of the last timestamped event.
    anchor: Option<(i64, Instant)>,
    first: bool,
}

impl Pacer {
    fn new(cli: &Cli) -> Self {
        let base_ms = match (cli.no_delay, cli.delay) {
            (true, _) => 0,
            (false, Some(ms)) => ms,
            (false, None) if cli.demo => DEMO_DELAY_MS,
            (false, None) => 0,
        };
        let speed = cli.speed;
        let step = Duration::from_millis(base_ms).div_f64(speed.unwrap_or(1.0));
        Pacer {
            step,
            speed,
            max_gap: cli.max_gap,
            anchor: None,
            first: true,
        }
    }

    /// Waits before emitting `line`, flushing `out` first so the previous
    /// event is seen while we wait.
    fn wait(&mut self, line: &[u8], out: &mut impl Write) -> std::io::Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        let mut pause = if first { Duration::ZERO } else { self.step };
        if let Some(speed) = self.speed
            && let Some(t) = recorded_time(line)
        {
            match self.anchor {
                Some((t0, w0)) if t > t0 => {
                    let gap = Duration::from_millis((t - t0) as u64).div_f64(speed);
                    let due = w0 + gap.min(self.max_gap);
                    pause = due.saturating_duration_since(Instant::now());
                    self.anchor = Some((t, due));
                }
                Some(_) => {}
                None => self.anchor = Some((t, Instant::now() + pause)),
            }
        }
        if !pause.is_zero() {
            out.flush()?;
            std::thread::sleep(pause);
        }
        Ok(())
    }
}

/// The event's `"timestamp"` (RFC 3339) in milliseconds, when it has one.
fn recorded_time(line: &[u8]) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct Stamp<'a> {
        #[serde(borrow)]
        timestamp: Option<&'a str>,
    }
    let stamp: Stamp = serde_json::from_slice(line).ok()?;
    let t = humantime::parse_rfc3339_weak(stamp.timestamp?).ok()?;
    let ms = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(ms).ok()
}

pub fn run(cli: Cli) -> Result<i32> {
    let mut out = output::stdout();
    let mut pacer = Pacer::new(&cli);
    let mut too_long = false;
    let mut emit = |item: Item<'_>, at: &dyn std::fmt::Display, out: &mut output::Out| {
        match item {
            Item::Line(line) => {
                pacer.wait(line, out)?;
                out.write_all(line)?;
                out.write_all(b"\n")?;
                if !pacer.step.is_zero() || pacer.speed.is_some() {
                    out.flush()?;
                }
            }
            Item::TooLong(err) => {
                crate::app::warn("cc-replay", format!("{at}: {err}"));
                too_long = true;
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
    Ok(if too_long { exit::FAILURE } else { exit::OK })
}
