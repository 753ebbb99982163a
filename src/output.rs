//! The output side of every synchronous stage, and the loop that ties it to
//! the line reader.
//!
//! Output is block-buffered and flushed whenever the input has nothing more
//! ready (the reader's idle hook), so one event reaches the next stage as soon
//! as it exists while bulk input streams at full speed. A closed downstream
//! surfaces as `BrokenPipe` and is turned into a quiet exit by
//! [`crate::error::Error::io`].

use std::io::{self, BufWriter, StdoutLock, Write};
use std::path::PathBuf;

use crate::error::Error;
use crate::lines::{self, LineError, LineReader, SourceName};

/// Buffered, locked stdout.
pub type Out = BufWriter<StdoutLock<'static>>;

/// Opens stdout for a stage.
pub fn stdout() -> Out {
    BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// Where a line came from, for error messages: `source:line`.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub source: &'a SourceName,
    pub line: u64,
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.source, self.line)
    }
}

/// What a stage's line handler wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Stop reading all inputs (the stage is done).
    Stop,
}

/// One item from the input: a line, or a line too long to hold.
pub enum Item<'a> {
    Line(&'a [u8]),
    TooLong(LineError),
}

/// Reads every input in `files` (stdin when empty) line by line and hands
/// each line to `handle`, flushing `out` whenever input would block.
pub fn each_line<W: Write>(
    files: &[PathBuf],
    max_line: usize,
    out: &mut W,
    mut handle: impl FnMut(At<'_>, Item<'_>, &mut W) -> Result<Flow, Error>,
) -> Result<(), Error> {
    for source in lines::sources(files) {
        let source = source?;
        let mut reader = LineReader::with_max(source.reader, max_line);
        loop {
            let item = reader.next_line(&mut || out.flush());
            let (line, item) = match item {
                Ok(Some((n, bytes))) => (n, Item::Line(bytes)),
                Ok(None) => break,
                Err(LineError::Io(err)) => return Err(read_error(&source.name, err)),
                Err(err @ LineError::TooLong { line, .. }) => (line, Item::TooLong(err)),
            };
            let at = At {
                source: &source.name,
                line,
            };
            if handle(at, item, out)? == Flow::Stop {
                out.flush()?;
                return Ok(());
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Maps an I/O error while reading: a broken pipe on the flush is quiet,
/// anything else names the source.
fn read_error(source: &SourceName, err: io::Error) -> Error {
    if err.kind() == io::ErrorKind::BrokenPipe {
        return Error::io("", err);
    }
    Error::usage(format!("{source}: {err}"))
}
