//! What cc-stats keeps of one session while the events stream past.
//!
//! Promises: memory per session is fixed except for one pair of numbers per
//! result (the durations the percentiles need), one entry per distinct tool
//! name and denied tool call, and at most [`MAX_ERRORS`] error reasons; it
//! never grows with the number of assistant, stream or user events.

use std::collections::{BTreeMap, HashSet, VecDeque};

/// Error reasons kept per session; further error results are only counted.
pub const MAX_ERRORS: usize = 20;

/// Message ids remembered per session for counting usage once per message.
/// The copies of one message arrive together (only parallel subagents can
/// interleave theirs), so a short memory is enough.
const RECENT_MESSAGES: usize = 16;

/// Token counts, by the four kinds the API reports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_creation: u64,
}

impl std::ops::AddAssign for Tokens {
    /// Saturating: counts come from the input, which may say anything.
    fn add_assign(&mut self, o: Tokens) {
        self.input = self.input.saturating_add(o.input);
        self.output = self.output.saturating_add(o.output);
        self.cache_read = self.cache_read.saturating_add(o.cache_read);
        self.cache_creation = self.cache_creation.saturating_add(o.cache_creation);
    }
}

/// How a session ended, as far as the input shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Its last turn ended in a result with `is_error` false.
    Ok,
    /// Its last turn ended in a result with `is_error` true.
    Error,
    /// No result at all, or a turn began after the last result and got none.
    Incomplete,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Incomplete => "incomplete",
        }
    }
}

/// One error result and why it failed (texts as read, not yet sanitised).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ErrorResult {
    pub subtype: String,
    pub api_error_status: Option<u64>,
    pub terminal_reason: Option<String>,
    pub reason: String,
}

/// One session's running tally.
#[derive(Debug, Default)]
pub struct Session {
    pub id: String,
    /// Result events by subtype.
    pub results: BTreeMap<String, u64>,
    pub error_results: u64,
    /// `num_turns` summed over results (each counts its own turn's round trips).
    pub turns: u64,
    /// The last `total_cost_usd` (a running total).
    pub cost: Option<f64>,
    /// `duration_ms` of each result.
    pub wall_ms: Vec<u64>,
    /// API time of each result: the growth of the running `duration_api_ms`.
    pub api_ms: Vec<u64>,
    api_running: u64,
    /// Tokens of every call up to the last result (its `modelUsage`).
    pub settled: Tokens,
    /// Assistant usage since the last result, once per message id.
    pub pending: Tokens,
    recent: VecDeque<String>,
    /// Tool calls by tool name.
    pub tools: BTreeMap<String, u64>,
    /// Permission denials by tool name, each denial once.
    pub denied: BTreeMap<String, u64>,
    denied_ids: HashSet<String>,
    pub retries: u64,
    pub errors: Vec<ErrorResult>,
    has_result: bool,
    last_error: bool,
    /// A turn began (init, assistant, retry) after the last result.
    open: bool,
}

impl Session {
    pub fn new(id: String) -> Self {
        Session {
            id,
            ..Session::default()
        }
    }

    pub fn status(&self) -> Status {
        if !self.has_result || self.open {
            Status::Incomplete
        } else if self.last_error {
            Status::Error
        } else {
            Status::Ok
        }
    }

    /// Tokens counted for the session: up to its last result, and since.
    pub fn tokens(&self) -> Tokens {
        let mut t = self.settled;
        t += self.pending;
        t
    }

    /// A turn is running: init, an assistant message or an API retry.
    pub fn activity(&mut self) {
        self.open = true;
    }

    /// An assistant message's usage, counted only for the first copy of
    /// `message_id` (`None`: no id, counted every time).
    pub fn assistant_usage(&mut self, message_id: Option<&str>, usage: Tokens) {
        self.open = true;
        if let Some(id) = message_id {
            if self.recent.iter().any(|seen| seen == id) {
                return;
            }
            if self.recent.len() == RECENT_MESSAGES {
                self.recent.pop_front();
            }
            self.recent.push_back(id.to_owned());
        }
        self.pending += usage;
    }

    pub fn tool_call(&mut self, name: &str) {
        bump(&mut self.tools, name);
    }

    /// A permission denial, counted once per `tool_use_id` (from the live
    /// `system/permission_denied` event and the result's list alike).
    pub fn denial(&mut self, tool: &str, tool_use_id: Option<&str>) {
        if let Some(id) = tool_use_id
            && !self.denied_ids.insert(id.to_owned())
        {
            return;
        }
        bump(&mut self.denied, tool);
    }

    pub fn retry(&mut self) {
        self.retries += 1;
        self.open = true;
    }

    /// A result: what it says, already read off the event.
    pub fn result(&mut self, r: ResultFields) {
        bump(&mut self.results, &r.subtype);
        self.turns = self.turns.saturating_add(r.num_turns);
        if let Some(cost) = r.cost {
            self.cost = Some(cost);
        }
        if let Some(ms) = r.duration_ms {
            self.wall_ms.push(ms);
        }
        if let Some(total) = r.api_running_ms {
            // A running total; a smaller one means a new process took over
            // the session (resumed without its saved total), so it counts whole.
            let grew = total.checked_sub(self.api_running).unwrap_or(total);
            self.api_ms.push(grew);
            self.api_running = total;
        }
        match r.tokens {
            TokensFrom::ModelUsage(t) => self.settled = t,
            TokensFrom::TurnUsage(t) => self.settled += t,
            TokensFrom::None => self.settled += self.pending,
        }
        self.pending = Tokens::default();
        self.has_result = true;
        self.last_error = r.is_error;
        self.open = false;
        if let Some(err) = r.error {
            self.error_results += 1;
            if self.errors.len() < MAX_ERRORS {
                self.errors.push(err);
            }
        }
    }
}

/// Where a result's token counts come from.
#[derive(Debug, Clone, Copy)]
pub enum TokensFrom {
    /// `modelUsage`, summed over models: every call so far (a running total).
    ModelUsage(Tokens),
    /// `usage` without `modelUsage` (older CLIs): this turn's main loop.
    TurnUsage(Tokens),
    /// Neither: keep what the assistant messages showed.
    None,
}

/// The fields of a result event that the tally uses.
#[derive(Debug)]
pub struct ResultFields {
    pub subtype: String,
    pub is_error: bool,
    pub num_turns: u64,
    pub cost: Option<f64>,
    pub duration_ms: Option<u64>,
    pub api_running_ms: Option<u64>,
    pub tokens: TokensFrom,
    /// Present when `is_error` is true.
    pub error: Option<ErrorResult>,
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(is_error: bool, cost: f64, api: u64) -> ResultFields {
        ResultFields {
            subtype: "success".into(),
            is_error,
            num_turns: 2,
            cost: Some(cost),
            duration_ms: Some(10),
            api_running_ms: Some(api),
            tokens: TokensFrom::None,
            error: None,
        }
    }

    #[test]
    fn cost_is_the_last_running_total_and_api_time_its_growth() {
        let mut s = Session::new("s".into());
        s.result(result(false, 0.5, 40));
        s.result(result(false, 0.75, 55));
        s.result(result(false, 0.1, 7));
        assert_eq!(s.cost, Some(0.1));
        assert_eq!(s.api_ms, [40, 15, 7]);
        assert_eq!(s.turns, 6);
    }

    #[test]
    fn usage_counts_once_per_message_id_until_a_result_settles_it() {
        let mut s = Session::new("s".into());
        let u = Tokens {
            input: 12,
            output: 1,
            ..Tokens::default()
        };
        for id in ["m1", "m1", "m1", "m2"] {
            s.assistant_usage(Some(id), u);
        }
        assert_eq!(s.tokens().input, 24);
        assert_eq!(s.status(), Status::Incomplete);
        let mut r = result(false, 0.0, 0);
        r.tokens = TokensFrom::ModelUsage(Tokens {
            input: 24,
            output: 34,
            ..Tokens::default()
        });
        s.result(r);
        assert_eq!(s.tokens().output, 34);
        assert_eq!(s.status(), Status::Ok);
    }

    #[test]
    fn a_denial_counts_once_per_tool_use_id() {
        let mut s = Session::new("s".into());
        s.denial("Bash", Some("t1"));
        s.denial("Bash", Some("t1"));
        s.denial("Bash", None);
        assert_eq!(s.denied.get("Bash"), Some(&2));
    }

    #[test]
    fn a_turn_after_the_last_result_leaves_the_session_incomplete() {
        let mut s = Session::new("s".into());
        s.result(result(true, 0.0, 0));
        assert_eq!(s.status(), Status::Error);
        s.activity();
        assert_eq!(s.status(), Status::Incomplete);
    }
}
