//! Starting the claude CLI so that it never outlives cc-run, and ending it.
//!
//! Promises: the child runs in a process group that is not cc-run's, so a
//! terminal's Ctrl-C reaches cc-run only and cc-run decides what the child
//! gets. Claude Code 2.1.197 starts each Bash tool command in a session of
//! its own (setsid), out of reach of that group, and leaves it running when
//! it gets SIGTERM or SIGKILL (it ends it on an interrupt request or SIGINT,
//! seen in tests/e2e_run.rs); so the child's environment carries a mark
//! (`CCPIPE_RUN_ID`) that every descendant inherits, and "the family" is the
//! group plus every process with the mark.
//!
//! The group is led by a tiny guardian process forked from cc-run before any
//! thread exists: it holds the read end of a pipe whose write end only
//! cc-run holds, and when cc-run dies in any way (SIGKILL included) the pipe
//! reports EOF and the guardian SIGKILLs the family. The child also gets
//! PR_SET_PDEATHSIG SIGKILL. Every exit path of cc-run ends with
//! [`Group::clear`]: TERM, a grace period, KILL, reap.

use std::ffi::{OsStr, OsString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{SigHandler, Signal, killpg, signal};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid, fork, getpid, getppid, setpgid};

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

/// The variable that marks every process of one run's family.
pub const MARK_VAR: &str = "CCPIPE_RUN_ID";

/// The child's process group (led by the guardian) and its marked family.
pub struct Group {
    pgid: Pid,
    /// The value of [`MARK_VAR`]: `<cc-run pid>.<guardian pid>`.
    mark: String,
    /// Held open for the guardian: closing it (cc-run's death) fires it.
    _lifeline: OwnedFd,
    reaped: bool,
}

impl Group {
    /// Forks the guardian. Call while cc-run has a single thread: the
    /// forked copy then may run ordinary code safely.
    pub fn start() -> std::io::Result<Group> {
        // CLOEXEC: the claude child must not inherit the lifeline, or its EOF
        // would wait for the child too.
        let (read_end, write_end) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        // SAFETY: the process has one thread (see above); the child only
        // makes system calls and leaves with _exit.
        match unsafe { fork() }? {
            ForkResult::Child => {
                drop(write_end);
                guard(read_end, format!("{}.{}", getppid(), getpid()))
            }
            ForkResult::Parent { child } => {
                drop(read_end);
                // Also set from this side so the group exists before the
                // claude child joins it, whichever process runs first.
                let _ = setpgid(child, child);
                Ok(Group {
                    pgid: child,
                    mark: format!("{}.{child}", getpid()),
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

    /// Sends `sig` to the whole family (the guardian ignores TERM, INT and
    /// HUP).
    pub fn signal(&self, sig: Signal) {
        if self.reaped {
            return;
        }
        let _ = killpg(self.pgid, sig);
        for pid in marked(&self.mark) {
            let _ = nix::sys::signal::kill(pid, sig);
        }
    }

    /// Ends whatever is left of the group: TERM, up to `grace` for it to go,
    /// KILL (the guardian included), then reaps the guardian.
    pub async fn clear(&mut self, grace: Duration) {
        if self.reaped {
            return;
        }
        if self.others_alive() {
            self.signal(Signal::SIGTERM);
            let until = tokio::time::Instant::now() + grace;
            while self.others_alive() && tokio::time::Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        self.signal(Signal::SIGKILL);
        let _ = waitpid(self.pgid, None);
        self.reaped = true;
    }

    /// True while a live process of the family, other than the guardian,
    /// exists.
    fn others_alive(&self) -> bool {
        let pgid = self.pgid.as_raw();
        !marked(&self.mark).is_empty()
            || pids().any(|pid| pid != pgid && stat_of(pid).is_some_and(|(_, g)| g == pgid))
    }
}

/// Every process id in /proc.
fn pids() -> impl Iterator<Item = i32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
}

/// State and process group of a live (not zombie) process.
fn stat_of(pid: i32) -> Option<(char, i32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid pgrp ...": comm may hold anything, so split after ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let group = fields.nth(1)?.parse().ok()?;
    (state != 'Z' && state != 'X').then_some((state, group))
}

/// Live processes other than this one whose environment holds the mark.
fn marked(mark: &str) -> Vec<Pid> {
    let needle = format!("{MARK_VAR}={mark}\0");
    let me = std::process::id() as i32;
    pids()
        .filter(|&pid| pid != me)
        .filter(|&pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| memchr::memmem::find(&env, needle.as_bytes()).is_some())
        })
        .filter(|&pid| stat_of(pid).is_some())
        .map(Pid::from_raw)
        .collect()
}

/// The guardian: leads the group, waits for cc-run to go, kills the family.
fn guard(lifeline: OwnedFd, mark: String) -> ! {
    for sig in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        // SAFETY: SIG_IGN installs no handler code.
        let _ = unsafe { signal(sig, SigHandler::SigIgn) };
    }
    let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
    close_all_but(lifeline.as_raw_fd());
    let mut buf = [0u8; 16];
    loop {
        match nix::unistd::read(&lifeline, &mut buf) {
            Ok(0) => break,
            Err(nix::errno::Errno::EINTR) | Ok(_) => continue,
            Err(_) => break,
        }
    }
    // Tools may fork while they die: repeat until none is left.
    for _ in 0..50 {
        let family = marked(&mark);
        if family.is_empty() {
            break;
        }
        for pid in family {
            let _ = nix::sys::signal::kill(pid, Signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(10));
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

/// The command for the child: fixed flags, then `args`, in the group, with
/// the family mark, all three standard streams piped, SIGKILLed if cc-run's
/// main thread dies.
pub fn command(program: &OsStr, args: &[OsString], group: &Group) -> Command {
    let mut cmd = Command::new(program);
    cmd.env(MARK_VAR, group.mark())
        .args(FIXED_ARGS)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(group.pgid());
    let parent = getpid();
    // SAFETY: prctl and getppid are async-signal-safe system calls.
    unsafe {
        cmd.pre_exec(move || {
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
