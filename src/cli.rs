//! Command-line pieces shared by the stages, and the list of every binary's
//! clap command (for completions and the `debug_assert` test).

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use crate::lines::{DEFAULT_MAX_LINE, parse_size};
use crate::protocol::{MessageOptions, Priority};

/// Inputs of a line-oriented stage: files (stdin when none, or `-`) and the line cap.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files to read in order; none, or `-`, means stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_line: usize,
}

impl Default for InputArgs {
    fn default() -> Self {
        InputArgs {
            files: vec![],
            max_line: DEFAULT_MAX_LINE,
        }
    }
}

/// How cc-prompt and cc-steer make user messages.
#[derive(Debug, Clone, Args)]
pub struct MessageArgs {
    /// When the CLI takes up a message that arrives while it is busy
    /// (default: none given, which the CLI takes as `next`).
    #[arg(long, value_enum, value_name = "WHEN")]
    pub priority: Option<Priority>,

    /// Do not stamp a fresh `uuid` on each user message. With one, the CLI
    /// reports the message's fate (`command_lifecycle`: queued, started,
    /// completed or cancelled), lists it in interrupt receipts, and it can
    /// be withdrawn; cc-fmt folds those events away.
    #[arg(long)]
    pub no_uuid: bool,
}

impl MessageArgs {
    pub fn options(&self) -> MessageOptions {
        MessageOptions {
            priority: self.priority,
            uuid: !self.no_uuid,
        }
    }
}

/// Every binary's name and clap command, in pipeline order.
pub fn commands() -> Vec<(&'static str, clap::Command)> {
    vec![
        ("cc-prompt", crate::prompt::Cli::command()),
        ("cc-steer", crate::steer::Cli::command()),
        ("cc-run", crate::run::Cli::command()),
        ("cc-check", crate::check::Cli::command()),
        ("cc-filter", crate::filter::Cli::command()),
        ("cc-fmt", crate::fmt::Cli::command()),
        ("cc-replay", crate::replay::Cli::command()),
        ("cc-stats", crate::stats::Cli::command()),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_command_is_well_formed() {
        for (name, cmd) in super::commands() {
            assert_eq!(cmd.get_name(), name);
            cmd.debug_assert();
        }
    }
}
