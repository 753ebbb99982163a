//! Makes untrusted text (model output, tool output, file names, the child's
//! stderr) safe to print on a terminal: escape sequences, BEL and every
//! other C0/C1 control, the bidirectional controls that reorder what a
//! reader sees, and the invisible characters that hide text from a reviewer
//! are made visible instead of being passed to the terminal.
//!
//! C0 controls and DEL become caret notation (`ESC` is `^[`); C1 controls,
//! bidi controls and invisible characters become `<U+XXXX>`. Newline and tab
//! are kept (callers that need one line replace them first).
//!
//! Invisible characters are Unicode's format characters and their kin: tag
//! characters (U+E0000–E007F), zero-width space, joiners and non-joiners,
//! word joiner, invisible operators, BOM, soft hyphen, variation selectors,
//! Hangul fillers, line and paragraph separators. Three uses are legitimate
//! and stay as they are, so text in those scripts and emoji stays readable:
//! - a zero-width joiner or non-joiner between two visible characters
//!   above U+036F (emoji ZWJ sequences such as 👨‍👩‍👧, Indic and
//!   Arabic-script words);
//! - one variation selector after a visible character (❤️, 1️⃣);
//! - the tag sequence of a subdivision flag (🏴 followed by up to seven tag
//!   characters ending with CANCEL TAG).
//!
//! Anything else, in particular runs of zero-width characters and tag
//! characters after ordinary text, is shown.

use std::borrow::Cow;

/// True for a control character that must never reach a terminal raw.
fn is_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// True for a character a terminal shows as nothing (or that changes how
/// its neighbours are shown), apart from the bidi controls.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{34f}' | '\u{600}'..='\u{605}' | '\u{6dd}' | '\u{70f}' | '\u{890}' | '\u{891}'
        | '\u{8e2}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}' | '\u{180e}'
        | '\u{200b}'..='\u{200d}' | '\u{2028}' | '\u{2029}' | '\u{2060}'..='\u{2065}'
        | '\u{206a}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}'
        | '\u{fff9}'..='\u{fffb}' | '\u{110bd}' | '\u{110cd}' | '\u{13430}'..='\u{1343f}'
        | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e007f}'
        | '\u{e0100}'..='\u{e01ef}')
}

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

fn is_tag(c: char) -> bool {
    matches!(c, '\u{e0000}'..='\u{e007f}')
}

/// True for a character that must not reach a terminal raw where it
/// stands alone: a control or an invisible character (writers that escape
/// such characters, such as cc-stats' JSON, escape all of these).
pub fn is_unsafe(c: char) -> bool {
    is_control(c) || is_invisible(c)
}

fn flagged(c: char) -> bool {
    if c.is_ascii() {
        return is_control(c);
    }
    is_control(c) || is_invisible(c)
}

/// A character a joiner may legitimately stand beside: visible, and from
/// the scripts (or emoji) where joiners carry meaning.
fn joinable(c: char) -> bool {
    c as u32 > 0x36f
        && !c.is_whitespace()
        && !is_invisible(c)
        && !is_control(c)
        && !matches!(c, '\u{2000}'..='\u{206f}')
}

/// `text` with every unsafe character made visible; borrowed when it is clean.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(flagged) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(rebuild(text, false))
}

/// Like [`clean`], and also shows newlines as `⏎` and tabs as spaces, for
/// text that must stay on one line (a Bash command in a tool-call header).
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| flagged(c) || c == '\n' || c == '\t') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(rebuild(text, true))
}

fn rebuild(text: &str, one_line: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_tag(c) {
            let run = chars[i..].iter().take_while(|&&t| is_tag(t)).count();
            let flag = i > 0
                && chars[i - 1] == '\u{1f3f4}'
                && run <= 8
                && chars[i + run - 1] == '\u{e007f}';
            for &t in &chars[i..i + run] {
                if flag {
                    out.push(t);
                } else {
                    push_code(&mut out, t);
                }
            }
            i += run;
            continue;
        }
        match c {
            '\n' if one_line => out.push_str(" ⏎ "),
            '\t' if one_line => out.push(' '),
            '\n' | '\t' => out.push(c),
            c if is_control(c) => push_control(&mut out, c),
            c if is_invisible(c) && !allowed(&chars, i) => push_code(&mut out, c),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether the invisible character at `i` is one of the legitimate uses.
fn allowed(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let prev = i.checked_sub(1).map(|p| chars[p]);
    if is_variation_selector(c) {
        let next_too = chars.get(i + 1).is_some_and(|&n| is_variation_selector(n));
        return !next_too && prev.is_some_and(|p| !p.is_whitespace() && !flagged(p));
    }
    if matches!(c, '\u{200c}' | '\u{200d}') {
        // An emoji before the joiner may carry its own selector (🏳️‍🌈).
        let before = match prev {
            Some('\u{fe0f}') if i >= 2 => Some(chars[i - 2]),
            p => p,
        };
        let next = chars.get(i + 1).copied();
        return before.is_some_and(joinable) && next.is_some_and(joinable);
    }
    false
}

/// How much of `text`, a stream's text so far, shows the same whatever
/// comes next: all but a trailing run of characters linked by joiners or
/// selectors (which the next piece may complete). Streaming callers hold
/// the rest back until more text arrives.
pub fn settled_len(text: &str) -> usize {
    let mut rev = text.char_indices().rev().peekable();
    match rev.peek() {
        None => return 0,
        Some(&(_, c)) if c.is_ascii() => return text.len(),
        _ => {}
    }
    let mut cut = text.len();
    while let Some((i, c)) = rev.next() {
        cut = i;
        if is_invisible(c) {
            continue;
        }
        if !rev.peek().is_some_and(|&(_, p)| is_invisible(p)) {
            break;
        }
    }
    cut
}

fn push_control(out: &mut String, c: char) {
    match c {
        '\u{0}'..='\u{1f}' => {
            out.push('^');
            out.push((c as u8 + 0x40) as char);
        }
        '\u{7f}' => out.push_str("^?"),
        c => push_code(out, c),
    }
}

fn push_code(out: &mut String, c: char) {
    out.push_str(&format!("<U+{:04X}>", c as u32));
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
        assert!(matches!(
            clean("plain\ttext\nok ✓ 日本語 👍🏽"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn one_line_folds_newlines() {
        assert_eq!(one_line("a\nb\tc\u{1b}"), "a ⏎ b c^[");
    }

    #[test]
    fn hidden_text_becomes_visible() {
        // "hi" in tag characters after ordinary text.
        assert_eq!(clean("ok\u{e0068}\u{e0069}"), "ok<U+E0068><U+E0069>");
        assert_eq!(clean("a\u{200b}b"), "a<U+200B>b");
        assert_eq!(
            clean("a\u{200d}b \u{2060}\u{feff}\u{ad}"),
            "a<U+200D>b <U+2060><U+FEFF><U+00AD>"
        );
        // A run of joiners between emoji is suspicious too.
        assert_eq!(clean("👍\u{200d}\u{200d}👍"), "👍<U+200D><U+200D>👍");
        // Several selectors after one character smuggle data.
        assert_eq!(clean("x\u{fe00}\u{fe01}"), "x<U+FE00><U+FE01>");
        assert_eq!(clean("line\u{2028}sep"), "line<U+2028>sep");
    }

    #[test]
    fn legitimate_joiners_selectors_and_flags_stay() {
        for text in [
            "👨\u{200d}👩\u{200d}👧",
            "🏳\u{fe0f}\u{200d}🌈",
            "🧑🏽\u{200d}💻",
            "❤\u{fe0f} 1\u{fe0f}\u{20e3}",
            "می\u{200c}خواهم",
            "क्\u{200d}ष",
            "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}",
        ] {
            assert_eq!(clean(text), text);
        }
        // Tags that do not follow the black flag, or never end, are shown.
        assert_eq!(clean("🏳\u{e0067}\u{e007f}"), "🏳<U+E0067><U+E007F>");
    }

    #[test]
    fn settled_len_holds_back_what_a_joiner_may_link() {
        assert_eq!(settled_len("abc "), 4);
        assert_eq!(settled_len("abc 👨\u{200d}"), 4);
        assert_eq!(settled_len("abc 👨\u{200d}👩"), 4);
        assert_eq!(settled_len("日本語"), "日本".len());
        assert_eq!(settled_len(""), 0);
    }
}
