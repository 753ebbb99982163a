//! `--worktree[=DIR]`: the run happens in a new git worktree on a new
//! branch, so sessions run side by side never edit the same checkout.
//!
//! Promises: the worktree is made from the current commit (`HEAD`; the
//! main checkout's uncommitted changes are not in it) on a new branch
//! `ccpipe/<id>`, where `<id>` is eight hex digits new for each run; its
//! directory is DIR, by default `<repo>-ccpipe-<id>` beside the repository
//! (outside it, so tools that look upward for a configuration, such as
//! cargo's workspaces, do not find the main checkout's). claude starts in
//! the worktree's copy of the directory cc-run was started in. When the
//! run ends, however it ends short of SIGKILL, a worktree without changes
//! (no modified or untracked file, no new commit) is removed with its
//! branch; one with changes, or any with `--keep-worktree`, is kept and one
//! line on stderr gives its directory and branch. Outside a git repository
//! cc-run refuses to start (exit 2). Git's own lock files can collide when
//! many runs of one repository end at once (`parallel`): each git command
//! is tried again a few times when it names a `.lock` file.

use std::collections::hash_map::RandomState;
use std::ffi::OsStr;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::sanitize;

/// A worktree made for one run.
#[derive(Debug)]
pub struct Worktree {
    /// The top directory of the checkout cc-run was started in.
    repo: PathBuf,
    pub dir: PathBuf,
    pub branch: String,
    /// The commit the branch starts at.
    base: String,
    /// Where claude starts: the same subdirectory as cc-run's, if it exists.
    pub cwd: PathBuf,
    keep: bool,
}

impl Worktree {
    /// Makes the worktree, at `dir` or beside the repository.
    pub fn create(dir: Option<&Path>, keep: bool) -> Result<Worktree> {
        let here = std::env::current_dir()
            .map_err(|e| Error::usage(format!("--worktree: the current directory: {e}")))?;
        let top = git(&here, ["rev-parse", "--show-toplevel"]).map_err(|why| {
            Error::usage(format!(
                "--worktree: {} is not inside a git repository ({why})",
                show(&here)
            ))
        })?;
        let repo = PathBuf::from(top);
        let base = git(&repo, ["rev-parse", "--verify", "--quiet", "HEAD"]).map_err(|_| {
            Error::usage(format!(
                "--worktree: the repository {} has no commit yet to start a worktree from",
                show(&repo)
            ))
        })?;
        let prefix = git(&here, ["rev-parse", "--show-prefix"]).unwrap_or_default();
        let mut last = String::new();
        // A new id when the branch or directory exists already.
        for _ in 0..5 {
            let id = new_id();
            let branch = format!("ccpipe/{id}");
            let dir = match dir {
                Some(d) => absolute(&here, d),
                None => beside(&repo, &id),
            };
            let made = git(
                &repo,
                [
                    OsStr::new("worktree"),
                    OsStr::new("add"),
                    OsStr::new("--quiet"),
                    OsStr::new("-b"),
                    OsStr::new(&branch),
                    dir.as_os_str(),
                    OsStr::new(&base),
                ],
            );
            match made {
                Ok(_) => {
                    let sub = dir.join(&prefix);
                    let cwd = if !prefix.is_empty() && sub.is_dir() {
                        sub
                    } else {
                        dir.clone()
                    };
                    return Ok(Worktree {
                        repo,
                        dir,
                        branch,
                        base,
                        cwd,
                        keep,
                    });
                }
                Err(why) => last = why,
            }
        }
        Err(Error::usage(format!(
            "--worktree: cannot make a worktree of {}: {last}",
            show(&repo)
        )))
    }

    /// Removes the worktree and its branch when the run left no change in
    /// it; otherwise (or with `--keep-worktree`) says where it is.
    pub fn finish(self) {
        let kept = |note: &str| {
            crate::app::warn(
                "cc-run",
                format!(
                    "worktree kept: {} (branch {}{note})",
                    show(&self.dir),
                    sanitize::one_line(&self.branch)
                ),
            );
        };
        let changed = self.changed();
        match (&changed, self.keep) {
            (Ok(false), true) => return kept("; no changes"),
            (Ok(true), _) | (Err(_), true) => return kept(""),
            (Err(why), false) => return kept(&format!("; cannot tell whether it changed: {why}")),
            (Ok(false), false) => {}
        }
        let removed = git(
            &self.repo,
            [
                OsStr::new("worktree"),
                OsStr::new("remove"),
                self.dir.as_os_str(),
            ],
        )
        .and_then(|_| git(&self.repo, ["branch", "-D", "--quiet", &self.branch]));
        if let Err(why) = removed {
            crate::app::warn(
                "cc-run",
                format!(
                    "cannot remove the unchanged worktree {} (branch {}): {why}",
                    show(&self.dir),
                    sanitize::one_line(&self.branch)
                ),
            );
        }
    }

    /// Whether the run left anything in the worktree: a modified or
    /// untracked file, or a commit on its branch.
    fn changed(&self) -> std::result::Result<bool, String> {
        let status = git(
            &self.dir,
            ["status", "--porcelain", "--untracked-files=all"],
        )?;
        let head = git(&self.dir, ["rev-parse", "HEAD"])?;
        Ok(!status.is_empty() || head != self.base)
    }
}

/// `<repo>-ccpipe-<id>` beside the repository.
fn beside(repo: &Path, id: &str) -> PathBuf {
    let name = repo
        .file_name()
        .map_or_else(|| "repo".into(), |n| n.to_string_lossy().into_owned());
    let parent = repo.parent().unwrap_or(repo);
    parent.join(format!("{name}-ccpipe-{id}"))
}

fn absolute(here: &Path, dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        dir.to_owned()
    } else {
        here.join(dir)
    }
}

/// Eight hex digits, new for each call (the hasher's random keys, the
/// clock and the pid).
fn new_id() -> String {
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    h.write_u128(now.as_nanos());
    format!("{:08x}", h.finish() as u32)
}

/// Runs `git ARGS` in `dir`: its stdout, trimmed, or the first line of
/// its stderr. Tried again when git names a lock file another git holds.
fn git<I, S>(dir: &Path, args: I) -> std::result::Result<String, String>
where
    I: IntoIterator<Item = S> + Clone,
    S: AsRef<OsStr>,
{
    let mut wait = Duration::from_millis(100);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let out: Output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args.clone())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned());
        }
        let err = String::from_utf8_lossy(&out.stderr);
        if attempt < 7 && err.contains(".lock") {
            std::thread::sleep(wait);
            wait *= 2;
            continue;
        }
        let line = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("git failed")
            .trim();
        return Err(sanitize::one_line(line).into_owned());
    }
}

/// A path for messages, terminal-safe.
fn show(path: &Path) -> String {
    sanitize::one_line(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_differ_and_the_default_dir_is_beside_the_repo() {
        let (a, b) = (new_id(), new_id());
        assert_eq!(a.len(), 8);
        assert_ne!(a, b);
        assert_eq!(
            beside(Path::new("/src/app"), "0badf00d"),
            Path::new("/src/app-ccpipe-0badf00d")
        );
    }
}
