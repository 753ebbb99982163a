//! cc-run: wraps the Claude Code CLI in headless stream-json mode: JSON
//! messages in on stdin, events out on stdout, an exit status that says what
//! happened to the session.
//!
//! Promises: nothing malformed reaches the child (input.rs); every event
//! reaches stdout unchanged and at once (pump.rs); the child and its tool
//! processes never outlive cc-run (child.rs); the exit status comes from
//! the last `result` (events.rs finds the events that matter, classify.rs
//! judges them) and every non-zero status comes with one line on stderr
//! naming the cause; credentials never appear in what cc-run itself prints
//! (its stderr lines, the child's forwarded stderr, `--verbose`: redact.rs,
//! [`crate::secrets`]), and the child's stderr reaches the terminal
//! sanitised. Events on stdout are the child's data: a key that a tool
//! printed passes through them unchanged (cc-fmt masks it for people).
//!
//! Guards for runs that never end (`--stall-timeout`, `--exit-grace`,
//! `--max-memory`: session.rs), new attempts after transient failures
//! (`--retry`: retry.rs), a git worktree per run (`--worktree`:
//! worktree.rs), and an environment without the variables of an outer
//! Claude Code session (child.rs).
//!
//! The runtime is tokio's current-thread runtime on the main thread: the
//! child's PR_SET_PDEATHSIG fires when the *thread* that spawned it ends, so
//! it must be spawned from the thread that lives as long as cc-run.

mod child;
mod classify;
mod control;
mod events;
mod family;
mod input;
mod policy;
mod pump;
mod redact;
mod retry;
mod session;
mod signals;
mod worktree;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::lines::parse_size;
use crate::secrets::{self, Redactor};

const EXAMPLES: &str = "\
Examples:
  cc-prompt 'What does this repo do?' | cc-run | cc-fmt
  cc-run --prompt 'Run the tests and summarise failures' --timeout 10m < /dev/null
  cc-steer steer.fifo < tasks.jsonl | cc-run -- --allowedTools Bash Read | cc-fmt
  cc-run --claude ~/bin/claude -- --model sonnet --max-turns 3 < messages.jsonl
  cc-run --prompt 'Fix the lint warnings' --worktree -- --allowedTools Edit < /dev/null
  parallel -j4 'cc-prompt {} | cc-run --worktree -- --allowedTools Edit' :::: tasks.txt | cc-fmt
  cc-run --prompt 'Review src/' --retry 2 --stall-timeout 5m --max-memory 4G < /dev/null

Exit status:
    0  the last result was a success
    1  the session ended with an error result or with no result; a bad input line
    2  usage error (also --worktree outside a git repository), or stdin could not be read
    3  authentication failed (check ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN)
    4  billing or credit problem
    5  rate limited or overloaded past the CLI's retries (and past --retry)
    6  --fail-on-denial: a tool call was denied permission
    7  --max-memory: claude and its tools grew past the limit
  124  --timeout expired, or --stall-timeout: no event for that long in a turn
  127  the claude CLI was not found or cannot run
  130  SIGINT (129 SIGHUP, 143 SIGTERM)";

/// Run Claude Code headless over stream-json.
#[derive(Debug, Parser)]
#[command(
    name = "cc-run",
    version,
    about = "Run the Claude Code CLI headless: stream-json messages in, events out",
    long_about = "Run the Claude Code CLI headless: stream-json messages in, events out.\n\n\
        Starts `claude -p --input-format stream-json --output-format stream-json --verbose \
        --replay-user-messages --include-partial-messages` (the last unless --no-partial) \
        followed by CLAUDE_ARGS (given after `--`, passed verbatim). Each stdin line must \
        be a JSON input message (as cc-prompt writes); each valid child event is written to \
        stdout as it arrives, byte for byte. When stdin ends, claude's input stays open until \
        the session is idle and no request of claude waits for an answer (a permission \
        prompt decided by --permit, say); then it closes and claude exits.\n\n\
        The first Ctrl-C interrupts the running turn and ends the input (an interrupt \
        request while the input is open, else SIGINT to claude); a second one, or SIGTERM, \
        terminates the child (TERM, then KILL after --grace). Authentication and \
        billing failures end the run at once instead of waiting out the CLI's retries. \
        Claude and every process it starts end when cc-run ends, even when cc-run is \
        killed with SIGKILL: they are found by process group, by CCPIPE_RUN_ID in their \
        environment, by parentage (cc-run is a child subreaper) and, where cgroup v2 is \
        writable, by a cgroup of the run's own (CCPIPE_NO_CGROUP=1 turns it off).\n\n\
        Guards for runs that never end: --timeout bounds the run, --stall-timeout a \
        silence of claude while a turn runs, --exit-grace the wait for claude to exit \
        after its last result, --max-memory the memory of claude and its tools; --retry \
        starts a session that failed with a transient API error, before any tool ran, \
        again. With --worktree the session works in a git worktree of its own.\n\n\
        claude's environment is cc-run's less the variables a running Claude Code sets \
        for its tools (CLAUDECODE, CLAUDE_CODE_SESSION_ID, CLAUDE_CODE_ENTRYPOINT, \
        CLAUDE_CODE_SSE_PORT...), so cc-run started by a Claude Code tool runs a session \
        of its own.\n\n\
        What cc-run prints itself (its messages, --verbose, claude's forwarded stderr) is \
        terminal-safe and shows no credential; the events on stdout pass unchanged.",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// The claude binary [default: $CCPIPE_CLAUDE, else `claude` on PATH].
    #[arg(long, value_name = "PATH")]
    pub claude: Option<PathBuf>,

    /// Send TEXT as the first user message. When stdin is a terminal it is not
    /// read, so `cc-run --prompt TEXT` runs one turn and exits.
    #[arg(long, value_name = "TEXT")]
    pub prompt: Option<String>,

    /// Stop the session after DURATION (e.g. 90s, 10m): interrupt, then
    /// TERM, then KILL, --grace apart; exit 124.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub timeout: Option<Duration>,

    /// How long the child gets between interrupt, TERM and KILL.
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = humantime::parse_duration)]
    pub grace: Duration,

    /// Wait out the CLI's retries of authentication and billing failures.
    #[arg(long)]
    pub no_fail_fast: bool,

    /// Longest line accepted in either direction, e.g. 64K, 256M, 1G.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_line: usize,

    /// Print the command line, the relevant environment (secrets redacted)
    /// and the child's fate on stderr.
    #[arg(short, long)]
    pub verbose: bool,

    /// Decide permission prompts with a jq expression, run on each request
    /// (`{tool_name, input, tool_use_id, permission_suggestions, ...}`):
    /// true allows; false, null or no output denies; a string denies with
    /// that message, except "ask", which leaves it to a person (as --ask);
    /// an object is sent as the answer. Implies `--permission-prompt-tool
    /// stdio` for claude.
    #[arg(long, value_name = "EXPR", conflicts_with = "permit_file")]
    pub permit: Option<String>,

    /// Read the --permit expression from FILE (a team's policy, kept in the repository).
    #[arg(long, value_name = "FILE")]
    pub permit_file: Option<PathBuf>,

    /// Set $NAME to the string VALUE in the --permit expression.
    #[arg(long, num_args = 2, value_names = ["NAME", "VALUE"], action = clap::ArgAction::Append)]
    pub arg: Vec<String>,

    /// Set $NAME to the JSON value TEXT in the --permit expression.
    #[arg(long, num_args = 2, value_names = ["NAME", "TEXT"], action = clap::ArgAction::Append)]
    pub argjson: Vec<String>,

    /// Leave permission prompts to a person: they go downstream (cc-fmt
    /// shows `? #3 Bash(touch x)`), and `/allow 3` or `/deny 3 why` written
    /// to cc-steer's FIFO answers them. Implies `--permission-prompt-tool
    /// stdio` for claude. Once cc-run's input has ended, a prompt nobody
    /// can answer is denied at once.
    #[arg(long)]
    pub ask: bool,

    /// Deny a prompt left to a person after DURATION without an answer.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub ask_timeout: Option<Duration>,

    /// Do not ask claude for partial messages. By default cc-run passes
    /// `--include-partial-messages`, so text streams to cc-fmt as the model
    /// writes it.
    #[arg(long)]
    pub no_partial: bool,

    /// Exit 6 when the session denied any tool call (the result's
    /// permission_denials), with one line naming the tools.
    #[arg(long)]
    pub fail_on_denial: bool,

    /// Run in a new git worktree, on a new branch `ccpipe/<id>`, at DIR
    /// [default: `<repo>-ccpipe-<id>` beside the repository]. When the run
    /// ends, a worktree without changes is removed with its branch; one
    /// with changes is kept and named on stderr.
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = true)]
    pub worktree: Option<Option<PathBuf>>,

    /// Keep the --worktree even when the run changed nothing in it.
    #[arg(long, requires = "worktree")]
    pub keep_worktree: bool,

    /// End the session when claude writes no event for DURATION while a
    /// turn runs (not while it waits for input or for a permission
    /// answer): interrupt, then TERM, then KILL, --grace apart; exit 124.
    /// A tool's output counts only through events: Claude Code 2.1.332
    /// sends a heartbeat every 30s while a tool runs.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub stall_timeout: Option<Duration>,

    /// When the input has ended and the last result has come, how long
    /// claude may take to exit before cc-run ends it (TERM, then KILL);
    /// the exit status is then the result's.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub exit_grace: Duration,

    /// Start a session that failed with a transient error (rate limit,
    /// overload, HTTP 5xx, lost connection) before any tool ran again, up to
    /// N times, with the same input (a --prompt, or stdin that had ended, up
    /// to 1 MiB). Downstream sees every attempt's events.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retry: u32,

    /// The wait before the first new attempt; doubled for each later one,
    /// at most 60s.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = humantime::parse_duration)]
    pub retry_delay: Duration,

    /// End the session when claude and its tools together use more than
    /// SIZE of memory (RSS, measured every second), e.g. 2G; exit 7.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<usize>,

    /// Arguments for claude, after `--`; passed verbatim, never to a shell.
    #[arg(last = true, value_name = "CLAUDE_ARGS")]
    pub claude_args: Vec<OsString>,
}

pub fn run(cli: Cli) -> Result<i32> {
    let prompt = match cli.prompt.as_deref() {
        Some(text) if text.trim().is_empty() => return Err(Error::usage("--prompt is empty")),
        Some(text) => Some(crate::protocol::user_message(Value::from(text), None)),
        None => None,
    };
    // Before any thread exists: the guardian is forked here (see `child`).
    let group = child::Group::start()
        .map_err(|e| Error::usage(format!("cannot start the process guardian: {e}")))?;
    let policy = permit_policy(&cli)?;
    let mut claude_args = cli.claude_args;
    let prompt_tool = claude_args.iter().any(|a| a == "--permission-prompt-tool");
    if (cli.ask || policy.is_some()) && !prompt_tool {
        claude_args.extend(["--permission-prompt-tool".into(), "stdio".into()]);
    }
    let partial = "--include-partial-messages";
    if !cli.no_partial && !claude_args.iter().any(|a| a == partial) {
        claude_args.insert(0, partial.into());
    }
    let worktree = match &cli.worktree {
        Some(dir) => Some(worktree::Worktree::create(
            dir.as_deref(),
            cli.keep_worktree,
        )?),
        None => None,
    };
    let redactor = Redactor::from_env();
    let (program, origin) = child::program(cli.claude.as_deref().map(|p| p.as_os_str()));
    let read_stdin = prompt.is_none() || !std::io::stdin().is_terminal();
    let plan = session::Plan {
        program,
        origin,
        args: claude_args,
        prompt,
        read_stdin,
        timeout: cli.timeout,
        grace: cli.grace,
        fail_fast: !cli.no_fail_fast,
        max_line: cli.max_line,
        verbose: cli.verbose,
        policy,
        ask_timeout: cli.ask_timeout,
        fail_on_denial: cli.fail_on_denial,
        stall_timeout: cli.stall_timeout,
        exit_grace: cli.exit_grace,
        retry: cli.retry,
        retry_delay: cli.retry_delay,
        max_memory: cli.max_memory.map(|n| n as u64),
        cwd: worktree.as_ref().map(|w| w.cwd.clone()),
    };
    if plan.verbose {
        describe(&plan, &redactor);
        crate::app::warn(
            "cc-run",
            format!("tracking the family by {}", group.tracking()),
        );
        if let Some(w) = &worktree {
            crate::app::warn(
                "cc-run",
                format!(
                    "working in the worktree {} (branch {})",
                    crate::sanitize::one_line(&w.dir.display().to_string()),
                    w.branch
                ),
            );
        }
    }
    if plan.read_stdin && std::io::stdin().is_terminal() {
        crate::app::warn(
            "cc-run",
            "reading stream-json messages from the terminal, one per line (Ctrl-D ends \
             the input); for plain text use `cc-prompt \"…\" | cc-run` or `--prompt \"…\"`, \
             and `< /dev/null` to send nothing",
        );
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            if let Some(w) = worktree {
                w.finish();
            }
            return Err(Error::usage(format!("cannot start the runtime: {e}")));
        }
    };
    let shared = Arc::new(pump::Shared::new(redactor));
    let code = runtime.block_on(retry::drive(plan, group, shared));
    // The pump threads may still block on reads; they end with the process.
    runtime.shutdown_background();
    if let Some(w) = worktree {
        w.finish();
    }
    code
}

/// The `--permit` / `--permit-file` policy, compiled, with its variables.
fn permit_policy(cli: &Cli) -> Result<Option<policy::Policy>> {
    let (code, name) = match (&cli.permit, &cli.permit_file) {
        (Some(code), _) => (code.clone(), "the --permit policy".to_owned()),
        (None, Some(path)) => {
            let code = std::fs::read_to_string(path).map_err(|e| {
                Error::usage(format!(
                    "--permit-file {}: {e}",
                    crate::sanitize::clean(&path.display().to_string())
                ))
            })?;
            let name = format!(
                "the policy in {}",
                crate::sanitize::clean(&path.display().to_string())
            );
            (code, name)
        }
        (None, None) => return Ok(None),
    };
    let mut vars = Vec::new();
    for pair in cli.arg.chunks_exact(2) {
        vars.push((pair[0].clone(), jaq_json::Val::from(pair[1].clone())));
    }
    for pair in cli.argjson.chunks_exact(2) {
        let value = crate::json::jaq::parse(pair[1].as_bytes())
            .map_err(|e| Error::usage(format!("--argjson {}: {e}", pair[0])))?;
        vars.push((pair[0].clone(), value));
    }
    policy::Policy::compile(&code, vars, name.clone())
        .map(Some)
        .map_err(|e| Error::usage(format!("{name}: {e}")))
}

/// `--verbose`: the command line and the environment claude will see, with
/// every credential hidden: the values of credential variables, header
/// values, URL passwords, and among CLAUDE_ARGS secrets by shape and the
/// value after a credential flag (`--api-key VALUE`).
fn describe(plan: &session::Plan, redactor: &Redactor) {
    let mut words = vec![quote(&plan.program.to_string_lossy())];
    words.extend(child::FIXED_ARGS.iter().map(|a| a.to_string()));
    let mut hide_next = false;
    for arg in &plan.args {
        let arg = arg.to_string_lossy();
        if std::mem::take(&mut hide_next) {
            words.push(secrets::MARK.into());
            continue;
        }
        hide_next = arg.starts_with("--")
            && !arg.contains('=')
            && secrets::sensitive_name(arg.trim_start_matches('-').as_bytes());
        words.push(quote(&redactor.text(&arg)));
    }
    let line = format!("running ({}): {}", plan.origin, words.join(" "));
    crate::app::warn("cc-run", redactor.text(&line));
    let mut vars: Vec<String> = std::env::vars_os()
        .filter_map(|(name, value)| {
            let name = name.into_string().ok()?;
            ["ANTHROPIC_", "CLAUDE_", "CCPIPE_"]
                .iter()
                .any(|p| name.starts_with(p))
                .then(|| {
                    let value = value.to_string_lossy();
                    if secrets::sensitive_name(name.as_bytes()) {
                        format!("{name}={}", secrets::MARK)
                    } else if name.ends_with("HEADERS") {
                        format!("{name}={}", header_names(&value))
                    } else {
                        format!("{name}={}", redactor.text(&value))
                    }
                })
        })
        .collect();
    vars.sort();
    let env = if vars.is_empty() {
        "(none set)".into()
    } else {
        vars.join(" ")
    };
    let env = crate::sanitize::one_line(&env).into_owned();
    crate::app::warn("cc-run", format!("environment: {env}"));
}

/// `Name: value` lines with every value hidden.
fn header_names(headers: &str) -> String {
    headers
        .lines()
        .map(|l| match l.split_once(':') {
            Some((name, _)) => format!("{name}: {}", secrets::MARK),
            None => secrets::MARK.into(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What cc-run reads on stdin, and how to give it text or nothing instead.
const STDIN_HINT: &str = "cc-run expects one JSON message per line, as cc-prompt writes \
    them; for plain text use `cc-prompt \"…\" | cc-run` or `cc-run --prompt \"…\"`, \
    and give cc-run `< /dev/null` when its stdin is not for it (in a `while read` loop)";

/// The report of a stdin line that must not reach claude, `stdin:N: why`;
/// for a line that is not JSON at all (plain text typed or piped in, a
/// `while read` loop's input) it says what cc-run expects instead.
/// Called by input.rs.
pub(crate) fn bad_stdin_line(n: u64, line: &[u8], why: &str) -> String {
    if serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok() {
        format!("stdin:{n}: {why}")
    } else {
        format!("stdin:{n}: {why} ({STDIN_HINT})")
    }
}

/// `word` as a shell would need it, for display only.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,@%+".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
