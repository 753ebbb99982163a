//! What one FIFO line means: text for the model, a ready-made input message,
//! or a `/command`.
//!
//! Promises: a line starting with `{` passes byte for byte if it is a valid
//! input message, else it is rejected with the reason; `//text` sends the
//! text `/text`; `/word` (letters, digits, `-`, `_`, starting with a letter,
//! then nothing or whitespace) is a command, and an unknown one is rejected,
//! never sent as text; any other line, including one that merely starts with
//! `/` such as a path (`/tmp/x is big`), is a user message.

use serde_json::Value;

use crate::protocol::{self, Priority, validate};

/// What to do with one FIFO line.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Forward the line unchanged (a valid input message).
    Pass,
    /// Forward this message instead of the line.
    Send(Vec<u8>),
    /// End the stream (`/end`).
    End,
    /// Show the commands on stderr (`/help`).
    Help,
    /// Drop the line and report why.
    Reject(String),
}

/// The `/help` text, one command per line.
pub const HELP: &str = "\
commands (one per line written to the FIFO):
  TEXT          send TEXT as a user message
  {...}         send a stream-json input message as it is (checked first)
  //TEXT        send the text /TEXT (a leading / doubled)
  /interrupt    interrupt the running turn (a control_request)
  /end          end the stream: cc-steer closes its output and exits
  /help         show this list on stderr";

/// Decides what `line` (one FIFO line, without its newline) means.
pub fn parse(line: &[u8], priority: Option<Priority>) -> Action {
    if line.first() == Some(&b'{') {
        return json_line(line);
    }
    let text = match std::str::from_utf8(line) {
        Ok(text) => text,
        Err(e) => {
            return Action::Reject(format!(
                "not valid UTF-8 (at byte {}); text lines must be UTF-8",
                e.valid_up_to()
            ));
        }
    };
    if let Some(rest) = text.strip_prefix("//") {
        return text_message(&format!("/{rest}"), priority);
    }
    match command_word(text) {
        Some((word, args)) => command(word, args),
        None => text_message(text, priority),
    }
}

fn json_line(line: &[u8]) -> Action {
    match validate::check_input_line(line) {
        Ok(()) => Action::Pass,
        Err(reason) => Action::Reject(reason),
    }
}

fn text_message(text: &str, priority: Option<Priority>) -> Action {
    Action::Send(protocol::user_message(Value::from(text), priority))
}

/// Splits `/word rest` when `text` has the shape of a command.
fn command_word(text: &str) -> Option<(&str, &str)> {
    let body = text.strip_prefix('/')?;
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(body.len());
    let (word, rest) = body.split_at(end);
    let starts_with_letter = word.starts_with(|c: char| c.is_ascii_alphabetic());
    let then_space_or_end = rest.is_empty() || rest.starts_with(char::is_whitespace);
    (starts_with_letter && then_space_or_end).then(|| (word, rest.trim()))
}

fn command(word: &str, args: &str) -> Action {
    let action = match word.to_ascii_lowercase().as_str() {
        "interrupt" => Action::Send(protocol::interrupt_request(&protocol::next_request_id(
            "steer",
        ))),
        "end" => Action::End,
        "help" => Action::Help,
        _ => {
            return Action::Reject(format!(
                "unknown command /{word} (see /help; write //{word} to send it as text)"
            ));
        }
    };
    if args.is_empty() {
        action
    } else {
        Action::Reject(format!("/{word} takes no arguments"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(action: Action) -> Value {
        match action {
            Action::Send(bytes) => serde_json::from_slice(&bytes).unwrap(),
            other => panic!("expected a message, got {other:?}"),
        }
    }

    #[test]
    fn text_becomes_a_user_message_with_priority() {
        let v = sent(parse(b"look at the tests", Some(Priority::Next)));
        assert_eq!(v["message"]["content"], "look at the tests");
        assert_eq!(v["priority"], "next");
    }

    #[test]
    fn paths_and_lone_slashes_are_text() {
        for line in ["/tmp/x is big", "/ not a command", "/1st", "/end."] {
            let v = sent(parse(line.as_bytes(), None));
            assert_eq!(v["message"]["content"], line);
        }
    }

    #[test]
    fn double_slash_escapes() {
        let v = sent(parse(b"//end", None));
        assert_eq!(v["message"]["content"], "/end");
    }

    #[test]
    fn commands() {
        assert_eq!(parse(b"/end", None), Action::End);
        assert_eq!(parse(b"/END", None), Action::End);
        assert_eq!(parse(b"/help", None), Action::Help);
        let v = sent(parse(b"/interrupt", None));
        assert_eq!(v["request"]["subtype"], "interrupt");
        assert!(v["request_id"].as_str().unwrap().starts_with("steer-"));
    }

    #[test]
    fn unknown_and_misused_commands_are_rejected() {
        let Action::Reject(why) = parse(b"/stop", None) else {
            panic!("not rejected")
        };
        assert!(why.contains("unknown command /stop"), "{why}");
        assert!(matches!(parse(b"/end now", None), Action::Reject(_)));
    }

    #[test]
    fn json_lines_are_checked() {
        let ok = br#"{"type":"user","message":{"role":"user","content":"x"}}"#;
        assert_eq!(parse(ok, None), Action::Pass);
        assert!(matches!(parse(b"{oops", None), Action::Reject(r) if r.contains("invalid JSON")));
        assert!(matches!(
            parse(br#"{"type":"nope"}"#, None),
            Action::Reject(_)
        ));
    }

    #[test]
    fn invalid_utf8_is_rejected() {
        assert!(matches!(parse(b"caf\xe9", None), Action::Reject(r) if r.contains("UTF-8")));
    }
}
