//! Helpers shared by the integration tests: run the real binaries with a
//! scrubbed environment, and find the recorded fixtures.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;

/// A ccpipe binary with an environment free of colour and config variables.
pub fn bin(name: &str) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin(name));
    for var in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "CLICOLOR",
        "COLUMNS",
        "CCPIPE_CLAUDE",
        "TERM",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// The shared fixtures: real captures of the Claude Code CLI (tests/fixtures, copied from the shared captures).
pub fn fixtures_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    assert!(dir.is_dir(), "fixtures not found at {}", dir.display());
    dir
}

/// One fixture file by name, e.g. `bash-tool.jsonl`.
pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// Every `.jsonl` fixture, sorted.
pub fn all_fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("read fixtures dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    v.sort();
    v
}
