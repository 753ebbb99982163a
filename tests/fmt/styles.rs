//! The other styles: markdown (a transcript safe to paste into GitHub),
//! summary over files (names, a total, the exit status) and text.

use serde_json::{Value, json};

use super::{fmt, fmt_stdin};
use crate::common::{bin, fixture};

#[test]
fn markdown_has_a_heading_per_session_details_per_call_and_a_results_table() {
    let r = fmt_stdin(&["--style", "markdown"], "bash-tool.jsonl");
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.starts_with(
            "## Session 0350cf11 · claude\\-opus\\-5\\-5 · \\/home\\/dev\\/project\n\n"
        ),
        "{}",
        r.out
    );
    assert!(
        r.out.contains(
            "<details><summary>● Bash: <code>ls / | head -3</code></summary>\n\n\
             ```text\nbin\nboot\ncontainer_info.json\n```\n\n</details>\n"
        ),
        "{}",
        r.out
    );
    assert!(r.out.contains(
        "## Results\n\n| session | result | turns | duration | cost (session total) | tokens in / out |\n\
         |---|---|---|---|---|---|\n| 0350cf11 | ✓ success | 2 | 2\\.1s | \\$0\\.0004 | 24 \\/ 14 |\n"
    ));
    assert!(!r.out.contains('\x1b'), "never coloured");
}

#[test]
fn markdown_escapes_untrusted_text_so_it_cannot_break_out() {
    let evil = "</code></summary></details>\n# Owned\n```\n| a | b |\n<img src=x onerror=alert(1)>";
    let input = [
        json!({"type":"system","subtype":"init","session_id":"s|1","model":"m<b>","cwd":"/`x`"}),
        json!({"type":"user","message":{"role":"user","content":evil},"isReplay":true,"session_id":"s|1"}),
        json!({"type":"assistant","message":{"id":"m","content":[{"type":"text","text":evil},
            {"type":"tool_use","id":"t","name":"Bash</summary>","input":{"command":evil}}]},"session_id":"s|1"}),
        json!({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":format!("````\n{evil}")}]},"session_id":"s|1"}),
        json!({"type":"result","subtype":"success","is_error":false,"num_turns":1,"session_id":"s|1"}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let r = fmt(&["--style", "markdown", "--max-lines", "0"], &input);
    assert_eq!(r.code, 0, "{}", r.err);
    let out = &r.out;
    // Outside the fence, our markup only: one details block, one summary,
    // no heading but ours, no HTML of the input.
    let markup = outside_fences(out);
    assert_eq!(markup.matches("<details>").count(), 1, "{out}");
    assert_eq!(markup.matches("</details>").count(), 1, "{out}");
    assert_eq!(markup.matches("</summary>").count(), 1, "{out}");
    // (`\<` is a literal `<` in Markdown.)
    assert!(!markup.replace("\\<", "").contains("<img"), "{out}");
    assert!(!markup.lines().any(|l| l.starts_with("# ")), "{out}");
    // The result is fenced with more backticks than it holds.
    assert!(out.contains("`````text\n````\n</code>"), "{out}");
    assert!(out.contains("\n`````\n"), "{out}");
    // Table cells cannot add columns.
    let row = out.lines().last().expect("a table row");
    assert_eq!(row.matches(" | ").count() + 2, 7, "{row}");
    assert!(row.starts_with("| s\\|1 |"), "{row}");
}

/// The lines of `md` outside fenced code blocks.
fn outside_fences(md: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in md.lines() {
        let ticks: String = line.chars().take_while(|&c| c == '`').collect();
        match &fence {
            Some(open) if line == open.as_str() => fence = None,
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    assert!(fence.is_none(), "an unclosed fence in {md}");
    out
}

#[test]
fn summary_names_each_file_adds_a_total_and_fails_when_a_session_failed() {
    let files = [
        "bash-tool.jsonl",
        "api-error-400.jsonl",
        "auth-retry-401-killed.jsonl",
    ];
    let paths: Vec<String> = files
        .iter()
        .map(|f| fixture(f).to_str().expect("utf-8").to_owned())
        .collect();
    let o = bin("cc-fmt")
        .arg("--style")
        .arg("summary")
        .args(&paths)
        .output()
        .expect("run");
    let out = String::from_utf8(o.stdout).expect("utf-8");
    assert_eq!(o.status.code(), Some(1), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[0].starts_with(&format!("{}: success ", paths[0])),
        "{out}"
    );
    assert!(
        lines[1].starts_with(&format!("{}: failure ", paths[1])),
        "{out}"
    );
    assert!(
        lines[2].starts_with(&format!("{}: incomplete (no result)", paths[2])),
        "{out}"
    );
    assert_eq!(
        lines[3],
        "total sessions=3 failed=2 without_result=1 turns=3 duration_ms=2580 cost_usd=0.000376 \
         input_tokens=24 output_tokens=14"
    );

    let o = bin("cc-fmt")
        .args(["--style", "summary", "--json"])
        .args(&paths[..1])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert_eq!(v["source"], paths[0].as_str());
}

#[test]
fn summary_counts_each_sessions_cost_once() {
    // Two turns of one session: costs are running totals.
    let result = |cost: f64| {
        json!({"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":cost,"session_id":"s1"})
            .to_string()
    };
    let input = [result(0.25), result(0.75)].join("\n");
    let r = fmt(&["--style", "summary"], &input);
    assert!(
        r.out.ends_with("total sessions=1 failed=0 turns=2 duration_ms=0 cost_usd=0.75 input_tokens=0 output_tokens=0\n"),
        "{}",
        r.out
    );
}

#[test]
fn text_with_all_text_is_every_assistant_text_block() {
    let r = fmt_stdin(&["--style", "text", "--all-text"], "tools-partial.jsonl");
    assert_eq!(r.out, "Let me look first.\nTool finished: a\tb\ndone\n");
    let r = fmt(&["--all-text"], "");
    assert_eq!(r.code, 2);
    assert_eq!(r.err, "cc-fmt: --all-text goes with --style text\n");
}
