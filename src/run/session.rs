//! The controller of one run: starts the child and the pumps, reacts to
//! signals, the timeout, fail-fast events and a closed downstream, and
//! decides the exit status once everything has ended.
//!
//! Promises: the first cause that ends a run decides its status (a second
//! SIGINT after the first still exits 130); every path waits for the child,
//! drains its stdout (so no event is lost), then clears its process group.

use std::ffi::OsString;
use std::fs::File;
use std::sync::Arc;
use std::time::Duration;

use nix::sys::signal::Signal;
use nix::unistd::Pid;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::child::{self, Group};
use super::classify::{self, ChildEnd, Failure, Outcome};
use super::control::{self, Channel};
use super::events::Notable;
use super::input::{self, ChildInput, InputEnd};
use super::policy::{Decision, Policy};
use super::pump::{self, Report, Shared};
use super::signals::{Sig, Signals};
use crate::error::{Error, Result, exit};
use crate::protocol::{interrupt_request, next_request_id};

/// The size asked for the pipes to and from the child.
const PIPE_SIZE: i32 = 1 << 20;

/// The answer to a prompt when cc-run's input has ended.
const NOBODY: &str = "no one can answer: cc-run's input has ended";

/// How long the child's stdout may stay open after the child exited.
const DRAIN: Duration = Duration::from_millis(500);

/// Everything the controller needs, decided from the command line.
pub struct Plan {
    pub program: OsString,
    pub origin: &'static str,
    pub args: Vec<OsString>,
    pub prompt: Option<Vec<u8>>,
    pub read_stdin: bool,
    pub timeout: Option<Duration>,
    pub grace: Duration,
    pub fail_fast: bool,
    pub max_line: usize,
    pub verbose: bool,
    /// `--permit`: decides permission prompts.
    pub policy: Option<Policy>,
    /// `--ask-timeout`: how long a prompt left to a person may wait.
    pub ask_timeout: Option<Duration>,
    /// `--fail-on-denial`.
    pub fail_on_denial: bool,
}

/// Why the run ended early; the first one wins.
enum Cause {
    Signal(Sig),
    Timeout(Duration),
    FailFast(Failure),
    BrokenPipe,
    /// Stdout failed otherwise (a full disk): exit 2.
    WriteError(String),
    /// Bad input, already reported; its exit status.
    Input(i32),
}

/// The next step of ending the child.
#[derive(Clone, Copy)]
enum Step {
    Term,
    Kill,
    GiveUp,
}

struct Run {
    plan: Plan,
    group: Group,
    input: ChildInput,
    channel: Arc<Channel>,
    shared: Arc<Shared>,
    cause: Option<Cause>,
    escalation: Option<(Instant, Step)>,
    interrupted: bool,
    /// The child's pid while it has not been reaped.
    child_pid: Option<Pid>,
}

pub async fn drive(plan: Plan, group: Group, shared: Arc<Shared>) -> Result<i32> {
    let mut signals =
        Signals::install().map_err(|e| Error::usage(format!("cannot handle signals: {e}")))?;
    let mut group = group;
    let mut cmd = child::command(&plan.program, &plan.args, &group);
    // The CLI's turn-over signal, which the control channel relies on.
    cmd.env("CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS", "1");
    let mut child = match tokio::process::Command::from(cmd).spawn() {
        Ok(c) => c,
        Err(e) => {
            group.clear(plan.grace).await;
            return Err(cannot_run(&plan, &e));
        }
    };
    if plan.verbose {
        let pid = child.id().unwrap_or(0);
        crate::app::warn(
            "cc-run",
            format!("started pid {pid} in process group {}", group.pgid()),
        );
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(Error::usage("the child's pipes are missing"));
    };
    let file = |fd: std::io::Result<std::os::fd::OwnedFd>| {
        let fd = fd.map_err(|e| Error::usage(format!("child pipe: {e}")))?;
        // Bigger pipes mean fewer wake-ups when bulk flows; best effort.
        let _ = nix::fcntl::fcntl(&fd, nix::fcntl::FcntlArg::F_SETPIPE_SZ(PIPE_SIZE));
        Ok::<_, Error>(File::from(fd))
    };
    let input = ChildInput::new(file(stdin.into_owned_fd())?);
    let channel = Arc::new(Channel::default());
    pump::spawn_output(
        file(stdout.into_owned_fd())?,
        plan.max_line,
        shared.clone(),
        channel.clone(),
        tx.clone(),
    );
    pump::spawn_stderr(file(stderr.into_owned_fd())?, shared.clone(), tx.clone());
    pump::spawn_downstream_watch(tx.clone());
    input::spawn_input(
        plan.prompt.clone(),
        plan.read_stdin,
        plan.max_line,
        input.clone(),
        channel.clone(),
        tx,
    );

    let deadline = plan.timeout.map(|d| Instant::now() + d);
    let mut run = Run {
        plan,
        group,
        input,
        channel,
        shared,
        cause: None,
        escalation: None,
        interrupted: false,
        child_pid: child.id().map(|id| Pid::from_raw(id as i32)),
    };
    let mut outcome = Outcome::default();
    let mut status = None;
    let mut stdout_done = false;
    let mut stderr_done = false;
    let mut timed_out = false;
    while status.is_none() || !stdout_done {
        let escalation = run.escalation;
        let ask_deadline = run.channel.next_deadline().map(Instant::from_std);
        tokio::select! {
            res = child.wait(), if status.is_none() => {
                status = Some(child_end(res));
                run.child_pid = None;
                if !stdout_done && run.escalation.is_none() {
                    // The rest of its output is normally on its way; if it
                    // does not end soon, something the child started holds
                    // its stdout.
                    run.escalation = Some((Instant::now() + DRAIN, Step::Term));
                }
            }
            Some(report) = rx.recv() => match report {
                Report::Event(event) => {
                    outcome.observe(&event);
                    if let Some(failure) = classify::fail_fast(&event).filter(|_| run.plan.fail_fast) {
                        run.set_cause(Cause::FailFast(failure));
                        run.terminate();
                    }
                    run.control(event);
                }
                Report::StdoutDone(Ok(())) => stdout_done = true,
                Report::StdoutDone(Err(e)) => {
                    stdout_done = true;
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        run.set_cause(Cause::BrokenPipe);
                    } else {
                        run.set_cause(Cause::WriteError(format!("write error: {e}")));
                    }
                    run.terminate();
                }
                Report::InputDone(end) => run.input_done(end),
                Report::FirstEvent => run.maybe_close(),
                Report::StderrDone => stderr_done = true,
                Report::DownstreamGone => {
                    run.set_cause(Cause::BrokenPipe);
                    run.terminate();
                }
            },
            sig = signals.recv() => run.on_signal(sig),
            _ = sleep_until(ask_deadline.unwrap_or_else(Instant::now)), if ask_deadline.is_some() => {
                run.ask_timeouts();
            }
            _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() && !timed_out => {
                timed_out = true;
                let d = run.plan.timeout.unwrap_or_default();
                run.set_cause(Cause::Timeout(d));
                run.interrupt_then_term();
            }
            _ = sleep_until(escalation.map_or_else(Instant::now, |e| e.0)), if escalation.is_some() => {
                match escalation.map(|e| e.1) {
                    Some(Step::Term) => run.terminate(),
                    Some(Step::Kill) => {
                        run.note("sending SIGKILL to claude and its tools");
                        run.group.signal(Signal::SIGKILL);
                        run.escalation = Some((Instant::now() + run.plan.grace, Step::GiveUp));
                    }
                    _ => break,
                }
            }
        }
    }
    // Let the stderr pump finish so the tail is complete, but not forever:
    // a process that escaped the group may hold the pipe.
    let until = Instant::now() + Duration::from_millis(500);
    while !stderr_done {
        tokio::select! {
            Some(report) = rx.recv() => {
                if let Report::StderrDone = report { stderr_done = true; }
            }
            _ = sleep_until(until) => break,
        }
    }
    run.group.clear(run.plan.grace).await;
    let status = status.unwrap_or(ChildEnd::Unknown);
    if run.plan.verbose {
        crate::app::warn("cc-run", status);
    }
    run.finish(&outcome, status)
}

impl Run {
    fn set_cause(&mut self, cause: Cause) {
        if self.cause.is_none() {
            self.cause = Some(cause);
        }
    }

    /// TERM to the group now, KILL after the grace period.
    fn terminate(&mut self) {
        if matches!(self.escalation, Some((_, Step::Kill | Step::GiveUp))) {
            return;
        }
        self.note("sending SIGTERM to claude and its tools");
        self.group.signal(Signal::SIGTERM);
        self.escalation = Some((Instant::now() + self.plan.grace, Step::Kill));
    }

    /// A `--verbose` line about what cc-run does to the child.
    fn note(&self, what: &str) {
        if self.plan.verbose {
            crate::app::warn("cc-run", what);
        }
    }

    /// Asks the CLI to stop the turn and end: an interrupt request while
    /// its input is open, after which no more of stdin is passed on and the
    /// input closes once the session is idle (the CLI writes the interrupted
    /// turn's result first); else SIGINT to claude alone, which the CLI
    /// handles the same way. False when there is nothing left to interrupt.
    fn interrupt(&mut self) -> bool {
        if self.interrupted {
            return false;
        }
        if self.input.is_open() {
            self.note("sending an interrupt; claude's input ends once the session is idle");
            self.input.stop_stdin();
            self.input
                .send(interrupt_request(&next_request_id("interrupt")));
            self.channel.end_input();
            self.maybe_close();
        } else if let Some(pid) = self.child_pid {
            self.note("sending SIGINT to claude (its input has ended)");
            let _ = nix::sys::signal::kill(pid, Signal::SIGINT);
        } else {
            return false;
        }
        self.interrupted = true;
        true
    }

    /// Interrupt, then TERM after the grace period (or now, if there is
    /// nothing to interrupt), then KILL.
    fn interrupt_then_term(&mut self) {
        if self.interrupt() {
            self.escalation = Some((Instant::now() + self.plan.grace, Step::Term));
        } else {
            self.terminate();
        }
    }

    fn on_signal(&mut self, sig: Sig) {
        if self.plan.verbose {
            crate::app::warn("cc-run", format!("received {}", sig.name()));
        }
        self.set_cause(Cause::Signal(sig));
        if sig == Sig::Int && !self.interrupted {
            // The first Ctrl-C stops the turn cleanly and the CLI exits.
            if !self.interrupt() {
                self.terminate();
            }
        } else {
            self.terminate();
        }
    }

    /// The control channel's side of an event: requests of the CLI, the
    /// session's state, withdrawn requests; then, maybe, the end of input.
    fn control(&mut self, event: Notable) {
        match event {
            Notable::State(state) => self.channel.state(state),
            Notable::Cancelled { id } => _ = self.channel.take(&id),
            Notable::Request { id, subtype, body } if subtype == "can_use_tool" => {
                self.permission(&id, &body)
            }
            Notable::Request { id, subtype, .. } => self.unserved(&id, &subtype),
            _ => return,
        }
        self.maybe_close();
    }

    /// A permission prompt: numbered, then decided by the policy, left to
    /// a person, or denied when nobody can answer.
    fn permission(&mut self, id: &str, body: &str) {
        // The output pump registered it; a person may have answered already.
        let Some(waiting) = self.channel.get(id) else {
            return;
        };
        let (n, tool, input) = (waiting.n, waiting.tool, waiting.input);
        let decision = match &self.plan.policy {
            None => Decision::Ask,
            Some(policy) => policy.decide(body).unwrap_or_else(|(deny, why)| {
                crate::app::warn("cc-run", format!("permission request #{n} ({tool}): {why}"));
                deny
            }),
        };
        let line = match decision {
            Decision::Allow => control::allow(id, &input),
            Decision::Deny(message) => control::deny(id, &message),
            Decision::Answer(payload) => match self.channel.take(id) {
                Some(p) => control::answer(id, &control::complete(&p, &payload)),
                None => return,
            },
            Decision::Ask if self.channel.input_ended() => control::deny(id, NOBODY),
            Decision::Ask => {
                if let Some(t) = self.plan.ask_timeout {
                    self.channel.set_deadline(id, std::time::Instant::now() + t);
                }
                return;
            }
        };
        self.note(&format!("answered permission request #{n} ({tool})"));
        self.channel.take(id);
        self.input.send(line);
    }

    /// A request ccpipe does not serve: answered at once with an error, so
    /// the session does not wait for it.
    fn unserved(&mut self, id: &str, subtype: &str) {
        crate::app::warn(
            "cc-run",
            format!(
                "claude sent a {} request, which ccpipe does not serve; answered with an error",
                crate::json::quote(subtype)
            ),
        );
        let why = format!("ccpipe does not serve {subtype} requests");
        self.input.send(control::refuse(id, &why));
    }

    /// Prompts left to a person past `--ask-timeout` are denied.
    fn ask_timeouts(&mut self) {
        let Some(t) = self.plan.ask_timeout else {
            return;
        };
        for p in self.channel.expired(std::time::Instant::now()) {
            let why = format!(
                "no answer within {} (cc-run --ask-timeout)",
                humantime::format_duration(t)
            );
            crate::app::warn(
                "cc-run",
                format!("permission request #{} ({}): {why}; denied", p.n, p.tool),
            );
            self.input.send(control::deny(&p.id, &why));
        }
        self.maybe_close();
    }

    /// Closes claude's stdin once the session needs nothing more from it.
    fn maybe_close(&mut self) {
        if self.input.is_open() && self.channel.may_close() {
            self.note("closing claude's input: the session is idle and nothing waits");
            self.input.close_later();
        }
    }

    fn input_done(&mut self, end: InputEnd) {
        self.channel.end_input();
        // Nobody can answer a prompt any more.
        for p in self.channel.drain() {
            crate::app::warn(
                "cc-run",
                format!("permission request #{} ({}): {NOBODY}; denied", p.n, p.tool),
            );
            self.input.send(control::deny(&p.id, NOBODY));
        }
        self.maybe_close();
        match end {
            InputEnd::Eof | InputEnd::Closed | InputEnd::ChildGone => {}
            InputEnd::Invalid(msg) => {
                // Reported now: the child still finishes the valid messages.
                crate::app::warn("cc-run", format!("{msg}; input stopped there"));
                self.set_cause(Cause::Input(exit::FAILURE));
            }
            InputEnd::ReadError(msg) => {
                crate::app::warn("cc-run", &msg);
                self.set_cause(Cause::Input(exit::USAGE));
            }
        }
    }

    fn finish(self, outcome: &Outcome, status: ChildEnd) -> Result<i32> {
        let redact = |msg: String| self.shared.redactor.text(&msg).into_owned();
        let fail = |code: i32, msg: String| Err(Error::new(code, redact(msg)));
        match self.cause {
            Some(Cause::BrokenPipe) => Ok(exit::OK),
            Some(Cause::WriteError(msg)) => fail(exit::USAGE, msg),
            Some(Cause::Signal(sig)) => fail(sig.status(), format!("stopped by {}", sig.name())),
            Some(Cause::Timeout(d)) => fail(
                exit::TIMEOUT,
                format!("timed out after {}", humantime::format_duration(d)),
            ),
            Some(Cause::FailFast(f)) => fail(f.code, f.message),
            Some(Cause::Input(code)) => Err(Error::quiet(code)),
            None => {
                // The child ended by a signal only if cc-run did not send one.
                let tail = self.shared.last_stderr_line();
                match outcome.verdict(status, tail.as_deref()) {
                    Ok(()) => match outcome.denial().filter(|_| self.plan.fail_on_denial) {
                        Some(f) => fail(f.code, f.message),
                        None => Ok(exit::OK),
                    },
                    Err(f) => fail(f.code, f.message),
                }
            }
        }
    }
}

fn child_end(res: std::io::Result<std::process::ExitStatus>) -> ChildEnd {
    use std::os::unix::process::ExitStatusExt;
    match res {
        Ok(s) => match (s.code(), s.signal()) {
            (Some(c), _) => ChildEnd::Code(c),
            (None, Some(sig)) => ChildEnd::Signal(sig),
            _ => ChildEnd::Unknown,
        },
        Err(_) => ChildEnd::Unknown,
    }
}

/// Exit 127 with what was tried and how to fix it.
fn cannot_run(plan: &Plan, err: &std::io::Error) -> Error {
    let name = plan.program.to_string_lossy();
    let why = match (err.kind(), plan.origin) {
        (std::io::ErrorKind::NotFound, "PATH") => format!(
            "`{name}` not found on PATH (install Claude Code, or give its path with \
             --claude or CCPIPE_CLAUDE)"
        ),
        (std::io::ErrorKind::NotFound, origin) => format!("{name} (from {origin}): not found"),
        (_, origin) => format!("{name} (from {origin}): {err}"),
    };
    Error::new(exit::NOT_FOUND, format!("cannot run claude: {why}"))
}
