//! cc-fmt, run as a real binary over the recorded fixtures and crafted input.

mod common;
mod support;

#[path = "fmt/control.rs"]
mod control;
#[path = "fmt/first.rs"]
mod first;
#[path = "fmt/kinds.rs"]
mod kinds;
#[path = "fmt/lanes.rs"]
mod lanes;
#[path = "fmt/real.rs"]
mod real;
#[path = "fmt/styles.rs"]
mod styles;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use common::{bin, fixture};

struct Run {
    out: String,
    err: String,
    code: i32,
}

/// Runs cc-fmt with `args` on `stdin`.
fn fmt(args: &[&str], stdin: &str) -> Run {
    let o = bin("cc-fmt")
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("run cc-fmt");
    Run {
        out: String::from_utf8(o.stdout).expect("utf-8 stdout"),
        err: String::from_utf8(o.stderr).expect("utf-8 stderr"),
        code: o.status.code().expect("exit code"),
    }
}

/// Runs cc-fmt with `args` on a fixture fed to its stdin.
fn fmt_stdin(args: &[&str], name: &str) -> Run {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    fmt(args, &text)
}

/// Runs cc-fmt with `args` on one fixture file.
fn fmt_fixture(args: &[&str], name: &str) -> Run {
    let path = fixture(name);
    let mut all: Vec<&str> = args.to_vec();
    let p = path.to_str().expect("utf-8 path");
    all.push(p);
    let r = fmt(&all, "");
    assert_eq!(r.code, 0, "cc-fmt {all:?} failed: {}", r.err);
    assert_eq!(r.err, "", "unexpected stderr for {name}");
    r
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

fn assistant_text(text: &str) -> String {
    serde_json::json!({
        "type": "assistant",
        "message": {"id": "msg_1", "role": "assistant", "content": [{"type": "text", "text": text}]},
        "session_id": "s1",
    })
    .to_string()
}

#[test]
fn bash_tool_shows_the_call_its_result_and_the_footer() {
    let r = fmt_fixture(&["--color", "never"], "bash-tool.jsonl");
    assert!(
        r.out
            .contains("── claude-opus-5-5 · /home/dev/project · session 0350cf11"),
        "{}",
        r.out
    );
    assert!(r.out.contains("permission mode default"));
    assert!(r.out.contains("● Bash(ls / | head -3)\n"), "{}", r.out);
    assert!(
        r.out
            .contains("  ⎿ bin\n    boot\n    container_info.json\n"),
        "{}",
        r.out
    );
    assert!(r.out.contains("Tool finished: bin"));
    let footer = r.out.lines().last().expect("a footer");
    assert_eq!(
        footer,
        "✓ success · 2 turns · 2.1s · 24 in / 14 out tokens · session total $0.0004"
    );
}

#[test]
fn api_error_400_is_a_failure_despite_subtype_success() {
    let r = fmt_fixture(&["--color", "never"], "api-error-400.jsonl");
    let footer = r.out.lines().last().expect("a footer");
    assert!(
        footer.starts_with("✗ failure · HTTP 400 · API Error: 400 scripted 400"),
        "{footer}"
    );
    assert!(!r.out.contains("success"), "{}", r.out);
}

#[test]
fn errors_are_red_with_colour() {
    let r = fmt_fixture(&["--color", "always"], "api-error-400.jsonl");
    assert!(r.out.contains("\x1b[31m✗ failure"), "{:?}", r.out);
    let r = fmt_fixture(&["--color", "always"], "interrupt.jsonl");
    assert!(
        r.out.contains("\x1b[31mThe user doesn't want to proceed"),
        "is_error result in red: {:?}",
        r.out
    );
}

#[test]
fn auth_retry_401_shows_each_retry_as_a_warning() {
    let r = fmt_fixture(&["--color", "never"], "auth-retry-401-killed.jsonl");
    assert_eq!(count(&r.out, "⚠ API retry "), 5, "{}", r.out);
    assert!(
        r.out
            .contains("⚠ API retry 1/10 in 550ms: authentication_failed (HTTP 401)"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("⚠ API retry 5/10 in 10.0s: authentication_failed (HTTP 401)")
    );
    assert!(
        r.out
            .ends_with("⚠ input ended before the session's result\n"),
        "{}",
        r.out
    );
}

#[test]
fn interrupt_shows_the_answer_and_the_interruption() {
    let r = fmt_fixture(&["--color", "never"], "interrupt.jsonl");
    // The answer to cc-steer's interrupt (`interrupt-1`, nothing left
    // queued) says what it answered.
    assert!(r.out.contains("⏹ interrupted\n"), "{}", r.out);
    assert!(!r.out.contains("acknowledged"), "{}", r.out);
    assert!(
        r.out
            .contains("⏹ Request interrupted by user for tool use\n"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains(
            "✗ failure (error_during_execution) · [ede_diagnostic] result_type=user \
             last_content_type=n/a stop_reason=tool_use · stopped: aborted_tools · 3 turns"
        ),
        "the errors and the terminal reason: {}",
        r.out
    );
    assert!(r.out.contains("❯ carry on\n"));
    assert_eq!(
        count(&r.out, "── claude-opus-5-5"),
        1,
        "one header per session, not per turn"
    );
    assert!(
        r.out
            .lines()
            .last()
            .unwrap()
            .starts_with("✓ success · 1 turn ·")
    );
}

#[test]
fn steering_message_is_shown_as_the_users() {
    let r = fmt_fixture(&["--color", "never"], "steer-replayed.jsonl");
    assert!(
        r.out.contains("❯ Please also count the files\n"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("· task started: Run the command (local_bash)\n")
    );
    assert!(r.out.contains("· task completed: Run the command\n"));
    let r = fmt_fixture(&["--color", "always"], "steer-replayed.jsonl");
    assert!(
        r.out.contains("\x1b[1;34mPlease also count the files"),
        "{:?}",
        r.out
    );
}

#[test]
fn partial_messages_print_text_once() {
    let r = fmt_fixture(&["--color", "never"], "tools-partial.jsonl");
    assert_eq!(count(&r.out, "Let me look first."), 1, "{}", r.out);
    assert_eq!(count(&r.out, "Tool finished: a\tb\ndone"), 1, "{}", r.out);
    // Both calls come in one message, then both results: each result is
    // shown under its own call, stated again above it.
    assert!(
        r.out.contains(
            "● Read(/etc/hostname)\n● Bash(printf 'a\\tb\\n'; echo done)\n\
             ● Read(/etc/hostname)\n  ⎿ 1\tvm\n    2\t\n\
             ● Bash(printf 'a\\tb\\n'; echo done)\n  ⎿ a\tb\n    done\n"
        ),
        "{}",
        r.out
    );
    assert!(
        !r.out.contains("file_"),
        "partial tool JSON is not shown: {}",
        r.out
    );

    let r = fmt_fixture(&["--color", "never"], "thinking-partial.jsonl");
    assert_eq!(
        count(&r.out, "Considering the request carefully."),
        1,
        "{}",
        r.out
    );
    assert_eq!(count(&r.out, "Thought it through."), 1, "{}", r.out);
    assert!(r.out.contains("∴ Considering the request carefully.\n"));
}

#[test]
fn no_thinking_hides_thinking() {
    let r = fmt_fixture(&["--no-thinking"], "thinking-partial.jsonl");
    assert!(!r.out.contains("Considering"), "{}", r.out);
    assert!(r.out.contains("Thought it through.\n"));
}

#[test]
fn text_style_is_the_final_answer_as_claude_p_prints_it() {
    let cases = [
        (
            "bash-tool.jsonl",
            "Tool finished: bin\nboot\ncontainer_info.json\n",
        ),
        ("tools-partial.jsonl", "Tool finished: a\tb\ndone\n"),
        ("thinking-partial.jsonl", "Thought it through.\n"),
        (
            "text-turn.jsonl",
            "echo: What is a FIFO? one two three four five six\n",
        ),
        ("api-error-400.jsonl", "API Error: 400 scripted 400\n"),
        ("auth-retry-401-killed.jsonl", ""),
    ];
    for (name, want) in cases {
        let r = fmt_fixture(&["--style", "text", "--color", "always"], name);
        assert_eq!(r.out, want, "{name}");
    }
}

#[test]
fn summary_is_one_line_per_result() {
    let r = fmt_stdin(
        &["--style", "summary", "--color", "never"],
        "interrupt.jsonl",
    );
    assert_eq!(r.code, 0, "the session's last result is a success");
    let lines: Vec<&str> = r.out.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.out);
    assert_eq!(
        lines[0],
        "failure subtype=error_during_execution turns=3 duration_ms=1725 cost_usd=0.000288 \
         input_tokens=12 output_tokens=12 session=8cd6c61f-f67c-4a35-a503-fa6698daec34"
    );
    assert!(
        lines[1].starts_with("success turns=1 duration_ms=86 "),
        "{}",
        lines[1]
    );

    assert_eq!(
        lines[2],
        "total sessions=1 failed=0 turns=4 duration_ms=1811 cost_usd=0.000416 \
         input_tokens=24 output_tokens=16"
    );

    let r = fmt_stdin(&["--style", "summary"], "auth-retry-401-killed.jsonl");
    assert_eq!(
        r.out,
        "incomplete (no result) session=e73d2f8b-4b22-4e2d-8929-0d5547e24e71\n"
    );
    assert_eq!(r.code, 1, "a session without a result failed");
}

#[test]
fn summary_json_is_one_object_per_result() {
    let r = fmt_stdin(&["--style", "summary", "--json"], "api-error-400.jsonl");
    assert_eq!(r.code, 1, "the session failed");
    let lines: Vec<&str> = r.out.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.out);
    let v: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON line");
    assert_eq!(v["status"], "failure");
    assert_eq!(v["is_error"], true);
    assert_eq!(v["api_error_status"], 400);
    assert_eq!(v["num_turns"], 1);
    assert_eq!(v["session_id"], "806dd95c-38c6-4b66-ab17-f3533ec2eddd");

    let r = fmt_fixture(&["--json", "--color", "always"], "bash-tool.jsonl");
    let v: serde_json::Value =
        serde_json::from_str(r.out.trim_end()).expect("JSON line, no colour");
    assert_eq!(v["status"], "success");
    assert_eq!(v["input_tokens"], 24);
    assert_eq!(v["output_tokens"], 14);
    let cost = v["total_cost_usd"].as_f64().expect("cost is a number");
    assert!((cost - 0.000376).abs() < 1e-12, "{cost}");
}

#[test]
fn permission_denials_are_named_in_the_footer_and_summary() {
    let input = r#"{"type":"result","subtype":"success","is_error":false,"num_turns":1,"permission_denials":[{"tool_name":"Write","tool_use_id":"t1","tool_input":{}},{"tool_name":"Bash","tool_use_id":"t2","tool_input":{}},{"tool_name":"Write","tool_use_id":"t3","tool_input":{}}]}"#;
    let r = fmt(&[], input);
    assert!(
        r.out.contains("permission denied: Write, Bash\n"),
        "{}",
        r.out
    );
    let r = fmt(&["--style", "summary"], input);
    assert!(r.out.contains(" denied=Write,Bash"), "{}", r.out);
}

/// Lines whose model text, tool output and file name carry escape sequences.
fn hostile() -> String {
    let evil = "\x1b]0;pwned\x07\x1b[2J";
    [
        serde_json::json!({"type":"system","subtype":"init","session_id":format!("s{evil}"),"model":"m","cwd":format!("/tmp/{evil}")}).to_string(),
        assistant_text(&format!("model says {evil} done")),
        serde_json::json!({"type":"assistant","message":{"id":"m2","content":[{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":format!("/tmp/x{evil}.txt")}}]}}).to_string(),
        serde_json::json!({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":format!("out {evil} put")}]}}).to_string(),
        serde_json::json!({"type":"result","subtype":"success","is_error":false,"session_id":format!("s{evil}")}).to_string(),
    ]
    .join("\n")
}

#[test]
fn escape_sequences_from_the_input_are_made_visible_in_every_style() {
    let input = hostile();
    for style in ["pretty", "text", "summary"] {
        for color in ["always", "never"] {
            let r = fmt(&["--style", style, "--color", color], &input);
            assert_eq!(r.code, 0, "{}", r.err);
            assert!(
                !r.out.contains("\x1b]0;pwned"),
                "{style}/{color}: raw OSC in {:?}",
                r.out
            );
            assert!(!r.out.contains('\x07'), "{style}/{color}: raw BEL");
            assert!(!r.out.contains("\x1b[2J"), "{style}/{color}: raw CSI");
            if color == "never" {
                assert!(
                    !r.out.contains('\x1b'),
                    "{style}: no escape at all without colour"
                );
            }
        }
    }
    let r = fmt(&["--color", "always"], &input);
    assert!(
        r.out.contains("model says ^[]0;pwned^G^[[2J done"),
        "{:?}",
        r.out
    );
    assert!(
        r.out.contains("/tmp/x^[]0;pwned^G^[[2J.txt"),
        "file name: {:?}",
        r.out
    );
    assert!(
        r.out.contains("out ^[]0;pwned^G^[[2J put"),
        "tool output: {:?}",
        r.out
    );
    let r = fmt(&["--style", "summary", "--json"], &input);
    assert!(
        r.out.contains(r#""session_id":"s^[]0;pwned^G^[[2J""#),
        "{:?}",
        r.out
    );
}

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let path = fixture("bash-tool.jsonl");
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        let mut cmd = bin("cc-fmt");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let o = cmd.args(args).arg(&path).output().expect("run");
        String::from_utf8(o.stdout).expect("utf-8")
    };
    assert!(
        !run(&[], &[]).contains('\x1b'),
        "auto: not a terminal, no colour"
    );
    assert!(
        run(&[("CLICOLOR_FORCE", "1")], &[]).contains("\x1b["),
        "CLICOLOR_FORCE forces colour"
    );
    assert!(
        !run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]).contains('\x1b'),
        "NO_COLOR wins"
    );
    assert!(
        run(&[("NO_COLOR", "1")], &["--color", "always"]).contains("\x1b["),
        "always is always"
    );
    assert!(!run(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]).contains('\x1b'));
}

#[test]
fn wraps_wide_characters_at_the_given_width() {
    let input = assistant_text("日本語のテキスト and 😀😀😀 emoji words here");
    let r = fmt(&["--width", "10"], &input);
    assert_eq!(
        r.out, "日本語のテ\nキスト and\n😀😀😀\nemoji\nwords here\n",
        "{:?}",
        r.out
    );
    // Without a terminal and without --width, nothing is wrapped.
    let long = "word ".repeat(100);
    let r = fmt(&[], &assistant_text(&long));
    assert_eq!(r.out, format!("{long}\n"));
    // COLUMNS only matters on a terminal.
    let o = bin("cc-fmt")
        .env("COLUMNS", "20")
        .write_stdin(assistant_text(&long))
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8(o.stdout).expect("utf-8"),
        format!("{long}\n")
    );
}

#[test]
fn tool_results_are_cut_to_max_lines() {
    let content: String = (1..=30).map(|i| format!("line {i}\n")).collect();
    let input = serde_json::json!({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":content}]}}).to_string();
    let r = fmt(&[], &input);
    assert!(
        r.out.contains("    line 10\n    … 20 more lines\n"),
        "{}",
        r.out
    );
    assert!(!r.out.contains("line 11"));
    let r = fmt(&["--max-lines", "0"], &input);
    assert!(r.out.contains("    line 30\n"), "{}", r.out);
    assert!(!r.out.contains("more lines"));
}

#[test]
fn other_tools_show_the_input_that_matters() {
    let call = |name: &str, input: serde_json::Value| {
        serde_json::json!({"type":"assistant","message":{"id":"m","content":[{"type":"tool_use","id":"t","name":name,"input":input}]}}).to_string()
    };
    let input = [
        call(
            "Grep",
            serde_json::json!({"pattern":"fn main","path":"src"}),
        ),
        call(
            "WebFetch",
            serde_json::json!({"url":"https://example.com","prompt":"p"}),
        ),
        call(
            "Task",
            serde_json::json!({"description":"Find the bug","prompt":"long"}),
        ),
        call(
            "Edit",
            serde_json::json!({"file_path":"src/a.rs","old_string":"a","new_string":"b"}),
        ),
        call("TodoWrite", serde_json::json!({"todos":[{"content":"x"}]})),
    ]
    .join("\n");
    let r = fmt(&[], &input);
    assert_eq!(
        r.out,
        "● Grep(fn main in src)\n● WebFetch(https://example.com)\n● Task(Find the bug)\n\
         ● Edit(src/a.rs)\n● TodoWrite({\"todos\":[{\"content\":\"x\"}]})\n"
    );
}

#[test]
fn unknown_events_are_one_dim_line_in_pretty_and_nothing_in_text() {
    let input = [
        r#"{"type":"system","subtype":"brand_new","x":1}"#,
        r#"{"type":"message","status":{"weird":true},"message":"a string"}"#,
        r#"{"type":"future_kind","subtype":7}"#,
        r#"{"subtype":"no type"}"#,
        &assistant_text("still here"),
    ]
    .join("\n");
    let r = fmt(&[], &input);
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(
        r.out,
        "· system/brand_new\n· message\n· future_kind\n· (event without a type)/no type\n\
         still here\n"
    );
    let r = fmt(&["--color", "always"], &input);
    assert!(r.out.starts_with("\x1b[2m· "), "dim: {:?}", r.out);
    let r = fmt(&["--style", "text", "--all-text"], &input);
    assert_eq!(r.out, "still here\n");
}

#[test]
fn malformed_lines_are_reported_skipped_and_fail_at_the_end() {
    let input = format!(
        "{}\n{{not json\n[1,2]\n{{\"type\":\"a\",\"type\":\"b\"}}\n{}\n",
        assistant_text("first"),
        assistant_text("after")
    );
    let r = fmt(&[], &input);
    assert_eq!(r.code, 1);
    assert_eq!(r.out, "first\nafter\n");
    assert_eq!(
        r.err,
        "cc-fmt: stdin:2: invalid JSON at column 2: expected a string key or '}'\n\
         cc-fmt: stdin:3: expected a JSON object, found an array\n\
         cc-fmt: stdin:4: duplicate key \"type\" at column 13\n"
    );

    let mut bytes = format!("{}\n", assistant_text("first")).into_bytes();
    bytes.extend_from_slice(b"{\"type\":\"assistant\",\"x\":\"\xff\"}\n");
    bytes.extend_from_slice(assistant_text("after").as_bytes());
    let o = bin("cc-fmt").write_stdin(bytes).output().expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "first\nafter\n");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err, "cc-fmt: stdin:2: invalid UTF-8 at column 26\n");

    let long = assistant_text(&"x".repeat(500));
    let input = format!(
        "{}\n{long}\n{}\n",
        assistant_text("first"),
        assistant_text("after")
    );
    let r = fmt(&["--max-line", "200"], &input);
    assert_eq!(r.code, 1);
    assert_eq!(r.out, "first\nafter\n");
    assert!(
        r.err
            .contains("cc-fmt: stdin:2: line longer than 200 bytes"),
        "{}",
        r.err
    );
}

#[test]
fn a_bad_line_gets_the_words_of_cc_check_and_cc_filter() {
    let lines = [
        "{not json",
        "[1,2]",
        r#"{"type":"a","type":"b"}"#,
        r#"{"type":"user","x":1e}"#,
        r#"{"type":"user","x":"\q"}"#,
    ];
    for line in lines {
        let message = |tool: &str, args: &[&str]| {
            let o = bin(tool)
                .args(args)
                .write_stdin(format!("{line}\n"))
                .output()
                .expect("run");
            let err = String::from_utf8(o.stderr).expect("utf-8");
            let first = err.lines().next().unwrap_or("").to_owned();
            first
                .strip_prefix(&format!("{tool}: "))
                .unwrap_or(&first)
                .to_owned()
        };
        let ours = message("cc-fmt", &[]);
        assert!(ours.starts_with("stdin:1: "), "{line}: {ours}");
        assert_eq!(ours, message("cc-check", &["--output"]), "{line}");
        if line != "[1,2]" {
            // cc-filter reads any JSON value; the others need an object.
            assert_eq!(ours, message("cc-filter", &["."]), "{line}");
        }
        assert!(!ours.contains("struct"), "{ours}");
    }
}

#[test]
fn fields_of_an_unexpected_type_read_as_absent() {
    let input = [
        r#"{"type":"system","subtype":"init","model":7,"cwd":["x"],"session_id":"s1"}"#,
        r#"{"type":"assistant","message":{"id":5,"content":[{"type":"text","text":3},{"type":"tool_use","name":"Bash","input":"not an object"},{"type":"text","text":"ok"}]}}"#,
        r#"{"type":"user","message":{"content":{"weird":true}}}"#,
        r#"{"type":"result","subtype":"success","is_error":"no","num_turns":"2","usage":[1],"permission_denials":{"a":1}}"#,
    ]
    .join("\n");
    let r = fmt(&[], &input);
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(r.err, "");
    assert_eq!(r.out, "── session s1\n● Bash\nok\n✓ success\n", "{}", r.out);
}

#[test]
fn a_closed_downstream_ends_quietly() {
    let one = std::fs::read_to_string(fixture("tools-partial.jsonl")).expect("fixture");
    let input = one.repeat(300);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cc-fmt"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read");
    assert!(first.starts_with("── "), "{first}");
    // The reader is dropped here, as `| head -1` does.
    let status = child.wait().expect("wait");
    writer.join().expect("writer");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    assert!(status.success(), "exit {status:?}");
    assert_eq!(err, "");
}

#[test]
fn streamed_text_appears_before_the_input_ends() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cc-fmt"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        let mut r = stdout;
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let events = [
        r#"{"type":"stream_event","event":{"type":"message_start","message":{"id":"m1"}}}"#,
        r#"{"type":"stream_event","event":{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}}"#,
        r#"{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}}"#,
    ];
    for e in events {
        writeln!(stdin, "{e}").expect("write");
    }
    stdin.flush().expect("flush");
    let got = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("streamed text arrives while input is open");
    assert_eq!(got, b"Hel");
    drop(stdin);
    child.wait().expect("wait");
}

#[test]
fn help_shows_an_example() {
    let r = fmt(&["--help"], "");
    assert_eq!(r.code, 0);
    assert!(r.out.contains("Examples:"), "{}", r.out);
    assert!(r.out.contains("cc-fmt --style summary --json"), "{}", r.out);
    assert!(r.out.contains("--no-thinking"));
    assert!(r.out.contains("--style markdown"), "{}", r.out);
    assert!(r.out.contains("cc-stats"), "the batch gate: {}", r.out);
}

#[test]
fn no_input_makes_it_panic() {
    // Every member of every fixture line, in turn, replaced by a value of
    // each JSON type; and every line cut short.
    let odd = [
        serde_json::json!(null),
        serde_json::json!(7),
        serde_json::json!(-1e300),
        serde_json::json!("x"),
        serde_json::json!([]),
        serde_json::json!([{"type": 1}]),
        serde_json::json!({}),
        serde_json::json!(true),
    ];
    let mut input = String::new();
    for path in common::all_fixtures() {
        let text = std::fs::read_to_string(path).expect("fixture");
        for line in text.lines() {
            input.push_str(&line[..line.len() / 2]);
            input.push('\n');
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
            for key in v.as_object().expect("object").keys() {
                for o in &odd {
                    let mut m = v.clone();
                    m[key] = o.clone();
                    input.push_str(&m.to_string());
                    input.push('\n');
                }
            }
        }
    }
    for style in ["pretty", "text", "summary", "markdown"] {
        for width in ["0", "7"] {
            let r = fmt(
                &["--style", style, "--width", width, "--max-lines", "2"],
                &input,
            );
            assert!(
                matches!(r.code, 0 | 1),
                "{style}: exit {}: {}",
                r.code,
                r.err
            );
            assert!(!r.err.contains("panicked"), "{style}: {}", r.err);
        }
    }
}

#[test]
fn json_goes_with_summary_only() {
    let r = fmt(&["--json", "--style", "text"], "");
    assert_eq!(r.code, 2);
    assert_eq!(r.err, "cc-fmt: --json goes with --style summary\n");
}

/// Runs `tool args` on a huge line, then a small line that prints `marker`,
/// and returns the peak RSS (VmHWM, KiB) once the marker is out: the peak
/// of reading and showing the huge line, with the input still open.
fn peak_rss_after(tool: &str, args: &[&str], huge: &[u8], marker: &str) -> u64 {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin(tool))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let mark = serde_json::json!({
        "type": "assistant",
        "message": {"id": "m", "role": "assistant", "content": [{"type": "text", "text": marker}]},
        "parent_tool_use_id": null, "uuid": "u", "session_id": "s",
    });
    let data = [huge, b"\n", mark.to_string().as_bytes(), b"\n"].concat();
    let writer = std::thread::spawn(move || {
        stdin.write_all(&data).expect("write");
        stdin
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = out.read_until(b'\n', &mut line).expect("read");
        assert!(n > 0, "{tool} ended before the marker");
        if String::from_utf8_lossy(&line).contains(marker) {
            break;
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    drop(writer.join().expect("writer"));
    std::io::copy(&mut out, &mut std::io::sink()).expect("drain");
    child.wait().expect("wait");
    hwm
}

#[test]
fn a_huge_tool_result_costs_no_copy_of_its_line() {
    // 8 MiB of escaped text: decoding it whole would copy it.
    let unit = r#"out \"q\" \u00e9\n"#;
    let body = unit.repeat((8 << 20) / unit.len());
    let huge = format!(
        r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"t1","content":"{body}"}}]}},"parent_tool_use_id":null,"session_id":"s"}}"#
    );
    let reader_only = peak_rss_after("cc-check", &["--output"], huge.as_bytes(), "MARK");
    for args in [&["--color", "never"][..], &["--max-lines", "0"][..]] {
        let ours = peak_rss_after("cc-fmt", args, huge.as_bytes(), "MARK");
        assert!(
            ours < reader_only + 4096,
            "cc-fmt {args:?} peaked at {ours} KiB, the reader alone at {reader_only} KiB"
        );
    }
}
