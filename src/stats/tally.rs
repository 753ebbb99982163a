//! Every session seen so far, in order of first appearance, looked up by
//! `session_id` without allocating for a session already known.

use std::collections::HashMap;

use super::session::Session;

#[derive(Debug, Default)]
pub struct Tally {
    index: HashMap<String, usize>,
    sessions: Vec<Session>,
}

impl Tally {
    /// The session `id`, made on first sight.
    pub fn session(&mut self, id: &str) -> &mut Session {
        let n = match self.index.get(id) {
            Some(&n) => n,
            None => {
                self.sessions.push(Session::new(id.to_owned()));
                self.index.insert(id.to_owned(), self.sessions.len() - 1);
                self.sessions.len() - 1
            }
        };
        &mut self.sessions[n]
    }

    /// The sessions, in order of first appearance.
    pub fn into_sessions(self) -> Vec<Session> {
        self.sessions
    }
}
