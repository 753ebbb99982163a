//! What one FIFO line means: text for the model, a ready-made input message,
//! or a `/command`.
//!
//! Promises: a line starting with `{` passes byte for byte if it is a valid
//! input message, else it is rejected with the reason; `//text` sends the
//! text `/text`; `/word` (letters, digits, `-`, `_`, starting with a letter,
//! then nothing or whitespace) is a command, and an unknown or misused one is
//! rejected at once, never sent as text; any other line, including one that
//! merely starts with `/` such as a path (`/tmp/x is big`), is a user
//! message. Control requests get ids that start with their subtype
//! (`set_model-4242-3`), so cc-fmt can say what each answer answers.

use serde_json::{Value, json};

use crate::protocol::table::REQUESTS;
use crate::protocol::{self, MessageOptions, validate};

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
  TEXT                   send TEXT as a user message
  {...}                  send a stream-json input message as it is (checked first)
  //TEXT                 send the text /TEXT (a leading / doubled)
  /note TEXT             add TEXT to the conversation without starting a turn
  /interrupt             interrupt the running turn (queued messages are kept)
  /interrupt --cancel-queued   interrupt, and cancel the queued messages too
  /allow [N]             allow permission request N (cc-fmt shows `? #N ...`;
                         without N: the oldest waiting one)
  /deny [N] [REASON]     deny it; the tool's result is REASON
  /model NAME            switch the model (e.g. sonnet, opus)
  /mode MODE             permission mode: default, acceptEdits, bypassPermissions,
                         plan, dontAsk or auto
  /thinking N|off        limit thinking to N tokens, or turn it off
  /stop-task ID          stop a background task (task_id of its task_started event)
  /context               ask for the context window's usage
  /end                   end the stream: cc-steer closes its output and exits
  /help                  show this list on stderr";

/// Decides what `line` (one FIFO line, without its newline) means.
pub fn parse(line: &[u8], opts: MessageOptions) -> Action {
    if line.first() == Some(&b'{') {
        return json_line(line);
    }
    let text = match std::str::from_utf8(line) {
        Ok(text) => text,
        Err(e) => {
            return Action::Reject(format!(
                "not valid UTF-8 (at column {}); text lines must be UTF-8",
                e.valid_up_to() + 1
            ));
        }
    };
    if let Some(rest) = text.strip_prefix("//") {
        return text_message(&format!("/{rest}"), opts);
    }
    match command_word(text) {
        Some((word, args)) => command(word, args, opts),
        None => text_message(text, opts),
    }
}

fn json_line(line: &[u8]) -> Action {
    match validate::check_input_line(line) {
        Ok(()) => Action::Pass,
        Err(reason) => Action::Reject(reason),
    }
}

fn text_message(text: &str, opts: MessageOptions) -> Action {
    Action::Send(protocol::message(Value::from(text), opts, None))
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

fn command(word: &str, args: &str, opts: MessageOptions) -> Action {
    let word = word.to_ascii_lowercase();
    let needs = |what: &str| Action::Reject(format!("/{word} needs {what} (see /help)"));
    let request =
        |subtype: &str, fields: Value| Action::Send(protocol::control_request(subtype, fields));
    match (word.as_str(), args) {
        ("end", "") => Action::End,
        ("help", "") => Action::Help,
        ("interrupt", "") => request("interrupt", json!({})),
        ("interrupt", "--cancel-queued") => request("interrupt", json!({"cancel_queued": true})),
        ("interrupt", _) => Action::Reject("/interrupt takes only --cancel-queued".into()),
        ("note", "") => needs("some text"),
        ("note", text) => Action::Send(protocol::message(Value::from(text), opts, Some(false))),
        ("allow", n) => answer(&word, n, None),
        ("deny", rest) => {
            let (n, reason) = match rest.split_once(char::is_whitespace) {
                Some((n, reason)) if is_number(n) => (n, reason.trim()),
                None if is_number(rest) => (rest, ""),
                _ => ("", rest),
            };
            let reason = if reason.is_empty() {
                "denied by the user"
            } else {
                reason
            };
            answer(&word, n, Some(reason))
        }
        ("model", "") => needs("a model name, e.g. /model sonnet"),
        ("model", name) => request("set_model", json!({ "model": name })),
        ("mode", mode) => permission_mode(mode),
        ("thinking", "off") => request(
            "set_max_thinking_tokens",
            json!({"max_thinking_tokens": null}),
        ),
        ("thinking", n) => match n.parse::<u64>() {
            Ok(n) => request(
                "set_max_thinking_tokens",
                json!({ "max_thinking_tokens": n }),
            ),
            Err(_) => needs("a number of tokens or off, e.g. /thinking 8000"),
        },
        ("stop-task", "") => needs("a task id, e.g. /stop-task b1x2y3"),
        ("stop-task", id) => request("stop_task", json!({ "task_id": id })),
        ("context", "") => request("get_context_usage", json!({})),
        ("end" | "help" | "context", _) => Action::Reject(format!("/{word} takes no arguments")),
        _ => Action::Reject(format!(
            "unknown command /{word} (see /help; write //{word} to send it as text)"
        )),
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `/allow N` or `/deny N reason`: an answer for request `#N` (or `#`, the
/// oldest waiting), which cc-run matches to the real request.
fn answer(word: &str, n: &str, deny: Option<&str>) -> Action {
    if !n.is_empty() && !is_number(n) {
        return Action::Reject(format!(
            "/{word} takes a request number, as cc-fmt shows it (/{word} 3)"
        ));
    }
    let reference = format!("#{n}");
    Action::Send(protocol::permission_answer(&reference, deny))
}

/// `/mode MODE`, checked against the modes the CLI knows.
fn permission_mode(mode: &str) -> Action {
    let modes = REQUESTS
        .iter()
        .find(|r| r.subtype == "set_permission_mode")
        .and_then(|r| r.required.iter().find(|f| f.name == "mode"))
        .map_or(&[][..], |f| f.values);
    if mode.is_empty() || !modes.contains(&mode) {
        let what = if mode.is_empty() {
            "/mode needs a mode".to_owned()
        } else {
            format!("unknown permission mode {}", crate::json::quote(mode))
        };
        return Action::Reject(format!("{what}: one of {}", modes.join(", ")));
    }
    Action::Send(protocol::control_request(
        "set_permission_mode",
        json!({ "mode": mode }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Priority;

    fn sent(action: Action) -> Value {
        match action {
            Action::Send(bytes) => serde_json::from_slice(&bytes).unwrap(),
            other => panic!("expected a message, got {other:?}"),
        }
    }

    fn opts(priority: Option<Priority>) -> MessageOptions {
        MessageOptions {
            priority,
            uuid: false,
        }
    }

    #[test]
    fn text_becomes_a_user_message_with_priority() {
        let v = sent(parse(b"look at the tests", opts(Some(Priority::Next))));
        assert_eq!(v["message"]["content"], "look at the tests");
        assert_eq!(v["priority"], "next");
    }

    #[test]
    fn paths_and_lone_slashes_are_text() {
        for line in ["/tmp/x is big", "/ not a command", "/1st", "/end."] {
            let v = sent(parse(line.as_bytes(), opts(None)));
            assert_eq!(v["message"]["content"], line);
        }
    }

    #[test]
    fn double_slash_escapes() {
        let v = sent(parse(b"//end", opts(None)));
        assert_eq!(v["message"]["content"], "/end");
    }

    #[test]
    fn commands() {
        let none = opts(None);
        assert_eq!(parse(b"/end", none), Action::End);
        assert_eq!(parse(b"/END", none), Action::End);
        assert_eq!(parse(b"/help", none), Action::Help);
        let v = sent(parse(b"/interrupt", none));
        assert_eq!(v["request"], json!({"subtype": "interrupt"}));
        assert!(v["request_id"].as_str().unwrap().starts_with("interrupt-"));
        let v = sent(parse(b"/interrupt --cancel-queued", none));
        assert_eq!(
            v["request"],
            json!({"subtype": "interrupt", "cancel_queued": true})
        );
        let v = sent(parse(b"/model sonnet", none));
        assert_eq!(
            v["request"],
            json!({"subtype": "set_model", "model": "sonnet"})
        );
        let v = sent(parse(b"/mode plan", none));
        assert_eq!(
            v["request"],
            json!({"subtype": "set_permission_mode", "mode": "plan"})
        );
        let v = sent(parse(b"/thinking off", none));
        assert_eq!(v["request"]["max_thinking_tokens"], Value::Null);
        let v = sent(parse(b"/thinking 8000", none));
        assert_eq!(v["request"]["max_thinking_tokens"], 8000);
        let v = sent(parse(b"/stop-task t1", none));
        assert_eq!(
            v["request"],
            json!({"subtype": "stop_task", "task_id": "t1"})
        );
        let v = sent(parse(b"/context", none));
        assert_eq!(v["request"]["subtype"], "get_context_usage");
        let v = sent(parse(b"/note the CI uses Node 20", none));
        assert_eq!(v["shouldQuery"], false);
        assert_eq!(v["message"]["content"], "the CI uses Node 20");
        let v = sent(parse(b"/allow 3", none));
        assert_eq!(v["response"]["request_id"], "#3");
        assert_eq!(v["response"]["response"], json!({"behavior": "allow"}));
        let v = sent(parse(b"/allow", none));
        assert_eq!(v["response"]["request_id"], "#");
        let v = sent(parse(b"/deny 1 not in prod", none));
        assert_eq!(v["response"]["request_id"], "#1");
        assert_eq!(
            v["response"]["response"],
            json!({"behavior": "deny", "message": "not in prod"})
        );
        let v = sent(parse(b"/deny too risky", none));
        assert_eq!(v["response"]["request_id"], "#");
        assert_eq!(v["response"]["response"]["message"], "too risky");
        let v = sent(parse(b"/deny", none));
        assert_eq!(v["response"]["response"]["message"], "denied by the user");
        for line in [
            &b"/model x"[..],
            b"/mode plan",
            b"/allow 2",
            b"/deny 2 no",
            b"/note hi",
        ] {
            let Action::Send(bytes) = parse(line, none) else {
                panic!("not sent")
            };
            assert_eq!(validate::check_input_line(&bytes), Ok(()), "{line:?}");
        }
    }

    #[test]
    fn unknown_and_misused_commands_are_rejected() {
        let none = opts(None);
        let Action::Reject(why) = parse(b"/stop", none) else {
            panic!("not rejected")
        };
        assert!(why.contains("unknown command /stop"), "{why}");
        assert!(matches!(parse(b"/end now", none), Action::Reject(_)));
        let Action::Reject(why) = parse(b"/mode nonsense", none) else {
            panic!("not rejected")
        };
        assert!(
            why.contains("unknown permission mode \"nonsense\"") && why.contains("acceptEdits"),
            "{why}"
        );
        for bad in [
            &b"/model"[..],
            b"/thinking lots",
            b"/allow x",
            b"/stop-task",
            b"/note",
            b"/interrupt now",
        ] {
            assert!(matches!(parse(bad, none), Action::Reject(_)), "{bad:?}");
        }
    }

    #[test]
    fn json_lines_are_checked() {
        let ok = br#"{"type":"user","message":{"role":"user","content":"x"}}"#;
        let none = opts(None);
        assert_eq!(parse(ok, none), Action::Pass);
        assert!(matches!(parse(b"{oops", none), Action::Reject(r) if r.contains("invalid JSON")));
        assert!(matches!(
            parse(br#"{"type":"nope"}"#, none),
            Action::Reject(_)
        ));
    }

    #[test]
    fn invalid_utf8_is_rejected() {
        assert!(matches!(parse(b"caf\xe9", opts(None)), Action::Reject(r) if r.contains("UTF-8")));
    }
}
