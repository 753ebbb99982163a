//! cc-replay: (in progress).

use clap::Parser;

use crate::error::{Error, Result};

/// cc-replay (in progress).
#[derive(Debug, Parser)]
#[command(name = "cc-replay", version)]
pub struct Cli {}

pub fn run(_cli: Cli) -> Result<i32> {
    Err(Error::usage("not implemented yet"))
}
