//! The steering FIFO: created safely, opened race-free, reopened when its
//! writers have gone, and removed on exit only if this process created it.
//!
//! Promises: a path that is a symlink, is not a FIFO, belongs to another user
//! or is readable or writable by group or others is refused (exit 2) before anything is
//! read from it. The checks run twice: on `lstat` of the path (so nothing else
//! is ever opened) and on `fstat` of the descriptor actually opened with
//! `O_NOFOLLOW | O_NONBLOCK` (so a swap between check and open is caught).
//! A reopen must land on the same inode. Removal on exit checks the inode too,
//! so a file someone else put at the path afterwards is left alone.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

use crate::error::Error;

/// The FIFO cc-steer reads from. Dropping it removes the FIFO if this process
/// created it and the path still names that FIFO.
#[derive(Debug)]
pub struct Fifo {
    path: PathBuf,
    dev: u64,
    ino: u64,
    created: bool,
}

impl Fifo {
    /// Creates the FIFO (mode 0600) if the path is free, or checks the one
    /// there, and opens it for reading without blocking.
    pub fn open(path: &Path) -> Result<(Fifo, OwnedFd), Error> {
        let created = match nix::unistd::mkfifo(path, Mode::S_IRUSR | Mode::S_IWUSR) {
            Ok(()) => true,
            Err(Errno::EEXIST) => false,
            Err(e) => {
                return Err(Error::usage(format!(
                    "{}: cannot create the FIFO: {}",
                    path.display(),
                    e.desc()
                )));
            }
        };
        let meta = fs::symlink_metadata(path)
            .map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
        let checked = check(path, &meta);
        // From here on, dropping `fifo` removes what this process created,
        // whatever goes wrong below (but never a file swapped in meanwhile).
        let fifo = Fifo {
            path: path.to_path_buf(),
            dev: meta.dev(),
            ino: meta.ino(),
            created: created && checked.is_ok(),
        };
        checked?;
        let file = fifo.open_same()?;
        if created {
            // The umask may have taken the owner's write bit; writers need it.
            file.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
        }
        Ok((fifo, file.into()))
    }

    /// Opens the same FIFO again (after its last writer closed). Fails if the
    /// path was removed or now names something else.
    pub fn reopen(&self) -> Result<OwnedFd, Error> {
        Ok(self.open_same()?.into())
    }

    /// Opens the path and checks, on the open descriptor, that it is still
    /// the inode first seen there and still passes the rules.
    fn open_same(&self) -> Result<File, Error> {
        let file = open_nofollow(&self.path)?;
        let meta = file
            .metadata()
            .map_err(|e| Error::usage(format!("{}: {e}", self.path.display())))?;
        if (meta.dev(), meta.ino()) != (self.dev, self.ino) {
            return Err(Error::usage(format!(
                "{}: replaced by another file",
                self.path.display()
            )));
        }
        check(&self.path, &meta)?;
        Ok(file)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Fifo {
    fn drop(&mut self) {
        if !self.created {
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

fn open_nofollow(path: &Path) -> Result<File, Error> {
    OpenOptions::new()
        .read(true)
        .custom_flags((OFlag::O_NONBLOCK | OFlag::O_NOFOLLOW).bits())
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(Errno::ELOOP as i32) {
                refused(path, "is a symbolic link (give the FIFO's own path)")
            } else if e.kind() == io::ErrorKind::NotFound {
                Error::usage(format!("{}: removed while opening it", path.display()))
            } else {
                Error::usage(format!("{}: {e}", path.display()))
            }
        })
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
        let what = if kind.is_file() {
            "a regular file"
        } else if kind.is_dir() {
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
