//! The one exit point shared by every binary: parse the command line, run the
//! stage, print an error as `<tool>: <message>` and exit with its status.
//!
//! Promises: every message a tool prints about its run goes out through
//! [`report`] or [`warn`], which make it terminal-safe ([`crate::sanitize`]:
//! a file name with an escape sequence cannot set the terminal's title) and
//! hide secrets by their shape ([`crate::secrets`]), whatever the caller
//! put in it.

use clap::Parser;
use std::io::Write;

use crate::error::{Error, exit};

/// Runs a stage as a process: `cli` parsing errors exit 2 (clap's own status
/// for usage errors), `run` returns the exit status or an [`Error`].
pub fn main<C: Parser>(tool: &str, run: fn(C) -> Result<i32, Error>) -> ! {
    main_from(tool, std::env::args_os(), run)
}

/// [`main`] with the command line given (a binary that rewrites its own,
/// as cc-replay does when invoked as `claude`).
pub fn main_from<C: Parser>(
    tool: &str,
    args: impl IntoIterator<Item = std::ffi::OsString>,
    run: fn(C) -> Result<i32, Error>,
) -> ! {
    let cli = C::try_parse_from(args).unwrap_or_else(|err| usage_error(tool, err));
    let code = match run(cli) {
        Ok(code) => code,
        Err(err) => report(tool, &err),
    };
    std::process::exit(code)
}

/// Prints `err` on stderr (unless it is quiet) and returns its exit status.
pub fn report(tool: &str, err: &Error) -> i32 {
    if let Some(msg) = err.message() {
        print(tool, msg);
    }
    err.code()
}

/// Prints a warning that does not end the run.
pub fn warn(tool: &str, msg: impl std::fmt::Display) {
    print(tool, &msg.to_string());
}

/// `<tool>: <message>`, safe for a terminal and without secrets.
fn print(tool: &str, msg: &str) {
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = writeln!(std::io::stderr().lock(), "{tool}: {}", safe(msg));
}

fn safe(msg: &str) -> String {
    crate::sanitize::clean(&crate::secrets::mask(msg)).into_owned()
}

/// clap's own messages: help and version as clap prints them; a usage
/// error quotes the arguments (a hostile file name among them), so it is
/// printed like every other message, uncoloured, and starts as every other
/// does: `<tool>: invalid value '0' for '--speed <X>': ...`, then clap's
/// usage line and its hint.
fn usage_error(tool: &str, err: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        err.exit()
    }
    let text = err.render().to_string();
    let text = match text.strip_prefix("error: ") {
        Some(rest) => format!("{tool}: {rest}"),
        None => format!("{tool}: {text}"),
    };
    let _ = std::io::stderr().lock().write_all(safe(&text).as_bytes());
    std::process::exit(err.exit_code())
}

/// `exit::OK` unless `failed`, then `exit::FAILURE`.
pub fn status(failed: bool) -> i32 {
    if failed { exit::FAILURE } else { exit::OK }
}
