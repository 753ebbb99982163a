//! The output side of every synchronous stage, and the loop that ties it to
//! the line reader.
//!
//! Output is block-buffered and flushed whenever the input has nothing more
//! ready (the reader's idle hook), so one event reaches the next stage as soon
//! as it exists while bulk input streams at full speed. A closed downstream
//! surfaces as `BrokenPipe` and is turned into a quiet exit by
//! [`crate::error::Error::io`].

use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};
use std::path::PathBuf;

use crate::error::Error;
use crate::lines::{self, LineError, LineReader, SourceName};

/// Buffered, locked stdout.
pub type Out = BufWriter<Stdout>;

/// Opens stdout for a stage that writes data (events, values, `-r` text):
/// exact to a pipe or a file; on a terminal, control and invisible
/// characters are made visible ([`crate::sanitize`]), so text from a
/// session cannot drive the terminal (`cc-filter -r .result` on a result
/// that holds `ESC]0;...BEL`).
pub fn stdout() -> Out {
    let lock = io::stdout().lock();
    let held = lock.is_terminal().then(Vec::new);
    BufWriter::with_capacity(64 * 1024, Stdout { lock, held })
}

/// Opens stdout for a view for people (cc-fmt, cc-stats): written as is,
/// as such a view makes its text safe itself and adds its own colours.
pub fn screen() -> Out {
    BufWriter::with_capacity(
        64 * 1024,
        Stdout {
            lock: io::stdout().lock(),
            held: None,
        },
    )
}

/// Locked stdout, made safe when it is a terminal.
pub struct Stdout {
    lock: StdoutLock<'static>,
    /// On a terminal: bytes written and not yet shown (an incomplete UTF-8
    /// sequence, or a run of joiners the next bytes may complete).
    held: Option<Vec<u8>>,
}

impl Stdout {
    /// Shows what is held: all of it, or (`all` false) what the next bytes
    /// cannot change.
    fn show(&mut self, all: bool) -> io::Result<()> {
        let Some(held) = self.held.as_mut() else {
            return Ok(());
        };
        let clean = |s: &[u8]| {
            let text = std::str::from_utf8(s).unwrap_or_default();
            crate::sanitize::clean(text).into_owned()
        };
        let settled = |s: &[u8]| {
            let text = std::str::from_utf8(s).unwrap_or_default();
            if all {
                s.len()
            } else {
                crate::sanitize::settled_len(text)
            }
        };
        let mut shown = 0;
        loop {
            let rest = &held[shown..];
            let (valid, bad) = match std::str::from_utf8(rest) {
                Ok(_) => (rest.len(), None),
                Err(e) => (e.valid_up_to(), Some(e.error_len())),
            };
            match bad {
                // Invalid bytes: shown as U+FFFD, and on.
                Some(Some(n)) => {
                    self.lock.write_all(clean(&rest[..valid]).as_bytes())?;
                    self.lock.write_all("\u{fffd}".as_bytes())?;
                    shown += valid + n;
                }
                // A sequence cut short at the end of what is held.
                Some(None) if all => {
                    self.lock.write_all(clean(&rest[..valid]).as_bytes())?;
                    self.lock.write_all("\u{fffd}".as_bytes())?;
                    shown = held.len();
                    break;
                }
                Some(None) | None => {
                    let cut = settled(&rest[..valid]);
                    self.lock.write_all(clean(&rest[..cut]).as_bytes())?;
                    shown += cut;
                    break;
                }
            }
        }
        held.drain(..shown);
        Ok(())
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.held.as_mut() {
            None => self.lock.write(buf),
            Some(held) => {
                held.extend_from_slice(buf);
                self.show(false)?;
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.show(true)?;
        self.lock.flush()
    }
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
