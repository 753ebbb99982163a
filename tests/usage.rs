//! Usage errors read like every other message of ccpipe: they start with
//! the tool's name, exit 2, and say where to look.

mod common;

use common::bin;

const TOOLS: [&str; 8] = [
    "cc-prompt",
    "cc-steer",
    "cc-run",
    "cc-check",
    "cc-filter",
    "cc-fmt",
    "cc-replay",
    "cc-stats",
];

#[test]
fn a_usage_error_starts_with_the_tools_name_and_exits_2() {
    for tool in TOOLS {
        let out = bin(tool).arg("--no-such-flag").output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{tool}: {err}");
        assert!(
            err.starts_with(&format!(
                "{tool}: unexpected argument '--no-such-flag' found"
            )),
            "{tool}: {err}"
        );
        assert!(err.contains("try '--help'"), "{tool}: {err}");
    }
    let out = bin("cc-replay")
        .args(["--speed", "0", "--demo"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("cc-replay: invalid value '0' for '--speed <X>'"),
        "{err}"
    );
}
