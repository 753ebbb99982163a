//! `cc-replay --as-claude`: a stand-in for the `claude` binary that answers
//! each user message with the next turn of a recording. It replays; it does
//! not think: the answers are the recording's whatever is asked.
//!
//! Promises, as the real CLI behaves for a host such as cc-run:
//! - each user message read on stdin starts the next recorded turn (every
//!   event from one `result` to the next), played event by event, flushed,
//!   at the pace of the pacing flags (40 ms between events by default);
//! - a message that arrives while a turn plays is merged into it where the
//!   CLI merges one, after the next tool result; one still waiting when the
//!   turn ends starts the next turn, in order;
//! - with `--replay-user-messages` each message is echoed with `isReplay`
//!   (a prompt where the recording echoed its own, a merged message after
//!   the tool result); the recording's own echoes are left out, and so are
//!   lines about its host's messages and requests (`command_lifecycle`,
//!   `control_response`), while the host's own answers to our requests
//!   are echoed as the CLI echoes them;
//! - each run is a new session: every session id of the recording is
//!   replaced, wherever it appears, by a fresh one (so runs side by side,
//!   under GNU parallel, are told apart as real sessions are);
//! - `stream_event` lines only with `--include-partial-messages`;
//! - `system/session_state_changed` running, idle (and requires_action
//!   while a recorded permission request waits for its answer) when
//!   `CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS` is set, as cc-run sets it;
//! - an `interrupt` request is answered and ends the running turn with an
//!   error `result`; other control requests get an error answer;
//! - a message with `shouldQuery: false` is echoed and starts no turn;
//!   a message after the last turn gets an error `result` saying so;
//! - it exits 0 when stdin ends (after the turn that is playing).

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::error::{Error, Result, exit};
use crate::json::Reader;
use crate::output::{self, Out};

use super::claude_args::{self, ClaudeArgs};
use super::host::{Input, read_stdin};
use super::pace::Pacer;
use super::recording::{self, Event, Kind, Recording};

const TOOL: &str = "cc-replay";

/// Runs the stand-in: `files` (before `--as-claude`) or the first of
/// `args` name the recording, else the demo; the rest of `args` are claude's.
pub fn run(cli: &super::Cli, args: &[OsString]) -> Result<i32> {
    let claude = claude_args::parse(args)?;
    let mut recording = load(cli, &claude)?;
    fresh_sessions(&mut recording);
    if claude.version {
        let version = recording.version.as_deref().unwrap_or("unknown");
        let mut out = output::stdout();
        writeln!(out, "{version} (Claude Code, replayed by cc-replay)")?;
        out.flush()?;
        return Ok(exit::OK);
    }
    let (tx, rx) = mpsc::channel();
    let max_line = cli.input.max_line;
    std::thread::spawn(move || read_stdin(&tx, max_line));
    let mut stand = Stand {
        out: output::stdout(),
        session: recording.session.clone().unwrap_or_default(),
        recording,
        pacer: Pacer::new(super::pace_base(cli), cli.speed, cli.max_gap),
        states: states_wanted(),
        claude,
        rx,
        queued: VecDeque::new(),
        ended: false,
        answered: Vec::new(),
        warned: false,
    };
    stand.serve()?;
    Ok(exit::OK)
}

fn load(cli: &super::Cli, claude: &ClaudeArgs) -> Result<Recording> {
    let mut files: Vec<&std::path::Path> = cli.input.files.iter().map(|p| p.as_path()).collect();
    files.extend(claude.file.as_deref());
    match files.as_slice() {
        [] => recording::load(super::DEMO, "demo", cli.input.max_line),
        [path] if path.as_os_str() == "-" => Err(Error::usage(
            "--as-claude reads the host's messages on stdin: name the recording's file",
        )),
        [path] => {
            let name = crate::sanitize::clean(&path.display().to_string()).into_owned();
            let bytes = std::fs::read(path).map_err(|e| Error::usage(format!("{name}: {e}")))?;
            recording::load(&bytes, &name, cli.input.max_line)
        }
        _ => Err(Error::usage(
            "--as-claude plays one recording; more than one FILE given",
        )),
    }
}

/// Gives each session id of the recording a fresh one, in every line.
fn fresh_sessions(recording: &mut Recording) {
    let mut fresh: Vec<(String, String)> = Vec::new();
    let events = recording.turns.iter_mut().flatten();
    for event in events {
        let Some(old) = event.session.as_deref() else {
            continue;
        };
        if !fresh.iter().any(|(o, _)| o == old) {
            fresh.push((old.to_owned(), uuid::Uuid::new_v4().to_string()));
        }
    }
    fresh.retain(|(old, _)| !old.is_empty());
    for event in recording.turns.iter_mut().flatten() {
        for (old, new) in &fresh {
            if memchr::memmem::find(&event.line, old.as_bytes()).is_some() {
                event.line = replace_all(&event.line, old.as_bytes(), new.as_bytes());
            }
            if event.session.as_deref() == Some(old) {
                event.session = Some(new.clone());
            }
        }
    }
    if let Some((_, new)) = fresh
        .iter()
        .find(|(old, _)| recording.session.as_deref() == Some(old))
    {
        recording.session = Some(new.clone());
    }
}

/// `hay` with every `from` replaced by `to`.
fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut rest = 0;
    for at in memchr::memmem::find_iter(hay, from) {
        out.extend_from_slice(&hay[rest..at]);
        out.extend_from_slice(to);
        rest = at + from.len();
    }
    out.extend_from_slice(&hay[rest..]);
    out
}

/// Whether the host asked for session states, as the real CLI reads it.
fn states_wanted() -> bool {
    std::env::var("CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS")
        .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

/// The stand-in's state between events.
struct Stand {
    out: Out,
    recording: Recording,
    session: String,
    pacer: Pacer,
    states: bool,
    claude: ClaudeArgs,
    rx: Receiver<Input>,
    /// Messages that arrived while a turn played: merged at its next tool
    /// result, else each the next turn.
    queued: VecDeque<(String, Option<String>)>,
    /// Stdin has ended: finish the turn that plays, then exit.
    ended: bool,
    /// Ids of requests of ours the host has answered.
    answered: Vec<String>,
    warned: bool,
}

/// How a turn's events went out.
enum Played {
    Whole,
    Interrupted(String),
}

impl Stand {
    fn serve(&mut self) -> Result<()> {
        loop {
            if let Some((message, uuid)) = self.queued.pop_front() {
                self.turn(&message, uuid)?;
                continue;
            }
            if self.ended {
                break;
            }
            let input = self.rx.recv().unwrap_or(Input::End);
            match input {
                Input::Message {
                    message,
                    uuid,
                    query: true,
                } => self.turn(&message, uuid)?,
                Input::Message { message, uuid, .. } => self.echo(&message, uuid)?,
                Input::Interrupt(id) => self.answer_interrupt(&id)?,
                Input::Request(id, subtype) => self.refuse(&id, &subtype)?,
                Input::Answer(id, line) => self.answer(id, &line)?,
                Input::End => self.ended = true,
            }
        }
        self.out.flush()?;
        Ok(())
    }

    /// A message, or note, that arrived while a turn played.
    fn arrived(&mut self, message: String, uuid: Option<String>, query: bool) -> Result<()> {
        if query {
            self.queued.push_back((message, uuid));
            Ok(())
        } else {
            self.echo(&message, uuid)
        }
    }

    /// Merges the waiting messages into the turn (echoes them).
    fn merge(&mut self) -> Result<()> {
        while let Some((message, uuid)) = self.queued.pop_front() {
            self.echo(&message, uuid)?;
        }
        Ok(())
    }

    /// Plays the next recorded turn in answer to `message`.
    fn turn(&mut self, message: &str, uuid: Option<String>) -> Result<()> {
        self.state("running")?;
        let Some(events) = self.recording.turns.pop_front() else {
            return self.no_more_turns(message, uuid);
        };
        self.pacer.restart();
        let mut prompt = Some((message, uuid));
        let played = self.play(&events, &mut prompt)?;
        if let Some((message, uuid)) = prompt {
            self.echo(message, uuid)?;
        }
        if let Played::Interrupted(id) = played {
            let result = events.iter().rev().find(|e| e.kind == Kind::Result);
            self.interrupted(&id, result)?;
        }
        self.state("idle")
    }

    fn play(
        &mut self,
        events: &[Event],
        prompt: &mut Option<(&str, Option<String>)>,
    ) -> Result<Played> {
        for event in events {
            match event.kind {
                Kind::State | Kind::Replay | Kind::HostEcho => continue,
                Kind::Partial if !self.claude.partial => continue,
                _ => {}
            }
            // The prompt's echo comes after the turn's system events, where
            // the CLI puts it.
            if event.kind != Kind::System
                && let Some((message, uuid)) = prompt.take()
            {
                self.echo(message, uuid)?;
            }
            let pause = self.pacer.pause(event.time);
            if let Some(id) = self.wait(pause)? {
                return Ok(Played::Interrupted(id));
            }
            if let Some(session) = &event.session {
                self.session.clone_from(session);
            }
            self.emit(&event.line)?;
            if event.kind == Kind::ToolResult {
                self.merge()?;
            }
            if let Kind::Ask(id) = &event.kind
                && let Some(id) = self.await_answer(id)?
            {
                return Ok(Played::Interrupted(id));
            }
        }
        Ok(Played::Whole)
    }

    /// Handles the host's lines for `pause`; returns an interrupt's id.
    fn wait(&mut self, pause: Duration) -> Result<Option<String>> {
        self.out.flush()?;
        let due = Instant::now() + pause;
        loop {
            let left = due.saturating_duration_since(Instant::now());
            if self.ended {
                std::thread::sleep(left);
                return Ok(None);
            }
            match self.rx.recv_timeout(left) {
                Ok(Input::Message {
                    message,
                    uuid,
                    query,
                }) => self.arrived(message, uuid, query)?,
                Ok(Input::Interrupt(id)) => return Ok(Some(id)),
                Ok(Input::Request(id, subtype)) => self.refuse(&id, &subtype)?,
                Ok(Input::Answer(id, line)) => self.answer(id, &line)?,
                Ok(Input::End) | Err(RecvTimeoutError::Disconnected) => self.ended = true,
                Err(RecvTimeoutError::Timeout) => return Ok(None),
            }
        }
    }

    /// Waits, as the CLI does, for the host to answer our request `id`
    /// (whatever the answer, the recording goes on as recorded).
    fn await_answer(&mut self, id: &str) -> Result<Option<String>> {
        if self.answered.iter().any(|a| a == id) {
            return Ok(None);
        }
        self.state("requires_action")?;
        self.out.flush()?;
        while !self.ended {
            match self.rx.recv().unwrap_or(Input::End) {
                Input::Answer(a, line) if a == id => {
                    self.emit(&line)?;
                    break;
                }
                Input::Answer(a, line) => self.answer(a, &line)?,
                Input::Message {
                    message,
                    uuid,
                    query,
                } => self.arrived(message, uuid, query)?,
                Input::Interrupt(i) => return Ok(Some(i)),
                Input::Request(i, subtype) => self.refuse(&i, &subtype)?,
                Input::End => self.ended = true,
            }
        }
        self.state("running")?;
        Ok(None)
    }

    /// The host's answer to a request of ours: echoed, as the CLI echoes
    /// it, and remembered.
    fn answer(&mut self, id: String, line: &[u8]) -> Result<()> {
        self.emit(line)?;
        self.answered.push(id);
        Ok(())
    }

    fn emit(&mut self, line: &[u8]) -> Result<()> {
        self.out.write_all(line)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(())
    }

    fn state(&mut self, state: &str) -> Result<()> {
        if !self.states {
            return Ok(());
        }
        let line = format!(
            r#"{{"type":"system","subtype":"session_state_changed","state":"{state}","uuid":"{}","session_id":{}}}"#,
            uuid::Uuid::new_v4(),
            json_string(&self.session)
        );
        self.emit(line.as_bytes())
    }

    /// Echoes a message received, as `--replay-user-messages` asks.
    fn echo(&mut self, message: &str, uuid: Option<String>) -> Result<()> {
        if !self.claude.replay_user {
            return Ok(());
        }
        let uuid = uuid.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let now = humantime::format_rfc3339_millis(std::time::SystemTime::now());
        let line = format!(
            r#"{{"type":"user","message":{message},"session_id":{},"parent_tool_use_id":null,"uuid":{},"timestamp":"{now}","isReplay":true}}"#,
            json_string(&self.session),
            json_string(&uuid)
        );
        self.emit(line.as_bytes())
    }

    /// Answers an interrupt; the messages still queued are kept (and listed
    /// by uuid, as the CLI lists them).
    fn answer_interrupt(&mut self, id: &str) -> Result<()> {
        let queued: Vec<&str> = self
            .queued
            .iter()
            .filter_map(|(_, u)| u.as_deref())
            .collect();
        let line = format!(
            r#"{{"type":"control_response","response":{{"subtype":"success","request_id":{},"response":{{"still_queued":{}}}}}}}"#,
            json_string(id),
            serde_json::to_string(&queued).unwrap_or_else(|_| "[]".into())
        );
        self.emit(line.as_bytes())
    }

    fn refuse(&mut self, id: &str, subtype: &str) -> Result<()> {
        let why = format!(
            "cc-replay --as-claude replays a recording; it does not serve {}",
            if subtype.is_empty() {
                "this request"
            } else {
                subtype
            }
        );
        let line = format!(
            r#"{{"type":"control_response","response":{{"subtype":"error","request_id":{},"error":{}}}}}"#,
            json_string(id),
            json_string(&why)
        );
        self.emit(line.as_bytes())
    }

    /// Ends an interrupted turn as the CLI does: the answer, a note, and an
    /// error result (the recorded one's figures, when the turn has one).
    fn interrupted(&mut self, id: &str, recorded: Option<&Event>) -> Result<()> {
        self.answer_interrupt(id)?;
        let note = format!(
            r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"text","text":"[Request interrupted by user]"}}]}},"parent_tool_use_id":null,"session_id":{},"uuid":"{}","timestamp":"{}"}}"#,
            json_string(&self.session),
            uuid::Uuid::new_v4(),
            humantime::format_rfc3339_millis(std::time::SystemTime::now())
        );
        self.emit(note.as_bytes())?;
        let why = ["[Request interrupted by user]"];
        let result = error_result(recorded.map(|e| e.line.as_slice()), &self.session, &why);
        self.emit(result.as_bytes())
    }

    fn no_more_turns(&mut self, message: &str, uuid: Option<String>) -> Result<()> {
        let why = "the recording has no more turns (cc-replay replays, it does not think)";
        if !std::mem::replace(&mut self.warned, true) {
            crate::app::warn(TOOL, format!("a message got an error result: {why}"));
        }
        self.echo(message, uuid)?;
        let result = error_result(None, &self.session, &[why]);
        self.emit(result.as_bytes())?;
        self.state("idle")
    }
}

/// An error `result`: the members of `recorded` (a result line) with the
/// outcome changed, or the fields every result has.
fn error_result(recorded: Option<&[u8]>, session: &str, errors: &[&str]) -> String {
    let errors = serde_json::to_string(errors).unwrap_or_else(|_| "[]".into());
    let changed = [
        ("subtype", r#""error_during_execution""#.to_owned()),
        ("is_error", "true".to_owned()),
        ("terminal_reason", r#""aborted_streaming""#.to_owned()),
        ("errors", errors),
    ];
    let mut members = Vec::new();
    let mut reader = Reader::default();
    if let Some(doc) = recorded.and_then(|line| reader.read(line).ok())
        && let Ok(obj) = doc.object()
    {
        for (key, value) in obj.members() {
            let key = key.as_str();
            let dropped = ["result", "structured_output"].contains(&key.as_ref());
            if !dropped && !changed.iter().any(|(k, _)| *k == key) {
                members.push(format!("{}:{}", json_string(&key), value.raw()));
            }
        }
    } else {
        members.push(r#""type":"result""#.to_owned());
        members.push(format!(r#""session_id":{}"#, json_string(session)));
        for fixed in [
            r#""duration_ms":0"#,
            r#""duration_api_ms":0"#,
            r#""num_turns":0"#,
            r#""total_cost_usd":0"#,
            r#""usage":{"input_tokens":0,"output_tokens":0}"#,
            r#""permission_denials":[]"#,
        ] {
            members.push(fixed.to_owned());
        }
        members.push(format!(r#""uuid":"{}""#, uuid::Uuid::new_v4()));
    }
    members.extend(changed.iter().map(|(k, v)| format!(r#""{k}":{v}"#)));
    format!("{{{}}}", members.join(","))
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_result_keeps_the_recorded_figures() {
        let recorded = br#"{"type":"result","subtype":"success","is_error":false,"result":"done","total_cost_usd":0.5,"session_id":"s"}"#;
        let line = error_result(Some(recorded), "s", &[]);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["subtype"], "error_during_execution");
        assert_eq!(v["is_error"], true);
        assert_eq!(v["total_cost_usd"], 0.5);
        assert!(v.get("result").is_none());
        let line = error_result(None, "s", &["why"]);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (v["type"].as_str(), v["errors"][0].as_str()),
            (Some("result"), Some("why"))
        );
        for line in [
            error_result(Some(recorded), "s", &[]),
            error_result(None, "s\"x", &["a \"b\""]),
        ] {
            assert!(
                crate::json::Reader::default().read(line.as_bytes()).is_ok(),
                "{line}"
            );
        }
    }
}
