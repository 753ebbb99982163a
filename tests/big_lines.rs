//! Lines of hundreds of MB are normal (a Read of an image puts its base64 on
//! one line): every stage passes a 300 MB line whole, where readers with a
//! 1 MiB cap fail.

use std::io::Write;
use std::path::PathBuf;
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

/// Runs `name args` with `input` on stdin, reads its stdout until `done`
/// says (for a line and the number of lines before it) that the stage has
/// handled the last line, and returns its peak RSS so far (VmHWM, KiB): the
/// peak of reading and handling the input, stdin still open. Then closes
/// stdin and checks that the stage ends well. (Not wait4's figure: a child
/// forked from this process, which holds the big input, starts with this
/// process's memory counted in it.)
fn peak_kib(
    name: &str,
    args: &[&str],
    envs: &[(&str, &str)],
    input: &'static [u8],
    done: Done<'_>,
) -> u64 {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin(name))
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input).map(|()| stdin));
    let mut stderr = child.stderr.take().expect("stderr");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = Vec::new();
    let mut n = 0;
    loop {
        line.clear();
        if out.read_until(b'\n', &mut line).expect("read") == 0 {
            let status = child.wait().expect("wait");
            panic!(
                "{name} {args:?} ended early: {status:?} {}",
                errors.join().unwrap()
            );
        }
        if done(n, &line) {
            break;
        }
        n += 1;
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    drop(writer.join().unwrap().expect("write the input"));
    std::io::copy(&mut out, &mut std::io::sink()).expect("drain");
    let status = child.wait().expect("wait");
    let errors = errors.join().unwrap();
    assert!(status.success(), "{name} {args:?}: {status:?} {errors}");
    hwm
}

/// The big input with a tool result of 3 bytes in place of the big one.
fn small_input() -> &'static [u8] {
    static DATA: OnceLock<Vec<u8>> = OnceLock::new();
    DATA.get_or_init(|| {
        let big = big_input();
        let at = big.iter().position(|&b| b == b'A').unwrap();
        let at = at..at + SIZE;
        [&big[..at.start], b"AAA", &big[at.end..]].concat()
    })
}

/// Says, for a line of output and the number of lines before it, that the
/// stage has handled its last input line.
type Done<'a> = &'a dyn Fn(usize, &[u8]) -> bool;

fn has(line: &[u8], what: &str) -> bool {
    line.windows(what.len()).any(|w| w == what.as_bytes())
}

/// What the 300 MB line costs a stage on top of what the stage costs on the
/// small lines alone: at most its size and a 32nd. (The reader grows by an
/// eighth but touches only what it has read; before it did, a line of this
/// size cost 1.055 times its size, and a line of 256 MiB 1.11 times.)
#[test]
fn a_300_mb_line_costs_little_more_than_its_size() {
    let fifo = std::env::temp_dir().join(format!("ccpipe-big-rss-{}.fifo", std::process::id()));
    let fifo = fifo.to_str().unwrap().to_owned();
    let last_passed = |_: usize, line: &[u8]| has(line, r#""content":"after""#);
    let stages: [(&str, Vec<&str>, Done<'_>); 5] = [
        ("cc-check", vec![], &last_passed),
        ("cc-replay", vec!["--no-delay"], &last_passed),
        ("cc-steer", vec!["--exit-with-stdin", &fifo], &last_passed),
        ("cc-fmt", vec!["--color", "never"], &|_, line| {
            has(line, "after")
        }),
        ("cc-filter", vec!["-c", ".type"], &|n, _| n == 2),
    ];
    let limit = (SIZE + SIZE / 32) as u64 / 1024;
    let mut report = String::new();
    let mut over = false;
    for (name, args, done) in &stages {
        let base = peak_kib(name, args, &[], small_input(), done);
        let peak = peak_kib(name, args, &[], big_input(), done);
        over |= peak.saturating_sub(base) > limit;
        report += &format!("{name}: {peak} KiB with the line, {base} KiB without\n");
    }
    // cc-run: the line comes from its child (tests/fake-claude printing a
    // file, then reading its input to the end).
    let dir = std::env::temp_dir().join(format!("ccpipe-big-rss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let result = br#"{"type":"result","subtype":"success","is_error":false,"api_error_status":null,"num_turns":1,"result":"done","session_id":"s"}"#;
    let fake = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fake-claude");
    let run = |file: &str, data: &[u8]| {
        let path = dir.join(file);
        std::fs::write(&path, [data, &result[..], b"\n"].concat()).unwrap();
        let envs = [
            ("FAKE_MODE", "output"),
            ("FAKE_OUTPUT", path.to_str().unwrap()),
        ];
        let args = ["--claude", fake.to_str().unwrap(), "--prompt", "hi"];
        let peak = peak_kib("cc-run", &args, &envs, b"", &|_, line| {
            has(line, r#""result":"done""#)
        });
        std::fs::remove_file(&path).unwrap();
        peak
    };
    let base = run("small.jsonl", small_input());
    let peak = run("big.jsonl", big_input());
    std::fs::remove_dir(&dir).unwrap();
    over |= peak.saturating_sub(base) > limit;
    report += &format!("cc-run: {peak} KiB with the line, {base} KiB without\n");
    eprint!("{report}");
    assert!(
        !over,
        "a stage paid more than {limit} KiB for the line:\n{report}"
    );
}
