//! The lock beside the FIFO (`FIFO.lock`), so one path feeds one session.
//!
//! Promises: while a cc-steer runs it holds `flock(LOCK_EX)` on `FIFO.lock`
//! (a regular file, mode 0600, this user's, refused otherwise like the
//! FIFO), which records its pid and, when it made the FIFO, which FIFO. A
//! second cc-steer on the same path is refused (exit 2) with the first one's
//! pid. The kernel drops the lock when its holder dies, so a killed
//! cc-steer never blocks the next one, and its record tells the next one
//! that the FIFO left behind was cc-steer's to remove. The lock file is
//! removed on exit, while the lock is still held; a taker re-checks after
//! locking that the path still names the file it locked, so removal never
//! lets two holders in.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg, OFlag};

use crate::error::Error;

/// What a holder of the lock wrote into it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub pid: Option<u32>,
    /// The FIFO this holder made.
    pub created: Option<Stamp>,
}

/// Identifies one FIFO: its inode, and its birth time where the file
/// system keeps one, as inode numbers are reused (ctime is no help: every
/// write to a FIFO changes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub dev: u64,
    pub ino: u64,
    /// Nanoseconds since the epoch; 0 where unknown.
    pub born: u128,
}

impl Stamp {
    pub fn of(meta: &Metadata) -> Stamp {
        let born = meta
            .created()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            born,
        }
    }
}

/// The lock, held until dropped; dropping removes the lock file first.
#[derive(Debug)]
pub struct Lock {
    fifo: PathBuf,
    path: PathBuf,
    file: Flock<File>,
    dev: u64,
    ino: u64,
}

impl Lock {
    /// Takes the lock for `fifo`; also returns what the previous holder
    /// recorded (a holder that is gone, since the lock was free).
    pub fn take(fifo: &Path) -> Result<(Lock, Record), Error> {
        let path = lock_path(fifo);
        // A remover between our open and our lock makes us lock a file no
        // longer at the path: then try again (only that race loops).
        for _ in 0..100 {
            let file = open(fifo, &path)?;
            let mut file = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
                Ok(locked) => locked,
                Err((mut file, Errno::EWOULDBLOCK)) => {
                    let holder = read_record(&mut file).pid.map_or_else(
                        || "another cc-steer".to_string(),
                        |pid| format!("another cc-steer (pid {pid})"),
                    );
                    return Err(Error::usage(format!(
                        "{}: {holder} is reading it (lock {}); refusing to use it \
                         (give each session its own FIFO)",
                        fifo.display(),
                        path.display()
                    )));
                }
                Err((_, e)) => {
                    return Err(Error::usage(format!(
                        "{}: cannot lock it: {}",
                        path.display(),
                        e.desc()
                    )));
                }
            };
            let meta = file.metadata().map_err(|e| io_error(&path, e))?;
            match fs::symlink_metadata(&path) {
                Ok(now) if (now.dev(), now.ino()) == (meta.dev(), meta.ino()) => {}
                _ => continue,
            }
            let before = read_record(&mut file);
            let mut lock = Lock {
                fifo: fifo.to_path_buf(),
                path,
                file,
                dev: meta.dev(),
                ino: meta.ino(),
            };
            lock.record(None)?;
            return Ok((lock, before));
        }
        Err(Error::usage(format!(
            "{}: the lock file keeps being replaced; refusing to use it",
            path.display()
        )))
    }

    /// Writes this process's record: its pid, and the FIFO it made, if any.
    pub fn record(&mut self, created: Option<Stamp>) -> Result<(), Error> {
        let mut text = format!("pid {}\n", std::process::id());
        if let Some(s) = created {
            text += &format!("created {} {} {}\n", s.dev, s.ino, s.born);
        }
        let file: &mut File = &mut self.file;
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(text.as_bytes()))
            .map_err(|e| io_error(&self.path, e))
    }

    /// Makes sure the path still names the lock held; if the lock file was
    /// removed, takes it again (refused if another cc-steer got there first).
    /// Returns true when it had to be made again.
    pub fn watch(&mut self, created: Option<Stamp>) -> Result<bool, Error> {
        match fs::symlink_metadata(&self.path) {
            Ok(now) if (now.dev(), now.ino()) == (self.dev, self.ino) => return Ok(false),
            _ => {}
        }
        let (mut again, _) = Lock::take(&self.fifo)?;
        again.record(created)?;
        // The old lock is on a file no longer at the path, so dropping it
        // removes nothing; it just lets go.
        *self = again;
        Ok(true)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Remove it while still holding the lock (the file closes after).
        if let Ok(now) = fs::symlink_metadata(&self.path)
            && (now.dev(), now.ino()) == (self.dev, self.ino)
        {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// `FIFO.lock`, beside the FIFO.
pub fn lock_path(fifo: &Path) -> PathBuf {
    let mut name = fifo.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    fifo.with_file_name(name)
}

/// Opens (creating if absent, mode 0600) the lock file, refusing anything
/// but a regular file of this user's that group and others cannot use.
fn open(fifo: &Path, path: &Path) -> Result<File, Error> {
    // Check before opening, so a device or FIFO put there is never opened.
    if let Ok(meta) = fs::symlink_metadata(path) {
        check(path, &meta)?;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK).bits())
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(Errno::ELOOP as i32) {
                refused(path, "is a symbolic link")
            } else {
                Error::usage(format!(
                    "{}: cannot create its lock file {}: {e}",
                    fifo.display(),
                    path.display()
                ))
            }
        })?;
    check(path, &file.metadata().map_err(|e| io_error(path, e))?)?;
    Ok(file)
}

fn check(path: &Path, meta: &Metadata) -> Result<(), Error> {
    let euid = nix::unistd::geteuid().as_raw();
    if meta.file_type().is_symlink() {
        return Err(refused(path, "is a symbolic link"));
    }
    if !meta.is_file() {
        return Err(refused(path, "is not a regular file"));
    }
    if meta.uid() != euid {
        return Err(refused(
            path,
            &format!("belongs to uid {}, not to this user", meta.uid()),
        ));
    }
    let mode = meta.mode() & 0o7777;
    let rm = super::fifo::shell_quote(path);
    if mode & 0o077 != 0 {
        return Err(refused(
            path,
            &format!("has mode {mode:04o}: group or others may use it (remove it: rm {rm})"),
        ));
    }
    if meta.nlink() != 1 {
        return Err(refused(
            path,
            &format!("has {} hard links (remove it: rm {rm})", meta.nlink()),
        ));
    }
    Ok(())
}

/// The record in the lock file; anything unreadable counts as nothing.
fn read_record(file: &mut File) -> Record {
    let mut text = String::new();
    if file.rewind().is_err() || (&*file).take(4096).read_to_string(&mut text).is_err() {
        return Record::default();
    }
    let mut record = Record::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_ascii_whitespace().collect();
        match words.as_slice() {
            ["pid", pid] => record.pid = pid.parse().ok(),
            ["created", dev, ino, born] => {
                record.created = (|| {
                    Some(Stamp {
                        dev: dev.parse().ok()?,
                        ino: ino.parse().ok()?,
                        born: born.parse().ok()?,
                    })
                })();
            }
            _ => {}
        }
    }
    record
}

fn refused(path: &Path, why: &str) -> Error {
    Error::usage(format!(
        "{}: the lock file {why}; refusing to use it",
        path.display()
    ))
}

fn io_error(path: &Path, e: io::Error) -> Error {
    Error::usage(format!("{}: {e}", path.display()))
}
