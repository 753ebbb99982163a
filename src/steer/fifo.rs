//! The steering FIFO: created safely, opened race-free, watched while
//! cc-steer runs, made again when it is removed, and removed on exit only if
//! cc-steer made it.
//!
//! Promises: a path that is a symlink, is not a FIFO, belongs to another user
//! or is readable or writable by group or others is refused (exit 2) before anything is
//! read from it. The checks run twice: on `lstat` of the path (so nothing else
//! is ever opened) and on `fstat` of the descriptor actually opened with
//! `O_NOFOLLOW | O_NONBLOCK` (so a swap between check and open is caught).
//! The path is held through [`super::lock`], so one FIFO feeds one session.
//!
//! While running, [`Fifo::watch`] (each second, and whenever the writers have
//! all gone) keeps the path a FIFO: a removed FIFO is made again (0600); a
//! regular file that took its place (`echo hi > FIFO` after the removal) is
//! read as steering and replaced by a new FIFO, if it is this user's, has
//! one link and is not writable by group or others; anything else there is
//! refused and ends cc-steer. Each change is said on stderr. Removal on exit
//! checks the inode, so a file someone else put at the path is left alone;
//! a FIFO left by a killed cc-steer (its lock file says so) is removed by
//! the next one.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

use super::TOOL;
use super::lock::{Lock, Stamp};
use crate::app;
use crate::error::Error;

/// The FIFO cc-steer reads from. Dropping it removes the FIFO if this process
/// made it (or took it over from a killed cc-steer) and the path still names
/// that FIFO, then releases and removes the lock.
#[derive(Debug)]
pub struct Fifo {
    path: PathBuf,
    dev: u64,
    ino: u64,
    created: Option<Stamp>,
    /// Dropped after the FIFO is removed.
    lock: Lock,
}

/// The path no longer names the FIFO being read: what is there now.
pub struct Change {
    /// The FIFO now at the path.
    pub fifo: OwnedFd,
    /// Regular files that had taken the path, to read as steering lines.
    pub files: Vec<OwnedFd>,
}

impl Fifo {
    /// Creates the FIFO (mode 0600) if the path is free, or checks the one
    /// there, takes the lock beside it, and opens it for reading without
    /// blocking.
    pub fn open(path: &Path) -> Result<(Fifo, OwnedFd), Error> {
        // Refuse a bad path before making anything beside it.
        if let Ok(meta) = fs::symlink_metadata(path) {
            check(path, &meta)?;
        }
        let (lock, before) = Lock::take(path)?;
        let mut fifo = Fifo {
            path: path.to_path_buf(),
            dev: 0,
            ino: 0,
            created: None,
            lock,
        };
        let made = fifo.make()?;
        let left_behind = !made
            && before.created.is_some()
            && fs::symlink_metadata(path).is_ok_and(|m| before.created == Some(Stamp::of(&m)));
        if left_behind {
            let by = before
                .pid
                .map_or_else(String::new, |pid| format!(" (pid {pid})"));
            app::warn(
                TOOL,
                format!(
                    "{}: left behind by a cc-steer{by} that did not exit cleanly; \
                     using it, and removing it at exit",
                    path.display()
                ),
            );
        }
        let fd = fifo.adopt(made || left_behind)?;
        Ok((fifo, fd))
    }

    /// Makes sure the path still names the FIFO being read (and the lock is
    /// still held). When it does not, makes it so as the module docs say,
    /// and returns the new state; an unsafe path is an error.
    pub fn watch(&mut self) -> Result<Option<Change>, Error> {
        if self.lock.watch(self.created)? {
            app::warn(
                TOOL,
                format!(
                    "{}: the lock file was removed; made it again",
                    self.lock.path().display()
                ),
            );
        }
        let mut files = Vec::new();
        // Each turn handles one thing found at the path; only a path that
        // keeps changing under us runs out of turns.
        for _ in 0..16 {
            let meta = match fs::symlink_metadata(&self.path) {
                Ok(meta) => meta,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if !self.make()? {
                        continue;
                    }
                    if files.is_empty() {
                        self.say("the FIFO was removed; made a new one (mode 0600)");
                    }
                    let fifo = self.adopt(true)?;
                    return Ok(Some(Change { fifo, files }));
                }
                Err(e) => return Err(io_error(&self.path, e)),
            };
            if (meta.dev(), meta.ino()) == (self.dev, self.ino) {
                check(&self.path, &meta)?;
                if files.is_empty() {
                    return Ok(None);
                }
                let fifo = self.open_same()?.into();
                return Ok(Some(Change { fifo, files }));
            }
            if meta.is_file() {
                files.extend(self.take_file(&meta)?);
                continue;
            }
            // Another FIFO that passes the rules (say, made by hand): read
            // that one, and leave it there at exit.
            check(&self.path, &meta)?;
            self.say("replaced by another FIFO; reading that one");
            let fifo = self.adopt(false)?;
            return Ok(Some(Change { fifo, files }));
        }
        Err(Error::usage(format!(
            "{}: keeps changing; refusing to use it",
            self.path.display()
        )))
    }

    /// The FIFO to read next after every writer has closed the current one:
    /// the same FIFO opened again, or whatever [`Fifo::watch`] made of the path.
    pub fn reopen(&mut self) -> Result<Change, Error> {
        let mut last = None;
        for _ in 0..4 {
            if let Some(change) = self.watch()? {
                return Ok(change);
            }
            match self.open_same() {
                Ok(file) => {
                    return Ok(Change {
                        fifo: file.into(),
                        files: Vec::new(),
                    });
                }
                // Changed between the look and the open: look again.
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("the loop ran"))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// mkfifo with mode 0600: true if made, false if the path is taken.
    fn make(&self) -> Result<bool, Error> {
        match nix::unistd::mkfifo(&self.path, Mode::S_IRUSR | Mode::S_IWUSR) {
            Ok(()) => Ok(true),
            Err(Errno::EEXIST) => Ok(false),
            Err(e) => Err(Error::usage(format!(
                "{}: cannot create the FIFO: {}",
                self.path.display(),
                e.desc()
            ))),
        }
    }

    /// Makes the FIFO now at the path the one read (and, if `ours`, the one
    /// removed at exit): checks it, opens it, records it in the lock.
    fn adopt(&mut self, ours: bool) -> Result<OwnedFd, Error> {
        let meta = fs::symlink_metadata(&self.path).map_err(|e| io_error(&self.path, e))?;
        let checked = check(&self.path, &meta);
        (self.dev, self.ino) = (meta.dev(), meta.ino());
        // From here on, dropping `self` removes what this process made,
        // whatever goes wrong below (but never a file swapped in meanwhile).
        self.created = (ours && checked.is_ok()).then(|| Stamp::of(&meta));
        checked?;
        let file = self.open_same()?;
        if ours {
            // The umask may have taken the owner's write bit; writers need it.
            file.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(|e| io_error(&self.path, e))?;
            let meta = file.metadata().map_err(|e| io_error(&self.path, e))?;
            self.created = Some(Stamp::of(&meta));
        }
        self.lock.record(self.created)?;
        Ok(file.into())
    }

    /// Opens the path and checks, on the open descriptor, that it is still
    /// the inode first seen there and still passes the rules.
    fn open_same(&self) -> Result<File, Error> {
        let file = open_nofollow(&self.path).map_err(|e| open_error(&self.path, &e))?;
        let meta = file.metadata().map_err(|e| io_error(&self.path, e))?;
        if (meta.dev(), meta.ino()) != (self.dev, self.ino) {
            return Err(Error::usage(format!(
                "{}: replaced by another file",
                self.path.display()
            )));
        }
        check(&self.path, &meta)?;
        Ok(file)
    }

    /// Takes a regular file found at the path, if it is safe to read as
    /// steering (this user's, one link, not writable by group or others):
    /// opens it and removes it from the path. `None`: it went away meanwhile.
    fn take_file(&self, seen: &Metadata) -> Result<Option<OwnedFd>, Error> {
        let unsafe_file = |meta: &Metadata| -> Option<String> {
            let euid = nix::unistd::geteuid().as_raw();
            if !meta.is_file() {
                Some("changed while being read".into())
            } else if meta.uid() != euid {
                Some(format!("belongs to uid {}, not to this user", meta.uid()))
            } else if meta.mode() & 0o022 != 0 {
                Some(format!(
                    "has mode {:04o}: group or others may have written it",
                    meta.mode() & 0o7777
                ))
            } else if meta.nlink() != 1 {
                Some(format!("has {} hard links", meta.nlink()))
            } else {
                None
            }
        };
        let refuse = |why: String| {
            Err(refused(
                &self.path,
                &format!(
                    "is now a regular file (written after the FIFO was removed?) that {why}; \
                     not reading it (look at it, then remove it: rm {})",
                    shell_quote(&self.path)
                ),
            ))
        };
        if let Some(why) = unsafe_file(seen) {
            return refuse(why);
        }
        let file = match open_nofollow(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(open_error(&self.path, &e)),
        };
        let meta = file.metadata().map_err(|e| io_error(&self.path, e))?;
        if (meta.dev(), meta.ino()) != (seen.dev(), seen.ino()) {
            return Ok(None);
        }
        if let Some(why) = unsafe_file(&meta) {
            return refuse(why);
        }
        // Free the path for the new FIFO at once, so that the next writer
        // finds a FIFO; what is in the file is read from the descriptor.
        if fs::symlink_metadata(&self.path)
            .is_ok_and(|m| (m.dev(), m.ino()) == (meta.dev(), meta.ino()))
        {
            fs::remove_file(&self.path).map_err(|e| io_error(&self.path, e))?;
        }
        self.say(&format!(
            "the FIFO was removed and a regular file of {} bytes took its place \
             (written since); reading its lines as steering, and making a new FIFO",
            meta.len()
        ));
        Ok(Some(file.into()))
    }

    fn say(&self, what: &str) {
        app::warn(TOOL, format!("{}: {what}", self.path.display()));
    }
}

impl Drop for Fifo {
    fn drop(&mut self) {
        if self.created.is_none() {
            return;
        }
        if let Ok(meta) = fs::symlink_metadata(&self.path)
            && (meta.dev(), meta.ino()) == (self.dev, self.ino)
        {
            // Nothing useful can be done if it fails on the way out.
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn open_nofollow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags((OFlag::O_NONBLOCK | OFlag::O_NOFOLLOW).bits())
        .open(path)
}

fn open_error(path: &Path, e: &io::Error) -> Error {
    if e.raw_os_error() == Some(Errno::ELOOP as i32) {
        refused(path, "is a symbolic link (give the FIFO's own path)")
    } else if e.kind() == io::ErrorKind::NotFound {
        Error::usage(format!("{}: removed while opening it", path.display()))
    } else {
        Error::usage(format!("{}: {e}", path.display()))
    }
}

/// The safety rules, applied to `lstat` and then `fstat` results.
fn check(path: &Path, meta: &Metadata) -> Result<(), Error> {
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(refused(
            path,
            "is a symbolic link (give the FIFO's own path)",
        ));
    }
    let euid = nix::unistd::geteuid().as_raw();
    if meta.uid() != euid {
        return Err(refused(
            path,
            &format!(
                "belongs to uid {}, not to this user (uid {euid})",
                meta.uid()
            ),
        ));
    }
    if !kind.is_fifo() {
        if kind.is_file() {
            // Most often `echo ... > FIFO` after cc-steer ended and removed it.
            return Err(refused(
                path,
                &format!(
                    "is a regular file, not a FIFO (a line written when no cc-steer was \
                     running? look at it, then remove it: rm {})",
                    shell_quote(path)
                ),
            ));
        }
        let what = if kind.is_dir() {
            "a directory"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "a device"
        };
        return Err(refused(path, &format!("is {what}, not a FIFO")));
    }
    let mode = meta.mode() & 0o7777;
    // Writers could inject prompts; readers could steal steering lines.
    if mode & 0o077 != 0 {
        return Err(refused(
            path,
            &format!("has mode {mode:04o}: group or others may use it (chmod 600 it)"),
        ));
    }
    Ok(())
}

fn refused(path: &Path, why: &str) -> Error {
    Error::usage(format!("{}: {why}; refusing to use it", path.display()))
}

fn io_error(path: &Path, e: io::Error) -> Error {
    Error::usage(format!("{}: {e}", path.display()))
}

/// `path` as a shell word to paste into a command (`rm ./steer.fifo`):
/// quoted when it needs it, never starting with `-`, control characters
/// shown, not passed to the terminal.
pub fn shell_quote(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = if text.starts_with('-') {
        format!("./{text}")
    } else {
        text.into_owned()
    };
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%=".contains(&b));
    let word = if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    };
    crate::sanitize::clean(&word).into_owned()
}

#[cfg(test)]
mod tests {
    use super::shell_quote;
    use std::path::Path;

    #[test]
    fn shell_words() {
        assert_eq!(shell_quote(Path::new("./steer.fifo")), "./steer.fifo");
        assert_eq!(shell_quote(Path::new("-x")), "./-x");
        assert_eq!(shell_quote(Path::new("a b")), "'a b'");
        assert_eq!(shell_quote(Path::new("it's")), r"'it'\''s'");
        assert_eq!(shell_quote(Path::new("a\x1bb")), "'a^[b'");
    }
}
