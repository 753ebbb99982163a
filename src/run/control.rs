//! The control channel: requests the CLI sends its host (permission
//! prompts with `--permission-prompt-tool stdio`, hook callbacks...),
//! their numbers, their answers, and when claude's stdin may close.
//!
//! Numbers: permission requests are numbered 1, 2, 3... in the order their
//! `can_use_tool` control requests appear on the CLI's stdout. cc-fmt counts
//! the same lines the same way, so `? #3 Bash(touch x)` on the screen and
//! `/allow 3` typed into cc-steer's FIFO name the same request without any
//! event being changed: cc-steer writes a `control_response` whose
//! `request_id` is `#3` (`#` alone: the oldest waiting request), and cc-run
//! puts the real id in its place ([`Channel::resolve`]).
//!
//! When the input ends, claude's stdin stays open while the session may
//! still need its host, and closes once it cannot ([`Channel::may_close`]):
//! no request of the CLI waits for an answer, and the CLI said it is idle
//! after the last message it was sent. The signal relied on is
//! `system/session_state_changed` (cc-run sets
//! `CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS=1` for the child): the CLI's own
//! turn-over signal, sent by every supported version (2.1.197 on), covering
//! queued messages, messages merged into a running turn and prompts waiting
//! for an answer (`requires_action`). A `result` does not say that queued
//! messages are done (merged ones share one result), and `command_lifecycle`
//! needs a `uuid` on every message and is absent before 2.1.2xx. A child
//! whose first event is not a session state (not the real CLI) is taken
//! not to send them: its stdin then closes as soon as no request waits.

use std::sync::Mutex;
use std::time::Instant;

use super::events::State;
use crate::json::{Reader, quote};

/// A request of the CLI that waits for an answer.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Its number (permission requests), 0 for other kinds.
    pub n: u64,
    pub id: String,
    pub tool: String,
    /// The tool's input, as JSON text.
    pub input: String,
    /// When an unanswered prompt is denied (`--ask-timeout`).
    pub deadline: Option<Instant>,
}

#[derive(Debug, Default)]
struct Inner {
    pending: Vec<Pending>,
    numbered: u64,
    /// User messages written to claude.
    sent: u64,
    /// `sent` when the CLI last said it is idle; `None` while it works.
    idle_at: Option<u64>,
    /// Whether the child sends session states; unknown until its first event.
    announces: Option<bool>,
    input_ended: bool,
    /// The CLI waits for its host (`requires_action`).
    waiting: bool,
    /// Results seen (turns over, for a child without session states).
    results: u64,
    /// The last line on claude's stdout or message to it (`--stall-timeout`).
    activity: Option<Instant>,
}

/// The state shared by the input pump, the output pump and the controller.
#[derive(Debug, Default)]
pub struct Channel {
    inner: Mutex<Inner>,
}

impl Channel {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A user message went to claude.
    pub fn user_sent(&self) {
        let mut g = self.lock();
        g.sent += 1;
        g.activity = Some(Instant::now());
    }

    /// Claude wrote a line on stdout.
    pub fn touch(&self) {
        self.lock().activity = Some(Instant::now());
    }

    /// When claude last showed a sign of life (or was sent a message).
    pub fn last_activity(&self) -> Option<Instant> {
        self.lock().activity
    }

    /// A `result` arrived.
    pub fn result_seen(&self) {
        self.lock().results += 1;
    }

    /// True while a turn runs and claude owes the next event: a message was
    /// sent and the CLI has not said it is idle since (by its session
    /// states, else by as many results as messages), and it does not wait
    /// for an answer of its host. `--stall-timeout` counts only then.
    pub fn working(&self) -> bool {
        let g = self.lock();
        if g.sent == 0 || g.waiting || !g.pending.is_empty() {
            return false;
        }
        match g.announces {
            Some(true) => g.idle_at != Some(g.sent),
            _ => g.results < g.sent,
        }
    }

    /// The child's first event tells whether it sends session states.
    pub fn first_event(&self, is_state: bool) {
        let mut g = self.lock();
        g.announces.get_or_insert(is_state);
    }

    pub fn state(&self, state: State) {
        let mut g = self.lock();
        g.announces = Some(true);
        g.idle_at = (state == State::Idle).then_some(g.sent);
        g.waiting = state == State::RequiresAction;
    }

    /// A `can_use_tool` request (its `request` object) arrived: numbered
    /// and put on the waiting list before the event goes downstream, so an
    /// answer can never arrive before its request is known.
    pub fn register_request(&self, id: &str, request: &crate::json::Object<'_>) -> u64 {
        let tool = request.str("tool_name").unwrap_or_default();
        let input = request.get("input").map_or("{}", |v| v.raw());
        self.register(id, &tool, input)
    }

    /// A permission request arrived: its number.
    pub fn register(&self, id: &str, tool: &str, input: &str) -> u64 {
        let mut g = self.lock();
        g.numbered += 1;
        let n = g.numbered;
        g.pending.push(Pending {
            n,
            id: id.to_owned(),
            tool: tool.to_owned(),
            input: input.to_owned(),
            deadline: None,
        });
        n
    }

    pub fn set_deadline(&self, id: &str, deadline: Instant) {
        if let Some(p) = self.lock().pending.iter_mut().find(|p| p.id == id) {
            p.deadline = Some(deadline);
        }
    }

    /// Request `id` if it waits (not taken off the list).
    pub fn get(&self, id: &str) -> Option<Pending> {
        self.lock().pending.iter().find(|p| p.id == id).cloned()
    }

    /// Takes request `id` off the waiting list (answered or withdrawn).
    pub fn take(&self, id: &str) -> Option<Pending> {
        let mut g = self.lock();
        let at = g.pending.iter().position(|p| p.id == id)?;
        Some(g.pending.remove(at))
    }

    /// The waiting request an answer names: `#N`, `#` (the oldest), or a
    /// real request id; taken off the list. `Ok(None)` for an id that is
    /// not a waiting request (an answer to something else).
    pub fn resolve(&self, reference: &str) -> Result<Option<Pending>, String> {
        let Some(number) = reference.strip_prefix('#') else {
            return Ok(self.take(reference));
        };
        let mut g = self.lock();
        if g.pending.is_empty() {
            return Err(format!(
                "no permission request is waiting (answer {})",
                quote(reference)
            ));
        }
        let at = if number.trim().is_empty() {
            Some(0)
        } else {
            let n: u64 = number
                .trim()
                .parse()
                .map_err(|_| format!("{} is not a request number (#1, #2...)", quote(reference)))?;
            g.pending.iter().position(|p| p.n == n)
        };
        match at {
            Some(at) => Ok(Some(g.pending.remove(at))),
            None => {
                let waiting: Vec<String> = g.pending.iter().map(|p| format!("#{}", p.n)).collect();
                Err(format!(
                    "no permission request {reference} is waiting (waiting: {})",
                    waiting.join(", ")
                ))
            }
        }
    }

    /// Prompts whose `--ask-timeout` has passed, taken off the list.
    pub fn expired(&self, now: Instant) -> Vec<Pending> {
        let mut g = self.lock();
        let (gone, kept) = std::mem::take(&mut g.pending)
            .into_iter()
            .partition(|p| p.deadline.is_some_and(|d| d <= now));
        g.pending = kept;
        gone
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.lock().pending.iter().filter_map(|p| p.deadline).min()
    }

    /// The input ended: no answer can come from it any more.
    pub fn end_input(&self) {
        self.lock().input_ended = true;
    }

    pub fn input_ended(&self) -> bool {
        self.lock().input_ended
    }

    /// Requests still waiting (taken off the list): nobody can answer them
    /// once the input has ended.
    pub fn drain(&self) -> Vec<Pending> {
        std::mem::take(&mut self.lock().pending)
    }

    /// True when claude's stdin may close: see the module docs.
    pub fn may_close(&self) -> bool {
        let g = self.lock();
        if !g.input_ended || !g.pending.is_empty() {
            return false;
        }
        match g.announces {
            Some(true) => g.idle_at == Some(g.sent),
            Some(false) => true,
            None => g.sent == 0,
        }
    }
}

/// A permission answer: `{"behavior":"allow"}` with the tool's input as
/// `updatedInput` (2.1.197 requires it; later versions take it as is).
pub fn allow(id: &str, input: &str) -> Vec<u8> {
    answer(
        id,
        &format!(r#"{{"behavior":"allow","updatedInput":{input}}}"#),
    )
}

/// A permission answer that denies with `message`.
pub fn deny(id: &str, message: &str) -> Vec<u8> {
    let message = serde_json::to_string(message).unwrap_or_default();
    answer(id, &format!(r#"{{"behavior":"deny","message":{message}}}"#))
}

/// A success `control_response` for `id` carrying `payload` (JSON text).
pub fn answer(id: &str, payload: &str) -> Vec<u8> {
    let id = serde_json::to_string(id).unwrap_or_default();
    format!(
        r#"{{"type":"control_response","response":{{"subtype":"success","request_id":{id},"response":{payload}}}}}"#
    )
    .into_bytes()
}

/// An error `control_response` for `id`.
pub fn refuse(id: &str, error: &str) -> Vec<u8> {
    let id = serde_json::to_string(id).unwrap_or_default();
    let error = serde_json::to_string(error).unwrap_or_default();
    format!(
        r#"{{"type":"control_response","response":{{"subtype":"error","request_id":{id},"error":{error}}}}}"#
    )
    .into_bytes()
}

/// An answer line from stdin that `resolve` must see: a success
/// `control_response`, its request id and its payload (JSON text).
pub fn permission_answer(line: &[u8]) -> Option<(String, Option<String>)> {
    let mut reader = Reader::default();
    let doc = reader.read(line).ok()?;
    let top = doc.object().ok()?;
    if !top.get("type")?.is_str("control_response") {
        return None;
    }
    let response = top.object("response")?;
    let id = response.str("request_id")?.into_owned();
    let payload = response.object("response").map(|p| p.raw().to_owned());
    Some((id, payload))
}

/// `payload` for request `p`: an allow without `updatedInput` gets the
/// tool's input (so 2.1.197 takes it too).
pub fn complete(p: &Pending, payload: &str) -> String {
    let mut reader = Reader::default();
    let Ok(doc) = reader.read(payload.as_bytes()) else {
        return payload.to_owned();
    };
    let Ok(obj) = doc.object() else {
        return payload.to_owned();
    };
    let allow = obj.get("behavior").is_some_and(|b| b.is_str("allow"));
    if !allow || obj.get("updatedInput").is_some() {
        return payload.to_owned();
    }
    let rest = payload
        .trim_start()
        .strip_prefix('{')
        .unwrap_or("}")
        .trim_start();
    let sep = if rest.starts_with('}') { "" } else { "," };
    format!(r#"{{"updatedInput":{}{sep}{rest}"#, p.input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_resolve_to_the_waiting_requests() {
        let c = Channel::default();
        assert_eq!(c.register("a", "Bash", "{}"), 1);
        assert_eq!(c.register("b", "Write", "{}"), 2);
        assert_eq!(c.resolve("#2").unwrap().unwrap().id, "b");
        assert!(c.resolve("#2").unwrap_err().contains("waiting: #1"));
        assert_eq!(c.resolve("#").unwrap().unwrap().id, "a");
        assert!(c.resolve("#").is_err());
        assert!(c.resolve("other").unwrap().is_none());
    }

    #[test]
    fn stdin_closes_only_when_idle_and_nothing_waits() {
        let c = Channel::default();
        c.user_sent();
        c.end_input();
        assert!(!c.may_close(), "unknown whether the child announces states");
        c.first_event(true);
        c.state(State::Running);
        assert!(!c.may_close());
        c.register("r", "Bash", "{}");
        c.state(State::Idle);
        assert!(!c.may_close(), "a request waits");
        c.take("r");
        assert!(c.may_close());
        let quiet = Channel::default();
        quiet.user_sent();
        quiet.first_event(false);
        quiet.end_input();
        assert!(quiet.may_close(), "a child without states: as before");
    }

    #[test]
    fn a_turn_is_worked_on_until_idle_or_a_result() {
        let c = Channel::default();
        assert!(!c.working(), "nothing sent yet");
        c.user_sent();
        assert!(c.working());
        c.first_event(true);
        c.state(State::RequiresAction);
        assert!(!c.working(), "the CLI waits for its host");
        c.state(State::Running);
        assert!(c.working());
        c.state(State::Idle);
        assert!(!c.working());
        let quiet = Channel::default();
        quiet.first_event(false);
        quiet.user_sent();
        assert!(quiet.working());
        quiet.result_seen();
        assert!(!quiet.working());
    }

    #[test]
    fn an_allow_gets_the_input() {
        let p = Pending {
            n: 1,
            id: "r".into(),
            tool: "Bash".into(),
            input: r#"{"command":"ls"}"#.into(),
            deadline: None,
        };
        assert_eq!(
            complete(&p, r#"{"behavior":"allow"}"#),
            r#"{"updatedInput":{"command":"ls"},"behavior":"allow"}"#
        );
        assert_eq!(
            complete(&p, r#"{"behavior":"deny","message":"no"}"#),
            r#"{"behavior":"deny","message":"no"}"#
        );
        let line = deny("r", "no \"way\"");
        assert!(crate::protocol::validate::check_input_line(&line).is_ok());
        assert!(crate::protocol::validate::check_input_line(&allow("r", "{}")).is_ok());
    }
}
