//! Where every renderer writes: untrusted text is sanitised and its secrets
//! masked here, styles are applied here, and lines are wrapped here.
//!
//! Promises: text from the input only reaches the output through [`Sink::text`]
//! or [`Sink::inline`], which make control and invisible characters visible
//! ([`crate::sanitize`]) and, unless `--show-secrets`, replace key-shaped
//! strings by `[REDACTED]` ([`crate::secrets::mask`]). Text that streams in
//! pieces is masked across the pieces: a tail that the next piece may
//! complete (`sk-a`, `API_KEY=`, an emoji before a joiner) is held back until
//! the next write; wrapping (only with a width) counts columns with
//! `unicode-width`, so CJK and emoji take two, breaks between words when a word
//! fits on a line and otherwise between characters, never inside one; lines
//! that text continues onto are indented by the current indent; every line,
//! wrapped ones too, starts with the margin (a session's lane label).

use std::borrow::Cow;
use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use super::theme::{Role, Theme};
use crate::{sanitize, secrets};

const TAB: usize = 8;

/// Output state that lasts across lines: styles, width, the cursor column.
#[derive(Debug)]
pub struct Screen {
    theme: Theme,
    width: Option<usize>,
    col: usize,
    /// Nothing written on the current line yet.
    fresh: bool,
    /// The current line was started by a newline inside text, so it owes the
    /// indent as well as the base.
    continued: bool,
    indent: usize,
    /// Columns before every line (nested output, e.g. a subagent's).
    base: usize,
    after_space: bool,
    /// Written first on every line: a lane label such as `[2] `.
    margin: Option<(Role, String)>,
    /// A line to write before the next output (a subagent's label).
    pending: Option<(Role, String)>,
    /// The style of the text being written, to resume after a margin.
    current: Role,
    /// Lines ended so far.
    lines: u64,
    /// When wrapping: spaces written to the line but not yet to the output,
    /// as a line must not end in them (a wrap or a newline drops them).
    spaces: usize,
    /// Mask key-shaped strings in text from the input.
    mask: bool,
    /// Streamed text held back, with the role and indents it came with.
    held: Option<Held>,
}

#[derive(Debug)]
struct Held {
    role: Role,
    text: String,
    indent: usize,
    base: usize,
}

impl Screen {
    /// `width`: wrap at this many columns; `None` never wraps.
    pub fn new(theme: Theme, width: Option<usize>) -> Self {
        Screen {
            theme,
            width: width.filter(|&w| w > 0),
            col: 0,
            fresh: true,
            continued: false,
            indent: 0,
            base: 0,
            after_space: true,
            margin: None,
            pending: None,
            current: Role::Plain,
            lines: 0,
            spaces: 0,
            mask: true,
            held: None,
        }
    }

    /// `--show-secrets`: show key-shaped strings as they are.
    pub fn show_secrets(&mut self, show: bool) {
        self.mask = !show;
    }
}

/// A writer for one event: the output handle and the lasting screen state.
pub struct Sink<'s, W> {
    out: &'s mut W,
    scr: &'s mut Screen,
}

impl<'s, W: Write> Sink<'s, W> {
    pub fn new(out: &'s mut W, scr: &'s mut Screen) -> Self {
        Sink { out, scr }
    }

    /// Untrusted text that may span lines, and may come in pieces (each
    /// piece continues the text of the last call with the same role).
    pub fn text(&mut self, role: Role, s: &str) -> io::Result<()> {
        let all: Cow<'_, str> = match self.scr.held.take() {
            Some(h) if h.role == role => Cow::Owned(h.text + s),
            held => {
                self.scr.held = held;
                self.release()?;
                Cow::Borrowed(s)
            }
        };
        let mut cut = sanitize::settled_len(&all);
        if self.scr.mask {
            cut = cut.min(secrets::settled_len(&all));
        }
        if cut < all.len() {
            self.scr.held = Some(Held {
                role,
                text: all[cut..].to_owned(),
                indent: self.scr.indent,
                base: self.scr.base,
            });
        }
        self.write_text(role, &all[..cut], false)
    }

    /// Untrusted text kept on one line (newlines shown as `⏎`).
    pub fn inline(&mut self, role: Role, s: &str) -> io::Result<()> {
        self.release()?;
        self.write_text(role, s, true)
    }

    /// Text cc-fmt made itself (labels, numbers): not sanitised.
    pub fn label(&mut self, role: Role, s: &str) -> io::Result<()> {
        self.release()?;
        self.styled(role, s)
    }

    /// Ends the current line unless nothing is on it.
    pub fn end_line(&mut self) -> io::Result<()> {
        self.release()?;
        if !self.scr.fresh {
            self.newline()?;
        }
        Ok(())
    }

    /// Writes text held back from a stream, as it is now; the renderers'
    /// `finish` does it through `end_line`, cc-fmt's end once more.
    pub fn release(&mut self) -> io::Result<()> {
        let Some(h) = self.scr.held.take() else {
            return Ok(());
        };
        let (indent, base) = (self.scr.indent, self.scr.base);
        (self.scr.indent, self.scr.base) = (h.indent, h.base);
        let written = self.write_text(h.role, &h.text, false);
        (self.scr.indent, self.scr.base) = (indent, base);
        written
    }

    /// Untrusted text, sanitised and masked.
    fn write_text(&mut self, role: Role, s: &str, one_line: bool) -> io::Result<()> {
        let clean = if one_line {
            sanitize::one_line(s)
        } else {
            sanitize::clean(s)
        };
        if self.scr.mask {
            self.styled(role, &secrets::mask(&clean))
        } else {
            self.styled(role, &clean)
        }
    }

    /// Ends the current line, always.
    pub fn newline(&mut self) -> io::Result<()> {
        self.release()?;
        self.scr.lines += 1;
        self.scr.spaces = 0;
        self.out.write_all(b"\n")?;
        self.scr.col = 0;
        self.scr.fresh = true;
        self.scr.continued = false;
        self.scr.after_space = true;
        Ok(())
    }

    /// Columns before each continuation line of text written from now on.
    pub fn set_indent(&mut self, indent: usize) {
        self.scr.indent = indent;
    }

    /// The indent of continuation lines now.
    pub fn indent(&self) -> usize {
        self.scr.indent
    }

    /// Columns before every line written from now on.
    pub fn set_base(&mut self, base: usize) {
        self.scr.base = base;
    }

    /// The text written first on every line from now on (`None`: nothing).
    pub fn set_margin(&mut self, margin: Option<(Role, String)>) {
        self.scr.margin = margin;
    }

    /// A line written (on a line of its own) before whatever is written
    /// next, and not at all if nothing is.
    pub fn set_pending(&mut self, line: Option<(Role, String)>) {
        self.scr.pending = line;
    }

    /// How many lines have been ended: equal counts mean nothing was
    /// written in between, apart from an unfinished line.
    pub fn lines(&self) -> u64 {
        self.scr.lines
    }

    /// True when nothing is on the current line.
    pub fn at_line_start(&self) -> bool {
        self.scr.fresh
    }

    /// Starts a fresh line: the margin, then the base and, on a line that
    /// text continues onto, the indent.
    fn begin_line(&mut self, continued: bool) -> io::Result<()> {
        if let Some((role, label)) = &self.scr.margin {
            let style = self.scr.theme.style(*role);
            if style.is_plain() {
                self.out.write_all(label.as_bytes())?;
            } else {
                let resume = self.scr.theme.style(self.scr.current);
                write!(
                    self.out,
                    "{}{}{}",
                    resume.suffix(),
                    style.paint(label),
                    resume.prefix()
                )?;
            }
            self.scr.col += label.chars().count();
        }
        let owed = self.scr.base + if continued { self.scr.indent } else { 0 };
        self.pad(owed)
    }

    /// Writes the pending line, if any, on a line of its own.
    fn flush_pending(&mut self) -> io::Result<()> {
        let Some((role, text)) = self.scr.pending.take() else {
            return Ok(());
        };
        if !self.scr.fresh {
            self.newline()?;
        }
        let indent = std::mem::take(&mut self.scr.indent);
        self.styled(role, &text)?;
        self.scr.indent = indent;
        self.newline()
    }

    fn styled(&mut self, role: Role, s: &str) -> io::Result<()> {
        if s.is_empty() {
            return Ok(());
        }
        if self.scr.pending.is_some() {
            self.flush_pending()?;
        }
        self.scr.current = role;
        let style = self.scr.theme.style(role);
        // Without colour there is nothing to write around the text.
        let plain = style.is_plain();
        if !plain {
            write!(self.out, "{}", style.prefix())?;
        }
        for (i, seg) in s.split('\n').enumerate() {
            if i > 0 {
                self.scr.lines += 1;
                self.scr.spaces = 0;
                self.out.write_all(b"\n")?;
                self.scr.col = 0;
                self.scr.fresh = true;
                self.scr.after_space = true;
                self.scr.continued = true;
            }
            if seg.is_empty() {
                continue;
            }
            if self.scr.fresh {
                self.begin_line(self.scr.continued)?;
            }
            self.scr.fresh = false;
            match self.scr.width {
                None => {
                    self.out.write_all(seg.as_bytes())?;
                    self.scr.col += seg.len();
                }
                Some(width) => self.wrapped(seg, width)?,
            }
        }
        if !plain {
            write!(self.out, "{}", style.suffix())?;
        }
        Ok(())
    }

    fn pad(&mut self, n: usize) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        let mut left = n;
        while left > 0 {
            let k = left.min(SPACES.len());
            self.out.write_all(&SPACES[..k])?;
            left -= k;
        }
        self.scr.col += n;
        Ok(())
    }

    fn wrap_line(&mut self) -> io::Result<()> {
        self.scr.lines += 1;
        self.scr.spaces = 0;
        self.out.write_all(b"\n")?;
        self.scr.col = 0;
        self.scr.after_space = true;
        self.begin_line(true)
    }

    /// Columns of the margin.
    fn margin_width(&self) -> usize {
        self.scr
            .margin
            .as_ref()
            .map_or(0, |(_, label)| label.chars().count())
    }

    /// Writes text of a wrapped line: spaces at its end wait for what
    /// follows them on the line.
    fn put(&mut self, text: &str) -> io::Result<()> {
        let body = text.trim_end_matches(' ');
        if !body.is_empty() {
            const SPACES: &[u8] = &[b' '; 64];
            while self.scr.spaces > 0 {
                let k = self.scr.spaces.min(SPACES.len());
                self.out.write_all(&SPACES[..k])?;
                self.scr.spaces -= k;
            }
            self.out.write_all(body.as_bytes())?;
        }
        self.scr.spaces += text.len() - body.len();
        Ok(())
    }

    /// Writes one line segment (no `\n`), wrapping at `width` columns.
    fn wrapped(&mut self, seg: &str, width: usize) -> io::Result<()> {
        let mut run = 0; // start of the bytes not yet written
        for (i, c) in seg.char_indices() {
            let line_start = (self.margin_width() + self.scr.base + self.scr.indent)
                .min(width.saturating_sub(1));
            if c == '\t' {
                self.put(&seg[run..i])?;
                run = i + 1;
                let n = TAB - self.scr.col % TAB;
                if self.scr.col + n > width {
                    self.wrap_line()?;
                } else {
                    // Columns, not characters: they wait as spaces do.
                    self.scr.spaces += n;
                    self.scr.col += n;
                }
                self.scr.after_space = true;
                continue;
            }
            let w = c.width().unwrap_or(0);
            if c == ' ' {
                self.scr.after_space = true;
            } else if self.scr.after_space {
                self.scr.after_space = false;
                let word = word_width(&seg[i..]);
                if self.scr.col > line_start
                    && self.scr.col + word > width
                    && word <= width - line_start
                {
                    self.put(&seg[run..i])?;
                    run = i;
                    self.wrap_line()?;
                }
            }
            if self.scr.col + w > width && self.scr.col > line_start {
                self.put(&seg[run..i])?;
                run = i;
                self.wrap_line()?;
                if c == ' ' {
                    // A space that would end a full line is not carried over.
                    run = i + 1;
                    continue;
                }
            }
            self.scr.col += w;
        }
        self.put(&seg[run..])
    }
}

/// Columns of the word at the start of `s` (up to a space or tab).
fn word_width(s: &str) -> usize {
    s.chars()
        .take_while(|&c| c != ' ' && c != '\t')
        .map(|c| c.width().unwrap_or(0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(width: Option<usize>, indent: usize, parts: &[&str]) -> String {
        let mut out = Vec::new();
        let mut scr = Screen::new(Theme::new(false), width);
        let mut sink = Sink::new(&mut out, &mut scr);
        sink.set_indent(indent);
        for p in parts {
            sink.text(Role::Plain, p).unwrap();
        }
        sink.release().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn wraps_between_words() {
        assert_eq!(
            render(Some(10), 0, &["aaa bbb ccc ddd"]),
            "aaa bbb\nccc ddd"
        );
    }

    #[test]
    fn wide_characters_take_two_columns() {
        // Five CJK characters are ten columns: four fit in 9 columns.
        assert_eq!(render(Some(9), 0, &["日本語日本"]), "日本語日\n本");
    }

    #[test]
    fn long_words_break_between_characters() {
        assert_eq!(render(Some(4), 0, &["abcdefghij"]), "abcd\nefgh\nij");
    }

    #[test]
    fn continuation_lines_are_indented_and_no_width_never_wraps() {
        assert_eq!(render(None, 2, &["a\nb\n"]), "a\n  b\n");
        assert_eq!(render(None, 0, &[&"x".repeat(500)]), "x".repeat(500));
    }

    #[test]
    fn streamed_chunks_keep_the_column() {
        assert_eq!(render(Some(6), 0, &["abc", "def", "gh"]), "abcdef\ngh");
    }

    #[test]
    fn base_indents_every_line() {
        let mut out = Vec::new();
        let mut scr = Screen::new(Theme::new(false), Some(8));
        let mut sink = Sink::new(&mut out, &mut scr);
        sink.set_base(2);
        sink.set_indent(1);
        sink.text(Role::Plain, "a\nbbbbbbbbb").unwrap();
        sink.newline().unwrap();
        sink.text(Role::Plain, "c").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  a\n   bbbbb\n   bbbb\n  c"
        );
    }

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(render(None, 0, &["a\u{1b}[2Jb"]), "a^[[2Jb");
    }

    fn render_all(parts: &[&str], show_secrets: bool) -> String {
        let mut out = Vec::new();
        let mut scr = Screen::new(Theme::new(false), None);
        scr.show_secrets(show_secrets);
        let mut sink = Sink::new(&mut out, &mut scr);
        for p in parts {
            sink.text(Role::Plain, p).unwrap();
        }
        sink.end_line().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn secrets_are_masked_across_pieces_unless_shown() {
        let parts = [
            "key sk-a",
            "nt-api03-",
            "Abc123 and ",
            "Bearer ",
            "eyJ0eXAi.x1 ok",
        ];
        assert_eq!(
            render_all(&parts, false),
            "key sk-ant-[REDACTED] and Bearer [REDACTED] ok\n"
        );
        assert_eq!(
            render_all(&parts, true),
            "key sk-ant-api03-Abc123 and Bearer eyJ0eXAi.x1 ok\n"
        );
    }

    #[test]
    fn an_emoji_sequence_split_across_pieces_stays_whole() {
        let parts = ["hi 👨", "\u{200d}", "👩 ok"];
        assert_eq!(render_all(&parts, false), "hi 👨\u{200d}👩 ok\n");
    }
}
