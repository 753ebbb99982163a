//! ccpipe: small Unix filters for driving the Claude Code CLI headless.
//!
//! Each binary in `src/bin/` is a thin wrapper over one stage module here;
//! the shared pieces (line I/O, the error type and exit table, colour policy,
//! sanitising, protocol knowledge) live once and every stage uses them.

// Shared pieces.
pub mod alloc;
pub mod app;
pub mod cli;
pub mod color;
pub mod error;
pub mod interrupt;
pub mod json;
pub mod lines;
pub mod output;
pub mod protocol;
pub mod sanitize;
pub mod secrets;

// One module per pipeline stage, in pipeline order.
pub mod check;
pub mod filter;
pub mod fmt;
pub mod prompt;
pub mod replay;
pub mod run;
pub mod stats;
pub mod steer;
