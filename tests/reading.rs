//! One reading for every stage (issue 6): the same malformed line gets the
//! same verdict, in the same words, from cc-check, cc-filter, cc-replay,
//! cc-fmt, cc-stats and cc-run (which reads claude's lines); and what the rules accept (a big
//! number, a lone surrogate, `type` anywhere among the keys) every stage
//! accepts.

mod common;

use common::bin;

/// Malformed lines and the one message every stage gives for them.
const BAD: &[(&[u8], &str)] = &[
    (
        b"{\"type\":",
        "invalid JSON at column 9: expected a value after ':'",
    ),
    (
        b"{\"type\":\"x\",}",
        "invalid JSON at column 13: expected a string key after ','",
    ),
    (
        b"{\"type\":\"x\",\"type\":\"y\"}",
        "duplicate key \"type\" at column 13",
    ),
    (
        b"{\"a\":{\"k\":1,\"\\u006b\":2},\"type\":\"x\"}",
        "duplicate key \"k\" at column 13",
    ),
    (b"{\"type\":\"\xff\"}", "invalid UTF-8 at column 10"),
    (
        b"{\"type\":\"x\"} {}",
        "invalid JSON at column 14: unexpected data after the JSON value",
    ),
    (b"[1,2]", "expected a JSON object, found an array"),
    (
        b"\"\\x\"",
        "invalid JSON at column 2: invalid escape in string",
    ),
];

/// How each stage reports line 2 of stdin: `<tool>: stdin:2: <reason>...`.
fn reported(tool: &str, args: &[&str], bad: &[u8]) -> String {
    let mut input = b"{\"type\":\"keep_alive\"}\n".to_vec();
    input.extend_from_slice(bad);
    input.push(b'\n');
    let out = bin(tool).args(args).write_stdin(input).output().unwrap();
    assert_ne!(out.status.code(), Some(0), "{tool} accepted {bad:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_stage_gives_the_same_verdict_in_the_same_words() {
    let nesting = format!("{}{}", "[".repeat(1001), "]".repeat(1001));
    let deep: (&[u8], &str) = (
        nesting.as_bytes(),
        "invalid JSON at column 1001: nested deeper than 1000 levels",
    );
    for &(bad, why) in BAD.iter().chain([&deep]) {
        let want = format!("stdin:2: {why}");
        for (tool, args) in [
            ("cc-check", &["--output"][..]),
            ("cc-check", &["--input"][..]),
            ("cc-filter", &["."][..]),
            ("cc-filter", &["--type", "x"][..]),
            ("cc-replay", &["--no-delay"][..]),
            ("cc-fmt", &["--color", "never"][..]),
            ("cc-fmt", &["--style", "summary"][..]),
            ("cc-stats", &[][..]),
        ] {
            // cc-filter, like jq, takes any JSON value: only the stages that
            // read events want an object.
            if tool == "cc-filter" && why.starts_with("expected a JSON object") {
                continue;
            }
            let err = reported(tool, args, bad);
            assert!(
                err.starts_with(&format!("{tool}: {want}")),
                "{tool} {args:?} on {:?}:\n  got  {err}  want {want}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}

#[test]
fn what_the_rules_accept_every_stage_accepts() {
    let ok = [
        r#"{"n":1e400,"type":"keep_alive"}"#,
        r#"{"s":"\ud800","type":"keep_alive"}"#,
        r#"{ "x" : [ 1 , 2 ] , "type" : "keep_alive" }"#,
        r#"{"ty\u0070e":"keep_alive"}"#,
    ];
    let input = ok.join("\n") + "\n";
    for (tool, args) in [
        ("cc-check", &["--output", "--strict"][..]),
        ("cc-filter", &["-c", "."][..]),
        ("cc-filter", &["--type", "keep_alive"][..]),
        ("cc-replay", &["--no-delay"][..]),
        ("cc-fmt", &["--color", "never"][..]),
    ] {
        let out = bin(tool)
            .args(args)
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{tool} {args:?}");
        assert!(out.status.success(), "{tool} {args:?}");
        if tool == "cc-fmt" {
            // keep_alive is noise to people: nothing to show, nothing lost.
            continue;
        }
        let lines = String::from_utf8_lossy(&out.stdout).lines().count();
        assert_eq!(lines, ok.len(), "{tool} {args:?}: every line passes");
    }
    // cc-filter keeps the digits of a number beyond f64 and decodes a lone
    // surrogate to U+FFFD, as the rules say.
    let out = bin("cc-filter")
        .args(["-c", ".n, .s"])
        .write_stdin(format!("{}\n{}\n", ok[0], ok[1]))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1e400\nnull\nnull\n\"\u{fffd}\"\n"
    );
}
