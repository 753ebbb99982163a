//! Where every renderer writes: untrusted text is sanitised here, styles are
//! applied here, and lines are wrapped here.
//!
//! Promises: text from the input only reaches the output through [`Sink::text`]
//! or [`Sink::inline`], which make control characters visible
//! ([`crate::sanitize`]); wrapping (only with a width) counts columns with
//! `unicode-width`, so CJK and emoji take two, breaks between words when a word
//! fits on a line and otherwise between characters, never inside one; lines
//! that text continues onto are indented by the current indent; every line,
//! wrapped ones too, starts with the margin (a session's lane label).

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use super::theme::{Role, Theme};
use crate::sanitize;

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
        }
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

    /// Untrusted text that may span lines.
    pub fn text(&mut self, role: Role, s: &str) -> io::Result<()> {
        let clean = sanitize::clean(s);
        self.styled(role, &clean)
    }

    /// Untrusted text kept on one line (newlines shown as `⏎`).
    pub fn inline(&mut self, role: Role, s: &str) -> io::Result<()> {
        let clean = sanitize::one_line(s);
        self.styled(role, &clean)
    }

    /// Text cc-fmt made itself (labels, numbers): not sanitised.
    pub fn label(&mut self, role: Role, s: &str) -> io::Result<()> {
        self.styled(role, s)
    }

    /// Ends the current line unless nothing is on it.
    pub fn end_line(&mut self) -> io::Result<()> {
        if !self.scr.fresh {
            self.newline()?;
        }
        Ok(())
    }

    /// Ends the current line, always.
    pub fn newline(&mut self) -> io::Result<()> {
        self.scr.lines += 1;
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

    /// Writes one line segment (no `\n`), wrapping at `width` columns.
    fn wrapped(&mut self, seg: &str, width: usize) -> io::Result<()> {
        let mut run = 0; // start of the bytes not yet written
        for (i, c) in seg.char_indices() {
            let line_start = (self.margin_width() + self.scr.base + self.scr.indent)
                .min(width.saturating_sub(1));
            if c == '\t' {
                self.out.write_all(&seg.as_bytes()[run..i])?;
                run = i + 1;
                let n = TAB - self.scr.col % TAB;
                if self.scr.col + n > width {
                    self.wrap_line()?;
                } else {
                    self.pad(n)?;
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
                    self.out.write_all(&seg.as_bytes()[run..i])?;
                    run = i;
                    self.wrap_line()?;
                }
            }
            if self.scr.col + w > width && self.scr.col > line_start {
                self.out.write_all(&seg.as_bytes()[run..i])?;
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
        self.out.write_all(&seg.as_bytes()[run..])
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
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn wraps_between_words() {
        assert_eq!(
            render(Some(10), 0, &["aaa bbb ccc ddd"]),
            "aaa bbb \nccc ddd"
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
}
