//! The signals that steer a run: SIGINT (interrupt, then terminate), SIGTERM
//! and SIGHUP (terminate). Handlers are installed before the child starts,
//! so a signal that arrives during start-up is not lost.

use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::error::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sig {
    Int,
    Term,
    Hup,
}

impl Sig {
    /// The exit status of a run this signal ended (128 + the signal number).
    pub fn status(self) -> i32 {
        match self {
            Sig::Int => exit::SIGINT,
            Sig::Term => exit::SIGTERM,
            Sig::Hup => 128 + 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Sig::Int => "SIGINT",
            Sig::Term => "SIGTERM",
            Sig::Hup => "SIGHUP",
        }
    }
}

pub struct Signals {
    int: Signal,
    term: Signal,
    hup: Signal,
}

impl Signals {
    /// Installs the handlers; must run inside the runtime.
    pub fn install() -> std::io::Result<Self> {
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// The next signal received.
    pub async fn recv(&mut self) -> Sig {
        tokio::select! {
            _ = self.int.recv() => Sig::Int,
            _ = self.term.recv() => Sig::Term,
            _ = self.hup.recv() => Sig::Hup,
        }
    }
}
