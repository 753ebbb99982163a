//! How long cc-replay waits before each event: a fixed pause, or the
//! recorded clock (events with a `timestamp`) sped up, with long gaps cut.
//!
//! Promises: the first event of a play (and of each turn played by
//! `--as-claude`) goes out at once; no pause is longer than the flags allow.

use std::io::Write;
use std::time::{Duration, Instant};

/// `d` divided by `speed`; a pause too long to represent saturates (the
/// flags' bounds keep it within a few years, and gaps are capped after).
pub fn scaled(d: Duration, speed: f64) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() / speed).unwrap_or(Duration::MAX)
}

/// How long to wait before each event.
pub struct Pacer {
    /// Pause between events (already divided by the speed).
    pub step: Duration,
    /// `Some(speed)` to follow recorded timestamps.
    pub speed: Option<f64>,
    max_gap: Duration,
    /// The recorded time (ms since the epoch) and wall time of the last timestamped event.
    anchor: Option<(i64, Instant)>,
    first: bool,
}

impl Pacer {
    /// `base` between events, divided by `speed` when one is given, which
    /// also makes the pacer follow recorded timestamps.
    pub fn new(base: Duration, speed: Option<f64>, max_gap: Duration) -> Self {
        Pacer {
            step: scaled(base, speed.unwrap_or(1.0)),
            speed,
            max_gap,
            anchor: None,
            first: true,
        }
    }

    /// Whether events are paced at all (else output is flushed only when
    /// the input would block).
    pub fn paced(&self) -> bool {
        !self.step.is_zero() || self.speed.is_some()
    }

    /// The next event starts a new play: it goes out at once, and the
    /// recorded clock is followed from it.
    pub fn restart(&mut self) {
        self.first = true;
        self.anchor = None;
    }

    /// How long to wait before an event recorded at `recorded` (ms since the
    /// epoch), if it carries a time.
    pub fn pause(&mut self, recorded: Option<i64>) -> Duration {
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
        pause
    }

    /// Waits before emitting an event, flushing `out` first so the previous
    /// event is seen while we wait.
    pub fn wait(&mut self, recorded: Option<i64>, out: &mut impl Write) -> std::io::Result<()> {
        let pause = self.pause(recorded);
        if !pause.is_zero() {
            out.flush()?;
            std::thread::sleep(pause);
        }
        Ok(())
    }
}

/// The event's `"timestamp"` (RFC 3339) in milliseconds, when it has one.
pub fn recorded_time(doc: &crate::json::Doc<'_>) -> Option<i64> {
    let stamp = doc.object().ok()?.str("timestamp")?;
    let t = humantime::parse_rfc3339_weak(&stamp).ok()?;
    let ms = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(ms).ok()
}
