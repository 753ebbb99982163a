//! Bytes-first line reading, shared by every stage.
//!
//! Promises: lines are split on `\n` bytes only (U+2028 inside a JSON string
//! is not a break); a trailing `\r` and a UTF-8 BOM at the start of a source
//! are dropped; blank lines are skipped; a last line without `\n` is still a
//! line. The buffer grows for long lines up to a configurable cap (lines of
//! hundreds of MB are normal in tool results) and shrinks back afterwards, so
//! memory is bounded by the longest line, not by the input: a line of 256 MiB
//! costs about 256 MiB, as the buffer's room beyond what has been read is
//! reserved, not touched.
//!
//! Before any `read` that may block, the reader calls an `idle` hook: stages
//! flush their output there, so bulk input streams in large writes while a
//! slow producer's events are passed on at once.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Default cap on one line: 1 GiB.
pub const DEFAULT_MAX_LINE: usize = 1 << 30;

const INITIAL_BUF: usize = 256 * 1024;
/// The least a full buffer grows by.
const GROW_MIN: usize = 256 * 1024;
/// The most of the buffer's reserved room made ready (zeroed) for one read:
/// room never read into is never touched, so it costs no memory.
const READ_AHEAD: usize = 256 * 1024;
/// A buffer grown past this for a long line is given back once drained;
/// below it, it is kept (regrowing it for every long line costs more).
const SHRINK_ABOVE: usize = 64 * 1024 * 1024;

/// Where lines come from, for messages: `stdin` or the file's path, made
/// terminal-safe and kept on one line (a file name may hold an escape
/// sequence or a newline), so every message that names it is safe.
#[derive(Debug, Clone)]
pub struct SourceName(String);

impl SourceName {
    pub fn stdin() -> Self {
        SourceName("stdin".into())
    }
    pub fn path(path: &Path) -> Self {
        Self::named(path.display().to_string())
    }
    pub fn named(name: impl Into<String>) -> Self {
        SourceName(crate::sanitize::one_line(&name.into()).into_owned())
    }
}

impl fmt::Display for SourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a line could not be read.
#[derive(Debug)]
pub enum LineError {
    /// The line is longer than the cap; the reader skips it and goes on.
    TooLong {
        line: u64,
        max: usize,
    },
    Io(io::Error),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::TooLong { max, .. } => write!(
                f,
                "line longer than {} bytes (raise it with --max-line)",
                max
            ),
            LineError::Io(err) => write!(f, "read error: {err}"),
        }
    }
}

/// Splits a byte stream into lines; see the module docs.
pub struct LineReader<R> {
    src: R,
    /// `buf.len()` bytes are initialised (read into, or zeroed for the next
    /// read); the rest of its capacity is room not yet touched.
    buf: Vec<u8>,
    /// Start of unconsumed data in `buf`.
    start: usize,
    /// End of valid data in `buf`.
    end: usize,
    /// Bytes in `start..scanned` are known to hold no `\n`.
    scanned: usize,
    line_no: u64,
    max: usize,
    eof: bool,
    at_start: bool,
    /// Skipping the rest of an over-long line.
    discarding: bool,
}

impl<R: Read> LineReader<R> {
    pub fn new(src: R) -> Self {
        Self::with_max(src, DEFAULT_MAX_LINE)
    }

    pub fn with_max(src: R, max: usize) -> Self {
        LineReader {
            src,
            buf: vec![0; INITIAL_BUF],
            start: 0,
            end: 0,
            scanned: 0,
            line_no: 0,
            max,
            eof: false,
            at_start: true,
            discarding: false,
        }
    }

    /// The number of the line most recently returned (1-based, blank lines counted).
    pub fn line_number(&self) -> u64 {
        self.line_no
    }

    /// True when the next call will return without reading: a whole line
    /// that is not blank (or one over the cap) is already buffered.
    pub fn has_buffered_line(&self) -> bool {
        let mut from = self.start;
        let mut discarding = self.discarding;
        let mut first = self.at_start;
        while let Some(i) = memchr::memchr(b'\n', &self.buf[from..self.end]) {
            let raw = &self.buf[from..from + i];
            from += i + 1;
            if std::mem::take(&mut discarding) {
                continue;
            }
            if content_len(raw) > self.max {
                return true;
            }
            let mut line = raw;
            if std::mem::take(&mut first) {
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
            if !is_blank(line) {
                return true;
            }
        }
        false
    }

    /// The next non-blank line without its terminator, and its line number.
    /// `idle` runs before every read from the source that may block.
    pub fn next_line(
        &mut self,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<(u64, &[u8])>, LineError> {
        loop {
            let next = self.next_raw(idle);
            if let Err(LineError::TooLong { .. }) = next {
                // A BOM can only start the first line, skipped or not.
                self.at_start = false;
            }
            let Some((from, to)) = next? else {
                return Ok(None);
            };
            let mut line = &self.buf[from..to];
            if self.at_start {
                self.at_start = false;
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
            if is_blank(line) {
                continue;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            // Re-borrow to tie the slice to `self` for the caller.
            let off = line.as_ptr() as usize - self.buf.as_ptr() as usize;
            let len = line.len();
            return Ok(Some((self.line_no, &self.buf[off..off + len])));
        }
    }

    /// Returns the byte range of the next line in `buf`, excluding `\n`.
    fn next_raw(
        &mut self,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<(usize, usize)>, LineError> {
        if self.start == self.end && self.buf.capacity() > SHRINK_ABOVE {
            self.buf = vec![0; INITIAL_BUF];
            self.start = 0;
            self.end = 0;
            self.scanned = 0;
        }
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.scanned..self.end]) {
                let nl = self.scanned + i;
                let from = self.start;
                self.start = nl + 1;
                self.scanned = self.start;
                if self.discarding {
                    self.discarding = false;
                    continue;
                }
                self.line_no += 1;
                if content_len(&self.buf[from..nl]) > self.max {
                    return Err(LineError::TooLong {
                        line: self.line_no,
                        max: self.max,
                    });
                }
                return Ok(Some((from, nl)));
            }
            self.scanned = self.end;
            if self.discarding {
                self.start = self.end;
                self.scanned = self.end;
            }
            if content_len(&self.buf[self.start..self.end]) > self.max {
                self.line_no += 1;
                self.discarding = true;
                self.start = self.end;
                self.scanned = self.end;
                return Err(LineError::TooLong {
                    line: self.line_no,
                    max: self.max,
                });
            }
            if self.eof {
                if self.start == self.end || self.discarding {
                    self.discarding = false;
                    self.start = self.end;
                    return Ok(None);
                }
                let from = self.start;
                self.start = self.end;
                self.scanned = self.end;
                self.line_no += 1;
                return Ok(Some((from, self.end)));
            }
            self.make_room();
            idle().map_err(LineError::Io)?;
            loop {
                match self.src.read(&mut self.buf[self.end..]) {
                    Ok(0) => self.eof = true,
                    Ok(n) => self.end += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(LineError::Io(e)),
                }
                break;
            }
        }
    }

    /// Ensures free space at the end of `buf`: compacts, then grows.
    fn make_room(&mut self) {
        let cap = self.buf.capacity();
        if self.start > 0 && (self.end == cap || self.start >= cap / 2) {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.scanned -= self.start;
            self.start = 0;
        }
        if self.end == cap {
            // Grow by an eighth (at least GROW_MIN), not by doubling: large
            // reallocations move pages (mremap) instead of copying them, and
            // the room is only reserved, so what becomes resident is what
            // has been read plus at most READ_AHEAD.
            let new_cap = (cap + (cap / 8).max(GROW_MIN))
                .min(self.max.saturating_add(2))
                .max(cap + 1);
            self.buf.reserve_exact(new_cap - self.buf.len());
        }
        if self.end == self.buf.len() {
            // Safe code reads only into initialised bytes: zero the next
            // stretch of room, not all of it.
            let ready = (self.buf.capacity() - self.end).min(READ_AHEAD);
            self.buf.resize(self.end + ready, 0);
        }
    }
}

/// A line of spaces, tabs and `\r` only (or none), which is skipped.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// The length `--max-line` counts: a line's bytes without a final `\r`,
/// which is part of a CRLF terminator, not of the line.
fn content_len(line: &[u8]) -> usize {
    line.len() - usize::from(line.ends_with(b"\r"))
}

/// One input of a stage: a file, or stdin for none or `-`.
pub struct Source {
    pub name: SourceName,
    pub reader: Box<dyn Read>,
}

/// Opens the inputs named on the command line, one at a time, in order.
pub fn sources(files: &[PathBuf]) -> impl Iterator<Item = Result<Source, Error>> + '_ {
    let stdin_only = [PathBuf::from("-")];
    let list: Vec<PathBuf> = if files.is_empty() {
        stdin_only.to_vec()
    } else {
        files.to_vec()
    };
    list.into_iter().map(|path| open(&path))
}

/// Opens one input; `-` is stdin. A file that cannot be opened is a usage error.
pub fn open(path: &Path) -> Result<Source, Error> {
    if path.as_os_str() == "-" {
        return Ok(Source {
            name: SourceName::stdin(),
            reader: Box::new(io::stdin()),
        });
    }
    let name = SourceName::path(path);
    let file = File::open(path).map_err(|e| Error::usage(format!("{name}: {e}")))?;
    Ok(Source {
        name,
        reader: Box::new(file),
    })
}

/// Parses a size such as `1048576`, `64K`, `256M` or `1G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (digits, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let mult: usize = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size suffix {c:?} (use K, M or G)")),
            };
            (&s[..i], mult)
        }
        _ => (s, 1),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a size (examples: 65536, 64K, 256M, 1G)"))?;
    n.checked_mul(mult)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{s:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], max: usize) -> Vec<Result<(u64, Vec<u8>), String>> {
        let mut r = LineReader::with_max(input, max);
        let mut out = vec![];
        loop {
            match r.next_line(&mut || Ok(())) {
                Ok(Some((n, l))) => out.push(Ok((n, l.to_vec()))),
                Ok(None) => break,
                Err(e) => out.push(Err(e.to_string())),
            }
        }
        out
    }

    fn lines(input: &[u8]) -> Vec<(u64, Vec<u8>)> {
        all(input, DEFAULT_MAX_LINE)
            .into_iter()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn splits_on_newline_only_and_keeps_u2028() {
        let got = lines("a\u{2028}b\nc\n".as_bytes());
        assert_eq!(got, vec![(1, "a\u{2028}b".into()), (2, b"c".to_vec())]);
    }

    #[test]
    fn strips_crlf_bom_and_skips_blank_lines() {
        let got = lines(b"\xEF\xBB\xBF{}\r\n\r\n  \n{\"a\":1}");
        assert_eq!(got, vec![(1, b"{}".to_vec()), (4, b"{\"a\":1}".to_vec())]);
    }

    #[test]
    fn long_lines_grow_the_buffer() {
        let long = vec![b'x'; 3 * INITIAL_BUF + 7];
        let mut input = long.clone();
        input.extend_from_slice(b"\nshort\n");
        let got = lines(&input);
        assert_eq!(got, vec![(1, long), (2, b"short".to_vec())]);
    }

    #[test]
    fn room_not_read_into_is_not_touched() {
        // A long line through small reads (as from a pipe): the buffer's
        // initialised part stays within READ_AHEAD of what was read.
        let long = vec![b'x'; 40 * GROW_MIN + 3];
        let input = [&long[..], b"\n"].concat();
        let pieces = input.chunks(64 * 1024).map(<[u8]>::to_vec).collect();
        let mut r = LineReader::new(Chunks(pieces));
        let (_, line) = r.next_line(&mut || Ok(())).unwrap().unwrap();
        assert_eq!(line, &long[..]);
        assert!(r.buf.capacity() > long.len());
        assert!(
            r.buf.len() <= r.end + READ_AHEAD,
            "{} {}",
            r.buf.len(),
            r.end
        );
    }

    #[test]
    fn over_long_line_is_reported_and_skipped() {
        let mut input = b"ok\n".to_vec();
        input.extend(vec![b'y'; 5000]);
        input.extend_from_slice(b"\nafter\n");
        let got = all(&input, 1000);
        assert_eq!(got[0], Ok((1, b"ok".to_vec())));
        assert!(
            got[1]
                .as_ref()
                .unwrap_err()
                .contains("longer than 1000 bytes")
        );
        assert_eq!(got[2], Ok((3, b"after".to_vec())));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn max_line_does_not_count_the_cr_of_crlf() {
        // Exactly max bytes, then \r\n: the \r is the terminator's.
        let got = all(b"abcd\r\nabcde\r\nxy\r\n", 4);
        assert_eq!(got[0], Ok((1, b"abcd".to_vec())));
        assert!(got[1].as_ref().unwrap_err().contains("longer than 4 bytes"));
        assert_eq!(got[2], Ok((3, b"xy".to_vec())));
        // The same when the \r\n arrives in a later read than the line.
        let slow = Chunks(vec![b"abcd\r".to_vec(), b"\nok\n".to_vec()]);
        let mut r = LineReader::with_max(slow, 4);
        assert_eq!(
            r.next_line(&mut || Ok(())).unwrap(),
            Some((1, &b"abcd"[..]))
        );
        assert_eq!(r.next_line(&mut || Ok(())).unwrap(), Some((2, &b"ok"[..])));
    }

    #[test]
    fn a_bom_is_dropped_only_at_the_start_of_the_source() {
        // Found by tests/fuzz.rs: after an over-long first line, the BOM of
        // the second line was dropped as if it started the source.
        let got = all(b"0123456789\n\xEF\xBB\xBF{}\n", 6);
        assert!(got[0].as_ref().unwrap_err().contains("longer than 6 bytes"));
        assert_eq!(got[1], Ok((2, b"\xEF\xBB\xBF{}".to_vec())));
        // The same when the over-long line is seen before its end.
        let slow = Chunks(vec![b"0123456789".to_vec(), b"\n\xEF\xBB\xBF{}\n".to_vec()]);
        let mut r = LineReader::with_max(slow, 6);
        assert!(r.next_line(&mut || Ok(())).is_err());
        assert_eq!(
            r.next_line(&mut || Ok(())).unwrap(),
            Some((2, &b"\xEF\xBB\xBF{}"[..]))
        );
    }

    #[test]
    fn has_buffered_line_means_the_next_call_does_not_read() {
        // Found by tests/fuzz.rs: a buffered blank line made it true, and the
        // next call, skipping the blank line, read.
        let mut r = LineReader::new(Chunks(vec![b"a\n \r\n\n".to_vec(), b"b\n".to_vec()]));
        assert_eq!(r.next_line(&mut || Ok(())).unwrap(), Some((1, &b"a"[..])));
        assert!(!r.has_buffered_line(), "only blank lines are buffered");
        // A whole line behind a blank one: no read (the idle hook would panic).
        let mut r = LineReader::new(Chunks(vec![b"a\n\nb\n".to_vec()]));
        r.next_line(&mut || Ok(())).unwrap();
        assert!(r.has_buffered_line());
        let next = r.next_line(&mut || panic!("the reader read"));
        assert_eq!(next.unwrap(), Some((3, &b"b"[..])));
    }

    /// A reader that hands out its chunks one read at a time.
    struct Chunks(Vec<Vec<u8>>);

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            // A chunk larger than `buf` is handed out over several reads.
            let n = self.0[0].len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[0][..n]);
            self.0[0].drain(..n);
            if self.0[0].is_empty() {
                self.0.remove(0);
            }
            Ok(n)
        }
    }

    #[test]
    fn idle_runs_before_each_read() {
        let mut calls = 0;
        let mut r = LineReader::new(&b"a\nb\n"[..]);
        let mut idle = || {
            calls += 1;
            Ok(())
        };
        while r.next_line(&mut idle).unwrap().is_some() {}
        assert_eq!(calls, 2, "one read for the data, one for EOF");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("0").is_err());
    }
}
