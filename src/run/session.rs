//! The controller of one attempt of a run (retry.rs repeats it): starts the
//! child and the pumps, reacts to signals, the timeout, fail-fast events, a
//! closed downstream and the guards, and decides the exit status once
//! everything has ended.
//!
//! The guards: `--stall-timeout` counts from the last line claude wrote
//! (any event: partial messages, `session_state_changed`, `tool_progress`
//! heartbeats) or the last message it was sent, and only while a turn runs
//! ([`Channel::working`]: not while the session is idle or waits for a
//! permission answer); it ends the run as `--timeout` does, exit 124.
//! `--exit-grace` starts when claude's input was closed because the
//! session was done and the last result has come; a claude still alive
//! then is ended and the result decides the status. `--max-memory` sums the
//! RSS of the whole family each second and terminates it past the limit,
//! exit 7.
//!
//! Promises: the first cause that ends a run decides its status (a second
//! SIGINT after the first still exits 130); every path waits for the child,
//! drains its stdout (so no event is lost), then ends its family (the
//! guardian, the group and the cgroup stay for a next attempt).

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
use super::input::{self, ChildInput, InputEnd, Source};
use super::policy::{Decision, Policy};
use super::pump::{self, Report, Shared};
use super::signals::{Sig, Signals};
use crate::error::{Error, Result, exit};
use crate::protocol::{interrupt_request, next_request_id};

/// The size asked for the pipes to and from the child.
const PIPE_SIZE: i32 = 1 << 20;

/// The answer to a prompt when cc-run's input has ended.
const NOBODY: &str = "no one can answer: cc-run's input has ended";

/// How often the family's memory is measured (`--max-memory`).
const MEMORY_EVERY: Duration = Duration::from_secs(1);

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
    /// `--stall-timeout`: the longest silence of a running turn.
    pub stall_timeout: Option<Duration>,
    /// `--exit-grace`: how long claude may live on after its last result
    /// once its input has closed.
    pub exit_grace: Duration,
    /// `--retry`: attempts after the first.
    pub retry: u32,
    /// `--retry-delay`: the first backoff, doubled for each later attempt.
    pub retry_delay: Duration,
    /// `--max-memory`, in bytes.
    pub max_memory: Option<u64>,
    /// claude's working directory (`--worktree`); cc-run's when `None`.
    pub cwd: Option<std::path::PathBuf>,
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
    /// `--stall-timeout`: no event for this long while a turn ran.
    Stall(Duration),
    /// `--max-memory`: the family's RSS (bytes) past the limit.
    Memory {
        limit: u64,
        seen: u64,
    },
}

/// How one attempt ended.
pub enum Ended {
    /// The run's status, or its failure.
    Done(Result<i32>),
    /// A transient failure before any tool ran: a new attempt may succeed.
    Transient(Failure),
}

/// The next step of ending the child.
#[derive(Clone, Copy)]
enum Step {
    Term,
    Kill,
    GiveUp,
}

struct Run<'a> {
    plan: &'a Plan,
    group: &'a mut Group,
    input: ChildInput,
    channel: Arc<Channel>,
    shared: Arc<Shared>,
    cause: Option<Cause>,
    escalation: Option<(Instant, Step)>,
    interrupted: bool,
    /// The child's pid while it has not been reaped.
    child_pid: Option<Pid>,
    /// When cc-run closed claude's input because the session was done.
    closed_at: Option<Instant>,
    /// When the last result arrived (none since a turn began).
    result_at: Option<Instant>,
    /// cc-run ended claude after `--exit-grace`: its status is the result's.
    after_result: bool,
    /// Tools whose permission prompt cc-run itself denied (policy, timeout,
    /// nobody to ask): counted by `--fail-on-denial` whatever the CLI
    /// reports.
    denied_here: Vec<String>,
}

/// One attempt: starts claude with the input of `source`, runs it to its
/// end, and ends what is left of its family (the guardian stays).
pub async fn attempt(
    plan: &Plan,
    group: &mut Group,
    shared: &Arc<Shared>,
    signals: &mut Signals,
    source: Source,
    deadline: Option<Instant>,
) -> Result<Ended> {
    let mut cmd = child::command(&plan.program, &plan.args, group);
    // The CLI's turn-over signal, which the control channel relies on.
    cmd.env("CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS", "1");
    if let Some(dir) = &plan.cwd {
        cmd.current_dir(dir);
    }
    let mut child = match tokio::process::Command::from(cmd).spawn() {
        Ok(c) => c,
        Err(e) => return Err(cannot_run(plan, &e)),
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
    input::spawn_input(source, plan.max_line, input.clone(), channel.clone(), tx);

    let mut run = Run {
        plan,
        group,
        input,
        channel,
        shared: shared.clone(),
        cause: None,
        escalation: None,
        interrupted: false,
        child_pid: child.id().map(|id| Pid::from_raw(id as i32)),
        closed_at: None,
        result_at: None,
        after_result: false,
        denied_here: Vec::new(),
    };
    let mut outcome = Outcome::default();
    let mut status = None;
    let mut stdout_done = false;
    let mut stderr_done = false;
    let mut timed_out = false;
    let mut memory = tokio::time::interval(MEMORY_EVERY);
    memory.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while status.is_none() || !stdout_done {
        let escalation = run.escalation;
        let ask_deadline = run.channel.next_deadline().map(Instant::from_std);
        let stall_at = run.stall_check();
        let exit_at = run.exit_deadline(status.is_some());
        let watch_memory = plan.max_memory.is_some() && status.is_none() && run.cause.is_none();
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
                    match &event {
                        Notable::Result(_) => {
                            run.channel.result_seen();
                            run.result_at = Some(Instant::now());
                        }
                        Notable::TurnStart => run.result_at = None,
                        _ => {}
                    }
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
            _ = sleep_until(stall_at.unwrap_or_else(Instant::now)), if stall_at.is_some() => {
                run.stalled();
            }
            _ = sleep_until(exit_at.unwrap_or_else(Instant::now)), if exit_at.is_some() => {
                crate::app::warn(
                    "cc-run",
                    format!(
                        "claude did not exit within {} of its last result; ended it (--exit-grace)",
                        humantime::format_duration(plan.exit_grace)
                    ),
                );
                run.after_result = true;
                run.terminate();
            }
            _ = memory.tick(), if watch_memory => run.check_memory(),
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
    for tool in std::mem::take(&mut run.denied_here) {
        outcome.observe(&Notable::Denied { tool });
    }
    run.group.end_members(run.plan.grace).await;
    let status = status.unwrap_or(ChildEnd::Unknown);
    if run.plan.verbose {
        crate::app::warn("cc-run", status);
    }
    Ok(run.finish(&outcome, status))
}

impl Run<'_> {
    /// When to look for a stall next (`--stall-timeout`): the last sign of
    /// life plus the timeout while a turn runs; otherwise soon, since a
    /// turn may begin without waking the controller.
    fn stall_check(&self) -> Option<Instant> {
        let d = self.plan.stall_timeout?;
        if self.cause.is_some() || self.child_pid.is_none() {
            return None;
        }
        match self.channel.last_activity() {
            Some(last) if self.channel.working() => Some(Instant::from_std(last) + d),
            _ => Some(Instant::now() + d.min(Duration::from_secs(1))),
        }
    }

    fn stalled(&mut self) {
        let (Some(d), Some(last)) = (self.plan.stall_timeout, self.channel.last_activity()) else {
            return;
        };
        if self.channel.working() && Instant::from_std(last) + d <= Instant::now() {
            self.set_cause(Cause::Stall(d));
            self.interrupt_then_term();
        }
    }

    /// When claude, done and with its input closed, has outlived its last
    /// result by `--exit-grace`.
    fn exit_deadline(&self, exited: bool) -> Option<Instant> {
        if exited || self.cause.is_some() || self.escalation.is_some() || self.after_result {
            return None;
        }
        let (closed, result) = (self.closed_at?, self.result_at?);
        Some(closed.max(result) + self.plan.exit_grace)
    }

    /// `--max-memory`: ends the family once its RSS is past the limit.
    fn check_memory(&mut self) {
        let Some(limit) = self.plan.max_memory else {
            return;
        };
        let seen = self.group.rss();
        if seen > limit {
            self.set_cause(Cause::Memory { limit, seen });
            self.terminate();
        }
    }

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
            Decision::Allow => {
                self.note(&format!("permission request #{n} ({tool}): allowed"));
                control::allow(id, &input)
            }
            Decision::Deny(message) => {
                self.note(&format!(
                    "permission request #{n} ({tool}): denied: {message}"
                ));
                self.denied(&tool);
                control::deny(id, &message)
            }
            Decision::Answer(payload) => match self.channel.take(id) {
                Some(p) => {
                    self.note(&format!(
                        "permission request #{n} ({tool}): answered by the policy"
                    ));
                    control::answer(id, &control::complete(&p, &payload))
                }
                None => return,
            },
            Decision::Ask if self.channel.input_ended() => {
                crate::app::warn(
                    "cc-run",
                    format!("permission request #{n} ({tool}): {NOBODY}; denied"),
                );
                self.denied(&tool);
                control::deny(id, NOBODY)
            }
            Decision::Ask => {
                if let Some(t) = self.plan.ask_timeout {
                    self.channel.set_deadline(id, std::time::Instant::now() + t);
                }
                return;
            }
        };
        self.channel.take(id);
        self.input.send(line);
    }

    /// A tool whose prompt cc-run denied, for `--fail-on-denial`.
    fn denied(&mut self, tool: &str) {
        if !self.denied_here.iter().any(|t| t == tool) {
            self.denied_here.push(tool.to_owned());
        }
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
            self.denied(&p.tool);
            self.input.send(control::deny(&p.id, &why));
        }
        self.maybe_close();
    }

    /// Closes claude's stdin once the session needs nothing more from it.
    fn maybe_close(&mut self) {
        if self.input.is_open() && self.channel.may_close() && self.closed_at.is_none() {
            self.note("closing claude's input: the session is idle and nothing waits");
            self.input.close_later();
            self.closed_at = Some(Instant::now());
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
            self.denied(&p.tool);
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

    fn finish(self, outcome: &Outcome, status: ChildEnd) -> Ended {
        let redact = |msg: String| self.shared.redactor.text(&msg).into_owned();
        let fail = |code: i32, msg: String| Ended::Done(Err(Error::new(code, redact(msg))));
        match self.cause {
            Some(Cause::BrokenPipe) => Ended::Done(Ok(exit::OK)),
            Some(Cause::WriteError(msg)) => fail(exit::USAGE, msg),
            Some(Cause::Signal(sig)) => fail(sig.status(), format!("stopped by {}", sig.name())),
            Some(Cause::Timeout(d)) => fail(
                exit::TIMEOUT,
                format!("timed out after {}", humantime::format_duration(d)),
            ),
            Some(Cause::Stall(d)) => fail(
                exit::TIMEOUT,
                format!(
                    "stalled: no event from claude for {} while a turn was running (--stall-timeout)",
                    humantime::format_duration(d)
                ),
            ),
            Some(Cause::Memory { limit, seen }) => fail(
                exit::MEMORY,
                format!(
                    "claude and its tools used {} of memory, past --max-memory {}; ended them",
                    bytes(seen),
                    bytes(limit)
                ),
            ),
            Some(Cause::FailFast(f)) => fail(f.code, f.message),
            Some(Cause::Input(code)) => Ended::Done(Err(Error::quiet(code))),
            None => {
                // cc-run ended a child that outlived its result: the result decides.
                let status = if self.after_result {
                    ChildEnd::Code(0)
                } else {
                    status
                };
                // The child ended by a signal only if cc-run did not send one.
                let tail = self.shared.last_stderr_line();
                match outcome.verdict(status, tail.as_deref()) {
                    Ok(()) => match outcome.denial().filter(|_| self.plan.fail_on_denial) {
                        Some(f) => fail(f.code, f.message),
                        None => Ended::Done(Ok(exit::OK)),
                    },
                    Err(f) if outcome.transient() && !outcome.tool_ran() => {
                        Ended::Transient(Failure {
                            code: f.code,
                            message: redact(f.message),
                        })
                    }
                    Err(f) => fail(f.code, f.message),
                }
            }
        }
    }
}

/// A size for messages: `312 MiB`, `1.5 GiB`.
fn bytes(n: u64) -> String {
    const MIB: f64 = (1u64 << 20) as f64;
    let mib = n as f64 / MIB;
    if mib >= 1024.0 {
        format!("{:.1} GiB", mib / 1024.0)
    } else {
        format!("{mib:.0} MiB")
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
