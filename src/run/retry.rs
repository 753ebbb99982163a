//! The run as a series of attempts (`--retry N`): a session that failed
//! with a transient error (rate limit, overload, a 5xx, a lost connection:
//! [`Outcome::transient`](super::classify::Outcome::transient)) before any
//! tool ran is started again, up to N times, with the same input.
//!
//! Promises: never a new attempt after a tool was called (a `tool_use`,
//! `tool_result` or `task_started` event: the tool's effects may be half
//! done), nor when cc-run does not hold the whole input (stdin had not
//! ended when the session failed, or was longer than
//! [`TAPE_MAX`](super::input::TAPE_MAX)): one
//! line on stderr then says why. Each new attempt is announced on stderr
//! with the failure and the wait. The wait doubles from `--retry-delay`
//! (default 2s) and is capped at [`DELAY_MAX`]; a signal or `--timeout`
//! during it ends the run as usual (`--timeout` counts the whole run).
//! Downstream gets every attempt's events: the failed session's, ending in
//! its error result, then a new session's (a new `system/init` with a new
//! `session_id`), so the last result is the run's.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::{Instant, sleep, sleep_until};

use super::child::Group;
use super::input::{Source, Tape};
use super::pump::Shared;
use super::session::{self, Ended, Plan};
use super::signals::Signals;
use crate::error::{Error, Result, exit};

/// The longest wait between two attempts.
pub const DELAY_MAX: Duration = Duration::from_secs(60);

/// Runs the attempts and clears the family at the end.
pub async fn drive(plan: Plan, mut group: Group, shared: Arc<Shared>) -> Result<i32> {
    let mut signals =
        Signals::install().map_err(|e| Error::usage(format!("cannot handle signals: {e}")))?;
    let tape = (plan.retry > 0).then(|| Arc::new(Tape::default()));
    let deadline = plan.timeout.map(|d| Instant::now() + d);
    let mut source = Source::Fresh {
        prompt: plan.prompt.clone(),
        read_stdin: plan.read_stdin,
        tape: tape.clone(),
    };
    let mut attempt = 1;
    let code = loop {
        let ended =
            session::attempt(&plan, &mut group, &shared, &mut signals, source, deadline).await;
        let failure = match ended {
            Err(e) => break Err(e),
            Ok(Ended::Done(r)) => break r,
            Ok(Ended::Transient(f)) => f,
        };
        let fail = Err(Error::new(failure.code, failure.message.clone()));
        if attempt > plan.retry {
            if plan.retry > 0 {
                crate::app::warn(
                    "cc-run",
                    format!(
                        "attempt {attempt} failed too; giving up (--retry {})",
                        plan.retry
                    ),
                );
            }
            break fail;
        }
        let lines = match tape.as_deref().map(Tape::replay) {
            Some(Ok(lines)) => lines,
            Some(Err(why)) => {
                crate::app::warn("cc-run", format!("not starting again (--retry): {why}"));
                break fail;
            }
            None => break fail,
        };
        let delay = backoff(plan.retry_delay, attempt);
        crate::app::warn(
            "cc-run",
            format!(
                "attempt {attempt} of {} failed before any tool ran: {}; starting again in {} (--retry)",
                plan.retry + 1,
                failure.message,
                humantime::format_duration(delay)
            ),
        );
        let timeout = async {
            match deadline {
                Some(d) => sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = sleep(delay) => {}
            sig = signals.recv() => {
                break Err(Error::new(sig.status(), format!("stopped by {}", sig.name())));
            }
            _ = timeout => {
                let d = plan.timeout.unwrap_or_default();
                break Err(Error::new(
                    exit::TIMEOUT,
                    format!("timed out after {}", humantime::format_duration(d)),
                ));
            }
        }
        attempt += 1;
        source = Source::Replay(lines);
    };
    group.clear(plan.grace).await;
    code
}

/// The wait before attempt `n + 1`: `first`, doubled for each attempt
/// after the first, at most [`DELAY_MAX`].
pub fn backoff(first: Duration, n: u32) -> Duration {
    let factor = 1u32 << (n - 1).min(16);
    first.saturating_mul(factor).min(DELAY_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = Duration::from_secs;
        assert_eq!(backoff(s(2), 1), s(2));
        assert_eq!(backoff(s(2), 2), s(4));
        assert_eq!(backoff(s(2), 3), s(8));
        assert_eq!(backoff(s(2), 40), DELAY_MAX);
        assert_eq!(backoff(Duration::ZERO, 3), Duration::ZERO);
    }
}
