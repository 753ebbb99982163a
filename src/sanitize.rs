//! Makes untrusted text (model output, tool output, file names) safe to print
//! on a terminal: escape sequences, BEL and every other C0/C1 control, and the
//! bidirectional overrides that reorder what a reader sees, are made visible
//! instead of being passed to the terminal.
//!
//! C0 controls and DEL become caret notation (`ESC` is `^[`), C1 controls and
//! bidi controls become `<U+XXXX>`. Newline and tab are kept (callers that need
//! one line replace them first).

use std::borrow::Cow;

/// True for a character that must not reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// `text` with every unsafe character made visible; borrowed when it is clean.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like [`clean`], and also shows newlines as `⏎` and tabs as spaces, for
/// text that must stay on one line (a Bash command in a tool-call header).
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str(" ⏎ "),
            '\t' => out.push(' '),
            c => push_visible(&mut out, c),
        }
    }
    Cow::Owned(out)
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\u{0}'..='\u{1f}' if c != '\n' && c != '\t' => {
            out.push('^');
            out.push((c as u8 + 0x40) as char);
        }
        '\u{7f}' => out.push_str("^?"),
        c if is_unsafe(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bell_become_visible() {
        assert_eq!(clean("a\u{1b}[31mred\u{7}"), "a^[[31mred^G");
        assert_eq!(clean("c1:\u{9b}2J"), "c1:<U+009B>2J");
        assert_eq!(clean("bidi\u{202e}x"), "bidi<U+202E>x");
        assert_eq!(clean("cr\rdel\u{7f}"), "cr^Mdel^?");
    }

    #[test]
    fn clean_text_is_borrowed_and_keeps_newlines_and_tabs() {
        assert!(matches!(clean("plain\ttext\nok ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn one_line_folds_newlines() {
        assert_eq!(one_line("a\nb\tc\u{1b}"), "a ⏎ b c^[");
    }
}
