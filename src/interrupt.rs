//! Ctrl-C in a pipeline, for the stages downstream of cc-run (cc-check,
//! cc-filter, cc-fmt): a terminal sends SIGINT to every process of the
//! pipeline, and cc-run answers it by stopping the session cleanly and
//! writing its interrupted result; a stage that died with the same signal
//! would never show it.
//!
//! Promises: when a stage reads stdin and stdin is a pipe, the first SIGINT
//! only means "finish the input": the stage keeps reading until upstream
//! ends (cc-run's clean stop, or a writer killed by the same Ctrl-C),
//! handles every line, prints its footer and exits with its usual status.
//! The second SIGINT ends it at once, killed by SIGINT as if no handler had
//! been installed (status 130 in the shell). A stage reading files, or
//! stdin from a terminal or a file, ends at the first SIGINT as before; a
//! SIGINT that was ignored when the stage started stays ignored.

use std::path::PathBuf;

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::stat::{SFlag, fstat};

/// Call at the start of a stage that reads `files` (stdin when there are
/// none, or for `-`).
pub fn finish_input_on_sigint(files: &[PathBuf]) {
    let reads_stdin = files.is_empty() || files.iter().any(|f| f.as_os_str() == "-");
    let pipe = fstat(std::io::stdin())
        .is_ok_and(|st| SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFIFO);
    if reads_stdin && pipe {
        first_sigint_is_noted();
    }
}

/// The first SIGINT runs a handler that does nothing; SA_RESETHAND puts the
/// default action back for the second. SA_RESTART resumes an interrupted
/// read (the line reader retries EINTR as well).
fn first_sigint_is_noted() {
    extern "C" fn noted(_: nix::libc::c_int) {}
    let action = SigAction::new(
        SigHandler::Handler(noted),
        SaFlags::SA_RESTART | SaFlags::SA_RESETHAND,
        SigSet::empty(),
    );
    // SAFETY: the handler does nothing, which is async-signal-safe.
    if let Ok(old) = unsafe { sigaction(Signal::SIGINT, &action) }
        && matches!(old.handler(), SigHandler::SigIgn)
    {
        // SAFETY: restores the disposition found at start.
        let _ = unsafe { sigaction(Signal::SIGINT, &old) };
    }
}
