//! cc-filter: (in progress).

/// jq's exit statuses.
pub mod exit {}

use clap::Parser;

use crate::error::{Error, Result};

/// cc-filter (in progress).
#[derive(Debug, Parser)]
#[command(name = "cc-filter", version)]
pub struct Cli {}

pub fn run(_cli: Cli) -> Result<i32> {
    Err(Error::usage("not implemented yet"))
}
