//! Sessions as lanes: what the pretty style remembers about each session
//! (by `session_id`) in the input, and which lane an event belongs to.
//!
//! Promises: with one session there are no labels, so the output is what it
//! was before lanes existed; from the second session on, every line carries
//! its lane's label `[n] ` (lanes numbered in the order sessions appear,
//! coloured per lane on a terminal). Events without a `session_id`
//! (control requests and responses, keep_alive) belong to the lane of the
//! last event that had one: in a merged stream they sit right after their
//! session's events, as the CLI writes them.

use crate::fmt::recent::Recent;
use crate::fmt::stream::Streamed;
use crate::fmt::theme::Role;

/// The header fields shown once per session.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Header {
    pub model: Option<String>,
    pub cwd: Option<String>,
    pub mode: Option<String>,
}

/// A tool call, remembered until its result is shown.
#[derive(Debug, Clone)]
pub struct Call {
    pub name: String,
    pub detail: String,
    /// The agent type a Task/Agent call starts (`input.subagent_type`).
    pub agent: Option<String>,
}

/// A permission request shown with its number.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub number: u64,
    /// `Bash(touch x)`.
    pub call: String,
    pub tool_use_id: String,
}

/// One session's lane.
#[derive(Debug, Default)]
pub struct Lane {
    /// The session id ("" until one is seen).
    pub session: String,
    pub number: usize,
    /// The header shown, once the session's first `system/init` came.
    pub header: Option<Header>,
    /// A turn started (init) and has not ended with a result.
    pub open: bool,
    /// Streamed blocks of the main agent, and of each subagent by the
    /// Task call it runs under.
    pub stream: Streamed,
    pub sub_streams: Recent<Streamed>,
    pub calls: Recent<Call>,
    /// The tool call whose line was printed last, and the sink's line
    /// count just after it: its result needs no restated call line.
    pub last_call: Option<(String, u64)>,
    /// The Task call whose subagent printed last (None: the main agent).
    pub context: Option<String>,
    /// Permission requests by request id, numbered from 1 per lane.
    pub prompts: Recent<Prompt>,
    pub prompts_seen: u64,
    /// Denials shown, by tool_use_id, so an echo and a
    /// `system/permission_denied` for one tool call print once.
    pub denied: Recent<()>,
    /// Control requests seen in the stream: subtype and a detail.
    pub requests: Recent<(String, String)>,
    /// Input messages by uuid: their first words, once replayed.
    pub messages: Recent<String>,
    /// Input messages queued while a turn was running.
    pub queued: Recent<()>,
    /// Whether this session's CLI replays user messages: unknown until a
    /// replay comes or a turn ends without one.
    pub replays: Option<bool>,
    /// Stream events held back until the turn's prompt is shown.
    pub held: Option<Vec<u8>>,
    /// The permission mode last shown (header, answer or status).
    pub mode: Option<String>,
    /// The indent in force when another lane took over.
    pub indent: usize,
    /// With several lanes: streamed text not yet shown because its line
    /// has not ended, with its role and the label owed before it.
    pub partial: Option<Partial>,
}

/// Streamed text of one lane waiting for the end of its line.
#[derive(Debug)]
pub struct Partial {
    pub role: Role,
    pub label: Option<&'static str>,
    pub text: String,
}

/// Every lane, and the one the last event went to.
#[derive(Debug, Default)]
pub struct Lanes {
    lanes: Vec<Lane>,
    current: usize,
}

/// Where an event goes.
pub struct Route {
    pub lane: usize,
    /// The lane was made for this event.
    pub new: bool,
}

impl Lanes {
    /// The lane of an event with `session` (`None` or empty: the current one).
    pub fn route(&mut self, session: Option<&str>) -> Route {
        let session = session.filter(|s| !s.is_empty());
        if self.lanes.is_empty() {
            self.lanes.push(Lane {
                session: session.unwrap_or("").to_owned(),
                number: 1,
                ..Lane::default()
            });
            return Route { lane: 0, new: true };
        }
        let Some(id) = session else {
            return Route {
                lane: self.current,
                new: false,
            };
        };
        if self.lanes[self.current].session == id {
            return Route {
                lane: self.current,
                new: false,
            };
        }
        if let Some(i) = self.lanes.iter().position(|l| l.session == id) {
            self.current = i;
            return Route {
                lane: i,
                new: false,
            };
        }
        // A lane that saw no session id yet is this session's.
        if let Some(i) = self.lanes.iter().position(|l| l.session.is_empty()) {
            self.lanes[i].session = id.to_owned();
            self.current = i;
            return Route {
                lane: i,
                new: false,
            };
        }
        self.lanes.push(Lane {
            session: id.to_owned(),
            number: self.lanes.len() + 1,
            ..Lane::default()
        });
        self.current = self.lanes.len() - 1;
        Route {
            lane: self.current,
            new: true,
        }
    }

    pub fn get(&mut self, i: usize) -> &mut Lane {
        &mut self.lanes[i]
    }

    pub fn all(&mut self) -> impl Iterator<Item = &mut Lane> {
        self.lanes.iter_mut()
    }

    /// More than one session: lines carry labels.
    pub fn multi(&self) -> bool {
        self.lanes.len() > 1
    }

    /// The margin of lane `i`'s lines.
    pub fn margin(&self, i: usize) -> Option<(Role, String)> {
        self.multi().then(|| label(self.lanes[i].number))
    }
}

/// `[n] ` in lane `n`'s colour.
pub fn label(number: usize) -> (Role, String) {
    (Role::Lane(number), format!("[{number}] "))
}
