//! The one exit point shared by every binary: parse the command line, run the
//! stage, print an error as `<tool>: <message>` and exit with its status.

use clap::Parser;
use std::io::Write;

use crate::error::{Error, exit};

/// Runs a stage as a process: `cli` parsing errors exit 2 (clap's own status
/// for usage errors), `run` returns the exit status or an [`Error`].
pub fn main<C: Parser>(tool: &str, run: fn(C) -> Result<i32, Error>) -> ! {
    let cli = C::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(err) => report(tool, &err),
    };
    std::process::exit(code)
}

/// Prints `err` on stderr (unless it is quiet) and returns its exit status.
pub fn report(tool: &str, err: &Error) -> i32 {
    if let Some(msg) = err.message() {
        let mut stderr = std::io::stderr().lock();
        // Nothing sensible is left to do if stderr itself is gone.
        let _ = writeln!(stderr, "{tool}: {msg}");
    }
    err.code()
}

/// Prints a warning that does not end the run.
pub fn warn(tool: &str, msg: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{tool}: {msg}");
}

/// `exit::OK` unless `failed`, then `exit::FAILURE`.
pub fn status(failed: bool) -> i32 {
    if failed { exit::FAILURE } else { exit::OK }
}
