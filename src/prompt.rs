//! cc-prompt: turns text into stream-json user messages for cc-run.
//!
//! Promises: every output line is one complete user message (passes
//! `cc-check --input`), flushed as soon as it is written; text is never
//! altered except that whole-stdin input loses its BOM and trailing line
//! ends; input that holds no text is refused (exit 2) rather than sent as an
//! empty message the API would reject.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use clap::Parser;
use serde_json::{Value, json};

use crate::error::{Error, Result, exit};
use crate::lines::parse_size;
use crate::output::{self, Flow, Item};
use crate::protocol::{MessageOptions, message};

const EXAMPLES: &str = "\
Examples:
  cc-prompt 'List the Rust files here' | cc-run | cc-fmt
  git diff | cc-prompt --priority now | cc-run -- --model sonnet
  cc-prompt --image shot.png 'What does this screenshot show?' | cc-run
  printf 'first question\\nsecond question\\n' | cc-prompt --lines | cc-run

Exit status: 0 messages written, 1 invalid input (bad UTF-8, a line too long),
2 usage (no text, an image that cannot be read or is not PNG/JPEG/GIF/WebP).";

/// Turn text into stream-json user messages.
#[derive(Debug, Parser)]
#[command(
    name = "cc-prompt",
    version,
    about = "Turn text into stream-json user messages for cc-run",
    long_about = "Turn text into stream-json user messages for cc-run.\n\n\
        The TEXT arguments, joined by spaces, become one user message. Without TEXT, all \
        of stdin becomes one message (trailing line ends dropped). With --lines, every \
        non-blank line of stdin becomes its own message. Each message is written as one \
        JSON line and flushed at once.",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// The message text; the words are joined by spaces (default: read stdin).
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    /// Make one message per non-blank line of stdin.
    #[arg(long, conflicts_with_all = ["text", "image"])]
    pub lines: bool,

    /// Attach an image (PNG, JPEG, GIF or WebP, detected from its bytes); repeatable.
    /// Images come before the text, as the Anthropic API recommends.
    #[arg(long, value_name = "FILE")]
    pub image: Vec<PathBuf>,

    #[command(flatten)]
    pub message: crate::cli::MessageArgs,

    /// Longest line accepted with --lines, e.g. 64K, 256M, 1G.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_line: usize,
}

pub fn run(cli: Cli) -> Result<i32> {
    let mut out = output::stdout();
    if cli.lines {
        return each_line(&cli, &mut out);
    }
    let images = cli
        .image
        .iter()
        .map(|p| image_block(p))
        .collect::<Result<Vec<_>>>()?;
    let text = if !cli.text.is_empty() {
        cli.text.join(" ")
    } else if images.is_empty() || !io::stdin().is_terminal() {
        read_stdin()?
    } else {
        String::new()
    };
    let text = if text.trim().is_empty() {
        None
    } else {
        Some(text)
    };
    if text.is_none() && images.is_empty() {
        return Err(Error::usage(
            "no message text (give TEXT arguments, or text on stdin)",
        ));
    }
    write_message(&mut out, content(text, images), cli.message.options())?;
    Ok(exit::OK)
}

/// `--lines`: one message per non-blank line.
fn each_line(cli: &Cli, out: &mut output::Out) -> Result<i32> {
    let mut count = 0u64;
    output::each_line(&[], cli.max_line, out, |at, item, out| {
        let bytes = match item {
            Item::Line(bytes) => bytes,
            Item::TooLong(err) => return Err(Error::data(format!("{at}: {err}"))),
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Error::data(format!(
                "{at}: invalid UTF-8 at byte {}",
                e.valid_up_to() + 1
            ))
        })?;
        if !text.trim().is_empty() {
            write_message(out, Value::from(text), cli.message.options())?;
            count += 1;
        }
        Ok(Flow::Continue)
    })?;
    if count == 0 {
        return Err(Error::usage("no message text on stdin"));
    }
    Ok(exit::OK)
}

/// All of stdin as one text: UTF-8 required, BOM and trailing line ends dropped.
fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("stdin: {e}")))?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(body).map_err(|e| {
        Error::data(format!(
            "stdin: invalid UTF-8 at byte {}",
            e.valid_up_to() + 1
        ))
    })?;
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

/// A plain string when there are no images, else image blocks then the text block.
fn content(text: Option<String>, images: Vec<Value>) -> Value {
    if images.is_empty() {
        return Value::from(text.unwrap_or_default());
    }
    let mut blocks = images;
    if let Some(text) = text {
        blocks.push(json!({ "type": "text", "text": text }));
    }
    Value::Array(blocks)
}

/// A base64 image content block; the media type comes from the file's bytes.
fn image_block(path: &Path) -> Result<Value> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
    let media_type = match infer::get(&bytes).map(|t| t.mime_type()) {
        Some(m @ ("image/png" | "image/jpeg" | "image/gif" | "image/webp")) => m,
        other => {
            return Err(Error::usage(format!(
                "{}: not a PNG, JPEG, GIF or WebP image (detected: {})",
                path.display(),
                other.unwrap_or("unknown data")
            )));
        }
    };
    let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
    Ok(json!({
        "type": "image",
        "source": { "type": "base64", "media_type": media_type, "data": data },
    }))
}

fn write_message(out: &mut impl Write, content: Value, opts: MessageOptions) -> Result<()> {
    let mut line = message(content, opts, None);
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()?;
    Ok(())
}
