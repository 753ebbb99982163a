//! cc-filter: jq parity on the real fixtures, the jq exit statuses, the
//! selection shortcuts and their fast path, and the streaming behaviour.
mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{all_fixtures, bin, fixture};
use serde_json::Value;

/// The reference jq (1.6 here; the README lists it as a test requirement).
const JQ: &str = "jq";

/// What to say when jq cannot be run: the parity tests need it.
const NO_JQ: &str =
    "cannot run jq, which the jq-parity tests compare against: install it (apt-get install jq)";

/// A JSON value with every number as f64, so `1` and `1.0` compare equal
/// (jq 1.6 prints numbers as doubles; jaq keeps their text).
fn norm(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64().expect("finite number")),
        Value::Array(a) => Value::Array(a.into_iter().map(norm).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, norm(v))).collect()),
        other => other,
    }
}

fn values(stdout: &[u8]) -> Vec<Value> {
    let text = String::from_utf8(stdout.to_vec()).expect("UTF-8 output");
    text.lines()
        .map(|l| norm(serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}"))))
        .collect()
}

fn ours(args: &[&str], file: &Path) -> Vec<u8> {
    let out = bin("cc-filter")
        .args(args)
        .arg(file)
        .output()
        .expect("run cc-filter");
    assert!(
        out.status.success(),
        "cc-filter {args:?} {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn jq(args: &[&str], file: &Path) -> Vec<u8> {
    let out = Command::new(JQ).args(args).arg(file).output().expect(NO_JQ);
    assert!(
        out.status.success(),
        "jq {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `args` through cc-filter and `jq -c` on every fixture: same values, line by line.
fn same_as_jq(args: &[&str]) {
    let mut outputs = 0;
    for file in all_fixtures() {
        let mut jq_args = vec!["-c"];
        jq_args.extend_from_slice(args);
        let (a, b) = (ours(args, &file), jq(&jq_args, &file));
        if args.contains(&"-r") || args.contains(&"-j") {
            assert_eq!(
                String::from_utf8_lossy(&a),
                String::from_utf8_lossy(&b),
                "{args:?} on {}",
                file.display()
            );
        } else {
            assert_eq!(values(&a), values(&b), "{args:?} on {}", file.display());
        }
        outputs += b.len();
    }
    assert!(
        outputs > 0,
        "{args:?} printed nothing on any fixture: a weak test"
    );
}

macro_rules! parity {
    ($($name:ident: [$($arg:expr),+];)*) => {$(
        #[test]
        fn $name() {
            same_as_jq(&[$($arg),+]);
        }
    )*};
}

parity! {
    jq_identity: ["."];
    jq_in: [r#".type | IN("result", "assistant")"#];
    jq_in_two: ["-s", r#"IN(.[].type; "result")"#];
    jq_index: ["-s", "INDEX(.type) | keys"];
    jq_index_stream: ["-s", "INDEX(.[] | select(.session_id); .session_id) | length"];
    jq_type: [".type"];
    jq_select_assistant: [r#"select(.type=="assistant")"#];
    jq_assistant_text_raw: ["-r", r#"select(.type=="assistant") | .message.content[] | select(.type=="text") | .text"#];
    jq_tool_names: [".message | objects | .content[]?.name"];
    jq_projection: ["{type, subtype, session_id}"];
    jq_result_cost: [r#"select(.type=="result") | {cost: .total_cost_usd, turns: .num_turns}"#];
    jq_usage_or_empty: [".usage // empty"];
    jq_join_with_nulls: [r#"[.type, .subtype // "-"] | join("/")"#];
    jq_keys: ["keys"];
    jq_slurp_group: ["-s", "map(.type) | group_by(.) | map({(.[0]): length}) | add"];
    jq_arg: ["--arg", "t", "result", "select(.type == $t) | .num_turns"];
    jq_argjson: ["--argjson", "n", "2", "select(.num_turns? == $n) | .type"];
    jq_tool_results: [r#"select(.type=="user") | .message.content[]? | select(.type=="tool_result") | .content"#];
    jq_del_fields: ["del(.uuid, .session_id)"];
    jq_with_entries: [r#"with_entries(select(.key | startswith("t")))"#];
    jq_recursive_numbers: ["[.. | numbers] | add"];
    jq_join_output: ["-j", ".type"];
    jq_csv: ["-r", r#"select(.type=="result") | [.subtype, .num_turns, .total_cost_usd, .is_error, .stop_reason] | @csv"#];
    jq_tsv: ["-r", r#"[.type, (.subtype // null), .session_id, (.message | objects | .role)] | @tsv"#];
    jq_csv_format_string: ["-r", r#"select(.type=="result") | @csv "\([.subtype, .num_turns])""#];
    // The benchmark's general set (examples/bench/general.sh): most of them
    // build only part of each line, and must print what jq prints.
    jq_tool_inputs: [r#".message | objects | .content[]? | select(.type=="tool_use") | .input"#];
    jq_tools_recipe: [r#"select(.type == "assistant") | .message.content[]? | select(.type == "tool_use") | {id, name, input}"#];
    jq_bash_commands: ["-r", r#"select(.type=="assistant") | .message.content[] | select(.type=="tool_use" and .name=="Bash") | .input.command"#];
    jq_deltas: ["-r", r#"select(.type == "stream_event") | .event | select(.type == "content_block_delta") | .delta | select(.type == "text_delta") | .text"#];
    jq_usage_per_line: [r#"select(.type == "assistant") | select(.message.usage?) | .message.usage | .input_tokens + .output_tokens"#];
    jq_errors_recipe: [r#"select((.type == "result" and (.is_error or .subtype != "success")) or (.type == "system" and .subtype == "api_retry"))"#];
    jq_tool_errors: [r#"select(.type=="user") | .message.content[]? | select(.type=="tool_result" and .is_error) | .content"#];
    jq_reshape: [r#"{kind: .type, sub: (.subtype // null), id: .uuid, blocks: (.message | objects | .content? | length)}"#];
    jq_interpolate: ["-r", r#""\(.type)/\(.subtype // "-") \(.uuid)""#];
    jq_result_line: ["-r", r#"select(.type=="result") | "\(.num_turns) turns, $\(.total_cost_usd)""#];
    jq_has_and_first: [r#"select(has("message")) | .message | objects | .content | arrays | first | .type"#];
    jq_truthiness_only: [r#"select(.message and .session_id) | .uuid"#];
    jq_map_types: [r#".message | objects | .content | arrays | map(.type)"#];
    jq_arg_select: ["--arg", "t", "tool_result", r#"select(.message | objects | .content[]?.type? == $t) | .uuid"#];
    // Natives for jaq-std definitions (src/filter/jq.rs).
    jq_walk_numbers: [".. | numbers"];
    jq_walk_strings_len: ["[.. | strings | length] | add"];
    jq_kind_selections: ["[.. | scalars | type], [.. | iterables | length], [.[] | values | type], [.. | booleans], [.. | arrays | length], [.. | objects | keys]"];
    jq_kind_paths: ["[paths(numbers)], del(.. | nulls), [path(.. | strings)]"];
    jq_kind_update: ["(.. | numbers) |= . + 1"];
    jq_with_entries_general: [r#"with_entries(select(.key != "session_id" and .key != "uuid"))"#];
    jq_entries_round_trip: ["to_entries | from_entries"];
    // Built in part: counting needs only the kind of each member, --slurp
    // builds each line as far as the program reads the array's elements.
    jq_counts: [".message | objects | [(.content | length), keys, keys_unsorted]"];
    jq_slurp_usage_sum: ["-s", r#"[.[] | select(.type=="result") | .usage.output_tokens] | add"#];
    jq_slurp_cost_sum: ["-s", r#"map(select(.type=="result") | .total_cost_usd) | add"#];
    jq_slurp_length: ["-s", "length, (.[0] | length)"];
}

fn run_stdin(args: &[&str], input: &str) -> std::process::Output {
    bin("cc-filter")
        .args(args)
        .write_stdin(input)
        .output()
        .expect("run cc-filter")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn identity_copies_compact_lines_byte_for_byte() {
    for file in all_fixtures() {
        let input = std::fs::read(&file).unwrap();
        assert_eq!(ours(&["."], &file), input, "{}", file.display());
    }
}

#[test]
fn non_compact_input_is_printed_compact_and_duplicate_keys_are_refused() {
    let out = run_stdin(&["."], "{ \"a\" : [1, 2] }\n{\"a\":1,\"a\":2}\n");
    assert_eq!(text(&out.stdout), "{\"a\":[1,2]}\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "cc-filter: stdin:2: duplicate key \"a\" at column 8\n"
    );
}

#[test]
fn exit_0_on_success() {
    let out = run_stdin(&[".a"], "{\"a\":1}\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "1\n");
}

#[test]
fn exit_1_with_e_when_last_output_is_false_or_null() {
    assert_eq!(
        run_stdin(&["-e", ".a"], "{\"a\":true}\n{\"a\":null}\n")
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run_stdin(&["-e", ".a"], "{\"a\":null}\n{\"a\":false}\n")
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run_stdin(&["-e", ".a"], "{\"a\":null}\n{\"a\":0}\n")
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn exit_2_on_usage_errors_and_missing_files() {
    assert_eq!(
        run_stdin(&["--no-such-flag", "."], "").status.code(),
        Some(2)
    );
    let out = bin("cc-filter")
        .args([".", "/nonexistent/x.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("/nonexistent/x.jsonl"),
        "{}",
        text(&out.stderr)
    );
    let out = run_stdin(&["--argjson", "x", "{nope", "."], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--argjson x: invalid JSON"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn exit_2_on_invalid_json_and_the_run_goes_on() {
    let out = run_stdin(&[".a"], "{\"a\":1}\n{\"a\":\n{\"a\":3}\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "1\n3\n");
    let err = text(&out.stderr);
    assert!(
        err.starts_with("cc-filter: stdin:2: invalid JSON at column 6: "),
        "{err}"
    );
}

#[test]
fn invalid_json_is_reported_even_where_a_leading_select_skips_lines() {
    let out = run_stdin(
        &[r#"select(.type=="b")"#],
        "{\"type\":\"a\",\"x\":\n{\"type\":\"b\"}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "{\"type\":\"b\"}\n");
    assert!(
        text(&out.stderr).contains("stdin:1: invalid JSON"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn exit_2_on_an_over_long_line_which_is_skipped() {
    let long = format!("{{\"a\":\"{}\"}}", "x".repeat(2000));
    let out = run_stdin(
        &["--max-line", "1K", ".a"],
        &format!("{long}\n{{\"a\":2}}\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "2\n");
    assert!(
        text(&out.stderr).contains("stdin:1: line longer than 1024 bytes"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn exit_3_on_compile_error_with_a_caret_under_the_position() {
    let out = run_stdin(&[".a | bar(1)"], "{}\n");
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(err.contains("undefined filter bar/1 at column 6"), "{err}");
    assert!(err.contains("\n    .a | bar(1)\n         ^^^\n"), "{err}");

    let out = run_stdin(&[".a |"], "{}\n");
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(
        err.contains("expected term, found end of input at column 5"),
        "{err}"
    );
    assert!(err.contains("\n    .a |\n        ^\n"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn exit_4_with_e_when_there_is_no_output() {
    assert_eq!(run_stdin(&["-e", "empty"], "{}\n").status.code(), Some(4));
    assert_eq!(run_stdin(&["-e", "."], "").status.code(), Some(4));
}

#[test]
fn exit_5_on_runtime_error_reported_with_line_and_the_run_goes_on() {
    let out = run_stdin(&[".a + 1"], "{\"a\":1}\n{\"a\":\"x\"}\n{\"a\":2}\n");
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(text(&out.stdout), "2\n3\n");
    let err = text(&out.stderr);
    assert!(
        err.starts_with("cc-filter: stdin:2: error: cannot calculate"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn runtime_errors_name_the_file() {
    let file = fixture("text-turn.jsonl");
    let out = bin("cc-filter")
        .args([r#"if .type == "assistant" then error("boom") else empty end"#])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(
        text(&out.stderr),
        format!("cc-filter: {}:2: error: boom\n", file.display())
    );
}

#[test]
fn halt_error_exits_with_its_status_at_once() {
    let out = run_stdin(
        &[r#"if .a == 2 then "stop\n" | halt_error(7) else .a end"#],
        "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n",
    );
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(text(&out.stdout), "1\n");
    assert_eq!(text(&out.stderr), "stop\n");
}

#[test]
fn debug_and_stderr_print_on_stderr_like_jq() {
    let out = run_stdin(&["debug | .a | stderr"], "{\"a\":\"x\"}\n");
    assert_eq!(text(&out.stdout), "\"x\"\n");
    assert_eq!(text(&out.stderr), "[\"DEBUG:\",{\"a\":\"x\"}]\nx");
}

#[test]
fn null_input_runs_once_without_reading() {
    let out = run_stdin(&["-n", "[1, 2] | add"], "this is not read\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "3\n");
}

#[test]
fn slurp_runs_once_on_an_array_of_all_events() {
    let out = run_stdin(&["-s", "length"], "{}\n\n[]\n3\n");
    assert_eq!(text(&out.stdout), "3\n");
}

#[test]
fn raw_and_join_output() {
    let input = "{\"t\":\"a\\nb\",\"n\":1}\n{\"t\":\"c\",\"n\":2}\n";
    assert_eq!(
        text(&run_stdin(&["-r", ".t, .n"], input).stdout),
        "a\nb\n1\nc\n2\n"
    );
    assert_eq!(text(&run_stdin(&["-j", ".t, .n"], input).stdout), "a\nb1c2");
    assert_eq!(
        text(&run_stdin(&[".t"], input).stdout),
        "\"a\\nb\"\n\"c\"\n"
    );
}

#[test]
fn pretty_matches_jq_default_layout() {
    let input = "{\"b\":[1,{\"c\":null}],\"a\":{},\"d\":[],\"e\":\"x\"}\n";
    let out = run_stdin(&["--pretty", "."], input);
    let mut jq = Command::new(JQ)
        .arg(".")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect(NO_JQ);
    jq.stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let expected = jq.wait_with_output().unwrap().stdout;
    assert_eq!(text(&out.stdout), text(&expected));
    assert_eq!(
        text(&run_stdin(&["--pretty", "-c", "."], input).stdout),
        input
    );
    assert_eq!(
        text(&run_stdin(&["-S", "."], input).stdout),
        "{\"a\":{},\"b\":[1,{\"c\":null}],\"d\":[],\"e\":\"x\"}\n"
    );
}

#[test]
fn closed_downstream_ends_quietly_with_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    let line = std::fs::read_to_string(fixture("tools-partial.jsonl")).unwrap();
    std::fs::write(&path, line.repeat(2000)).unwrap();
    for args in [&["."][..], &["--type", "stream_event"], &["-c", "{type}"]] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("cc-filter"))
            .args(args)
            .stdin(std::fs::File::open(&path).unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.starts_with('{'), "{first}");
        // The reader is dropped here: the pipe closes like `| head -1`.
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn each_event_is_passed_on_before_the_input_ends() {
    for args in [&["-c", "{type}"][..], &["--type", "a"], &["."]] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("cc-filter"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"{\"type\":\"a\"}\n").unwrap();
        stdin.flush().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).unwrap();
            tx.send(line).unwrap();
        });
        let line = rx.recv_timeout(std::time::Duration::from_secs(10));
        drop(stdin);
        child.wait().unwrap();
        assert_eq!(
            line.as_deref(),
            Ok("{\"type\":\"a\"}\n"),
            "{args:?}: output held back"
        );
    }
}

#[test]
fn help_shows_examples_and_exit_statuses() {
    let out = bin("cc-filter").arg("--help").output().unwrap();
    let help = text(&out.stdout);
    assert!(
        help.contains("Examples:\n  cc-run < prompts.jsonl | cc-filter"),
        "{help}"
    );
    assert!(help.contains("5  a runtime error"), "{help}");
    // Wherever the help text wraps.
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("the next event is processed"), "{help}");
}

#[test]
fn type_without_expr_selects_verbatim_and_positionals_are_files() {
    for file in all_fixtures() {
        let got = ours(&["--type", "assistant"], &file);
        let want: Vec<u8> = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("{\"type\":\"assistant\""))
            .flat_map(|l| format!("{l}\n").into_bytes())
            .collect();
        assert_eq!(text(&got), text(&want), "{}", file.display());
        assert_eq!(
            values(&got),
            values(&jq(&["-c", r#"select(.type=="assistant")"#], &file))
        );
    }
}

#[test]
fn type_may_repeat_and_takes_an_expression_with_expr() {
    let file = fixture("bash-tool.jsonl");
    let got = ours(&["-t", "result", "-t", "system", "--expr", ".type"], &file);
    assert_eq!(text(&got), "\"system\"\n\"result\"\n");
}

#[test]
fn type_with_an_expression_as_positional_says_how_to_fix_it() {
    let out = bin("cc-filter")
        .args(["--type", "assistant", ".message"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("give an expression with --expr"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn subtype_selects_on_bytes_and_on_values() {
    let file = fixture("auth-retry-401-killed.jsonl");
    let got = ours(
        &[
            "--type",
            "system",
            "--subtype",
            "api_retry",
            "-x",
            ".attempt",
        ],
        &file,
    );
    assert_eq!(text(&got), "1\n2\n3\n4\n5\n");
    // Lines not in the CLI's own shape are parsed and decided on their value.
    let out = run_stdin(
        &["--subtype", "x"],
        "{\"subtype\":\"x\",\"type\":\"a\"}\n{ \"type\": \"a\" }\n",
    );
    assert_eq!(text(&out.stdout), "{\"subtype\":\"x\",\"type\":\"a\"}\n");
}

#[test]
fn type_selection_reports_malformed_lines_of_any_type() {
    let out = run_stdin(
        &["--type", "a"],
        "{\"type\":\"a\",broken\n{\"type\":\"b\",broken\n{\"type\":\"a\"}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "{\"type\":\"a\"}\n");
    let err = text(&out.stderr);
    assert!(err.contains("stdin:1: invalid JSON at column 13"), "{err}");
    assert!(err.contains("stdin:2: invalid JSON at column 13"), "{err}");
}

#[test]
fn recipes_match_their_jq_source_and_are_listed() {
    let list = text(
        &bin("cc-filter")
            .arg("--list-recipes")
            .output()
            .unwrap()
            .stdout,
    );
    for (name, source, jq_flag) in [
        (
            "text",
            r#"select(.type == "assistant") | .message.content[]? | select(.type == "text") | .text"#,
            "-r",
        ),
        (
            "tools",
            r#"select(.type == "assistant") | .message.content[]? | select(.type == "tool_use") | {id, name, input}"#,
            "-c",
        ),
    ] {
        assert!(list.contains(source), "{list}");
        let file = fixture("tools-partial.jsonl");
        let got = ours(&["--recipe", name], &file);
        assert!(!got.is_empty());
        assert_eq!(text(&got), text(&jq(&[jq_flag, source], &file)), "{name}");
    }
    let file = fixture("bash-tool.jsonl");
    let got = ours(&["--recipe", "result", "-x", ".num_turns"], &file);
    assert_eq!(text(&got), "2\n");
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let deep = format!("{}{}\n", "[".repeat(5000), "]".repeat(5000));
    let out = run_stdin(&["."], &deep);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("nested deeper than 1000 levels"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn huge_error_values_are_cut_in_messages() {
    let input = format!("{{\"a\":\"{}\"}}\n", "y".repeat(100_000));
    let out = run_stdin(&[".a.b"], &input);
    assert_eq!(out.status.code(), Some(5));
    assert!(
        out.stderr.len() < 1000,
        "{} bytes of stderr",
        out.stderr.len()
    );
}

#[test]
fn plain_lookups_give_jaq_results_and_errors_on_odd_input() {
    let input = "{\"a\":{\"b\":1},\"t\":\"x\"}\n{\"a\":\"s\"}\n[1]\nnull\n{\"a\":{\"b\":2} }\n";
    let out = run_stdin(&["{t, b: .a.b}"], input);
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(
        text(&out.stdout),
        "{\"t\":\"x\",\"b\":1}\n{\"t\":null,\"b\":null}\n{\"t\":null,\"b\":2}\n"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("stdin:2: error: cannot index \"s\" with \"b\""),
        "{err}"
    );
    assert!(
        err.contains("stdin:3: error: cannot index [1] with \"t\""),
        "{err}"
    );
    let out = run_stdin(
        &["-e", r#"select(.t == "x") | .a.c"#],
        "{\"t\":\"x\",\"a\":{}}\n{\"t\":\"y\"}\n",
    );
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(1), "null\n".into())
    );
}

/// `join` has a native path for an array and a string separator; every
/// other input takes jaq's definition, results and errors alike.
#[test]
fn join_is_jaqs_join() {
    for (expr, want) in [
        (
            r#"[null,"a",1,true,{"k":[1]}] | join(",")"#,
            r#""null,a,1,true,{\"k\":[1]}""#,
        ),
        (r#"[] | join(",")"#, r#""""#),
        (r#"["é","\u0000"] | join("·")"#, r#""é·\u0000""#),
        (r#"["a"] | join(1)"#, r#""a""#),
    ] {
        let out = run_stdin(&["-c", expr], "null\n");
        assert_eq!(text(&out.stdout).trim(), want, "{expr}");
    }
    for (expr, err) in [
        (r#""abc" | join(",")"#, "cannot use \"abc\" as iterable"),
        (r#"["a","b"] | join(1)"#, "cannot calculate \"a\" + 1"),
    ] {
        let out = run_stdin(&["-c", expr], "null\n");
        assert_eq!(out.status.code(), Some(5), "{expr}");
        assert!(
            text(&out.stderr).contains(err),
            "{expr}: {}",
            text(&out.stderr)
        );
    }
}

/// A runtime error on an input built in part is run again on the whole
/// input, so that its message quotes the value as it is (with --slurp, the
/// lines are kept for that).
#[test]
fn errors_on_partly_built_input_quote_the_whole_value() {
    let input = "{\"a\":[1,2],\"b\":\"x\"}\n{\"a\":{\"q\":3}}\n";
    for args in [
        &["-c", ".a | select(.) | .q"][..],
        &["-c", "-s", ".[] | .a | select(.) | .q"],
    ] {
        let out = run_stdin(args, input);
        assert_eq!(out.status.code(), Some(5), "{args:?}");
        assert!(
            text(&out.stderr).contains("cannot index [1,2] with \"q\""),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = run_stdin(&["-c", "-s", "map(.a | length)"], input);
    assert_eq!(text(&out.stdout), "[2,1]\n");
}
