//! cc-check, run as a binary: the table of malformed lines (each with the
//! exact reason on stderr), pass-through, stopping, --keep-going, --strict,
//! line framing, limits, a closed downstream and the help text.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use common::{all_fixtures, bin, fixture};
use serde_json::{Value, json};

// Minimal valid lines of each kind; the table breaks one field at a time.
const USER: &str =
    r#"{"type":"user","message":{"role":"user","content":"hi"},"parent_tool_use_id":null}"#;
const BLOCKS: &str = r#"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"notes"},"title":null},{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"ok"}],"is_error":false}]},"priority":"next","session_id":"s","uuid":"u","isSynthetic":false}"#;
const INTERRUPT: &str =
    r#"{"type":"control_request","request_id":"r1","request":{"subtype":"interrupt"}}"#;
const ALLOW: &str = r#"{"type":"control_response","response":{"subtype":"success","request_id":"r2","response":{"behavior":"allow","updatedInput":{"command":"ls"}}}}"#;
// As 2.1.332 writes it: `type` is not the first key.
const RESULT: &str = r#"{"duration_api_ms":50,"duration_ms":65,"is_error":false,"modelUsage":{},"num_turns":1,"permission_denials":[],"result":"done","session_id":"s","stop_reason":"end_turn","subtype":"success","total_cost_usd":0.01,"type":"result","usage":{},"uuid":"u"}"#;
const ASSISTANT: &str = r#"{"type":"assistant","message":{"id":"m","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}]},"parent_tool_use_id":null,"session_id":"s","uuid":"u"}"#;
const EVENT: &str = r#"{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"h"}},"session_id":"s","parent_tool_use_id":null,"uuid":"u"}"#;
const INIT: &str = r#"{"type":"system","subtype":"init","cwd":"/w","session_id":"s","tools":["Bash"],"mcp_servers":[],"model":"m","permissionMode":"default","slash_commands":[],"apiKeySource":"none","claude_code_version":"2.1.197","output_style":"default","skills":[],"plugins":[],"uuid":"u"}"#;
const RETRY: &str = r#"{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":510.9,"error_status":401,"error":"authentication_failed","session_id":"s","uuid":"u"}"#;
const PERMISSION: &str = r#"{"type":"control_request","request_id":"r3","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"ls"},"tool_use_id":"toolu_1"}}"#;
const REPLAY: &str = r#"{"type":"user","message":{"role":"user","content":"again"},"parent_tool_use_id":null,"session_id":"s","uuid":"u","isReplay":true}"#;
const KEEP_ALIVE: &str = r#"{"type":"keep_alive"}"#;

/// `base` with the JSON pointer `at` set to `v` (added when missing).
fn set(base: &str, at: &str, v: Value) -> String {
    let mut doc: Value = serde_json::from_str(base).expect("base line is JSON");
    let (parent, key) = at.rsplit_once('/').expect("pointer");
    let slot = doc.pointer_mut(parent).expect("parent exists");
    match slot {
        Value::Object(map) => _ = map.insert(key.to_string(), v),
        Value::Array(items) => items[key.parse::<usize>().expect("index")] = v,
        _ => panic!("{at} is not in an object or array"),
    }
    doc.to_string()
}

/// `base` without the member at JSON pointer `at`.
fn unset(base: &str, at: &str) -> String {
    let mut doc: Value = serde_json::from_str(base).expect("base line is JSON");
    let (parent, key) = at.rsplit_once('/').expect("pointer");
    let map = doc
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("object");
    assert!(map.remove(key).is_some(), "{at} was not there");
    doc.to_string()
}

/// Runs `cc-check <dir>` on a valid line, `bad`, and another valid line: the
/// run must stop at line 2 with exactly `reason`, forwarding only line 1.
fn assert_rejects(dir: &str, bad: &[u8], reason: &str) {
    let mut input = format!("{KEEP_ALIVE}\n").into_bytes();
    input.extend_from_slice(bad);
    input.extend_from_slice(format!("\n{KEEP_ALIVE}\n").as_bytes());
    let out = bin("cc-check")
        .arg(dir)
        .write_stdin(input)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        format!("cc-check: stdin:2: {reason}\n"),
        "{dir} {}",
        String::from_utf8_lossy(bad)
    );
    assert_eq!(out.status.code(), Some(1), "{dir}: exit status");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{KEEP_ALIVE}\n"),
        "{dir}: forwarded"
    );
}

macro_rules! rejects {
    ($($name:ident: $dir:literal, $line:expr => $reason:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let line: String = $line.into();
                assert_rejects(concat!("--", $dir), line.as_bytes(), $reason);
            }
        )*
    };
}

rejects! {
    // --input: user messages
    in_role: "input", set(USER, "/message/role", json!("assistant")) => r#"user message: message.role is "assistant", expected "user""#;
    in_role_hostile: "input", set(USER, "/message/role", json!("\u{1b}[2J\u{9b}")) => r#"user message: message.role is "\u001b[2J<U+009B>", expected "user""#;
    in_role_long: "input", set(USER, "/message/role", json!("a".repeat(100))) => format!("user message: message.role is \"{}\"…, expected \"user\"", "a".repeat(60)).as_str();
    in_no_message: "input", unset(USER, "/message") => "user message: message is missing, expected an object";
    in_message_string: "input", set(USER, "/message", json!("hi")) => "user message: message is a string, expected an object";
    in_no_content: "input", unset(USER, "/message/content") => "user message: message.content is missing, expected a string or an array";
    in_content_number: "input", set(USER, "/message/content", json!(5)) => "user message: message.content is a number, expected a string or an array";
    in_content_empty: "input", set(USER, "/message/content", json!("")) => "user message: message.content is an empty string, expected some text";
    in_content_no_blocks: "input", set(USER, "/message/content", json!([])) => "user message: message.content is an empty array, expected content blocks";
    in_block_string: "input", set(USER, "/message/content", json!(["hi"])) => "user message: message.content[0] is a string, expected an object";
    in_block_no_type: "input", set(BLOCKS, "/message/content/1", json!({"text": "x"})) => "user message: message.content[1].type is missing, expected a string";
    in_block_tool_use: "input", set(BLOCKS, "/message/content/0", json!({"type": "tool_use", "id": "t"})) => r#"user message: message.content[0].type is "tool_use", expected "text", "image", "document", "tool_result" or "search_result""#;
    in_text_missing: "input", set(BLOCKS, "/message/content/0", json!({"type": "text"})) => "user message: message.content[0].text is missing, expected a string";
    in_text_empty: "input", set(BLOCKS, "/message/content/0/text", json!("")) => "user message: message.content[0].text is an empty string, expected some text";
    in_image_no_source: "input", unset(BLOCKS, "/message/content/1/source") => "user message: message.content[1].source is missing, expected an object";
    in_image_source_type: "input", set(BLOCKS, "/message/content/1/source/type", json!("path")) => r#"user message: message.content[1].source.type is "path", expected "base64", "url" or "file""#;
    in_image_media_type: "input", set(BLOCKS, "/message/content/1/source/media_type", json!("image/bmp")) => r#"user message: message.content[1].source.media_type is "image/bmp", expected "image/jpeg", "image/png", "image/gif" or "image/webp""#;
    in_image_no_data: "input", unset(BLOCKS, "/message/content/1/source/data") => "user message: message.content[1].source.data is missing, expected a string";
    in_image_no_url: "input", unset(BLOCKS, "/message/content/2/source/url") => "user message: message.content[2].source.url is missing, expected a string";
    in_document_media_type: "input", set(BLOCKS, "/message/content/3/source/media_type", json!(null)) => "user message: message.content[3].source.media_type is null, expected a string";
    in_document_title: "input", set(BLOCKS, "/message/content/3/title", json!(7)) => "user message: message.content[3].title is a number, expected a string or null";
    in_result_no_id: "input", unset(BLOCKS, "/message/content/4/tool_use_id") => "user message: message.content[4].tool_use_id is missing, expected a string";
    in_result_is_error: "input", set(BLOCKS, "/message/content/4/is_error", json!("yes")) => "user message: message.content[4].is_error is a string, expected a boolean";
    in_result_nested: "input", set(BLOCKS, "/message/content/4/content/0", json!({"type": "tool_result", "tool_use_id": "t"})) => r#"user message: message.content[4].content[0].type is "tool_result", expected "text", "image", "document" or "search_result""#;
    in_priority: "input", set(USER, "/priority", json!("soon")) => r#"user message: priority is "soon", expected "now", "next" or "later""#;
    in_parent: "input", set(USER, "/parent_tool_use_id", json!(5)) => "user message: parent_tool_use_id is a number, expected a string or null";
    in_session_null: "input", set(USER, "/session_id", json!(null)) => "user message: session_id is null, expected a string";
    in_synthetic: "input", set(BLOCKS, "/isSynthetic", json!("true")) => "user message: isSynthetic is a string, expected a boolean";
    // --input: control messages
    in_req_no_id: "input", unset(INTERRUPT, "/request_id") => "control_request: request_id is missing, expected a string";
    in_req_id_number: "input", set(INTERRUPT, "/request_id", json!(7)) => "control_request: request_id is a number, expected a string";
    in_req_no_request: "input", unset(INTERRUPT, "/request") => "control_request: request is missing, expected an object";
    in_req_no_subtype: "input", set(INTERRUPT, "/request", json!({})) => "control_request: request.subtype is missing, expected a string";
    in_req_mode: "input", set(INTERRUPT, "/request/subtype", json!("set_permission_mode")) => "control_request: request.mode is missing, expected a string";
    in_resp_missing: "input", unset(ALLOW, "/response") => "control_response: response is missing, expected an object";
    in_resp_subtype: "input", set(ALLOW, "/response/subtype", json!("ok")) => r#"control_response: response.subtype is "ok", expected "success" or "error""#;
    in_resp_no_id: "input", unset(ALLOW, "/response/request_id") => "control_response: response.request_id is missing, expected a string";
    in_resp_error: "input", set(ALLOW, "/response/subtype", json!("error")) => "control_response: response.error is missing, expected a string";
    in_resp_behavior: "input", set(ALLOW, "/response/response/behavior", json!("maybe")) => r#"control_response: response.response.behavior is "maybe", expected "allow" or "deny""#;
    in_unknown_type: "input", RESULT => r#"unknown input type "result" (the CLI reads "user", "control_request", "control_response", "keep_alive", "control_cancel_request", "update_environment_variables", "bash_command", "assistant", "system", "queued_notification", "session_notice" or "workflow_launch")"#;
    // Either direction: framing and JSON
    in_no_type: "input", "{}" => "type is missing, expected a string";
    in_type_number: "input", r#"{"type":1}"# => "type is a number, expected a string";
    in_array: "input", "[1,2]" => "expected a JSON object, found an array";
    out_string: "output", r#""hi""# => "expected a JSON object, found a string";
    in_truncated: "input", r#"{"type":"user""# => "invalid JSON at column 15: expected ',' or '}' after an object member";
    out_trailing: "output", r#"{"type":"keep_alive"}x"# => "invalid JSON at column 22: unexpected data after the JSON value";
    out_single_quotes: "output", "{'type':'result'}" => "invalid JSON at column 2: expected a string key or '}'";
    out_bad_literal: "output", r#"{"type": tru}"# => "invalid JSON at column 10: invalid literal (expected true, false or null)";
    out_lone_surrogate_is_valid_json: "output", r#"{"type":"result","s":"\ud800"}"# => "result: subtype is missing, expected a string";
    out_big_number_is_valid_json: "output", set(RESULT, "/duration_ms", json!("x")).replace(r#""x""#, "1e400").replace(r#""num_turns":1"#, r#""num_turns":"1""#) => "result: num_turns is a string, expected a number";
    // --output: events
    out_no_type: "output", r#"{"subtype":"init"}"# => "type is missing, expected a string";
    out_duration: "output", set(RESULT, "/duration_ms", json!("12")) => "result: duration_ms is a string, expected a number";
    out_no_is_error: "output", unset(RESULT, "/is_error") => "result: is_error is missing, expected a boolean";
    out_turns_null: "output", set(RESULT, "/num_turns", json!(null)) => "result: num_turns is null, expected a number";
    out_no_subtype: "output", unset(RESULT, "/subtype") => "result: subtype is missing, expected a string";
    out_cost: "output", set(RESULT, "/total_cost_usd", json!("0.01")) => "result: total_cost_usd is a string, expected a number";
    out_duplicate: "output", RESULT.replace(r#""duration_ms":65"#, r#""duration_ms":65,"duration_ms":"65""#) => r#"duplicate key "duration_ms" at column 40"#;
    out_nested_duplicate: "output", ASSISTANT.replace(r#"{"type":"text","#, r#"{"type":"text","type":5,"#) => r#"duplicate key "type" at column 103"#;
    // Required fields of result (2.1.332 and the SDK).
    out_no_api_duration: "output", unset(RESULT, "/duration_api_ms") => "result: duration_api_ms is missing, expected a number";
    out_no_usage: "output", unset(RESULT, "/usage") => "result: usage is missing, expected an object";
    out_no_result_text: "output", unset(RESULT, "/result") => "result: result is missing, expected a string";
    out_error_no_errors: "output", unset(&set(RESULT, "/subtype", json!("error_during_execution")), "/result") => "result: errors is missing, expected an array";
    out_result_no_uuid: "output", unset(RESULT, "/uuid") => "result: uuid is missing, expected a string";
    out_role: "output", set(ASSISTANT, "/message/role", json!("user")) => r#"assistant message: message.role is "user", expected "assistant""#;
    out_content: "output", set(ASSISTANT, "/message/content", json!("hi")) => "assistant message: message.content is a string, expected an array";
    out_block_type: "output", set(ASSISTANT, "/message/content/0", json!({"text": "hi"})) => "assistant message: message.content[0].type is missing, expected a string";
    out_no_uuid: "output", unset(ASSISTANT, "/uuid") => "assistant message: uuid is missing, expected a string";
    out_no_event: "output", unset(EVENT, "/event") => "stream_event: event is missing, expected an object";
    out_event_type: "output", set(EVENT, "/event/type", json!(3)) => "stream_event: event.type is a number, expected a string";
    out_event_parent: "output", unset(EVENT, "/parent_tool_use_id") => "stream_event: parent_tool_use_id is missing, expected a string or null";
    out_system_subtype: "output", unset(INIT, "/subtype") => "system: subtype is missing, expected a string";
    out_init_cwd: "output", unset(INIT, "/cwd") => "system/init: cwd is missing, expected a string";
    out_init_tools: "output", set(INIT, "/tools", json!({})) => "system/init: tools is an object, expected an array";
    out_retry_attempt: "output", set(RETRY, "/attempt", json!("1")) => "system/api_retry: attempt is a string, expected a number";
    out_retry_status: "output", set(RETRY, "/error_status", json!("401")) => "system/api_retry: error_status is a string, expected a number or null";
    out_permission: "output", unset(PERMISSION, "/request/tool_name") => "control_request: request.tool_name is missing, expected a string";
    out_response_subtype: "output", set(ALLOW, "/response/subtype", json!(true)) => "control_response: response.subtype is a boolean, expected a string";
    out_user_parent: "output", unset(REPLAY, "/parent_tool_use_id") => "user message: parent_tool_use_id is missing, expected a string or null";
    out_replay_uuid: "output", unset(REPLAY, "/uuid") => "user message: uuid is missing, expected a string";
}

#[test]
fn invalid_utf8_is_reported_with_its_column() {
    for dir in ["--input", "--output"] {
        assert_rejects(
            dir,
            b"{\"type\":\"keep_\xffalive\"}",
            "invalid UTF-8 at column 15",
        );
        assert_rejects(dir, b"\xc3", "invalid UTF-8 at column 1");
    }
}

#[test]
fn valid_lines_of_every_kind_pass() {
    let input = [USER, BLOCKS, INTERRUPT, ALLOW, KEEP_ALIVE].join("\n") + "\n";
    let out = bin("cc-check")
        .write_stdin(input.clone())
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.stdout, input.as_bytes());
    assert!(out.status.success());

    let events = [
        RESULT, ASSISTANT, EVENT, INIT, RETRY, PERMISSION, REPLAY, ALLOW, KEEP_ALIVE,
    ]
    .join("\n")
        + "\n";
    let out = bin("cc-check")
        .args(["--output", "--strict"])
        .write_stdin(events.clone())
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.stdout, events.as_bytes());
    assert!(out.status.success());
}

#[test]
fn every_fixture_passes_output_byte_for_byte() {
    let fixtures = all_fixtures();
    assert!(fixtures.len() >= 8, "fixtures missing");
    let mut all = Vec::new();
    for path in &fixtures {
        let want = std::fs::read(path).expect("fixture");
        let out = bin("cc-check")
            .args(["--output", "--strict"])
            .arg(path)
            .output()
            .expect("runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "{}",
            path.display()
        );
        assert!(
            out.stdout == want,
            "{} not passed through unchanged",
            path.display()
        );
        assert_eq!(out.status.code(), Some(0), "{}", path.display());
        all.extend(want);
    }
    // Several files are read in order, as one stream.
    let out = bin("cc-check")
        .arg("--output")
        .args(&fixtures)
        .output()
        .expect("runs");
    assert!(out.stdout == all && out.status.success());
}

#[test]
fn the_input_side_refuses_output_events() {
    // The CLI's stdin reads `system` and `assistant` lines (history), but
    // not results or stream events.
    let out = bin("cc-check")
        .write_stdin(format!("{USER}\n{RESULT}\n{EVENT}\n"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{USER}\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("cc-check: stdin:2: unknown input type \"result\""),
        "{stderr}"
    );
}

#[test]
fn pass_through_is_byte_for_byte() {
    // Spacing, key order, escapes, U+2028 and numbers are kept exactly.
    let line = "{ \"uuid\":\"u\" ,\"type\" : \"stream_event\",\"event\":{\"type\":\"ping\",\"t\":\"\\u00e9é\u{2028}\\n\"},\"session_id\":\"s\",\"parent_tool_use_id\":null,\"n\":1.50e3 }";
    let input = format!("{line}\n{KEEP_ALIVE}");
    let out = bin("cc-check")
        .arg("--output")
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{line}\n{KEEP_ALIVE}\n")
    );
    assert!(out.status.success());
}

#[test]
fn escaped_keys_and_types_are_decoded() {
    let line = RESULT
        .replace(r#""type""#, r#""typ\u0065""#)
        .replace(r#""result","usage""#, r#""res\u0075lt","usage""#)
        .replace("session_id", "session_\\u0069d");
    let out = bin("cc-check")
        .args(["--output", "--strict"])
        .write_stdin(line.clone())
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(out.status.success());
    let bad = line.replace(r#""is_error":false"#, r#""is_error":"no""#);
    assert_rejects(
        "--output",
        bad.as_bytes(),
        "result: is_error is a string, expected a boolean",
    );
}

#[test]
fn first_invalid_line_stops_and_nothing_after_is_forwarded() {
    let input = format!("{USER}\n{INTERRUPT}\n{{\"type\":\"user\"}}\n{USER}\n{{\"type\":5}}\n");
    let out = bin("cc-check").write_stdin(input).output().expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{USER}\n{INTERRUPT}\n")
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cc-check: stdin:3: user message: message is missing, expected an object\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn keep_going_drops_and_reports_each_invalid_line() {
    let input = format!("{USER}\n{{\"type\":\"user\"}}\n{INTERRUPT}\n[]\n{USER}\n");
    let out = bin("cc-check")
        .arg("--keep-going")
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{USER}\n{INTERRUPT}\n{USER}\n")
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cc-check: stdin:2: user message: message is missing, expected an object\n\
         cc-check: stdin:4: expected a JSON object, found an array\n"
    );
    assert_eq!(out.status.code(), Some(1));
    // All valid: exit 0 even with -k.
    let out = bin("cc-check")
        .arg("-k")
        .write_stdin(format!("{USER}\n"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn blank_lines_crlf_and_bom_are_framing_not_data() {
    let input = format!("\u{feff}{USER}\r\n\r\n   \n{INTERRUPT}\r\n\n{{\"type\":\"user\"}}\r\n");
    let out = bin("cc-check").write_stdin(input).output().expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{USER}\n{INTERRUPT}\n")
    );
    // Blank lines still count in line numbers.
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cc-check: stdin:6: user message: message is missing, expected an object\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_last_line_without_newline_is_checked() {
    let out = bin("cc-check")
        .write_stdin(format!("{USER}\n{INTERRUPT}"))
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{USER}\n{INTERRUPT}\n")
    );
    assert!(out.status.success());
    // Truncated mid-object (a killed producer): invalid, reported with its column.
    let cut = &RESULT[..40];
    let out = bin("cc-check")
        .arg("--output")
        .write_stdin(format!("{RESULT}\n{cut}"))
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{RESULT}\n"));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cc-check: stdin:2: invalid JSON at column 41: unterminated string\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_line_over_max_line_is_invalid() {
    let long = set(USER, "/message/content", json!("x".repeat(200)));
    let input = format!("{USER}\n{long}\n{INTERRUPT}\n");
    let out = bin("cc-check")
        .args(["--max-line", "100"])
        .write_stdin(input.clone())
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{USER}\n"));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cc-check: stdin:2: line longer than 100 bytes (raise it with --max-line)\n"
    );
    assert_eq!(out.status.code(), Some(1));
    // With --keep-going the reader skips it and goes on.
    let out = bin("cc-check")
        .args(["--max-line", "100", "-k"])
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{USER}\n{INTERRUPT}\n")
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn strict_reports_unknown_types_but_passes_them() {
    let input = format!(
        "{{\"type\":\"brand_new\",\"x\":1}}\n{{\"type\":\"system\",\"subtype\":\"later\"}}\n{RESULT}\n"
    );
    let out = bin("cc-check")
        .arg("--output")
        .write_stdin(input.clone())
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.stdout, input.as_bytes());
    assert_eq!(out.status.code(), Some(0));

    let out = bin("cc-check")
        .args(["--output", "--strict"])
        .write_stdin(input.clone())
        .output()
        .expect("runs");
    assert_eq!(
        out.stdout,
        input.as_bytes(),
        "unknown lines are still passed through"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cc-check: stdin:1: unknown type \"brand_new\" (passed through)\n\
         cc-check: stdin:2: unknown system subtype \"later\" (passed through)\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn closed_downstream_ends_quietly() {
    // ~16 MB of real events, read through a pipe whose reader leaves after one line.
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.jsonl");
    let chunk = std::fs::read(fixture("tools-partial.jsonl")).expect("fixture");
    let mut file = std::fs::File::create(&big).expect("create");
    for _ in 0..(16 << 20) / chunk.len() {
        file.write_all(&chunk).expect("write");
    }
    drop(file);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cc-check"))
        .arg("--output")
        .arg(&big)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read");
    assert!(
        first.starts_with(r#"{"type":"system","subtype":"init""#),
        "{first}"
    );
    let out = child.wait_with_output().expect("wait");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn no_input_makes_it_panic() {
    // Every prefix of some real lines, and each with one byte replaced by
    // bytes that break JSON or UTF-8, through both directions.
    let mut input = Vec::new();
    for name in [
        "tools-partial.jsonl",
        "interrupt.jsonl",
        "api-error-400.jsonl",
    ] {
        let text = std::fs::read(fixture(name)).expect("fixture");
        for line in text
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .take(12)
        {
            for cut in (1..line.len()).step_by(7) {
                input.extend_from_slice(&line[..cut]);
                input.push(b'\n');
                for bad in [b'"', b'\\', b'{', b']', 0xff, 0xc3] {
                    let mut broken = line.to_vec();
                    broken[cut] = bad;
                    input.extend_from_slice(&broken);
                    input.push(b'\n');
                }
            }
        }
    }
    for dir in ["--input", "--output"] {
        let out = bin("cc-check")
            .args([dir, "-k", "--strict"])
            .write_stdin(input.clone())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{dir}: {stderr}");
        assert!(!stderr.contains("panicked"), "{dir}: {stderr}");
        assert!(
            stderr.lines().count() > 1000,
            "{dir}: most lines are invalid"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = bin("cc-check")
        .arg("/nonexistent/events.jsonl")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/events.jsonl"));
    let out = bin("cc-check")
        .args(["--input", "--output"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = bin("cc-check")
        .args(["--max-line", "12Q"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_shows_examples_and_exit_statuses() {
    let out = bin("cc-check").arg("--help").output().expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for want in [
        "Examples:",
        "cc-check --output",
        "--keep-going",
        "--strict",
        "Exit status",
        "2  usage error",
    ] {
        assert!(help.contains(want), "--help lacks {want:?}:\n{help}");
    }
}

/// Input lines the CLI 2.1.332 reads, which cc-check must pass on.
#[test]
fn input_accepts_what_the_cli_reads() {
    let lines = [
        r#"{"type":"control_cancel_request","request_id":"r9"}"#,
        r#"{"type":"update_environment_variables","variables":{"ANTHROPIC_API_KEY":"new"}}"#,
        r#"{"type":"control_request","request_id":"r1","request":{"subtype":"set_max_thinking_tokens"}}"#,
        r#"{"type":"control_request","request_id":"r2","request":{"subtype":"set_max_thinking_tokens","max_thinking_tokens":null}}"#,
        r#"{"type":"control_request","request_id":"r3","request":{"subtype":"set_permission_mode","mode":"plan"}}"#,
        r#"{"type":"control_request","request_id":"r4","request":{"subtype":"stop_task","task_id":"t1"}}"#,
        r#"{"type":"control_request","request_id":"r5","request":{"subtype":"interrupt","cancel_queued":true}}"#,
        r#"{"type":"control_request","request_id":"r6","request":{"subtype":"set_model","model":"sonnet"}}"#,
        r#"{"type":"control_request","request_id":"r7","request":{"subtype":"get_context_usage"}}"#,
        r#"{"type":"control_request","request_id":"r8","request":{"subtype":"cancel_async_message","message_uuid":"u1"}}"#,
        r#"{"type":"control_response","response":{"subtype":"success","request_id":"p1","response":{"behavior":"allow"}}}"#,
        r#"{"type":"control_response","response":{"subtype":"success","request_id":"p2","response":{"behavior":"deny","message":"not in prod"}}}"#,
        r#"{"type":"control_response","response":{"subtype":"success","request_id":"h1","response":{"continue":true}}}"#,
        r#"{"type":"user","message":{"role":"user","content":"note"},"uuid":"u2","shouldQuery":false}"#,
        KEEP_ALIVE,
    ];
    let input = lines.join("\n") + "\n";
    let out = bin("cc-check")
        .write_stdin(input.clone())
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(String::from_utf8_lossy(&out.stdout), input);
    assert!(out.status.success());
}

rejects! {
    // --input: what the CLI 2.1.332 refuses or turns into a tool error.
    in_deny_without_message: "input", r#"{"type":"control_response","response":{"subtype":"success","request_id":"p","response":{"behavior":"deny"}}}"# => "control_response: response.response.message is missing, expected a string";
    in_behaviour_spelling: "input", r#"{"type":"control_response","response":{"subtype":"success","request_id":"p","response":{"behaviour":"allow"}}}"# => r#"control_response: response.response.behavior is missing ("behaviour" is not read), expected "allow" or "deny""#;
    in_allow_input_not_object: "input", r#"{"type":"control_response","response":{"subtype":"success","request_id":"p","response":{"behavior":"allow","updatedInput":"ls"}}}"# => "control_response: response.response.updatedInput is a string, expected an object";
    in_mode_unknown: "input", r#"{"type":"control_request","request_id":"r","request":{"subtype":"set_permission_mode","mode":"yolo"}}"# => r#"control_request: request.mode is "yolo", expected "acceptEdits", "auto", "bypassPermissions", "default", "dontAsk" or "plan""#;
    in_stop_task_no_id: "input", r#"{"type":"control_request","request_id":"r","request":{"subtype":"stop_task"}}"# => "control_request: request.task_id is missing, expected a string";
    in_cli_request: "input", PERMISSION => r#"control_request: request.subtype is "can_use_tool", a request the CLI sends, not one it reads"#;
    in_env_not_object: "input", r#"{"type":"update_environment_variables","variables":["A=1"]}"# => "update_environment_variables: variables is an array, expected an object";
    in_cancel_no_id: "input", r#"{"type":"control_cancel_request"}"# => "control_cancel_request: request_id is missing, expected a string";
}

#[test]
fn unknown_control_requests_are_refused_with_the_known_ones() {
    let out = bin("cc-check")
        .write_stdin(
            r#"{"type":"control_request","request_id":"r","request":{"subtype":"teleport"}}"#,
        )
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            r#"cc-check: stdin:1: control_request: request.subtype is "teleport", expected one of "#
        ) && err.contains(r#""interrupt""#)
            && err.contains(r#""set_model""#)
            && !err.contains("can_use_tool"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1));
}

/// Every kind of the protocol table, generated from sdk.d.ts: a line with
/// its required fields passes `--output --strict`, and each required field
/// left out fails, naming the field.
#[test]
fn every_kind_of_the_table_is_checked_field_by_field() {
    use ccpipe::protocol::schema::{self, Field};
    use ccpipe::protocol::table::MESSAGES;
    fn sample(f: &Field) -> Value {
        let k = f.kinds;
        if let Some(v) = f.values.first() {
            return json!(v);
        }
        if k & schema::STRING != 0 {
            json!("s")
        } else if k & schema::NUMBER != 0 {
            json!(1)
        } else if k & schema::BOOL != 0 {
            json!(true)
        } else if k & schema::ARRAY != 0 {
            json!([])
        } else if k & schema::OBJECT != 0 {
            json!({})
        } else {
            Value::Null
        }
    }
    let mut checked = 0;
    for kind in MESSAGES {
        let mut line = serde_json::Map::new();
        line.insert("type".into(), json!(kind.ty));
        if let Some(sub) = kind.subtypes.first() {
            line.insert("subtype".into(), json!(sub));
        }
        for f in kind.required {
            line.insert(f.name.into(), sample(f));
        }
        // Nested rules of the kinds that have them.
        match kind.ty {
            "assistant" | "user" => {
                line.insert("message".into(), json!({"role": kind.ty, "content": []}))
            }
            "stream_event" => line.insert("event".into(), json!({"type": "ping"})),
            "control_request" => line.insert("request".into(), json!({"subtype": "interrupt"})),
            "control_response" => line.insert(
                "response".into(),
                json!({"subtype": "success", "request_id": "r"}),
            ),
            _ => None,
        };
        let good = Value::Object(line.clone()).to_string();
        let out = bin("cc-check")
            .args(["--output", "--strict"])
            .write_stdin(good.clone())
            .output()
            .expect("runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "{} ({}): {good}",
            kind.sdk,
            kind.ty
        );
        assert!(out.status.success(), "{good}");
        // Without the field that tells it from a twin, it is the twin.
        for f in kind.required.iter().filter(|f| Some(f.name) != kind.when) {
            let mut bad = line.clone();
            bad.remove(f.name);
            let bad = Value::Object(bad).to_string();
            let out = bin("cc-check")
                .args(["--output"])
                .write_stdin(bad.clone())
                .output()
                .expect("runs");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains(&format!(" {} is missing", f.name)) && out.status.code() == Some(1),
                "{} without {}: {err}",
                kind.sdk,
                f.name
            );
            checked += 1;
        }
    }
    assert!(
        MESSAGES.len() >= 45,
        "the table lists {} kinds",
        MESSAGES.len()
    );
    assert!(checked > 150, "only {checked} required fields checked");
}
