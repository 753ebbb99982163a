//! cc-run: (in progress).

use clap::Parser;

use crate::error::{Error, Result};

/// cc-run (in progress).
#[derive(Debug, Parser)]
#[command(name = "cc-run", version)]
pub struct Cli {}

pub fn run(_cli: Cli) -> Result<i32> {
    Err(Error::usage("not implemented yet"))
}
