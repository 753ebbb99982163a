//! The demo session (`cc-replay --demo`): a tiny Rust crate whose test
//! fails, and the model's side of a short session that fixes it, for
//! [`MockApi::play`](super::MockApi::play). The CLI runs the tools for real:
//! the Read shows the file, both `cargo test` runs show cargo's own output,
//! the Edit changes the file.
//!
//! The session: the prompt; thinking, a word and a Read of src/lib.rs; a
//! word and `cargo test` (fails), during which the capture types
//! [`STEERING`]; the model takes it up and edits; `cargo test` again
//! (passes); the answer.

use std::path::Path;

use serde_json::json;

use super::script::Block;

/// The first user message.
pub const PROMPT: &str = "the test in tests/math.rs fails; fix it";

/// The message typed while the first `cargo test` runs.
pub const STEERING: &str = "keep the signature of average, other crates call it";

/// The model id the CLI is told to use (`--model`): a plain one, as people
/// see it, without the `[1m]` context suffix.
pub const MODEL: &str = "claude-sonnet-4-5";

const CARGO_TOML: &str = r#"[package]
name = "stats"
version = "0.1.0"
edition = "2021"

[lib]
test = false
doctest = false
"#;

const BUGGY: &str = "    Some((sum / xs.len() as i64) as f64)";
const FIXED: &str = "    Some(sum as f64 / xs.len() as f64)";

fn lib_rs() -> String {
    format!(
        "//! Small statistics helpers.

/// The arithmetic mean of `xs`, or `None` when it is empty.
pub fn average(xs: &[i64]) -> Option<f64> {{
    if xs.is_empty() {{
        return None;
    }}
    let sum: i64 = xs.iter().sum();
{BUGGY}
}}
"
    )
}

const MATH_RS: &str = "use stats::average;

#[test]
fn average_of_nothing_is_none() {
    assert_eq!(average(&[]), None);
}

#[test]
fn average_keeps_the_fraction() {
    assert_eq!(average(&[1, 2, 3, 4]), Some(2.5));
}
";

/// Writes the crate (Cargo.toml, src/lib.rs, tests/math.rs) into `dir`.
pub fn write_project(dir: &Path) {
    for (path, text) in [
        ("Cargo.toml", CARGO_TOML.to_owned()),
        ("src/lib.rs", lib_rs()),
        ("tests/math.rs", MATH_RS.to_owned()),
    ] {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

/// Whether the fix is in place in `dir` (the Edit really ran).
pub fn fixed(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("src/lib.rs")).is_ok_and(|s| s.contains(FIXED))
}

fn text(s: &str) -> Block {
    Block::Text(s.to_owned())
}

fn cargo_test(description: &str) -> Block {
    Block::ToolUse {
        name: "Bash".into(),
        input: json!({"command": "cargo test", "description": description}),
    }
}

/// The model's messages, one per request, for a project in `dir`.
pub fn turns(dir: &Path) -> Vec<Vec<Block>> {
    let lib = dir.join("src/lib.rs").display().to_string();
    vec![
        vec![
            Block::Thinking(
                "A test in tests/math.rs fails. Before running anything, read the \
                 function it tests to see what it computes."
                    .into(),
            ),
            text("I'll read the code under test first."),
            Block::ToolUse {
                name: "Read".into(),
                input: json!({"file_path": lib}),
            },
        ],
        vec![
            text("`average` divides two integers. Let me run the tests to see the failure."),
            cargo_test("Run the test suite"),
        ],
        vec![
            text(
                "Understood, the signature stays. The sum is divided as an integer \
                 before it becomes an `f64`, so 10 / 4 gives 2. Dividing as floats fixes it:",
            ),
            Block::ToolUse {
                name: "Edit".into(),
                input: json!({"file_path": lib, "old_string": BUGGY.trim(),
                              "new_string": FIXED.trim()}),
            },
        ],
        vec![cargo_test("Run the test suite again")],
        vec![text(
            "Fixed. `average` divided the integer sum before converting it, so \
             `average(&[1, 2, 3, 4])` gave `2.0` instead of `2.5`. It now divides as \
             `f64`; the signature is unchanged and both tests in tests/math.rs pass.",
        )],
    ]
}
