//! What a tool call and a tool result show: the part of a call's input that
//! matters, and a result's text cut to its first lines.
//!
//! Promises: the returned text is still untrusted (callers pass it to the
//! sink, which sanitises it); cutting never splits a character; a result is
//! decoded only as far as it is shown, so a huge one costs no copy.

use std::borrow::Cow;
use std::io::{self, Write};

use super::event::{Block, members, string};
use super::sink::Sink;
use super::strings::{RawLines, chunks, count_lines, inner, line_prefix};
use super::theme::Role;
use crate::json::unescape;
use crate::json::{Object, Value};

/// Longest input summary shown for a call, in characters.
const MAX_DETAIL: usize = 200;
/// Longest line of a tool result shown when output is shortened, in characters.
pub const MAX_RESULT_LINE: usize = 400;

/// The part of a call's input that says what it does: the Bash command, the
/// file of Read/Write/Edit, the Grep/Glob pattern, the WebFetch url, the Task
/// description...; otherwise the input as compact JSON, shortened.
pub fn call_detail<'a>(name: &str, input: Option<Object<'a>>) -> Cow<'a, str> {
    let Some(obj) = input else {
        return Cow::Borrowed("");
    };
    members!(obj,
        "command" => command,
        "file_path" => file_path,
        "notebook_path" => notebook_path,
        "pattern" => pattern,
        "path" => path,
        "url" => url,
        "query" => query,
        "description" => description,
        "skill" => skill,
    );
    let picked = match name {
        "Bash" | "BashOutput" => string(command),
        "Read" | "Write" | "Edit" | "MultiEdit" => string(file_path),
        "NotebookEdit" | "NotebookRead" => string(notebook_path),
        "Grep" | "Glob" => string(pattern).map(|p| match string(path) {
            Some(path) => Cow::Owned(format!("{p} in {path}")),
            None => p,
        }),
        "WebFetch" => string(url),
        "WebSearch" => string(query),
        "Task" | "Agent" => string(description),
        "Skill" => string(skill),
        _ => None,
    };
    let chosen = picked
        .or_else(|| string(command))
        .or_else(|| string(file_path));
    let text = chosen.unwrap_or_else(|| Cow::Borrowed(obj.raw()));
    shorten(text, MAX_DETAIL)
}

/// `text` cut to `max` characters, with `…` when cut.
pub fn shorten(text: Cow<'_, str>, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text,
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
    }
}

/// The start of a string value, about `max` characters, with `…` when cut;
/// the rest is never decoded.
pub fn short(v: Value<'_>, max: usize) -> Option<Cow<'_, str>> {
    let (text, cut) = v.as_str_prefix(max * 4 + 4)?;
    let text = shorten(text, max);
    Some(if cut && !text.ends_with('…') {
        Cow::Owned(format!("{text}…"))
    } else {
        text
    })
}

/// One piece of a tool result: the text of a string, or a placeholder for a
/// block that is not text (`[image]`).
pub enum Piece<'a> {
    /// A JSON string's inside, as written.
    Json(&'a str),
    Label(String),
}

/// The pieces of a tool result's `content`: a string, or its blocks.
pub fn pieces(content: Option<Value<'_>>) -> Vec<Piece<'_>> {
    let Some(v) = content else {
        return Vec::new();
    };
    if let Some(s) = inner(v) {
        return vec![Piece::Json(s)];
    }
    let Some(blocks) = v.as_array() else {
        return Vec::new();
    };
    blocks
        .filter_map(|b| {
            let b = Block::of(b)?;
            match (b.text.and_then(inner), b.kind()) {
                (Some(t), _) => Some(Piece::Json(t)),
                (None, "") => None,
                (None, kind) => Some(Piece::Label(format!("[{kind}]"))),
            }
        })
        .collect()
}

/// The first `max` lines of the pieces (all when `max` is 0), joined by
/// newlines, each line cut to [`MAX_RESULT_LINE`] characters when some are
/// left out, and how many lines were left out. A piece's final newline
/// ends its last line and starts none.
pub fn head(pieces: &[Piece<'_>], max: usize) -> (String, usize) {
    let mut acc = Head {
        shown: String::new(),
        kept: 0,
        omitted: 0,
        max: if max == 0 { usize::MAX } else { max },
    };
    for piece in pieces {
        match piece {
            Piece::Label(l) => acc.push(|| Cow::Borrowed(l)),
            Piece::Json(s) => {
                let mut lines = RawLines::new(s);
                while acc.kept < acc.max {
                    let Some(raw) = lines.next() else { break };
                    if raw.is_empty() && lines.rest().is_none() {
                        break; // the final newline ends a line, starts none
                    }
                    acc.push(|| {
                        if max == 0 {
                            unescape(raw)
                        } else {
                            cut_line(raw)
                        }
                    });
                }
                acc.omitted += lines.rest().map_or(0, count_lines);
            }
        }
    }
    (acc.shown, acc.omitted)
}

struct Head {
    shown: String,
    kept: usize,
    omitted: usize,
    max: usize,
}

impl Head {
    /// Adds a line, decoded only if it is shown.
    fn push<'a>(&mut self, line: impl FnOnce() -> Cow<'a, str>) {
        if self.kept == self.max {
            self.omitted += 1;
            return;
        }
        if self.kept > 0 {
            self.shown.push('\n');
        }
        self.shown.push_str(&line());
        self.kept += 1;
    }
}

/// A written line decoded and cut to [`MAX_RESULT_LINE`] characters; a
/// cut line says how long it was (`… (1.5 MB line)`).
fn cut_line(raw: &str) -> Cow<'_, str> {
    let (line, cut) = line_prefix(raw, MAX_RESULT_LINE * 4 + 4);
    let line = shorten(line, MAX_RESULT_LINE);
    if !cut && !line.ends_with('…') {
        return line;
    }
    let line = line.strip_suffix('…').unwrap_or(&line);
    Cow::Owned(format!("{line}… ({} line)", size(raw.len())))
}

/// A size for people: `812 bytes`, `300 KB`, `1.5 MB` (decimal units).
fn size(bytes: usize) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{} KB", bytes / 1_000),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// Writes every line of the pieces (`--max-lines 0`), a chunk at a time,
/// as [`head`] joins them; true when anything was written.
pub fn write_all<W: Write>(
    o: &mut Sink<'_, W>,
    role: Role,
    pieces: &[Piece<'_>],
) -> io::Result<bool> {
    let mut wrote = false;
    // A newline is written only once more text follows it.
    let mut newline = false;
    for piece in pieces {
        let parts: Box<dyn Iterator<Item = Cow<'_, str>>> = match piece {
            Piece::Json(s) => Box::new(chunks(s)),
            Piece::Label(l) => Box::new(std::iter::once(Cow::Borrowed(l.as_str()))),
        };
        let mut any = false;
        for part in parts {
            if part.is_empty() {
                continue;
            }
            if newline {
                o.text(role, "\n")?;
            }
            let (body, ends) = match part.strip_suffix('\n') {
                Some(body) => (body, true),
                None => (&*part, false),
            };
            o.text(role, body)?;
            newline = ends;
            any = true;
            wrote = true;
        }
        // The next piece starts on a line of its own.
        newline |= any;
    }
    Ok(wrote)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Reader;

    fn with<T>(json: &str, f: impl FnOnce(Value<'_>) -> T) -> T {
        let mut r = Reader::default();
        let doc = r.read(json.as_bytes()).unwrap();
        f(doc.root())
    }

    fn detail(name: &str, json: &str) -> String {
        with(json, |v| call_detail(name, v.as_object()).into_owned())
    }

    #[test]
    fn details_pick_the_field_that_matters() {
        let d = detail("Bash", r#"{"command":"ls / | head -3","description":"x"}"#);
        assert_eq!(d, "ls / | head -3");
        assert_eq!(
            detail("Read", r#"{"file_path":"/etc/hostname"}"#),
            "/etc/hostname"
        );
        assert_eq!(
            detail("Grep", r#"{"pattern":"fn main","path":"src"}"#),
            "fn main in src"
        );
        assert_eq!(
            detail("TodoWrite", r#"{"todos":[1,2]}"#),
            r#"{"todos":[1,2]}"#
        );
        let long = format!(r#"{{"x":"{}"}}"#, "y".repeat(300));
        assert_eq!(detail("Other", &long).chars().count(), MAX_DETAIL + 1);
    }

    fn head_of(json: &str, max: usize) -> (String, usize) {
        with(json, |v| head(&pieces(Some(v)), max))
    }

    #[test]
    fn head_counts_what_it_leaves_out() {
        assert_eq!(head_of(r#""a\nb\nc\nd\n""#, 2), ("a\nb".into(), 2));
        assert_eq!(head_of(r#""a\nb""#, 2), ("a\nb".into(), 0));
        assert_eq!(head_of(r#""""#, 3), ("".into(), 0));
        let long = format!(r#""{}\nz""#, "é".repeat(5000));
        let (text, omitted) = head_of(&long, 1);
        // Cut, and saying how long the line was.
        assert_eq!(
            text,
            format!("{}… (10 KB line)", "é".repeat(MAX_RESULT_LINE))
        );
        assert_eq!(omitted, 1);
    }

    #[test]
    fn result_blocks_are_joined() {
        let json = r#"[{"type":"text","text":"one\n"},{"type":"image","source":{}},7,{"type":"text","text":"two"}]"#;
        assert_eq!(head_of(json, 10), ("one\n[image]\ntwo".into(), 0));
    }
}
