//! cc-stats: totals of any number of Claude Code sessions, per session and
//! overall, as a table, JSON or Prometheus text; the gate of a batch.
//!
//! Promises: every line is read once through [`crate::json::Reader`] and
//! dropped, so memory follows the number of sessions, not of events (see
//! [`session`]); sessions may be interleaved line by line; a malformed line
//! is reported as `source:line: reason`, skipped, and makes the exit status
//! 1; so does any session that did not end in a result with `is_error`
//! false. What is counted from which field is documented in [`help`].

mod event;
mod help;
mod json;
mod prom;
mod report;
mod session;
mod table;
mod tally;

use std::io::Write;

use clap::Parser;

use crate::app;
use crate::cli::InputArgs;
use crate::color::ColorChoice;
use crate::error::Result;
use crate::json::Reader;
use crate::output::{self, Flow, Item};

use report::Report;
use tally::Tally;

const TOOL: &str = "cc-stats";

/// Totals of Claude Code sessions.
#[derive(Debug, Parser)]
#[command(
    name = "cc-stats",
    version,
    about = help::ABOUT,
    long_about = help::LONG_ABOUT,
    after_help = help::EXAMPLES
)]
pub struct Cli {
    #[command(flatten)]
    pub input: InputArgs,

    /// Print one JSON object instead of the table.
    #[arg(long, conflicts_with = "prom")]
    pub json: bool,

    /// Print the Prometheus text exposition format instead of the table.
    #[arg(long)]
    pub prom: bool,

    /// When to colour the table: auto means stdout is a terminal and NO_COLOR is unset.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

pub fn run(cli: Cli) -> Result<i32> {
    let mut out = output::screen();
    let mut reader = Reader::default();
    let mut tally = Tally::default();
    let mut bad = false;
    output::each_line(
        &cli.input.files,
        cli.input.max_line,
        &mut out,
        |at, item, _| {
            let why = match item {
                Item::Line(line) => match reader.read(line).and_then(|doc| doc.object()) {
                    Ok(ev) => {
                        event::count(&mut tally, ev);
                        return Ok(Flow::Continue);
                    }
                    Err(err) => err.to_string(),
                },
                Item::TooLong(err) => err.to_string(),
            };
            bad = true;
            app::warn(TOOL, format_args!("{at}: {why}"));
            Ok(Flow::Continue)
        },
    )?;
    let report = Report::build(tally.into_sessions());
    if cli.json {
        json::write(&mut out, &report)?;
    } else if cli.prom {
        prom::write(&mut out, &report)?;
    } else {
        table::write(&mut out, &report, cli.color.enabled())?;
    }
    out.flush()?;
    let failed = verdict(&report);
    if let Some(why) = &failed {
        app::warn(TOOL, why);
    }
    Ok(app::status(bad || failed.is_some()))
}

/// Why the batch fails, if it does.
fn verdict(r: &Report) -> Option<String> {
    if r.sessions == 0 {
        return Some("no session in the input".into());
    }
    let s = r.status;
    (r.failed > 0).then(|| {
        format!(
            "{} of {} sessions failed ({} error, {} incomplete)",
            r.failed, r.sessions, s.error, s.incomplete
        )
    })
}
