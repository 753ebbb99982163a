//! The prompt before the answer, on every CLI: 2.1.197 with partial
//! messages writes the replayed user message after the stream of the first
//! answer block; 2.1.332 writes it first.
//!
//! Promises: from a turn's `system/init` until its prompt is replayed, the
//! main agent's stream events are held back (at most [`MAX_HELD`] bytes)
//! and shown right after the prompt; anything else that shows the turn
//! (an assistant or user line, the result, a control message) lets them go
//! first, so nothing is reordered but the prompt. A session whose first
//! turn ends without a replay (the CLI runs without
//! `--replay-user-messages`) is never held again. On 2.1.197 with replays
//! this means the first block of each answer appears when it is complete
//! rather than word by word: the price of the right order.

use std::io::{self, Write};

use super::Pretty;
use crate::fmt::event::Event;
use crate::fmt::sink::Sink;

/// The most stream-event bytes held back for one turn.
const MAX_HELD: usize = 1 << 20;

impl Pretty {
    /// Holds `ev` back, or shows it with what it lets go; true when done.
    pub(super) fn hold<W: Write>(
        &mut self,
        lane: usize,
        ev: &Event<'_>,
        o: &mut Sink<'_, W>,
    ) -> io::Result<bool> {
        let Some(held) = self.lanes.get(lane).held.as_mut() else {
            return Ok(false);
        };
        if ev.parent().is_some() {
            return Ok(false);
        }
        match ev.kind() {
            "stream_event" => {
                let raw = ev.raw().as_bytes();
                if held.len() + raw.len() < MAX_HELD {
                    held.extend_from_slice(raw);
                    held.push(b'\n');
                    return Ok(true);
                }
                self.release(lane, o)?;
                Ok(false)
            }
            "user" if ev.is_replay() => {
                // The prompt, then what came before it.
                let held = self.lanes.get(lane).held.take();
                self.show(lane, ev, o)?;
                self.lanes.get(lane).held = held;
                self.release(lane, o)?;
                Ok(true)
            }
            "assistant" | "user" | "result" | "control_request" | "control_response" => {
                self.release(lane, o)?;
                Ok(false)
            }
            "system" if ev.subtype() == "init" => {
                self.release(lane, o)?;
                Ok(false)
            }
            _ => Ok(false),
        }
    }

    /// Shows the events lane `lane` held back, in order.
    pub(super) fn release<W: Write>(&mut self, lane: usize, o: &mut Sink<'_, W>) -> io::Result<()> {
        let Some(held) = self.lanes.get(lane).held.take() else {
            return Ok(());
        };
        let mut reader = std::mem::take(&mut self.reader);
        for line in held.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            if let Ok(obj) = reader.read(line).and_then(|d| d.object()) {
                self.show(lane, &Event::new(obj), o)?;
            }
        }
        self.reader = reader;
        Ok(())
    }
}
