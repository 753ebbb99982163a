//! cc-fmt: Claude Code stream-json as a human transcript (`pretty`), as the
//! final answers (`text`), as one line per result (`summary`), or as a
//! Markdown transcript (`markdown`).
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
mod markdown;
mod notices;
mod pretty;
mod recent;
mod render;
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
use render::Renderer;
use sink::{Screen, Sink};
use theme::Theme;

const TOOL: &str = "cc-fmt";

const EXAMPLES: &str = "\
Examples:
  cc-prompt 'fix the test' | cc-run | cc-fmt     # the transcript, live
  cc-fmt --style text session.jsonl            # the final answer, as claude -p prints it
  cc-fmt --style summary runs/*.jsonl          # one line per result, a total, exit 1 if one failed
  cc-fmt --style summary --json runs/*.jsonl   # the same as JSON objects, for CI
  cc-fmt --style markdown log.jsonl >> \"$GITHUB_STEP_SUMMARY\"
  cc-fmt --no-thinking --max-lines 0 < session.jsonl

Several sessions in one input (merged runs, `parallel --line-buffer`) show
as lanes: from the second session on, each line starts with its session's
`[n]` label. For totals and a batch's exit status across many runs, see
also cc-stats.

Exit status:
  0  every line was shown (or the reader of stdout went away)
  1  a malformed line (invalid UTF-8 or JSON, not an object, longer than
     --max-line) was reported with its SOURCE:LINE and skipped; the run goes on;
     with --style summary, also a session that ended in an error
  2  usage error (a bad flag or value, --json with a --style other than
     summary), or a file that cannot be read";

/// How to show the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Style {
    /// A readable transcript: header, text, thinking, tool calls and
    /// results, prompts, warnings, footers; lanes for several sessions.
    #[default]
    Pretty,
    /// What `claude -p` prints: the final answer of each turn (--all-text:
    /// every assistant text block).
    Text,
    /// One line per result, naming its file and session, and a total line;
    /// exit status 1 when a session failed or has no result.
    Summary,
    /// A Markdown transcript for $GITHUB_STEP_SUMMARY and pull requests.
    Markdown,
}

/// Formats Claude Code stream-json output for people.
#[derive(Debug, Parser)]
#[command(
    name = "cc-fmt",
    version,
    about = "Format Claude Code stream-json output as a readable transcript",
    long_about = "Reads the JSON lines of `claude -p --output-format stream-json --verbose` \
(or cc-run) and shows them for people: a transcript (pretty), the final answers (text), \
one line per result (summary) or a Markdown transcript (markdown). Text from the input is \
made terminal-safe: escape sequences, other control characters and invisible characters are shown, never sent \
to the terminal; key-shaped strings are shown as [REDACTED] unless --show-secrets.",
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

    /// Show key-shaped strings (sk-ant-…, Bearer …, NAME_KEY=…, URL
    /// passwords) as they are; by default they show as [REDACTED].
    #[arg(long)]
    pub show_secrets: bool,

    /// With --style text: every assistant text block, not only the final
    /// answers.
    #[arg(long)]
    pub all_text: bool,
}

pub fn run(cli: Cli) -> Result<i32> {
    let style = match (cli.style, cli.json) {
        (None, true) => Style::Summary,
        (Some(Style::Summary), _) | (_, false) => cli.style.unwrap_or_default(),
        (Some(_), true) => return Err(Error::usage("--json goes with --style summary")),
    };
    if cli.all_text && style != Style::Text {
        return Err(Error::usage("--all-text goes with --style text"));
    }
    let color = cli.color.enabled()
        && match style {
            Style::Pretty => true,
            Style::Summary => !cli.json,
            Style::Text | Style::Markdown => false,
        };
    // Summary lines stay one line each, Markdown is never wrapped.
    let width = match style {
        Style::Summary | Style::Markdown => None,
        _ => cli.width.or_else(terminal_width),
    };
    let mut screen = Screen::new(Theme::new(color), width);
    screen.show_secrets(cli.show_secrets);
    let mut renderer = match style {
        Style::Pretty => Renderer::Pretty(pretty::Pretty::new(pretty::Options {
            thinking: !cli.no_thinking,
            max_lines: cli.max_lines,
        })),
        Style::Text => Renderer::Text(text::Text::new(cli.all_text)),
        Style::Summary => Renderer::Summary(summary::Summary::new(cli.json)),
        Style::Markdown => Renderer::Markdown(markdown::Markdown::new(cli.max_lines)),
    };
    let from_files = cli.input.files.iter().any(|f| f.as_os_str() != "-");
    let mut bad = false;
    let mut reader = Reader::default();
    crate::interrupt::finish_input_on_sigint(&cli.input.files);
    let mut out = output::screen();
    output::each_line(
        &cli.input.files,
        cli.input.max_line,
        &mut out,
        |at, item, out| {
            if at.line == 1 && from_files {
                // Line numbers start again with each file.
                renderer.source(Some(at.source.to_string()).filter(|s| s != "stdin"));
            }
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
    let mut sink = Sink::new(&mut out, &mut screen);
    renderer.finish(&mut sink)?;
    sink.release()?;
    out.flush()?;
    Ok(app::status(bad || renderer.failed()))
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
