//! cc-replay: recorded sessions come out unchanged, paced, and the demo works offline.

mod common;

use std::time::{Duration, Instant};

use common::{all_fixtures, bin, fixture};
use predicates::prelude::*;

/// The demo's prompt and the message typed while its first test run worked
/// (tests/support/demo.rs).
const DEMO_PROMPT: &str = "the test in tests/math.rs fails; fix it";
const DEMO_STEERING: &str = "keep the signature of average, other crates call it";

#[test]
fn every_fixture_replays_byte_for_byte() {
    for path in all_fixtures() {
        let want = std::fs::read(&path).unwrap();
        let out = bin("cc-replay")
            .arg("--no-delay")
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", path.display());
        assert_eq!(out.stdout, want, "{} changed in replay", path.display());
    }
}

/// The embedded demo is tests/fixtures/demo.jsonl, a capture of the real
/// CLI (tests/capture_fixtures.rs, `capture_demo`) with what the first
/// screen must show: the prompt, thinking, a Read with the file, `cargo
/// test` failing with cargo's own output, a message typed while it ran and
/// merged into the turn, an Edit, `cargo test` passing, streamed text, the
/// answer and a successful result, under a plain model name.
#[test]
fn demo_is_a_real_session_with_a_prompt_tools_steering_and_a_result() {
    let out = bin("cc-replay")
        .args(["--demo", "--no-delay"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(fixture("demo.jsonl")).unwrap());
    let events: Vec<serde_json::Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let text = String::from_utf8(out.stdout).unwrap();
    let replayed: Vec<&str> = events
        .iter()
        .filter(|e| e["isReplay"] == true)
        .filter_map(|e| e["message"]["content"].as_str())
        .collect();
    assert_eq!(
        replayed,
        [DEMO_PROMPT, DEMO_STEERING],
        "the prompt, then the steering"
    );
    let tool_results: Vec<String> = events
        .iter()
        .filter(|e| e["type"] == "user")
        .filter_map(|e| e["message"]["content"][0]["content"].as_str())
        .map(str::to_owned)
        .collect();
    assert_eq!(tool_results.len(), 4, "Read, cargo test, Edit, cargo test");
    assert!(tool_results[0].contains("pub fn average(xs: &[i64]) -> Option<f64>"));
    for needle in [
        "Compiling stats v0.1.0 (/home/dev/project)",
        "test average_keeps_the_fraction ... FAILED",
        "left: Some(2.0)",
    ] {
        assert!(tool_results[1].contains(needle), "{}", tool_results[1]);
    }
    assert!(tool_results[3].contains("test result: ok. 2 passed"));
    // The steering is echoed after the failing run, where the CLI merged it.
    let failing = text.find("left: Some(2.0)").unwrap();
    assert!(text.find(DEMO_STEERING).unwrap() > failing);
    for needle in [
        r#""type":"thinking""#,
        r#""type":"text_delta""#,
        r#""name":"Read""#,
        r#""name":"Edit""#,
        r#""command":"cargo test""#,
    ] {
        assert!(text.contains(needle), "demo lacks {needle}");
    }
    let results: Vec<_> = events.iter().filter(|e| e["type"] == "result").collect();
    assert_eq!(results.len(), 1, "one turn");
    assert_eq!(results[0]["subtype"], "success");
    let init = events.iter().find(|e| e["subtype"] == "init").unwrap();
    assert_eq!(init["model"], "claude-sonnet-4-5");
    assert!(
        !text.contains("[1m]"),
        "a model name that looks like an escape code"
    );
}

/// At the default pace (40 ms between events) the demo takes about 10
/// seconds: counted, not timed.
#[test]
fn demo_plays_in_about_ten_seconds() {
    let events = std::fs::read_to_string(fixture("demo.jsonl"))
        .unwrap()
        .lines()
        .count();
    let pauses = Duration::from_millis(40) * (events as u32 - 1);
    assert!(
        pauses >= Duration::from_secs(5) && pauses <= Duration::from_millis(10_500),
        "{events} events: {pauses:?}"
    );
}

#[test]
fn several_files_play_in_order() {
    let a = fixture("text-turn.jsonl");
    let b = fixture("bash-tool.jsonl");
    let mut want = std::fs::read(&a).unwrap();
    want.extend(std::fs::read(&b).unwrap());
    bin("cc-replay")
        .arg("--no-delay")
        .arg(&a)
        .arg(&b)
        .assert()
        .success()
        .stdout(want);
}

#[test]
fn delay_paces_events() {
    // text-turn has 3 events: two pauses of 150 ms.
    let start = Instant::now();
    bin("cc-replay")
        .args(["--delay", "150"])
        .arg(fixture("text-turn.jsonl"))
        .assert()
        .success();
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn delay_takes_a_duration_like_every_time_flag() {
    // text-turn has 3 events: two pauses of 150 ms.
    let start = Instant::now();
    bin("cc-replay")
        .args(["--delay", "150ms"])
        .arg(fixture("text-turn.jsonl"))
        .assert()
        .success();
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
}

/// Every pacing value either plays or is a usage error naming its flag:
/// never a panic (`--speed 1e-300` was exit 101).
#[test]
fn extreme_pacing_values_work_or_are_usage_errors() {
    let demo = std::fs::read(fixture("demo.jsonl")).unwrap();
    // Values that play: the demo comes out whole.
    for args in [
        ["--speed", "1e300"],
        ["--speed", "1000000"],
        ["--delay", "0"],
        ["--delay", "0ms"],
        ["--delay", "0.5"],
        ["--max-gap", "0s"],
    ] {
        let out = bin("cc-replay")
            .arg("--demo")
            .args(args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, demo, "{args:?}");
    }
    // Values that cannot: exit 2, the flag named, nothing played.
    for (flag, value) in [
        ("--speed", "0"),
        ("--speed", "-0"),
        ("--speed", "1e-300"),
        ("--speed", "0.0009"),
        ("--speed", "-1"),
        ("--speed", "inf"),
        ("--speed", "nan"),
        ("--speed", "1e400"),
        ("--delay", "-5"),
        ("--delay", "-0.5"),
        ("--delay", "1.5x"),
        ("--delay", "1e300"),
        ("--delay", "inf"),
        ("--delay", "nan"),
        ("--delay", "25h"),
        ("--delay", "18446744073709551615"),
        ("--delay", "99999999999999999999999"),
        ("--max-gap", "-1s"),
        ("--max-gap", "400000000000years"),
        ("--max-gap", "nan"),
    ] {
        let out = bin("cc-replay")
            .arg("--demo")
            .arg(format!("{flag}={value}"))
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {err}");
        assert!(err.contains(flag), "{flag} {value}: {err}");
        assert!(!err.contains("panicked"), "{flag} {value}: {err}");
        assert!(out.stdout.is_empty(), "{flag} {value}");
    }
}

#[test]
fn speed_follows_recorded_timestamps() {
    // steer-replayed.jsonl: 4.1 s between the first user message and the tool
    // result; at speed 8 that is about half a second.
    let start = Instant::now();
    bin("cc-replay")
        .args(["--speed", "8"])
        .arg(fixture("steer-replayed.jsonl"))
        .assert()
        .success();
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(450), "too fast: {took:?}");
}

#[test]
fn speed_divides_the_delay_between_untimed_events() {
    // text-turn has no timestamps: 3 events, two pauses of 2000 ms / 8 = 250 ms
    // (undivided they would take 4 s; the margin is for a loaded machine).
    let start = Instant::now();
    bin("cc-replay")
        .args(["--delay", "2000", "--speed", "8"])
        .arg(fixture("text-turn.jsonl"))
        .assert()
        .success();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_millis(2500),
        "{took:?}"
    );
}

#[test]
fn normalises_crlf_and_blank_lines() {
    bin("cc-replay")
        .arg("--no-delay")
        .write_stdin("{\"type\":\"a\"}\r\n\r\n{\"type\":\"b\"}")
        .assert()
        .success()
        .stdout("{\"type\":\"a\"}\n{\"type\":\"b\"}\n");
}

#[test]
fn pacing_flags_conflict_and_bad_speed_is_usage_error() {
    bin("cc-replay")
        .args(["--delay", "5", "--no-delay", "--demo"])
        .assert()
        .code(2);
    bin("cc-replay")
        .args(["--speed", "0", "--demo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("positive"));
}

#[test]
fn missing_file_names_it() {
    bin("cc-replay")
        .arg("/nonexistent/session.jsonl")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cc-replay: /nonexistent/session.jsonl:",
        ));
}

#[test]
fn over_long_line_is_reported_with_its_number() {
    let mut input = b"{\"type\":\"a\"}\n".to_vec();
    input.extend(vec![b'x'; 5000]);
    input.extend(b"\n{\"type\":\"b\"}\n");
    bin("cc-replay")
        .args(["--no-delay", "--max-line", "1K"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stdout("{\"type\":\"a\"}\n{\"type\":\"b\"}\n")
        .stderr(predicate::str::contains(
            "stdin:2: line longer than 1024 bytes",
        ));
}

#[test]
fn closed_downstream_is_quiet() {
    let big: String = (0..200_000)
        .map(|i| format!("{{\"type\":\"x\",\"i\":{i}}}\n"))
        .collect();
    let path = std::env::temp_dir().join(format!("ccpipe-replay-big-{}.jsonl", std::process::id()));
    std::fs::write(&path, big).unwrap();
    // pipefail: the status is cc-replay's, not head's.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {} --no-delay {} | head -1",
            assert_cmd::cargo::cargo_bin("cc-replay").display(),
            path.display()
        ))
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"{\"type\":\"x\",\"i\":0}\n");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn help_shows_an_example() {
    bin("cc-replay")
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("cc-replay --demo | cc-fmt"));
}
