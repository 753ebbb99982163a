//! Untrusted text made inert in Markdown (GitHub's, CommonMark): it shows
//! as written and cannot open or close any markup around it.
//!
//! Promises: [`paragraph`] escapes every ASCII punctuation character with
//! a backslash (CommonMark allows it for all of them), so no emphasis,
//! link, heading, list, table, HTML or fence can start, and keeps lines as
//! hard breaks; [`html`] escapes `& < > " '` for HTML context (`<summary>`);
//! [`fence`] picks a backtick fence longer than any run of backticks in the
//! text; [`cell`] is a paragraph on one line, safe in a table cell, its
//! control and invisible characters made visible.

/// Text as literal Markdown paragraphs: blank lines separate paragraphs,
/// other line breaks are kept.
pub fn paragraph(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push('\n');
            continue;
        }
        // Leading spaces would start a code block: keep them as entities.
        let body = line.trim_start_matches(' ');
        for _ in 0..line.len() - body.len() {
            out.push_str("&#32;");
        }
        escape_into(&mut out, body);
        let next = lines.get(i + 1).map(|l| l.trim());
        if next.is_some_and(|n| !n.is_empty()) {
            out.push('\\');
        }
        out.push('\n');
    }
    out
}

/// Text on one line, for a table cell or a heading; control and invisible
/// characters made visible first (a session id or a model name is as
/// untrusted as any text).
pub fn cell(text: &str) -> String {
    let flat = text.replace(['\n', '\r', '\t'], " ");
    let clean = crate::sanitize::clean(flat.trim());
    let mut out = String::with_capacity(clean.len() + 8);
    escape_into(&mut out, &clean);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Text for HTML context, e.g. inside `<summary>`.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A fenced code block holding `text` as it is.
pub fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let ticks = "`".repeat((longest + 1).max(3));
    let body = text.strip_suffix('\n').unwrap_or(text);
    format!("{ticks}text\n{body}\n{ticks}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_literal() {
        assert_eq!(paragraph("**b** <x>"), "\\*\\*b\\*\\* \\<x\\>\n");
        assert_eq!(paragraph("a\nb\n\nc"), "a\\\nb\n\nc\n");
        assert_eq!(paragraph("    code"), "&#32;&#32;&#32;&#32;code\n");
        assert_eq!(paragraph("# h\n```"), "\\# h\\\n\\`\\`\\`\n");
    }

    #[test]
    fn fences_outlast_the_text() {
        assert_eq!(fence("a"), "```text\na\n```\n");
        assert_eq!(fence("x ```` y\n"), "`````text\nx ```` y\n`````\n");
    }

    #[test]
    fn html_and_cells() {
        assert_eq!(html("</summary><b>"), "&lt;/summary&gt;&lt;b&gt;");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn cells_show_control_and_invisible_characters() {
        // Found by tests/fuzz.rs: a session id cut to 8 characters left a
        // tag character raw in the heading.
        assert_eq!(
            cell("🏴x\u{e0001}\u{1b}[2J"),
            "🏴x\\<U\\+E0001\\>\\^\\[\\[2J"
        );
    }
}
