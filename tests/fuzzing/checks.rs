//! The invariants the fuzz tests check on one input, shared by the bounded
//! run in tests/fuzz.rs and the cargo-fuzz targets in fuzz/.

use std::io::{self, Read};

use ccpipe::json::{self, Reader, Reason};
use ccpipe::lines::{LineError, LineReader};
use ccpipe::protocol::validate::{Checker, Verdict, check_input_line, check_output};

use super::oracle::{self, Serde};

/// A source that hands out its bytes in reads of random sizes, and is
/// sometimes interrupted.
pub struct Chunks<'a> {
    pub data: &'a [u8],
    pub rng: fastrand::Rng,
    pub max_read: usize,
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.data.is_empty() {
            return Ok(0);
        }
        assert!(
            !buf.is_empty(),
            "the line reader asked for a read into no room"
        );
        if self.rng.u8(..50) == 0 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = self
            .rng
            .usize(1..=self.max_read)
            .min(buf.len())
            .min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The line reader on `input`, read in pieces of up to `max_read` bytes
/// (sizes drawn from `seed`), against [`oracle::expected_lines`]; and
/// `has_buffered_line()` true only when the next call does not read.
pub fn line_reader(input: &[u8], max: usize, max_read: usize, seed: u64) -> Result<(), String> {
    let want = oracle::expected_lines(input, max);
    let src = Chunks {
        data: input,
        rng: fastrand::Rng::with_seed(seed),
        max_read,
    };
    let mut reader = LineReader::with_max(src, max);
    let mut got = vec![];
    loop {
        let buffered = reader.has_buffered_line();
        let mut reads = 0;
        let next = reader.next_line(&mut || {
            reads += 1;
            Ok(())
        });
        match next {
            Ok(Some((n, line))) => {
                let line = line.to_vec();
                if buffered && reads > 0 {
                    return Err(format!(
                        "has_buffered_line() was true, yet line {n} needed a read"
                    ));
                }
                if reader.line_number() != n {
                    return Err(format!(
                        "line_number() {} for line {n}",
                        reader.line_number()
                    ));
                }
                got.push(Ok((n, line)));
            }
            Ok(None) => break,
            Err(LineError::TooLong { line, .. }) => got.push(Err(line)),
            Err(e) => return Err(format!("unexpected error: {e}")),
        }
        if got.len() > want.len() + 1 {
            break;
        }
    }
    if got != want {
        let at = got
            .iter()
            .zip(&want)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(want.len()));
        return Err(format!(
            "max {max}, reads of up to {max_read}: {} results, {} expected; first difference at \
             result {at}:\n  got  {}\n  want {}",
            got.len(),
            want.len(),
            show(got.get(at)),
            show(want.get(at))
        ));
    }
    Ok(())
}

fn show(r: Option<&Result<(u64, Vec<u8>), u64>>) -> String {
    match r {
        None => "nothing".into(),
        Some(Err(n)) => format!("line {n} too long"),
        Some(Ok((n, l))) => format!("line {n}: {}", oracle::excerpt(l, 0, 120)),
    }
}

/// What a read gave, comparable between readers.
fn verdict(r: &mut Reader, line: &[u8]) -> Result<(usize, bool), json::JsonError> {
    r.read(line).map(|d| (d.root().raw().len(), d.is_compact()))
}

/// Counts of what [`json_line`] could compare.
#[derive(Default)]
pub struct JsonStats {
    pub valid: u64,
    pub compared: u64,
}

/// The JSON reader on one line: no panic, serde_json's verdict where the
/// rules agree, the same value read back through the lazy API and as jaq's.
pub fn json_line(
    line: &[u8],
    long_lived: &mut Reader,
    stats: &mut JsonStats,
) -> Result<(), String> {
    let mut reader = Reader::default();
    let ours = verdict(&mut reader, line);
    if verdict(long_lived, line) != ours {
        return Err("a reused Reader gives another verdict than a fresh one".into());
    }
    let jaq = json::jaq::parse(line);
    if jaq.as_ref().err() != ours.as_ref().err() {
        return Err(format!(
            "jaq::parse gives {:?}, Reader {:?}",
            jaq.err(),
            ours.err()
        ));
    }
    let theirs = Serde::of(&oracle::defuse(line));
    match (&ours, &theirs) {
        (Err(e), _) => {
            let msg = e.to_string();
            if e.column == 0 || e.column > line.len() + 1 {
                return Err(format!(
                    "column {} outside the line ({} bytes): {msg}",
                    e.column,
                    line.len()
                ));
            }
            if msg.contains('\n') || oracle::raw_control(msg.as_bytes()).is_some() {
                return Err(format!("error message not terminal-safe: {msg:?}"));
            }
            let utf8 = std::str::from_utf8(line);
            match &e.reason {
                Reason::Utf8 => {
                    let at = utf8.err().map(|u| u.valid_up_to() + 1);
                    if at != Some(e.column) {
                        return Err(format!("{msg}, but the UTF-8 breaks at {at:?}"));
                    }
                }
                _ if utf8.is_err() => return Err(format!("{msg} for a line that is not UTF-8")),
                Reason::TooDeep => {
                    let d = oracle::depth(line, e.column);
                    if d != json::MAX_DEPTH + 1 {
                        return Err(format!("{msg}, but the depth up to there is {d}"));
                    }
                }
                Reason::Duplicate(_) => {
                    if let Serde::Invalid(why) = &theirs
                        && !why.starts_with("duplicate key (fuzz oracle)")
                    {
                        return Err(format!("{msg}, serde_json: {why}"));
                    }
                }
                _ => {}
            }
            if let Serde::Valid(_) = theirs {
                return Err(format!("the reader refuses ({msg}), serde_json accepts"));
            }
        }
        (Ok(_), Serde::Invalid(why)) => {
            return Err(format!("the reader accepts, serde_json refuses: {why}"));
        }
        (Ok(_), Serde::TooDeep) => {
            stats.valid += 1;
            let d = oracle::depth(line, line.len());
            if d > json::MAX_DEPTH {
                return Err(format!("the reader accepts a depth of {d}"));
            }
        }
        (Ok((_, compact)), Serde::Valid(v)) => {
            stats.valid += 1;
            stats.compared += 1;
            let doc = reader.read(line).map_err(|e| e.to_string())?;
            oracle::compare_lazy(doc.root(), v, &mut String::from("."))?;
            oracle::compare_jaq(&jaq.map_err(|e| e.to_string())?, v, &mut String::from("."))?;
            match (doc.object(), &v) {
                (Ok(obj), serde_json::Value::Object(m)) => {
                    // The indexed top level, not the raw walk.
                    let members: Vec<_> = obj.members().collect();
                    if members.len() != m.len() {
                        return Err("the top-level index misses members".into());
                    }
                    for (k, val) in members {
                        let key = k.as_str();
                        let theirs = m
                            .get(&*key)
                            .ok_or(format!("top-level key {key:?} unknown to serde"))?;
                        oracle::compare_lazy(val, theirs, &mut format!(".{key:?}"))?;
                        if obj.get(&key).map(|g| g.raw()) != Some(val.raw()) {
                            return Err(format!("Object::get({key:?}) misses"));
                        }
                    }
                }
                (Err(e), serde_json::Value::Object(_)) => {
                    return Err(format!("object() refuses an object: {e}"));
                }
                (Ok(_), _) => return Err("object() accepts what is not an object".into()),
                (Err(_), _) => {}
            }
            if *compact && has_ws_outside_strings(line) {
                return Err("is_compact() for a line with whitespace between tokens".into());
            }
        }
    }
    Ok(())
}

/// True when a valid line has JSON whitespace outside its strings.
fn has_ws_outside_strings(line: &[u8]) -> bool {
    let (mut in_str, mut esc) = (false, false);
    for &c in line {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
        } else if c == b'"' {
            in_str = true;
        } else if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            return true;
        }
    }
    false
}

/// What the validator said of a line: as an event, as an input message.
pub type Verdicts = (Result<Verdict, String>, Result<(), String>);

/// The validator on one line: no panic, the same verdict from a reused
/// [`Checker`], and a line it accepts (either way) is an object by the
/// reader, refused in the reader's words otherwise.
pub fn validator_line(line: &[u8], checker: &mut Checker) -> Result<Verdicts, String> {
    let out = check_output(line);
    let inp = check_input_line(line);
    if checker.output(line) != out || checker.input(line) != inp {
        return Err("a reused Checker gives another verdict than a fresh one".into());
    }
    if let Ok(Verdict::Unknown(what)) = &out
        && what.is_empty()
    {
        return Err("Verdict::Unknown with no name".into());
    }
    let read = Reader::default()
        .read(line)
        .map_err(|e| e.to_string())
        .and_then(|d| d.object().map(drop).map_err(|e| e.to_string()));
    if let Err(why) = &read {
        for (what, r) in [
            ("check_output", out.as_ref().err()),
            ("check_input_line", inp.as_ref().err()),
        ] {
            if r != Some(why) {
                return Err(format!(
                    "{what} gives {r:?} for a line the reader refuses ({why})"
                ));
            }
        }
    }
    Ok((out, inp))
}
