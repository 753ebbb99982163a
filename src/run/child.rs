//! Starting the claude CLI so that it never outlives cc-run, and ending it.
//!
//! Promises: the child runs in a process group that is not cc-run's, so a
//! terminal's Ctrl-C reaches cc-run only and cc-run decides what the child
//! gets. Claude Code 2.1.197 starts each Bash tool command in a session of
//! its own (setsid), out of reach of that group, and leaves it running when
//! it gets SIGTERM or SIGKILL (it ends it on an interrupt request or SIGINT,
//! seen in tests/e2e_run.rs). So "the family" is the group, every process
//! whose environment carries the mark (`CCPIPE_RUN_ID`), and, for those
//! that shed both, every descendant of cc-run and every process in the
//! run's cgroup (family.rs says how, and what remains impossible).
//!
//! The group is led by a tiny guardian process forked from cc-run before any
//! thread exists: it holds the read end of a pipe whose write end only
//! cc-run holds, and when cc-run dies in any way (SIGKILL included) the pipe
//! reports EOF and the guardian SIGKILLs the family. The child also gets
//! PR_SET_PDEATHSIG SIGKILL. Every exit path of cc-run ends with
//! [`Group::clear`]: TERM, a grace period, KILL, reap.
//!
//! The child's environment is cc-run's, less the variables through which a
//! running Claude Code describes its own session to the processes it starts
//! ([`NESTED_VARS`]). When cc-run itself runs under Claude Code (a Bash tool
//! that starts `cc-run`), they would make the new CLI believe it is a child
//! of that session: `CLAUDECODE=1` and `CLAUDE_CODE_CHILD_SESSION=1` mark a
//! nested session (2.1.332 then skips prompt history, refuses `--cloud`,
//! reports itself as spawned by a session), `CLAUDE_CODE_SESSION_ID` and
//! `CLAUDE_CODE_LAUNCHED_BY_SESSION_IDS` tie it to the outer session's
//! lineage, `CLAUDE_CODE_ENTRYPOINT` makes it report the outer entry point
//! (a desktop or IDE entry point changes which tools it offers) instead of
//! choosing `sdk-cli`, and `CLAUDE_CODE_SSE_PORT` points it at the outer
//! session's IDE connection. The list is the one the CLI itself deletes
//! when it starts a fresh session (strings of 2.1.332's binary), plus
//! `CLAUDE_PID`, `CLAUDE_CODE_ENTRYPOINT`, `CLAUDE_CODE_SSE_PORT` and
//! `CLAUDE_CODE_STARTER_MAY_HOLD_CONNECTOR_FILE`, which the CLI sets for its
//! tools. Settings a user makes (`CLAUDE_CODE_MAX_RETRIES`,
//! `ANTHROPIC_*`...) pass unchanged.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{SigHandler, Signal, killpg, signal};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid, fork, getpid, getppid, setpgid};

use super::family::{self, Cgroup};

/// The flags cc-run always passes; CLAUDE_ARGS follow them.
pub const FIXED_ARGS: [&str; 7] = [
    "-p",
    "--input-format",
    "stream-json",
    "--output-format",
    "stream-json",
    "--verbose",
    "--replay-user-messages",
];

/// The claude binary to run and where that choice came from.
pub fn program(flag: Option<&OsStr>) -> (OsString, &'static str) {
    if let Some(p) = flag {
        return (p.to_owned(), "--claude");
    }
    match std::env::var_os("CCPIPE_CLAUDE") {
        Some(v) if !v.is_empty() => (v, "CCPIPE_CLAUDE"),
        _ => ("claude".into(), "PATH"),
    }
}

/// Variables a running Claude Code sets for the processes it starts, which
/// make a nested CLI take itself for part of that session (module docs).
pub const NESTED_VARS: [&str; 16] = [
    "CLAUDECODE",
    "CLAUDE_CODE_CHILD_SESSION",
    "CLAUDE_CODE_SESSION_ID",
    "CLAUDE_CODE_LAUNCHED_BY_SESSION_IDS",
    "CLAUDE_CODE_CHILD_NOTES_DIR",
    "CLAUDE_CODE_SESSION_ATTENDED",
    "CLAUDE_CODE_BRIDGE_CHILD_HELD_TO_AUTO",
    "CLAUDE_CODE_BRIDGE_SESSION_ID",
    "CLAUDE_CODE_CHROME_MCP_ORG_DENIED",
    "CLAUDE_CODE_EVAL_INTERVIEW_SESSION",
    "CLAUDE_CODE_HOST_WORKTREE",
    "CLAUDE_CODE_HOST_WORKTREE_FENCE",
    "CLAUDE_CODE_STARTER_MAY_HOLD_CONNECTOR_FILE",
    "CLAUDE_PID",
    "CLAUDE_CODE_ENTRYPOINT",
    "CLAUDE_CODE_SSE_PORT",
];

/// The variable that marks every process of one run's family.
pub const MARK_VAR: &str = "CCPIPE_RUN_ID";

/// How often the guardian renews its record of cc-run's descendants when
/// there is no cgroup.
const RECORD_EVERY_MS: i32 = 250;

/// The child's process group (led by the guardian) and its family.
pub struct Group {
    pgid: Pid,
    /// The value of [`MARK_VAR`]: `<cc-run pid>.<guardian pid>`.
    mark: String,
    /// Where cgroup v2 is writable: the cgroup claude starts in.
    cgroup: Option<Cgroup>,
    /// Held open for the guardian: closing it (cc-run's death) fires it.
    _lifeline: OwnedFd,
    reaped: bool,
}

impl Group {
    /// Makes cc-run a subreaper, creates the cgroup if it can, and forks
    /// the guardian. Call while cc-run has a single thread: the forked copy
    /// then may run ordinary code safely.
    pub fn start() -> std::io::Result<Group> {
        family::become_subreaper()?;
        let cgroup = Cgroup::create();
        // CLOEXEC: the claude child must not inherit the lifeline, or its EOF
        // would wait for the child too.
        let (read_end, write_end) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        // SAFETY: the process has one thread (see above); the child only
        // makes system calls and leaves with _exit.
        match unsafe { fork() }? {
            ForkResult::Child => {
                drop(write_end);
                let dir = cgroup.as_ref().map(|c| c.dir.clone());
                guard(read_end, format!("{}.{}", getppid(), getpid()), dir)
            }
            ForkResult::Parent { child } => {
                drop(read_end);
                // Also set from this side so the group exists before the
                // claude child joins it, whichever process runs first.
                let _ = setpgid(child, child);
                Ok(Group {
                    pgid: child,
                    mark: format!("{}.{child}", getpid()),
                    cgroup,
                    _lifeline: write_end,
                    reaped: false,
                })
            }
        }
    }

    pub fn pgid(&self) -> i32 {
        self.pgid.as_raw()
    }

    pub fn mark(&self) -> &str {
        &self.mark
    }

    /// How the family is tracked, for `--verbose`.
    pub fn tracking(&self) -> String {
        match &self.cgroup {
            Some(c) => format!("cgroup {}", c.dir.display()),
            None => "process group, CCPIPE_RUN_ID and /proc parentage (no cgroup)".into(),
        }
    }

    /// Sends `sig` to the whole family but the guardian.
    pub fn signal(&self, sig: Signal) {
        if self.reaped {
            return;
        }
        if sig == Signal::SIGKILL
            && let Some(c) = &self.cgroup
        {
            Cgroup::kill_all(&c.dir);
        }
        for pid in self.members() {
            let _ = nix::sys::signal::kill(pid, sig);
        }
    }

    /// Ends whatever is left of the family: TERM, up to `grace` for it to
    /// go, KILL until none is left, then the guardian, then the cgroup.
    pub async fn clear(&mut self, grace: Duration) {
        if self.reaped {
            return;
        }
        self.end_members(grace).await;
        let _ = nix::sys::signal::kill(self.pgid, Signal::SIGKILL);
        let _ = waitpid(self.pgid, None);
        if let Some(c) = &self.cgroup {
            Cgroup::remove(&c.dir);
        }
        self.reaped = true;
    }

    /// Ends the family but keeps the guardian, the group and the cgroup for
    /// the next attempt (`--retry`): TERM, up to `grace`, KILL until none
    /// is left.
    pub async fn end_members(&mut self, grace: Duration) {
        if self.reaped {
            return;
        }
        if !self.members().is_empty() {
            self.signal(Signal::SIGTERM);
            let until = tokio::time::Instant::now() + grace;
            while !self.members().is_empty() && tokio::time::Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        // Tools may fork while they die: repeat until none is left.
        for _ in 0..50 {
            if self.members().is_empty() {
                break;
            }
            self.signal(Signal::SIGKILL);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The resident memory of the whole family now, in bytes (`--max-memory`).
    pub fn rss(&self) -> u64 {
        self.members()
            .into_iter()
            .filter_map(|pid| family::rss(pid.as_raw()))
            .sum()
    }

    /// The live processes of the family, other than cc-run and the
    /// guardian: the group, cc-run's descendants, the marked, the cgroup's.
    fn members(&self) -> Vec<Pid> {
        let me = std::process::id() as i32;
        let guardian = self.pgid.as_raw();
        let table = family::table();
        let mut found: HashSet<i32> = family::descendants(&table, me, guardian)
            .iter()
            .map(|p| p.pid)
            .collect();
        found.extend(
            table
                .iter()
                .filter(|p| p.pgid == guardian && !p.zombie)
                .map(|p| p.pid),
        );
        found.extend(marked(&self.mark).into_iter().map(Pid::as_raw));
        if let Some(c) = &self.cgroup {
            found.extend(Cgroup::members(&c.dir));
        }
        found.remove(&me);
        found.remove(&guardian);
        found
            .into_iter()
            .filter(|&pid| family::stat(pid).is_some_and(|p| !p.zombie))
            .map(Pid::from_raw)
            .collect()
    }
}

/// Live processes other than this one whose environment holds the mark.
fn marked(mark: &str) -> Vec<Pid> {
    let needle = format!("{MARK_VAR}={mark}\0");
    let me = std::process::id() as i32;
    family::pids()
        .filter(|&pid| pid != me && has_mark(pid, &needle))
        .filter(|&pid| family::stat(pid).is_some_and(|p| !p.zombie))
        .map(Pid::from_raw)
        .collect()
}

fn has_mark(pid: i32, needle: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|env| memchr::memmem::find(&env, needle.as_bytes()).is_some())
}

/// The guardian: leads the group, waits for cc-run to go, kills the family.
/// Without a cgroup it keeps a record of cc-run's descendants meanwhile
/// (after cc-run's death they are re-parented away and parentage is lost).
fn guard(lifeline: OwnedFd, mark: String, cgroup: Option<PathBuf>) -> ! {
    for sig in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        // SAFETY: SIG_IGN installs no handler code.
        let _ = unsafe { signal(sig, SigHandler::SigIgn) };
    }
    let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
    close_all_but(lifeline.as_raw_fd());
    let ccrun = getppid().as_raw();
    let me = getpid().as_raw();
    let mut record = family::Record::new();
    let mut buf = [0u8; 16];
    loop {
        let mut fds = nix::libc::pollfd {
            fd: lifeline.as_raw_fd(),
            events: nix::libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let n = unsafe { nix::libc::poll(&mut fds, 1, RECORD_EVERY_MS) };
        if n == 0 {
            if cgroup.as_ref().is_none_or(|d| !d.exists()) {
                record = family::record(ccrun, me);
            }
            continue;
        }
        match nix::unistd::read(&lifeline, &mut buf) {
            Ok(0) => break,
            Err(nix::errno::Errno::EINTR | nix::errno::Errno::EAGAIN) | Ok(_) => continue,
            Err(_) => break,
        }
    }
    if let Some(dir) = &cgroup {
        Cgroup::kill_all(dir);
    }
    let needle = format!("{MARK_VAR}={mark}\0");
    family::sweep(me, &record, &|pid| has_mark(pid, &needle));
    if let Some(dir) = &cgroup {
        Cgroup::remove(dir);
    }
    let _ = killpg(getpid(), Signal::SIGKILL);
    // SAFETY: ends the forked copy without running cc-run's destructors.
    unsafe { nix::libc::_exit(0) }
}

/// Closes every descriptor but `keep`, so the guardian holds no pipe of
/// cc-run's (it must not delay an EOF anyone waits for).
fn close_all_but(keep: i32) {
    let keep = keep as u32;
    // SAFETY: close_range only closes descriptors.
    let ranged = unsafe {
        let low = if keep > 0 {
            nix::libc::syscall(nix::libc::SYS_close_range, 0u32, keep - 1, 0u32)
        } else {
            0
        };
        let high = nix::libc::syscall(nix::libc::SYS_close_range, keep + 1, u32::MAX, 0u32);
        low == 0 && high == 0
    };
    if !ranged {
        for fd in (0..4096).filter(|&fd| fd != keep as i32) {
            // SAFETY: closing a descriptor number, valid or not.
            unsafe { nix::libc::close(fd) };
        }
    }
}

/// The command for the child: fixed flags, then `args`, in the group and
/// the cgroup, with the family mark, all three standard streams piped,
/// SIGKILLed if cc-run's main thread dies.
pub fn command(program: &OsStr, args: &[OsString], group: &Group) -> Command {
    let mut cmd = Command::new(program);
    for var in NESTED_VARS {
        cmd.env_remove(var);
    }
    cmd.env(MARK_VAR, group.mark())
        .args(FIXED_ARGS)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(group.pgid());
    let parent = getpid();
    let procs = group.cgroup.as_ref().map(|c| c.procs.as_raw_fd());
    // SAFETY: prctl, write and getppid are async-signal-safe system calls;
    // `procs` stays open in cc-run until the child is spawned.
    unsafe {
        cmd.pre_exec(move || {
            if let Some(fd) = procs {
                // Best effort: a move refused now was possible a moment ago
                // (Cgroup::create checks), and the other tracks remain.
                let _ = nix::libc::write(fd, b"0".as_ptr().cast(), 1);
            }
            nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
            // cc-run died before the prctl took effect.
            if getppid() != parent {
                return Err(std::io::Error::other("cc-run exited during start-up"));
            }
            Ok(())
        });
    }
    cmd
}
