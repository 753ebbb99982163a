//! cc-filter: a jq expression run on each event of a stream-json stream.
//!
//! Promises: the expression is compiled once (jaq: core, std and json
//! libraries) and run on every line; output is one compact JSON value per
//! line unless asked otherwise; a bad line or a runtime error is reported with
//! its `source:line` and the run goes on; exit statuses are jq's ([`exit`]).
//! Memory stays flat as input grows, except with `--slurp`.

pub(crate) mod demand;
mod eval;
pub(crate) mod jq;
mod native;
mod run;
mod select;
pub(crate) mod write;

use std::io::Write;
use std::path::PathBuf;

use clap::{ArgAction, Parser};
use jaq_json::Val;

use crate::cli::InputArgs;
use crate::error::{Error, Result};
use crate::output;

/// jq's exit statuses, so scripts written for jq keep working.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// `-e`: the last output was `false` or `null`.
    pub const FALSY: i32 = 1;
    /// Bad command line, unreadable file, or invalid JSON input (or an over-long line).
    pub const USAGE: i32 = 2;
    /// The expression does not compile.
    pub const COMPILE: i32 = 3;
    /// `-e`: there was no output at all.
    pub const NO_OUTPUT: i32 = 4;
    /// A runtime error on at least one event (the others were still processed).
    pub const RUNTIME: i32 = 5;
}

const LONG_ABOUT: &str = "\
Runs a jq expression on each event (one JSON value per line) and prints each
output as one compact JSON value per line, ready for the next stage. The
expression language is jq's, as implemented by jaq (core, std and json).

Selection shortcuts: --type and --subtype keep matching events, --recipe runs a
named expression (see --list-recipes). With any of them, or with --expr, EXPR
is not positional: every positional argument is a FILE, and the expression (if
any) is given with --expr, run after the selection and the recipe.

Every line is read by the rules every ccpipe stage shares (README: \"How a line
is read\"): a line that is not valid JSON, holds invalid UTF-8 or a duplicate
key, or nests arrays and objects deeper than 1000 levels (`stdin:3: invalid JSON
at column 1001: nested deeper than 1000 levels`) is reported whatever the
selection. --type and --subtype then decide on the line's `type` and `subtype`
without building the rest, and with no expression a selected line is copied
through as it is.

Not available: input and inputs (use --slurp to see all events at once), and
modules (import, include). $ENV, env, $ARGS, --arg and --argjson work as in jq.

Errors do not stop the run: an invalid line (`stdin:3: invalid JSON at column
9: ...`) or a runtime error (`stdin:7: error: ...`) is reported on stderr, the
next event is processed, and the exit status says so at the end.

Exit status (as jq):
  0  success
  1  with -e: the last output was false or null
  2  usage error, unreadable file, invalid JSON input or over-long line
  3  the expression does not compile
  4  with -e: no output at all
  5  a runtime error on some event (2 wins if there was also bad input)
  halt and halt_error exit at once with their own status.";

const EXAMPLES: &str = "\
Examples:
  cc-run < prompts.jsonl | cc-filter 'select(.type == \"result\") | .total_cost_usd'
  cc-filter -r '.message.content[]? | select(.type == \"text\") | .text' session.jsonl
  cc-filter --type assistant session.jsonl          # only assistant events, verbatim
  cc-filter --type system --subtype init --expr .model session.jsonl
  cc-filter --recipe tools session.jsonl            # tool calls and their inputs
  cc-filter -s 'map(.type) | group_by(.) | map({(.[0]): length}) | add' session.jsonl
  cc-filter --arg id toolu_01 'select(.message.content[]?.tool_use_id? == $id)'";

/// cc-filter: run a jq expression on each stream-json event.
#[derive(Debug, Parser)]
#[command(
    name = "cc-filter",
    version,
    about = "Run a jq expression on each stream-json event (jq-compatible flags and exit statuses)",
    long_about = LONG_ABOUT,
    after_help = EXAMPLES
)]
pub struct Cli {
    /// The jq expression. Not positional with --type, --subtype, --recipe or --expr:
    /// then every positional argument is a FILE.
    #[arg(value_name = "EXPR")]
    pub expr: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,

    /// The jq expression as an option, so that every positional argument is a FILE.
    #[arg(short = 'x', long = "expr", value_name = "EXPR")]
    pub expr_option: Option<String>,

    /// Keep events whose `type` is TYPE (repeat for several); the expression defaults to `.`.
    #[arg(short = 't', long = "type", value_name = "TYPE", action = ArgAction::Append)]
    pub types: Vec<String>,

    /// Keep events whose `subtype` is SUBTYPE (repeat for several).
    #[arg(long = "subtype", value_name = "SUBTYPE", action = ArgAction::Append)]
    pub subtypes: Vec<String>,

    /// Run a named expression (before --expr); --list-recipes shows them.
    #[arg(long, value_name = "NAME", conflicts_with = "slurp")]
    pub recipe: Option<String>,

    /// List the recipes with their jq source, then exit.
    #[arg(long)]
    pub list_recipes: bool,

    /// Print strings raw, without quotes.
    #[arg(short = 'r', long = "raw-output")]
    pub raw: bool,

    /// Like -r, and print no newline after each output.
    #[arg(short = 'j', long = "join-output")]
    pub join: bool,

    /// Run the expression once, on `null`, without reading input.
    #[arg(short = 'n', long = "null-input")]
    pub null_input: bool,

    /// Read every event into one array and run the expression once on it
    /// (memory grows with the input).
    #[arg(short = 's', long)]
    pub slurp: bool,

    /// Exit 1 if the last output was false or null, 4 if there was none.
    #[arg(short = 'e', long = "exit-status")]
    pub exit_status: bool,

    /// One compact JSON value per line (the default; overrides --pretty).
    #[arg(short = 'c', long = "compact-output")]
    pub compact: bool,

    /// Indent output by two spaces, like jq without -c.
    #[arg(long)]
    pub pretty: bool,

    /// Print object keys in sorted order.
    #[arg(short = 'S', long = "sort-keys")]
    pub sort_keys: bool,

    /// Bind $NAME to the string VALUE.
    #[arg(long = "arg", num_args = 2, value_names = ["NAME", "VALUE"], action = ArgAction::Append)]
    pub args: Vec<String>,

    /// Bind $NAME to the JSON value JSON.
    #[arg(long = "argjson", num_args = 2, value_names = ["NAME", "JSON"], action = ArgAction::Append)]
    pub argjson: Vec<String>,
}

pub fn run(cli: Cli) -> Result<i32> {
    if cli.list_recipes {
        let mut out = output::stdout();
        out.write_all(select::list().as_bytes())?;
        out.flush()?;
        return Ok(exit::OK);
    }
    let plan = Plan::new(cli)?;
    run::run(plan)
}

/// The command line resolved: what to run, on what, printed how.
pub(crate) struct Plan {
    pub expr: Option<String>,
    pub recipe: Option<&'static select::Recipe>,
    pub selector: select::Selector,
    pub vars: Vec<jq::Var>,
    pub files: Vec<PathBuf>,
    pub max_line: usize,
    pub raw: bool,
    pub join: bool,
    pub null_input: bool,
    pub slurp: bool,
    pub exit_status: bool,
    pub style: write::Style,
}

impl Plan {
    fn new(cli: Cli) -> Result<Plan> {
        let recipe = match &cli.recipe {
            Some(name) => Some(select::recipe(name).ok_or_else(|| {
                Error::usage(format!("unknown recipe {name:?} (see --list-recipes)"))
            })?),
            None => None,
        };
        let selecting = !cli.types.is_empty() || !cli.subtypes.is_empty() || recipe.is_some();
        let mut files = cli.input.files;
        let expr = if cli.expr_option.is_some() || selecting {
            if let Some(first) = cli.expr {
                let path = PathBuf::from(first);
                if cli.expr_option.is_none() && path.as_os_str() != "-" && !path.exists() {
                    return Err(Error::usage(format!(
                        "{}: no such file (with --type, --subtype or --recipe every argument \
                         is a FILE: give an expression with --expr)",
                        path.display()
                    )));
                }
                files.insert(0, path);
            }
            cli.expr_option
        } else {
            Some(cli.expr.ok_or_else(|| {
                Error::usage("missing EXPR (e.g. `cc-filter .`, or --type/--recipe; see --help)")
            })?)
        };
        let mut vars = Vec::new();
        for pair in cli.args.chunks_exact(2) {
            vars.push((pair[0].clone(), Val::from(pair[1].clone())));
        }
        for pair in cli.argjson.chunks_exact(2) {
            let value = crate::json::jaq::parse(pair[1].as_bytes())
                .map_err(|e| Error::usage(format!("--argjson {}: {e}", pair[0])))?;
            vars.push((pair[0].clone(), value));
        }
        Ok(Plan {
            expr,
            recipe,
            selector: select::Selector::new(&cli.types, &cli.subtypes),
            vars,
            files,
            max_line: cli.input.max_line,
            raw: cli.raw || cli.join || recipe.is_some_and(|r| r.raw),
            join: cli.join || recipe.is_some_and(|r| r.join),
            null_input: cli.null_input,
            slurp: cli.slurp,
            exit_status: cli.exit_status,
            style: write::Style {
                indent: (cli.pretty && !cli.compact).then_some(2),
                sort_keys: cli.sort_keys,
            },
        })
    }
}
