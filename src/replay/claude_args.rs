//! The command line `--as-claude` gets: an optional recording, then the
//! flags a host passes to `claude`.
//!
//! Promises: every flag cc-run passes is understood; `-p`, `--input-format
//! stream-json`, `--output-format stream-json` and `--verbose` are required
//! (the only way of running `claude` this stands in for), and a missing or
//! other one is a usage error naming it; every other flag of claude's is
//! accepted and has no effect (the recording does not change).

use std::ffi::OsString;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// What the host asked of `claude`, as far as a replay can honour it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaudeArgs {
    /// The recording to play (the first argument, when it is not a flag).
    pub file: Option<PathBuf>,
    /// `--replay-user-messages`: echo each message received.
    pub replay_user: bool,
    /// `--include-partial-messages`: keep the recording's `stream_event`s.
    pub partial: bool,
    /// `--version` / `-v`: say which version the recording is of, and exit.
    pub version: bool,
}

/// Reads `args` (everything after `--as-claude`).
pub fn parse(args: &[OsString]) -> Result<ClaudeArgs> {
    let mut parsed = ClaudeArgs::default();
    let mut words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if words.first().is_some_and(|w| !w.starts_with('-')) {
        parsed.file = Some(PathBuf::from(&args[0]));
        words.remove(0);
    }
    let (mut print, mut verbose) = (false, false);
    let (mut input, mut output) = (None, None);
    let mut rest = words.iter();
    while let Some(word) = rest.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (word.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| rest.next().cloned());
        match flag {
            "-p" | "--print" => print = true,
            "--verbose" => verbose = true,
            "--replay-user-messages" => parsed.replay_user = true,
            "--include-partial-messages" => parsed.partial = true,
            "-v" | "--version" => parsed.version = true,
            "--input-format" => input = value(),
            "--output-format" => output = value(),
            _ => {}
        }
    }
    if parsed.version {
        return Ok(parsed);
    }
    let need = |what: &str| {
        Err(Error::usage(format!(
            "--as-claude stands in for `claude -p --input-format stream-json --output-format \
             stream-json --verbose` (as cc-run runs it): {what}"
        )))
    };
    if !print {
        return need("-p is missing");
    }
    for (flag, value) in [("--input-format", &input), ("--output-format", &output)] {
        match value.as_deref() {
            Some("stream-json") => {}
            Some(other) => return need(&format!("{flag} {other} is not stream-json")),
            None => return need(&format!("{flag} is missing")),
        }
    }
    if !verbose {
        return need("--verbose is missing (claude requires it with stream-json output)");
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        line.split_whitespace().map(OsString::from).collect()
    }

    const CC_RUN: &str = "-p --input-format stream-json --output-format stream-json --verbose \
                          --replay-user-messages";

    #[test]
    fn cc_runs_flags_and_any_others() {
        let got = parse(&args(&format!(
            "{CC_RUN} --include-partial-messages --permission-prompt-tool stdio --model x"
        )))
        .unwrap();
        assert_eq!(
            got,
            ClaudeArgs {
                file: None,
                replay_user: true,
                partial: true,
                version: false
            }
        );
        let got = parse(&args(&format!(
            "rec.jsonl {CC_RUN} --input-format=stream-json"
        )))
        .unwrap();
        assert_eq!(got.file, Some(PathBuf::from("rec.jsonl")));
        assert!(!got.partial);
    }

    #[test]
    fn other_modes_are_usage_errors_naming_the_flag() {
        for (line, why) in [
            (
                "--input-format stream-json --output-format stream-json --verbose",
                "-p",
            ),
            (
                "-p --input-format text --output-format stream-json --verbose",
                "--input-format text",
            ),
            ("-p --input-format stream-json --verbose", "--output-format"),
            (
                "-p --input-format stream-json --output-format stream-json",
                "--verbose",
            ),
        ] {
            let err = parse(&args(line)).unwrap_err();
            assert_eq!(err.code(), 2);
            assert!(err.to_string().contains(why), "{line}: {err}");
        }
        assert!(parse(&args("--version")).unwrap().version);
    }
}
