//! cc-prompt: text in, one valid user message per line out.

mod common;

use std::path::Path;

use ccpipe::protocol::validate::check_input_line;
use common::bin;
use serde_json::Value;

/// A 1x1 transparent PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
/// A 1x1 GIF.
const GIF: &[u8] = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";

/// Runs cc-prompt and returns its stdout lines parsed, after checking each
/// against the input rules.
fn messages(args: &[&str], stdin: &[u8]) -> Vec<Value> {
    let out = bin("cc-prompt")
        .args(args)
        .write_stdin(stdin)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("UTF-8 output");
    assert!(text.ends_with('\n'), "every message ends with a newline");
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("each line is JSON");
            check_input_line(l.as_bytes()).expect("each line is a valid input message");
            v
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn arguments_are_joined_into_one_message() {
    let got = messages(&["hello", "there", "--", "-x"], b"ignored");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["type"], "user");
    assert_eq!(got[0]["message"]["role"], "user");
    assert_eq!(got[0]["message"]["content"], "hello there -x");
    assert!(got[0].get("priority").is_none());
}

#[test]
fn without_arguments_all_of_stdin_is_one_message() {
    let got = messages(&[], "\u{feff}line one\nline two\u{2028}ok\n\n".as_bytes());
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["message"]["content"], "line one\nline two\u{2028}ok");
}

#[test]
fn lines_makes_one_message_per_non_blank_line() {
    let got = messages(&["--lines"], b"first\r\n\n   \nsecond\nthird");
    let texts: Vec<&str> = got
        .iter()
        .map(|v| v["message"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["first", "second", "third"]);
}

#[test]
fn priority_is_set() {
    let got = messages(&["--priority", "now", "stop"], b"");
    assert_eq!(got[0]["priority"], "now");
    let got = messages(&["--lines", "--priority", "later"], b"a\nb\n");
    assert!(got.iter().all(|v| v["priority"] == "later"));
}

#[test]
fn images_come_before_the_text_with_detected_media_types() {
    let dir = tempfile::tempdir().unwrap();
    let png = write(dir.path(), "a.bin", PNG);
    let gif = write(dir.path(), "b.png", GIF);
    let got = messages(&["--image", &png, "--image", &gif, "describe"], b"");
    let content = got[0]["message"]["content"]
        .as_array()
        .expect("array content");
    assert_eq!(content.len(), 3);
    assert_eq!(content[0]["type"], "image");
    assert_eq!(content[0]["source"]["type"], "base64");
    assert_eq!(content[0]["source"]["media_type"], "image/png");
    assert_eq!(content[1]["source"]["media_type"], "image/gif");
    use base64::Engine;
    let data = content[0]["source"]["data"].as_str().unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap();
    assert_eq!(decoded, PNG);
    assert_eq!(
        content[2],
        serde_json::json!({"type": "text", "text": "describe"})
    );
}

#[test]
fn an_image_that_is_not_a_supported_picture_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let txt = write(dir.path(), "notes.png", b"just some text");
    bin("cc-prompt")
        .args(["--image", &txt, "hi"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("notes.png"))
        .stderr(predicates::str::contains("not a PNG, JPEG, GIF or WebP"));
    bin("cc-prompt")
        .args(["--image", "/nonexistent/x.png", "hi"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/nonexistent/x.png"));
}

#[test]
fn empty_input_is_a_usage_error() {
    for (args, stdin) in [
        (vec![], &b""[..]),
        (vec![], &b" \n\t\n"[..]),
        (vec!["  "], &b""[..]),
        (vec!["--lines"], &b"\n \n"[..]),
    ] {
        bin("cc-prompt")
            .args(&args)
            .write_stdin(stdin)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicates::str::contains("cc-prompt: no message text"));
    }
}

#[test]
fn invalid_utf8_is_a_clear_error() {
    bin("cc-prompt")
        .write_stdin(&b"ok\n\xff\xfe"[..])
        .assert()
        .code(1)
        .stderr("cc-prompt: stdin: invalid UTF-8 at byte 4\n");
    bin("cc-prompt")
        .arg("--lines")
        .write_stdin(&b"good\nbad \xc3\n"[..])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("\"good\""))
        .stderr("cc-prompt: stdin:2: invalid UTF-8 at byte 5\n");
}

#[test]
fn lines_are_flushed_one_message_at_a_time() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("cc-prompt"))
        .arg("--lines")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for word in ["one", "two"] {
        writeln!(stdin, "{word}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["message"]["content"], word, "message arrives before EOF");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn help_shows_an_example() {
    bin("cc-prompt")
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("Examples:"))
        .stdout(predicates::str::contains("| cc-run"));
}
