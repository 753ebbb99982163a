//! cc-check: validates stream-json lines in either direction and passes the
//! valid ones through byte for byte.
//!
//! Promises: a forwarded line is exactly the input line (without `\r` or BOM)
//! followed by `\n`; an invalid line is never forwarded; each reason names the
//! line and the field (`stdin:3: user message: message.role is "assistant",
//! expected "user"`). The rules live in [`crate::protocol::validate`].

use std::io::Write;

use clap::Parser;

use crate::app;
use crate::cli::InputArgs;
use crate::error::{Error, Result};
use crate::output::{self, At, Flow, Item};
use crate::protocol::validate::{Checker, Verdict};

const TOOL: &str = "cc-check";

const LONG_ABOUT: &str = "\
Validates stream-json lines and passes the valid ones through unchanged. The \
rules come from the protocol table, generated from the agent SDK's sdk.d.ts \
and what was observed of the CLI (`ccpipe::protocol::table`).

--input (the default) checks messages meant for the CLI's stdin: user messages \
(role \"user\", content a non-empty string or an array of well-formed text, image, \
document, tool_result or search_result blocks; optional fields type-checked), \
control_request (every subtype the CLI reads, with its required fields and, for \
set_permission_mode, a mode the CLI knows), control_response (a permission \
answer is {\"behavior\":\"allow\"} or {\"behavior\":\"deny\",\"message\":...}), and \
control_cancel_request, keep_alive, update_environment_variables and the other \
input kinds the CLI reads. Anything else is invalid.

--output checks the CLI's events: every line a JSON object with a string \"type\", \
and for every kind the table knows (the SDK's SDKMessage union, the control \
frames, and kinds observed outside it such as command_lifecycle) every required \
field present, and every field of the JSON type the table gives. Unknown types \
and subtypes are valid (the protocol grows every release): they are passed \
through silently, or with --strict passed through, reported on stderr and \
counted as a failure in the exit status.

Every valid line is written to stdout byte for byte, followed by a newline (a \
CRLF ending, a BOM and blank lines are dropped). By default the first invalid \
line stops the run: it is reported as `SOURCE:LINE: reason`, naming the field, \
and nothing from it on is forwarded. With --keep-going each invalid line is \
reported and dropped and the run goes on. Lines are read as every ccpipe stage \
reads them (README: \"How a line is read\"): invalid UTF-8, invalid JSON, a \
duplicate key or nesting deeper than 1000 levels make a line invalid, with the \
column (counting from 1) where it breaks; so does a line longer than --max-line.

Exit status:
  0  every line was valid
  1  an invalid line was found (or, with --strict, an unknown type or subtype)
  2  usage error, or a file that cannot be read";

const EXAMPLES: &str = r#"Examples:
  cc-prompt 'hi' | cc-check | claude -p --input-format stream-json ...
  claude -p ... --output-format stream-json --verbose | cc-check --output | cc-fmt
  cc-check --output --keep-going --strict session.jsonl > clean.jsonl

  $ echo '{"type":"user","message":{"role":"assistant","content":"hi"}}' | cc-check
  cc-check: stdin:1: user message: message.role is "assistant", expected "user""#;

/// Validates stream-json lines in either direction.
#[derive(Debug, Parser)]
#[command(
    name = "cc-check",
    version,
    about = "Validate stream-json lines, passing the valid ones through unchanged",
    long_about = LONG_ABOUT,
    after_help = EXAMPLES
)]
pub struct Cli {
    /// Check messages for the CLI's stdin (the default).
    #[arg(long, conflicts_with = "output")]
    pub input: bool,

    /// Check the CLI's output events.
    #[arg(long)]
    pub output: bool,

    /// Report and drop each invalid line instead of stopping at the first;
    /// exit 1 at the end if any was dropped.
    #[arg(long, short = 'k')]
    pub keep_going: bool,

    /// Report unknown output types and subtypes on stderr (they are still
    /// passed through) and exit 1 at the end if there were any. (With
    /// --input an unknown type is always invalid.)
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub inputs: InputArgs,
}

pub fn run(cli: Cli) -> Result<i32> {
    crate::interrupt::finish_input_on_sigint(&cli.inputs.files);
    let mut out = output::stdout();
    let mut failed = false;
    let mut unknown = false;
    let mut stop: Option<Error> = None;
    let mut checker = Checker::default();
    output::each_line(
        &cli.inputs.files,
        cli.inputs.max_line,
        &mut out,
        |at, item, out| {
            let reason = match item {
                Item::Line(line) => match check(&cli, &mut checker, at, line) {
                    Ok(known) => {
                        unknown |= !known;
                        out.write_all(line)?;
                        out.write_all(b"\n")?;
                        return Ok(Flow::Continue);
                    }
                    Err(reason) => reason,
                },
                Item::TooLong(err) => err.to_string(),
            };
            failed = true;
            if cli.keep_going {
                app::warn(TOOL, format_args!("{at}: {reason}"));
                Ok(Flow::Continue)
            } else {
                stop = Some(Error::data(format!("{at}: {reason}")));
                Ok(Flow::Stop)
            }
        },
    )?;
    match stop {
        Some(err) => Err(err),
        None => Ok(app::status(failed || (cli.strict && unknown))),
    }
}

/// Checks one line: `Ok(false)` for a well-formed output event of an unknown
/// type or subtype (reported with --strict), `Ok(true)` for a known one.
fn check(
    cli: &Cli,
    checker: &mut Checker,
    at: At<'_>,
    line: &[u8],
) -> std::result::Result<bool, String> {
    if !cli.output {
        return checker.input(line).map(|()| true);
    }
    match checker.output(line)? {
        Verdict::Known => Ok(true),
        Verdict::Unknown(what) => {
            if cli.strict {
                app::warn(TOOL, format_args!("{at}: {what} (passed through)"));
            }
            Ok(false)
        }
    }
}
