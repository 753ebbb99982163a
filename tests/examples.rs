//! Every example script in examples/ runs and does what its comment says, with
//! the real binaries on PATH (and, for the CI step, the real Claude Code CLI
//! talking to the scripted API stand-in). A new script without a test here
//! fails `every_example_script_is_tested`.

mod support;

use std::path::PathBuf;
use std::process::Output;

use support::{MockApi, Sandbox};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn run(sandbox: &Sandbox, script: &str, args: &[&str]) -> Output {
    let mut cmd = sandbox.command("bash");
    cmd.arg(example(script)).args(args);
    cmd.env_remove("GITHUB_STEP_SUMMARY");
    cmd.output().expect("run bash")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn every_example_script_is_tested() {
    let tested = ["filter-recipes.sh", "replay-saved.sh", "ci-step.sh"];
    for entry in std::fs::read_dir(example("")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".sh") {
            assert!(
                tested.contains(&name.as_str()),
                "examples/{name} has no test in tests/examples.rs"
            );
        }
    }
}

#[test]
fn filter_recipes_answer_their_questions() {
    let api = MockApi::start();
    let out = run(&Sandbox::new(&api), "filter-recipes.sh", &[]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    // The demo's assistant text, its tool calls, its cost, its Bash command.
    for needle in [
        "I'll read the code under test first.",
        "/home/dev/project/src/lib.rs",
        "\"Edit\"",
        "0.00168",
        "cargo test\ncargo test\n",
        "\"stream_event\":",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
}

#[test]
fn replay_saved_shows_transcript_text_and_summary() {
    let api = MockApi::start();
    let out = run(&Sandbox::new(&api), "replay-saved.sh", &[]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("session.jsonl is valid stream-json"),
        "{stdout}"
    );
    assert!(stdout.contains("test result: ok. 2 passed"), "{stdout}");
    assert!(stdout.contains("Bash(cargo test)"), "{stdout}");
}

#[test]
fn ci_step_passes_on_success_and_keeps_the_log() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    // As on GitHub Actions: a job summary file to append to.
    let summary = sandbox.cwd().join("step-summary.md");
    std::fs::write(&summary, "earlier steps\n").unwrap();
    let out = sandbox
        .command("bash")
        .arg(example("ci-step.sh"))
        .args(["bash: echo from-ci", "--allowedTools", "Bash"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("Tool finished: from-ci"), "{stdout}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("earlier steps\n## Session "), "{md}");
    assert!(
        md.contains("<details><summary>● Bash: <code>echo from-ci</code>"),
        "{md}"
    );
    assert!(md.contains("## Results\n"), "{md}");
    let log = std::fs::read_to_string(sandbox.cwd().join("claude-session.jsonl")).unwrap();
    assert!(
        log.lines().any(|l| l.contains("\"type\":\"result\"")),
        "{log}"
    );
}

#[test]
fn ci_step_fails_the_job_on_an_error_result() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let out = run(&sandbox, "ci-step.sh", &["http: 400"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("claude session failed"),
        "{}",
        text(&out.stderr)
    );
}
