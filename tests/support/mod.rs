//! Test harness for running the REAL Claude Code CLI against a scripted
//! stand-in for the Messages API. Use it from any test file with `mod support;`.
//!
//! - [`claude()`]: path of the CLI. Pinned at [`claude::PINNED`] (2.1.332);
//!   `CCPIPE_CLAUDE_VERSION=2.1.197` (the compatibility pass, [`claude::OLDEST`])
//!   or `=latest` (asks `npm view`) selects another; `$CCPIPE_CLAUDE` names a
//!   binary, which must be the selected version. Otherwise an npm install into
//!   `<target>/claude-code-<version>/`, made once under a lock.
//!   [`claude::version()`] says which version runs, for facts that differ
//!   between versions (`claude::at_least(2, 1, 332)`).
//! - [`sdk::sdk_dts()`]: `sdk.d.ts` of `@anthropic-ai/claude-agent-sdk`
//!   [`sdk::SDK_VERSION`] (0.3.335), fetched with `npm pack` into
//!   `<target>/claude-agent-sdk-<V>/`, once, under a lock.
//! - [`MockApi::start()`]: the stand-in on 127.0.0.1:<free port>; records every
//!   request ([`MockApi::requests`], [`MockApi::turns`], [`MockApi::wait_for`]);
//!   [`MockApi::fail_with`]`(Some(401))` answers every `/v1/messages` with that error,
//!   [`MockApi::fail_next`]`(529, 1)` only the next turn; [`MockApi::summary`] for messages.
//! - [`Sandbox::new(&api)`](Sandbox::new): scratch HOME and cwd, cleaned env;
//!   `.claude(&extra_args)` (the CLI with the stream-json flags),
//!   `.ccpipe("cc-run")` (finds the CLI via `$CCPIPE_CLAUDE`), `.shell("cc-prompt x | cc-run")`
//!   (ccpipe binaries on PATH), `.command(prog)`, `.env()`, `.cwd()`, `.anonymise(text)`.
//! - [`Session::spawn(cmd)`](Session::spawn): drive it line by line (`say`,
//!   `send`, `interrupt`, `wait_for_type`, `wait_result`, `finish`, `kill`).
//!
//! The canned model reads the last user message of each streamed request:
//! - a `tool_result` there (with no newer plain text) → text `Tool finished: <output>`
//! - `bash: CMD` → one Bash tool_use; `read: PATH` → one Read tool_use
//! - `multi: bash: A ;; read: B ;; ...` → text "Let me look first." + those tool_use blocks
//! - `think: WORDS` → a thinking block (WORDS, with a signature) + text "Thought it through."
//! - `slow: WORDS` → WORDS streamed a word at a time, [`script::SLOW_DELAY`] apart
//!   ([`MockApi::set_slow_delay`] changes it)
//! - `http: NNN` → HTTP error NNN with the Anthropic error body (400
//!   invalid_request_error, 401 authentication_error, 402 billing_error,
//!   429 rate_limit_error, 500 api_error, 529 overloaded_error, ...)
//! - anything else → text `echo: <text>`
//!
//! System reminders, "[Request interrupted ..." notes and merged steering text
//! ("The user sent a new message while you were working") are not prompts.
//! The CLI's session-title request ("Write the title ...", streamed) gets
//! `{"title": "Scripted session"}`; a non-streamed request gets its reply as
//! one JSON message; `/v1/messages/count_tokens` gets a count; any other path
//! (e.g. the CLI's `HEAD /` probe) a JSON 404.
#![allow(dead_code)]

pub mod api;
pub mod claude;
pub mod npm;
pub mod sandbox;
pub mod script;
pub mod sdk;
pub mod session;

#[allow(unused_imports)]
pub use api::{MockApi, Request};
#[allow(unused_imports)]
pub use claude::claude;
#[allow(unused_imports)]
pub use sandbox::Sandbox;
#[allow(unused_imports)]
pub use session::Session;

use std::time::Duration;

/// Generous per-step timeout for the real CLI on a loaded 2-core machine.
pub const STEP: Duration = Duration::from_secs(60);
