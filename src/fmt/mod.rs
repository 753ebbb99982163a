//! cc-fmt: Claude Code stream-json as a human transcript (`pretty`), as the
//! assistant's text alone (`text`), or as one line per result (`summary`).
//!
//! Promises: every input line is read by the one reader ([`crate::json`]),
//! lazily: only what is shown is decoded, and a huge string only as far as
//! it is shown (no JSON tree per line, no copy of the line); output is
//! flushed whenever the input pauses, so text streams as it is produced;
//! unknown events never stop it; a malformed or over-long line is reported
//! on stderr with its `source:line` and the reader's words, skipped, and
//! makes the exit status 1 at the end.

mod event;
mod format;
mod pretty;
mod sink;
mod stream;
mod strings;
mod summary;
mod text;
mod theme;
mod tool;

use std::io::{IsTerminal, Write};

use clap::Parser;

use crate::app;
use crate::cli::InputArgs;
use crate::color::ColorChoice;
use crate::error::{Error, Result};
use crate::json::Reader;
use crate::output::{self, Flow, Item};

use event::Event;
use sink::{Screen, Sink};
use theme::Theme;

const TOOL: &str = "cc-fmt";

const EXAMPLES: &str = "\
Examples:
  claude -p --output-format stream-json --verbose 'list the files' | cc-fmt
  cc-fmt --style text session.jsonl            # just the assistant's words
  cc-fmt --style summary --json runs/*.jsonl   # one JSON object per result, for CI
  cc-fmt --no-thinking --max-lines 0 < session.jsonl";

/// How to show the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Style {
    /// A readable transcript: header, text, thinking, tool calls and results, footers.
    #[default]
    Pretty,
    /// Only the assistant's text, as `claude -p` prints it.
    Text,
    /// One line per result: status, turns, duration, cost, tokens, session.
    Summary,
}

/// Formats Claude Code stream-json output for people.
#[derive(Debug, Parser)]
#[command(
    name = "cc-fmt",
    version,
    about = "Format Claude Code stream-json output as a readable transcript",
    long_about = "Reads the JSON lines of `claude -p --output-format stream-json --verbose` \
(or cc-run) and shows them for people: a transcript (pretty), the assistant's text alone \
(text), or one line per result (summary). Text from the input is made terminal-safe: \
escape sequences and other control characters are shown, never sent to the terminal.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(flatten)]
    pub input: InputArgs,

    /// When to colour: auto means stdout is a terminal and NO_COLOR is unset.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// What to show [default: pretty; summary with --json].
    #[arg(long, value_enum)]
    pub style: Option<Style>,

    /// Hide the model's thinking (pretty).
    #[arg(long)]
    pub no_thinking: bool,

    /// Lines of each tool result to show (pretty); 0 shows all.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_lines: usize,

    /// Wrap at N columns (0: never). Default: the terminal's width (COLUMNS
    /// overrides it) when stdout is a terminal, else no wrapping.
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,

    /// With --style summary: one JSON object per result instead of a line of text.
    #[arg(long)]
    pub json: bool,
}

/// The renderer of the chosen style.
enum Renderer {
    Pretty(pretty::Pretty),
    Text(text::Text),
    Summary(summary::Summary),
}

impl Renderer {
    fn event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> std::io::Result<()> {
        match self {
            Renderer::Pretty(r) => r.event(ev, o),
            Renderer::Text(r) => r.event(ev, o),
            Renderer::Summary(r) => r.event(ev, o),
        }
    }

    fn finish<W: Write>(&mut self, o: &mut Sink<'_, W>) -> std::io::Result<()> {
        match self {
            Renderer::Pretty(r) => r.finish(o),
            Renderer::Text(r) => r.finish(o),
            Renderer::Summary(r) => r.finish(o),
        }
    }
}

pub fn run(cli: Cli) -> Result<i32> {
    let style = match (cli.style, cli.json) {
        (None, true) => Style::Summary,
        (Some(Style::Summary), _) | (_, false) => cli.style.unwrap_or_default(),
        (Some(_), true) => return Err(Error::usage("--json goes with --style summary")),
    };
    let color =
        cli.color.enabled() && !(style == Style::Summary && cli.json) && style != Style::Text;
    // Summary lines stay one line each, whatever the width.
    let width = match style {
        Style::Summary => None,
        _ => cli.width.or_else(terminal_width),
    };
    let mut screen = Screen::new(Theme::new(color), width);
    let mut renderer = match style {
        Style::Pretty => Renderer::Pretty(pretty::Pretty::new(pretty::Options {
            thinking: !cli.no_thinking,
            max_lines: cli.max_lines,
        })),
        Style::Text => Renderer::Text(text::Text::default()),
        Style::Summary => Renderer::Summary(summary::Summary::new(cli.json)),
    };
    let mut bad = false;
    let mut reader = Reader::default();
    let mut out = output::stdout();
    output::each_line(
        &cli.input.files,
        cli.input.max_line,
        &mut out,
        |at, item, out| {
            match item {
                Item::Line(bytes) => match reader.read(bytes).and_then(|doc| doc.object()) {
                    Ok(obj) => {
                        let ev = Event::new(obj);
                        renderer.event(&ev, &mut Sink::new(out, &mut screen))?
                    }
                    Err(why) => {
                        bad = true;
                        out.flush()?;
                        app::warn(TOOL, format!("{at}: {why}"));
                    }
                },
                Item::TooLong(err) => {
                    bad = true;
                    out.flush()?;
                    app::warn(TOOL, format!("{at}: {err}"));
                }
            }
            Ok(Flow::Continue)
        },
    )?;
    renderer.finish(&mut Sink::new(&mut out, &mut screen))?;
    out.flush()?;
    Ok(app::status(bad))
}

/// The width to wrap at when stdout is a terminal: COLUMNS, else the terminal's.
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok());
    from_env
        .filter(|&w| w > 0)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
}
