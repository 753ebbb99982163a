//! cc-replay: re-emits a recorded stream-json session event by event, with
//! pauses, so the stages downstream see it as they would a live session.
//!
//! Promises: every line of the recording comes out unchanged, in order, each
//! followed by `\n` and flushed before the next pause (line endings are
//! normalised to `\n` and blank lines dropped, as every stage reads them);
//! a line that is not JSON by the rules every stage shares ([`crate::json`])
//! is reported as cc-check would report it, not replayed, and makes the exit
//! status 1;
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
const DEMO_DELAY: Duration = Duration::from_millis(40);

/// The slowest `--speed`: slower is a replay that never gets anywhere.
const MIN_SPEED: f64 = 0.001;

/// The longest `--delay` or `--max-gap`: longer is a stuck replay, not a paced one.
const MAX_PAUSE: Duration = Duration::from_secs(24 * 60 * 60);

const ABOUT: &str = "Replay a recorded stream-json session, event by event";

const LONG_ABOUT: &str = "\
Replay a recorded stream-json session (the stdout of `claude -p --output-format \
stream-json --verbose`, or of cc-run), event by event, flushed, with a pause \
between events. Lines come out exactly as recorded.

Pacing: --no-delay plays as fast as the reader takes it; --delay DURATION \
pauses that long between events (150ms, 2s; a bare number is milliseconds); \
--speed X follows the recorded clock where events carry a `timestamp` (user \
messages, tool results), X times faster, and paces the events in between with \
the --delay pause divided by X. Gaps longer than --max-gap are shortened to it. \
Without a pacing flag files play with no delay and --demo with 40 ms between \
events. --speed is a number of at least 0.001 (any larger finite number \
works; 1e300 plays with no pause); --delay and --max-gap are at most 24h; any \
other value is a usage error.

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

/// `d` divided by `speed`; a pause too long to represent saturates (the
/// flags' bounds keep it within a few years, and gaps are capped after).
fn scaled(d: Duration, speed: f64) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() / speed).unwrap_or(Duration::MAX)
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
        let base = match (cli.no_delay, cli.delay) {
            (true, _) => Duration::ZERO,
            (false, Some(d)) => d,
            (false, None) if cli.demo => DEMO_DELAY,
            (false, None) => Duration::ZERO,
        };
        let speed = cli.speed;
        let step = scaled(base, speed.unwrap_or(1.0));
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
    fn wait(&mut self, recorded: Option<i64>, out: &mut impl Write) -> std::io::Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        let mut pause = if first { Duration::ZERO } else { self.step };
        if let Some(speed) = self.speed
            && let Some(t) = recorded
        {
            match self.anchor {
                Some((t0, w0)) if t > t0 => {
                    let gap = scaled(Duration::from_millis((t - t0).unsigned_abs()), speed);
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
fn recorded_time(doc: &crate::json::Doc<'_>) -> Option<i64> {
    let stamp = doc.object().ok()?.str("timestamp")?;
    let t = humantime::parse_rfc3339_weak(&stamp).ok()?;
    let ms = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(ms).ok()
}

pub fn run(cli: Cli) -> Result<i32> {
    let mut out = output::stdout();
    let mut pacer = Pacer::new(&cli);
    let mut bad = false;
    let mut reader = crate::json::Reader::default();
    let mut emit = |item: Item<'_>, at: &dyn std::fmt::Display, out: &mut output::Out| {
        match item {
            Item::Line(line) => {
                let recorded = match reader.read(line).and_then(|doc| doc.object().map(|_| doc)) {
                    Ok(doc) => recorded_time(&doc),
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
                if !pacer.step.is_zero() || pacer.speed.is_some() {
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
