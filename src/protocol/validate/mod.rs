//! Validation of stream-json lines in both directions, on the protocol
//! table ([`crate::protocol::table`], generated from the agent SDK).
//!
//! Promises: a line is read by the one reader ([`crate::json`]), so a line
//! that is not JSON gets the same words here as in every stage;
//! [`check_input_line`] accepts the input kinds and control subtypes the
//! CLI reads on stdin and refuses, naming the field, what it would refuse;
//! [`check_output`] requires every field the table requires, of the JSON
//! type it gives, and lets unknown types and subtypes through as
//! [`Verdict::Unknown`], because the protocol grows every release. Errors
//! name the message kind and the field path: `result: duration_ms is a
//! string, expected a number`.

mod fields;
mod input;
mod output;

use crate::json::{Doc, Reader};
use fields::Fields;

/// What [`check_output`] thinks of a well-formed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A kind the table knows, with its fields checked.
    Known,
    /// A well-formed object whose type or subtype the table does not know,
    /// e.g. `unknown type "foo"`; it should be passed on.
    Unknown(String),
}

/// Checks lines one after another, reusing the reader's scratch space.
#[derive(Default)]
pub struct Checker {
    reader: Reader,
}

impl Checker {
    /// Checks one line meant for the CLI's stdin (without its `\n`).
    pub fn input(&mut self, line: &[u8]) -> Result<(), String> {
        let doc = self.reader.read(line).map_err(|e| e.to_string())?;
        check_input(&doc)
    }

    /// Checks one line the CLI wrote (without its `\n`).
    pub fn output(&mut self, line: &[u8]) -> Result<Verdict, String> {
        let doc = self.reader.read(line).map_err(|e| e.to_string())?;
        check_event(&doc)
    }
}

/// Checks one line meant for the CLI's stdin (without its `\n`).
pub fn check_input_line(line: &[u8]) -> Result<(), String> {
    Checker::default().input(line)
}

/// Checks one input message already read.
pub fn check_input(doc: &Doc<'_>) -> Result<(), String> {
    let top = doc.object().map_err(|e| e.to_string())?;
    input::check(Fields::top(top))
}

/// Checks one line the CLI wrote (without its `\n`).
pub fn check_output(line: &[u8]) -> Result<Verdict, String> {
    Checker::default().output(line)
}

/// Checks one event already read.
pub fn check_event(doc: &Doc<'_>) -> Result<Verdict, String> {
    let top = doc.object().map_err(|e| e.to_string())?;
    output::check(Fields::top(top))
}

#[cfg(test)]
mod tests;
