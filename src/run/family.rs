//! Who belongs to one run: the processes claude and its tools start, found
//! by marks they cannot shed.
//!
//! Promises: cc-run is a child subreaper (PR_SET_CHILD_SUBREAPER), so a
//! process that leaves the process group and drops `CCPIPE_RUN_ID`
//! (`setsid env -i cmd &`) and whose parent exits is re-parented to cc-run,
//! not to init: while cc-run lives, every process started under it is found
//! by walking /proc parentage down from cc-run. Where cgroup v2 is mounted
//! and writable, claude also starts in a cgroup of its own
//! (`ccpipe-<pid>` beside cc-run's), which no descendant can leave without
//! privileges and which survives cc-run: the guardian kills it with
//! `cgroup.kill` after cc-run dies. Without a cgroup the guardian keeps a
//! record of cc-run's descendants, renewed every 250 ms, and after cc-run
//! dies it stops (SIGSTOP) the recorded processes and their children, then
//! kills them all, so none can fork away in between.
//!
//! What remains possible, without a cgroup and only after cc-run was killed
//! with SIGKILL: a process started less than 250 ms before, that left the
//! group and the mark and whose parent has exited, escapes; so does one that
//! double-forks in the moment between cc-run's death and the guardian's
//! sweep. With a cgroup, only a privileged process that moves itself to
//! another cgroup escapes. `CCPIPE_NO_CGROUP=1` turns the cgroup off.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// One line of /proc/PID/stat.
#[derive(Debug, Clone, Copy)]
pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    pub pgid: i32,
    /// Start time in clock ticks since boot: with the pid, names a process
    /// even after its pid is reused.
    pub start: u64,
    pub zombie: bool,
}

/// Every process in /proc, as it was a moment ago.
pub fn table() -> Vec<Proc> {
    pids().filter_map(stat).collect()
}

/// Every process id in /proc.
pub fn pids() -> impl Iterator<Item = i32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
}

pub fn stat(pid: i32) -> Option<Proc> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid pgrp ...": comm may hold anything, so split after ')'.
    let mut f = text[text.rfind(')')? + 1..].split_whitespace();
    let state = f.next()?.chars().next()?;
    let ppid = f.next()?.parse().ok()?;
    let pgid = f.next()?.parse().ok()?;
    // Field 22 of stat; this iterator stands at field 6.
    let start = f.nth(16)?.parse().ok()?;
    Some(Proc {
        pid,
        ppid,
        pgid,
        start,
        zombie: matches!(state, 'Z' | 'X'),
    })
}

/// The resident set size of process `pid` in bytes (/proc/PID/statm).
pub fn rss(pid: i32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = text.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { nix::libc::sysconf(nix::libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page).unwrap_or(4096))
}

/// The live descendants of `root` in `table` (not `root` itself), skipping
/// `except` and whatever descends from it.
pub fn descendants(table: &[Proc], root: i32, except: i32) -> Vec<Proc> {
    let mut children: HashMap<i32, Vec<&Proc>> = HashMap::new();
    for p in table {
        children.entry(p.ppid).or_default().push(p);
    }
    let mut out = Vec::new();
    let mut todo = vec![root];
    let mut seen = HashSet::from([root]);
    while let Some(pid) = todo.pop() {
        for &c in children.get(&pid).into_iter().flatten() {
            if c.pid != except && seen.insert(c.pid) {
                todo.push(c.pid);
                if !c.zombie {
                    out.push(*c);
                }
            }
        }
    }
    out
}

/// Makes this process the reaper of its orphaned descendants.
pub fn become_subreaper() -> nix::Result<()> {
    nix::sys::prctl::set_child_subreaper(true)
}

/// A cgroup v2 directory that holds claude and everything it starts.
#[derive(Debug)]
pub struct Cgroup {
    pub dir: PathBuf,
    /// `cgroup.procs`, open before the child is forked: writing `0` to it
    /// from the child moves the child in.
    pub procs: File,
}

impl Cgroup {
    /// Creates `ccpipe-<pid>` beside this process's own cgroup, and checks
    /// that a process can be moved into it (by moving this one in and
    /// back). `None` when cgroup v2 is absent, read-only, or turned off.
    pub fn create() -> Option<Cgroup> {
        if std::env::var_os("CCPIPE_NO_CGROUP").is_some_and(|v| !v.is_empty()) {
            return None;
        }
        let own = own_cgroup()?;
        let dir = own.join(format!("ccpipe-{}", std::process::id()));
        std::fs::create_dir(&dir).ok()?;
        let movable = (|| {
            let mut procs = File::options().write(true).open(dir.join("cgroup.procs"))?;
            procs.write_all(b"0")?;
            File::options()
                .write(true)
                .open(own.join("cgroup.procs"))?
                .write_all(b"0")?;
            Ok::<_, std::io::Error>(procs)
        })();
        match movable {
            Ok(procs) => Some(Cgroup { dir, procs }),
            Err(_) => {
                // Back where it was, in case only the second write failed.
                let _ = File::options()
                    .write(true)
                    .open(own.join("cgroup.procs"))
                    .and_then(|mut f| f.write_all(b"0"));
                let _ = std::fs::remove_dir(&dir);
                None
            }
        }
    }

    /// The processes in the cgroup now.
    pub fn members(dir: &Path) -> Vec<i32> {
        std::fs::read_to_string(dir.join("cgroup.procs"))
            .map(|s| s.lines().filter_map(|l| l.parse().ok()).collect())
            .unwrap_or_default()
    }

    /// SIGKILLs every process in the cgroup at once (Linux 5.14+), else one
    /// by one after freezing them.
    pub fn kill_all(dir: &Path) {
        let killed = File::options()
            .write(true)
            .open(dir.join("cgroup.kill"))
            .and_then(|mut f| f.write_all(b"1"));
        if killed.is_err() {
            let freeze = |v: &[u8]| {
                File::options()
                    .write(true)
                    .open(dir.join("cgroup.freeze"))
                    .and_then(|mut f| f.write_all(v))
            };
            let _ = freeze(b"1");
            for pid in Self::members(dir) {
                let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
            }
            let _ = freeze(b"0");
        }
    }

    /// Removes the (empty) cgroup, waiting up to a second for the last
    /// members to finish dying.
    pub fn remove(dir: &Path) {
        for _ in 0..100 {
            if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// The directory of this process's cgroup v2.
fn own_cgroup() -> Option<PathBuf> {
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let rel = cgroup.lines().find_map(|l| l.strip_prefix("0::"))?;
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    // "id parent major:minor root mount-point options ... - fstype source ..."
    let mount = mounts.lines().find_map(|l| {
        let (left, right) = l.split_once(" - ")?;
        (right.split_whitespace().next()? == "cgroup2").then_some(())?;
        left.split_whitespace().nth(4)
    })?;
    let dir = Path::new(mount).join(rel.trim_start_matches('/'));
    dir.is_dir().then_some(dir)
}

/// The guardian's record of cc-run's descendants: pid and start time.
pub type Record = HashMap<i32, u64>;

pub fn record(ccrun: i32, guardian: i32) -> Record {
    descendants(&table(), ccrun, guardian)
        .into_iter()
        .map(|p| (p.pid, p.start))
        .collect()
}

/// After cc-run's death: stops every process that is in `group`, carries the
/// mark (`is_marked`), is in `record`, or is a child of one already stopped,
/// until no new one appears; then kills them all. Stopped processes cannot
/// fork, so nothing slips out between the scan and the kill.
pub fn sweep(group: i32, record: &Record, is_marked: &dyn Fn(i32) -> bool) {
    let me = std::process::id() as i32;
    let mut stopped: HashSet<i32> = HashSet::new();
    for _ in 0..100 {
        let table = table();
        let new: Vec<i32> = table
            .iter()
            .filter(|p| !p.zombie && p.pid != me && !stopped.contains(&p.pid))
            .filter(|p| {
                p.pgid == group
                    || record.get(&p.pid) == Some(&p.start)
                    || stopped.contains(&p.ppid)
                    || is_marked(p.pid)
            })
            .map(|p| p.pid)
            .collect();
        if new.is_empty() {
            break;
        }
        for pid in new {
            let _ = kill(Pid::from_raw(pid), Signal::SIGSTOP);
            stopped.insert(pid);
        }
    }
    for &pid in &stopped {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: i32, ppid: i32) -> Proc {
        Proc {
            pid,
            ppid,
            pgid: pid,
            start: 0,
            zombie: false,
        }
    }

    #[test]
    fn descendants_follow_parentage_and_skip_the_guardian() {
        let table = [
            p(10, 1),
            p(11, 10),
            p(12, 11),
            p(13, 10),
            p(14, 13),
            p(20, 1),
        ];
        let mut found: Vec<i32> = descendants(&table, 10, 13).iter().map(|p| p.pid).collect();
        found.sort();
        assert_eq!(found, [11, 12]);
    }

    #[test]
    fn rss_reads_this_process() {
        let rss = rss(std::process::id() as i32).unwrap();
        assert!(rss > 100 * 1024, "{rss}");
    }

    #[test]
    fn stat_reads_this_process() {
        let me = stat(std::process::id() as i32).unwrap();
        assert_eq!(me.ppid, nix::unistd::getppid().as_raw());
        assert!(me.start > 0 && !me.zombie);
    }
}
