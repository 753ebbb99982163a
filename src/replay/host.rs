//! What the host (cc-run, or any program that runs `claude`) writes to
//! `--as-claude` on stdin, read line by line on a thread of its own.
//!
//! Promises: every line is read by the shared rules ([`crate::json`]); a line
//! that breaks them, or a message without its `message`, is reported on
//! stderr with its number and ignored, as is a line too long to hold; lines
//! with nothing to do (`keep_alive`, environment updates) are skipped; the
//! end of stdin (or a read error) is sent as [`Input::End`].

use std::sync::mpsc::Sender;

use crate::json::Reader;
use crate::lines::{LineError, LineReader};

const TOOL: &str = "cc-replay";

/// What the host sent, read on its own thread.
#[derive(Debug)]
pub enum Input {
    /// A user message: its `message` (JSON text), `uuid`, and whether it
    /// asks for an answer (`shouldQuery` is not false).
    Message {
        message: String,
        uuid: Option<String>,
        query: bool,
    },
    Interrupt(String),
    /// Another control request: its id and subtype.
    Request(String, String),
    /// The host's answer to a request of ours: its id, and the line, which
    /// the CLI echoes on stdout.
    Answer(String, Vec<u8>),
    End,
}

pub fn read_stdin(tx: &Sender<Input>, max_line: usize) {
    let stdin = std::io::stdin();
    let mut lines = LineReader::with_max(stdin.lock(), max_line);
    let mut reader = Reader::default();
    loop {
        match lines.next_line(&mut || Ok(())) {
            Ok(Some((n, line))) => match input(&mut reader, line) {
                Ok(Some(input)) => {
                    if tx.send(input).is_err() {
                        return;
                    }
                }
                Ok(None) => {}
                Err(why) => crate::app::warn(TOOL, format!("stdin:{n}: {why}; ignored")),
            },
            Ok(None) => break,
            Err(err @ LineError::TooLong { line, .. }) => {
                crate::app::warn(TOOL, format!("stdin:{line}: {err}; ignored"));
            }
            Err(LineError::Io(err)) => {
                crate::app::warn(TOOL, format!("stdin: {err}"));
                break;
            }
        }
    }
    let _ = tx.send(Input::End);
}

/// What one stdin line asks for; `None` for lines with nothing to do
/// (`keep_alive`, environment updates).
fn input(reader: &mut Reader, line: &[u8]) -> std::result::Result<Option<Input>, String> {
    let doc = reader.read(line).map_err(|e| e.to_string())?;
    let top = doc.object().map_err(|e| e.to_string())?;
    let kind = top.str("type").ok_or("no string `type`")?;
    Ok(match kind.as_ref() {
        "user" => Some(Input::Message {
            message: top
                .object("message")
                .ok_or("a user message without a `message` object")?
                .raw()
                .to_owned(),
            uuid: top.str("uuid").map(|s| s.into_owned()),
            query: top.bool("shouldQuery") != Some(false),
        }),
        "control_request" => {
            let id = top
                .str("request_id")
                .ok_or("a control_request without `request_id`")?;
            let subtype = top
                .object("request")
                .and_then(|r| r.str("subtype"))
                .unwrap_or_default();
            Some(if subtype == "interrupt" {
                Input::Interrupt(id.into_owned())
            } else {
                Input::Request(id.into_owned(), subtype.into_owned())
            })
        }
        "control_response" => top
            .object("response")
            .and_then(|r| r.str("request_id"))
            .map(|id| Input::Answer(id.into_owned(), line.to_vec())),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_lines_become_inputs() {
        let mut r = Reader::default();
        let msg = br#"{"type":"user","message":{"role":"user","content":"hi"},"uuid":"u1"}"#;
        assert!(matches!(
            input(&mut r, msg),
            Ok(Some(Input::Message { uuid: Some(u), query: true, .. })) if u == "u1"
        ));
        let note =
            br#"{"type":"user","message":{"role":"user","content":"n"},"shouldQuery":false}"#;
        assert!(matches!(
            input(&mut r, note),
            Ok(Some(Input::Message { query: false, .. }))
        ));
        let stop =
            br#"{"type":"control_request","request_id":"i-1","request":{"subtype":"interrupt"}}"#;
        assert!(matches!(input(&mut r, stop), Ok(Some(Input::Interrupt(id))) if id == "i-1"));
        let answer =
            br#"{"type":"control_response","response":{"subtype":"success","request_id":"r"}}"#;
        assert!(matches!(input(&mut r, answer), Ok(Some(Input::Answer(id, _))) if id == "r"));
        assert!(matches!(
            input(&mut r, br#"{"type":"keep_alive"}"#),
            Ok(None)
        ));
        assert!(
            input(&mut r, br#"{"type":"user"}"#)
                .unwrap_err()
                .contains("message")
        );
        assert!(input(&mut r, b"not json").is_err());
    }
}
