//! Lines of hundreds of MB are normal (a Read of an image puts its base64 on
//! one line): every stage passes a 300 MB line whole, where readers with a
//! 1 MiB cap fail.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

const SIZE: usize = 300 << 20;

/// One small event, one 300 MB tool result, one small event.
fn big_input() -> &'static [u8] {
    static DATA: OnceLock<Vec<u8>> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut data = Vec::with_capacity(SIZE + 512);
        data.extend_from_slice(br#"{"type":"user","message":{"role":"user","content":"before"}}"#);
        data.push(b'\n');
        data.extend_from_slice(br#"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":""#);
        data.resize(data.len() + SIZE, b'A');
        data.extend_from_slice(br#""}]},"parent_tool_use_id":null,"session_id":"s"}"#);
        data.push(b'\n');
        data.extend_from_slice(br#"{"type":"user","message":{"role":"user","content":"after"}}"#);
        data.push(b'\n');
        data
    })
}

/// Runs `name args`, feeding it the big input through a pipe; returns stdout.
fn run(name: &str, args: &[&str]) -> Vec<u8> {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(big_input()));
    let out = child.wait_with_output().expect("wait");
    writer.join().unwrap().expect("write the big input");
    assert!(
        out.status.success(),
        "{name}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn assert_whole(name: &str, out: &[u8]) {
    let input = big_input();
    assert!(
        out.len() == input.len() && out == input,
        "{name}: the big line did not pass whole"
    );
}

#[test]
fn cc_check_passes_a_300_mb_line() {
    assert_whole("cc-check", &run("cc-check", &[]));
}

#[test]
fn cc_replay_passes_a_300_mb_line() {
    assert_whole("cc-replay", &run("cc-replay", &["--no-delay"]));
}

#[test]
fn cc_filter_reads_a_300_mb_line() {
    let out = run(
        "cc-filter",
        &[
            "-c",
            ".message.content | if type == \"string\" then . else .[0].content | length end",
        ],
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("\"before\"\n{SIZE}\n\"after\"\n")
    );
}

#[test]
fn cc_steer_passes_a_300_mb_line() {
    let fifo = std::env::temp_dir().join(format!("ccpipe-big-steer-{}.fifo", std::process::id()));
    let out = run("cc-steer", &["--exit-with-stdin", fifo.to_str().unwrap()]);
    assert_whole("cc-steer", &out);
}
