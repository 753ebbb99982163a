//! The one error type of ccpipe, and the exit-status table.
//!
//! Library code returns [`Error`]; only [`crate::app::main`] prints it (as
//! `<tool>: <message>`) and turns it into an exit status. A closed downstream
//! pipe is not an error: it becomes a quiet exit 0 there, in one place.

use std::fmt;
use std::io;

/// Exit statuses shared by the ccpipe binaries (README: "Exit status").
///
/// cc-filter follows jq instead (see [`crate::filter::exit`]), because scripts
/// that swap jq for cc-filter test those numbers.
pub mod exit {
    /// Everything went well.
    pub const OK: i32 = 0;
    /// Invalid input, or a session that ended with an error result or none.
    pub const FAILURE: i32 = 1;
    /// Bad command line, or an I/O error outside the data (a file that cannot be opened).
    pub const USAGE: i32 = 2;
    /// cc-run: the API refused the credentials.
    pub const AUTH: i32 = 3;
    /// cc-run: billing or credit problem.
    pub const BILLING: i32 = 4;
    /// cc-run: rate limited or overloaded past the CLI's retries.
    pub const RATE_LIMIT: i32 = 5;
    /// cc-run `--fail-on-denial`: a tool call was denied permission.
    pub const DENIED: i32 = 6;
    /// cc-run `--max-memory`: claude's process tree grew past the limit.
    pub const MEMORY: i32 = 7;
    /// cc-run: `--timeout` expired (as timeout(1)).
    pub const TIMEOUT: i32 = 124;
    /// cc-run: the claude binary was not found or could not be started (as the shell).
    pub const NOT_FOUND: i32 = 127;
    /// Ended by SIGINT (128 + 2).
    pub const SIGINT: i32 = 130;
    /// Ended by SIGTERM (128 + 15).
    pub const SIGTERM: i32 = 143;
}

/// An error that ends a ccpipe run: a message for stderr and the exit status.
#[derive(Debug)]
pub struct Error {
    code: i32,
    /// `None` for a quiet exit (a closed downstream, or an error already reported).
    message: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with an explicit exit status.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Error {
            code,
            message: Some(message.into()),
        }
    }

    /// Bad usage (exit 2): a flag value, a file that cannot be opened.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(exit::USAGE, message)
    }

    /// Bad data (exit 1).
    pub fn data(message: impl Into<String>) -> Self {
        Error::new(exit::FAILURE, message)
    }

    /// Ends the run with `code` and prints nothing (the cause was reported already).
    pub fn quiet(code: i32) -> Self {
        Error {
            code,
            message: None,
        }
    }

    /// An I/O error while doing `what`; a broken pipe becomes a quiet exit 0.
    pub fn io(what: impl fmt::Display, err: io::Error) -> Self {
        if err.kind() == io::ErrorKind::BrokenPipe {
            return Error::quiet(exit::OK);
        }
        Error::usage(format!("{what}: {err}"))
    }

    pub fn code(&self) -> i32 {
        self.code
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// True when this error stands for a closed downstream pipe.
    pub fn is_broken_pipe(&self) -> bool {
        self.code == exit::OK && self.message.is_none()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.as_deref().unwrap_or(""))
    }
}

impl std::error::Error for Error {}

/// Writing to stdout is the common case: a closed pipe is a quiet success.
impl From<io::Error> for Error {
    fn from(err: io::Error) -> Self {
        Error::io("write error", err)
    }
}
