//! The invariants of tests/fuzz.rs, shared with the cargo-fuzz targets: the
//! same files, compiled here too, so the two kinds of fuzzing check the same
//! things.

#[path = "../../tests/fuzzing/oracle.rs"]
pub mod oracle;

#[path = "../../tests/fuzzing/checks.rs"]
pub mod checks;
