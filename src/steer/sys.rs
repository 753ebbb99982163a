//! The process-level plumbing of cc-steer: signals turned into a wake-up,
//! reads that happen only after poll(2) said so, and a stdout writer that
//! gives up at once when a signal asks the process to end.
//!
//! Promises: SIGINT, SIGTERM and SIGHUP never kill the process outright (so
//! the FIFO is always cleaned up); each is recorded and wakes the poll loop
//! through a self-pipe, race-free. Standard streams are read and written at
//! the descriptor level, never through std's buffers, and never switched to
//! non-blocking mode (stdin and stdout may be shared with other processes).

use std::cell::Cell;
use std::fs::OpenOptions;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd};
use std::rc::Rc;
use std::sync::atomic::{AtomicI32, Ordering};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};

/// The last signal received, 0 for none.
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// The write end of the self-pipe, -1 before it exists.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(sig: nix::libc::c_int) {
    // Only async-signal-safe work here: an atomic store and write(2).
    let saved = Errno::last_raw();
    SIGNAL.store(sig, Ordering::SeqCst);
    let fd = WAKE_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: `fd` is the self-pipe's write end, open for the whole run
        // (it is leaked on purpose), and `byte` outlives the call.
        unsafe { nix::libc::write(fd, (&raw const byte).cast(), 1) };
    }
    Errno::set_raw(saved);
}

/// The read end of the self-pipe that signals write to.
pub struct Signals {
    wake: OwnedFd,
}

impl Signals {
    /// Installs the handlers. Without `SA_RESTART`, so a write blocked on a
    /// stalled downstream returns and the process can still end promptly.
    pub fn install() -> io::Result<Signals> {
        let (read, write) = nix::unistd::pipe2(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC)?;
        // The handler may run until the process exits, so the write end stays open.
        WAKE_FD.store(write.into_raw_fd(), Ordering::SeqCst);
        let action = SigAction::new(
            SigHandler::Handler(on_signal),
            SaFlags::empty(),
            SigSet::empty(),
        );
        for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
            // SAFETY: the handler only touches atomics and calls write(2).
            unsafe { signal::sigaction(sig, &action) }?;
        }
        Ok(Signals { wake: read })
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.wake.as_fd()
    }

    /// Empties the self-pipe after a wake-up.
    pub fn drain(&self) {
        let mut buf = [0u8; 64];
        while let Ok(n) = nix::unistd::read(&self.wake, &mut buf) {
            if n == 0 {
                break;
            }
        }
    }
}

/// The signal that asked the process to end, if any.
pub fn pending() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

/// Makes sure descriptors 0, 1 and 2 are open (on /dev/null if they were
/// closed), so the FIFO can never land on one of them.
pub fn ensure_std_fds() -> io::Result<()> {
    loop {
        let null = OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")?;
        if null.as_raw_fd() > 2 {
            return Ok(());
        }
        // It filled a closed standard descriptor: keep it open for good.
        let _ = null.into_raw_fd();
    }
}

/// Reads from a descriptor at most once per opening of its [`Gate`]: the
/// poll loop opens the gate when poll(2) reports the descriptor ready, so a
/// read never blocks even on a blocking stdin. A closed gate reads as
/// `WouldBlock`, which [`crate::lines::LineReader`] hands back and can resume
/// from.
pub struct Gated<F> {
    fd: F,
    gate: Gate,
}

/// The switch of a [`Gated`] reader, kept by the poll loop.
#[derive(Clone, Default)]
pub struct Gate(Rc<Cell<bool>>);

impl Gate {
    /// Lets the next read through.
    pub fn open(&self) {
        self.0.set(true);
    }
}

impl<F: AsFd> Gated<F> {
    pub fn new(fd: F) -> (Self, Gate) {
        let gate = Gate::default();
        (
            Gated {
                fd,
                gate: gate.clone(),
            },
            gate,
        )
    }
}

impl<F: AsFd> Read for Gated<F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.gate.0.replace(false) {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        loop {
            match nix::unistd::read(&self.fd, buf) {
                Ok(n) => return Ok(n),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Raw stdout: a blocking write(2) loop that stops with an error as soon
/// as a signal is pending, instead of waiting on a stalled reader.
pub struct RawStdout;

impl Write for RawStdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            if pending().is_some() {
                return Err(io::Error::other("ended by a signal"));
            }
            match nix::unistd::write(io::stdout(), buf) {
                Ok(n) => return Ok(n),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One descriptor to wait on, and what happened to it.
pub struct Wait<'fd> {
    pub fd: BorrowedFd<'fd>,
    /// `POLLIN`, or 0 to hear only of errors and hang-ups.
    pub events: i16,
    pub revents: i16,
}

pub const POLLIN: i16 = nix::libc::POLLIN;
pub const POLLERR: i16 = nix::libc::POLLERR;
pub const POLLHUP: i16 = nix::libc::POLLHUP;
pub const POLLNVAL: i16 = nix::libc::POLLNVAL;

/// poll(2) on `fds` for up to `timeout` (`None`: no limit). Fills in `revents`.
pub fn poll(fds: &mut [Wait<'_>], timeout: Option<std::time::Duration>) -> Result<(), Errno> {
    let mut raw: Vec<nix::libc::pollfd> = fds
        .iter()
        .map(|w| nix::libc::pollfd {
            fd: w.fd.as_raw_fd(),
            events: w.events,
            revents: 0,
        })
        .collect();
    let ms = match timeout {
        None => -1,
        // Round up, so the loop does not wake just before a deadline.
        Some(t) => i32::try_from(t.as_micros().div_ceil(1000)).unwrap_or(i32::MAX),
    };
    let len = nix::libc::nfds_t::try_from(raw.len()).map_err(|_| Errno::EINVAL)?;
    // SAFETY: `raw` is a valid array of `len` pollfd structs for the whole
    // call, and every fd in it is borrowed from a live descriptor.
    let n = unsafe { nix::libc::poll(raw.as_mut_ptr(), len, ms) };
    Errno::result(n)?;
    for (w, r) in fds.iter_mut().zip(&raw) {
        w.revents = r.revents;
    }
    Ok(())
}
