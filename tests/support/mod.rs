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
//!   request ([`MockApi::requests`], [`MockApi::turns`], [`MockApi::wait_for`],
//!   [`MockApi::summary`]). Its state lives in the test, so it carries over
//!   from one CLI process to the next (a restart sees what the first run left):
//!   - [`MockApi::fail_with`]`(Some(401))`: every `/v1/messages` gets that error;
//!   - [`MockApi::fail_next`]`(529, 1)`: only the next conversation turn does
//!     (title requests and model probes do not count);
//!   - [`MockApi::set_should_retry`]`(Some(false))`: errors carry
//!     `x-should-retry: false` (2.1.332 then gives up at once; 2.1.197 still
//!     retries a 529);
//!   - [`MockApi::set_slow_delay`]: the pace of `slow:` replies;
//!   - [`MockApi::play`]`(turns)`: the next conversation turns get these
//!     messages, in order, whatever they are sent (a scripted session: the
//!     demo's, [`demo`]); the rules below apply again once they are used up.
//! - [`Sandbox::new(&api)`](Sandbox::new): scratch HOME and cwd, cleaned env;
//!   `.with_env(k, v)`, `.no_api_retries()` (`CLAUDE_CODE_MAX_RETRIES=0`: an
//!   HTTP 429/5xx ends the turn at once, for restart tests);
//!   `.claude(&extra_args)` (the CLI with the stream-json flags),
//!   `.ccpipe("cc-run")` (finds the CLI via `$CCPIPE_CLAUDE`), `.shell("cc-prompt x | cc-run")`
//!   (ccpipe binaries on PATH), `.command(prog)`, `.env()`, `.cwd()`, `.anonymise(text)`.
//! - [`Session::spawn(cmd)`](Session::spawn): drive it line by line (`say`,
//!   `say_with(text, json!({"uuid": ..}))`, `send`, `request(json!({"subtype": ..}))`
//!   (id `<subtype>-<n>`), `interrupt`, `wait_response(id)`, `wait_request("can_use_tool")`,
//!   `answer(id, json!({"behavior": "allow"}))`, `answer_error`, `wait_for_type`,
//!   `wait_result`, `finish`, `kill`).
//!
//! The canned model reads the last user message of each streamed request:
//! - a `tool_result` there (with no newer plain text) → text `Tool finished: <output>`
//!   (system reminders inside the output left out)
//! - a background task's `<task-notification>` → text `Task finished: <its result>`
//! - `bash: CMD` → one Bash tool_use. Note: 2.1.332 refuses a command that
//!   starts with `sleep N`, N ≥ 25 ("Blocked: standalone sleep"); write
//!   `true; sleep 3600` for a long-running tool.
//! - `read: PATH` → Read; `write: PATH` → Write (content [`script::WRITE_CONTENT`]),
//!   `write: PATH :: TEXT` writes TEXT and a newline; `edit: PATH :: OLD => NEW`
//!   → Edit (the CLI refuses an edit of a file not read or written earlier in
//!   the session). Relative paths are resolved by the CLI against its cwd. Without
//!   a rule allowing them, Write, Edit and Bash commands that change files
//!   need permission: `--permission-prompt-tool stdio` makes the CLI ask on
//!   stdout (`control_request` `can_use_tool`), else they are denied
//!   (`system/permission_denied` on 2.1.332).
//! - `tick: N` → Bash printing `tick 1` .. `tick N`, one line a second
//!   (a slow tool: the CLI prints nothing while it runs, except
//!   `system/task_started` after about 3 s)
//! - `task: PROMPT` → a Task (subagent, general-purpose) tool_use; the
//!   subagent's requests follow these same rules (`task: bash: echo hi`), and its
//!   events carry `parent_tool_use_id`. `bgtask: PROMPT` runs it in the
//!   background (the turn ends at once; a new turn follows its notification).
//! - `json: VALUE` → a StructuredOutput tool_use with that input (with
//!   `--json-schema`, the result gets `structured_output`)
//! - `multi: bash: A ;; read: B ;; ...` → text "Let me look first." + those tool_use blocks
//! - `think: WORDS` → a thinking block (WORDS, with a signature) + text "Thought it through."
//! - `slow: WORDS` → WORDS streamed a word at a time, [`script::SLOW_DELAY`] apart
//!   ([`MockApi::set_slow_delay`] changes it)
//! - `big: N` → a text of exactly N bytes ([`script::big_text`]; `big: 300000`
//!   makes a `result` line over 256 KiB), streamed in 16 KiB deltas
//! - `stall:` → `message_start`, then the stream stays open and silent for
//!   ever (observed: the CLI waits, with no retry and no event, for 100 s and more)
//! - `http: NNN` → HTTP error NNN with the Anthropic error body (400
//!   invalid_request_error, 401 authentication_error, 402 billing_error,
//!   429 rate_limit_error, 500 api_error, 529 overloaded_error, ...); the
//!   CLI retries 401/429/5xx (up to 10 times, for minutes) unless
//!   `no_api_retries()`
//! - anything else → text `echo: <text>`
//!
//! System reminders, task notifications, "[Request interrupted ..." notes and merged steering text
//! ("The user sent a new message while you were working") are not prompts.
//! The CLI's session-title request ("Write the title ...", streamed) gets
//! `{"title": "Scripted session"}`; a non-streamed request gets its reply as
//! one JSON message (2.1.332's model probe after `set_model`, "Hi" with
//! `max_tokens: 1`, gets `echo: Hi`); `/v1/messages/count_tokens` gets a count;
//! any other path (e.g. 2.1.332's `HEAD /api/hello`, 2.1.197's `HEAD /`) a JSON 404.
#![allow(dead_code)]

pub mod api;
pub mod claude;
pub mod demo;
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
