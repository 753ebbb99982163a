//! `command_lifecycle` (2.1.332: queued, started, completed, cancelled,
//! discarded or refused, for each input message that carries a `uuid`),
//! folded: never a line per state.
//!
//! Promises: a message that will not run shows as one red line naming it
//! by its first words when it was replayed (`✗ message cancelled: fix the
//! test`), else by its uuid; a message queued while a turn ran and started
//! without a replay of it shows `· queued message started`; every other
//! state shows nothing, the replayed message itself (`❯ …`) being the sign
//! that it started.

use std::io::{self, Write};

use super::Pretty;
use crate::fmt::event::{Event, members, string};
use crate::fmt::sink::Sink;
use crate::fmt::theme::Role;

impl Pretty {
    pub(super) fn lifecycle<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<()> {
        members!(ev, "command_uuid" => uuid, "state" => state);
        let uuid = string(uuid).unwrap_or_default();
        let l = self.lanes.get(lane);
        match string(state).as_deref().unwrap_or("") {
            state @ ("cancelled" | "discarded" | "refused") => {
                l.queued.remove(&uuid);
                let what = match l.messages.remove(&uuid) {
                    Some(words) => format!(": {words}"),
                    None => format!(" ({})", uuid.chars().take(8).collect::<String>()),
                };
                o.end_line()?;
                o.set_indent(2);
                o.inline(Role::Error, &format!("✗ message {state}{what}"))?;
                o.end_line()?;
                o.set_indent(0);
                Ok(())
            }
            "queued" if l.open => {
                l.queued.insert(&uuid, ());
                Ok(())
            }
            "started" => {
                let waited = l.queued.remove(&uuid).is_some();
                if waited && l.messages.get(&uuid).is_none() {
                    o.end_line()?;
                    o.label(Role::Dim, "· queued message started")?;
                    o.end_line()?;
                }
                Ok(())
            }
            "completed" => {
                l.messages.remove(&uuid);
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
