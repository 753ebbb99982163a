//! cc-run's guards for runs that never end, its retries, its worktrees and
//! the environment it gives claude, against stand-ins for the CLI
//! (tests/fake-claude, tests/scripted-claude). tests/e2e_guards.rs shows the
//! same with the real CLI. Durations are bounded generously: the tests
//! assert outcomes and order, never tight times.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{bin, fixture};

const RESULT_OK: &str =
    r#"{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"s"}"#;
const RESULT_529: &str = r#"{"type":"result","subtype":"success","is_error":true,"api_error_status":529,"result":"API Error: Repeated 529 Overloaded errors","session_id":"s"}"#;
const INIT: &str = r#"{"type":"system","subtype":"init","session_id":"s"}"#;
const TOOL_USE: &str = r#"{"type":"assistant","message":{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"true"}}]}}"#;

fn manifest(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// cc-run with tests/scripted-claude doing `script`.
fn scripted(script: &str) -> assert_cmd::Command {
    let mut cmd = bin("cc-run");
    cmd.arg("--claude")
        .arg(manifest("tests/scripted-claude"))
        .env("FAKE_SCRIPT", script);
    cmd
}

/// Live processes whose environment holds `CCPIPE_TEST_TAG=tag`.
fn tagged(tag: &str) -> Vec<String> {
    let needle = format!("CCPIPE_TEST_TAG={tag}\0");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            let live = stat
                .rfind(')')
                .is_some_and(|i| !stat[i + 1..].trim_start().starts_with(['Z', 'X']));
            let env = std::fs::read(e.path().join("environ")).unwrap_or_default();
            live && env.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .map(|e| {
            let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&cmd).replace('\0', " ")
        })
        .collect()
}

fn assert_none_left(tag: &str) {
    let until = Instant::now() + Duration::from_secs(10);
    while !tagged(tag).is_empty() {
        assert!(
            Instant::now() < until,
            "processes left behind: {:?}",
            tagged(tag)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_child_that_hangs_after_its_result_is_ended_with_the_results_status() {
    for (fixture_name, code, says) in [
        ("text-turn.jsonl", 0, None),
        ("api-error-400.jsonl", 1, Some("HTTP 400")),
    ] {
        let tag = format!("hang-{code}-{}", std::process::id());
        let start = Instant::now();
        let out = bin("cc-run")
            .arg("--claude")
            .arg(manifest("tests/fake-claude"))
            .args(["--exit-grace", "1s", "--grace", "1s"])
            .env("FAKE_MODE", "output")
            .env("FAKE_OUTPUT", fixture(fixture_name))
            .env("FAKE_THEN", "hang")
            .env("CCPIPE_TEST_TAG", &tag)
            .write_stdin("")
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(code), "{fixture_name}: {stderr}");
        assert!(
            stderr.contains("did not exit within 1s of its last result"),
            "{stderr}"
        );
        if let Some(says) = says {
            assert!(stderr.contains(says), "{stderr}");
        }
        // The fake ignores TERM and would sleep 300 s: it was killed.
        assert!(start.elapsed() < Duration::from_secs(100));
        let last = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned();
        assert!(last.contains(r#""type":"result""#), "{last}");
        assert_none_left(&tag);
    }
}

#[test]
fn a_child_that_exits_after_its_result_is_not_hurried() {
    // The same fixture, a child that drains its input and exits: no message.
    let out = bin("cc-run")
        .arg("--claude")
        .arg(manifest("tests/fake-claude"))
        .env("FAKE_MODE", "output")
        .env("FAKE_OUTPUT", fixture("text-turn.jsonl"))
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!stderr_of(&out).contains("--exit-grace"));
}

#[test]
fn max_memory_ends_a_child_that_grows_past_it() {
    let tag = format!("memory-{}", std::process::id());
    let start = Instant::now();
    // `tail` keeps the whole newline-free stream: it grows toward 1 GiB.
    let out = scripted("{ head -c 1G /dev/zero; sleep 300; } | tail")
        .args(["--max-memory", "100M", "--grace", "1s"])
        .env("CCPIPE_TEST_TAG", &tag)
        .write_stdin("")
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains("past --max-memory 100 MiB"),
        "the message names the limit: {stderr}"
    );
    assert!(start.elapsed() < Duration::from_secs(100));
    assert_none_left(&tag);
}

#[test]
fn max_memory_leaves_a_small_child_alone() {
    scripted(&format!("cat > /dev/null; echo '{RESULT_OK}'"))
        .args(["--max-memory", "1G"])
        .write_stdin("")
        .assert()
        .code(0);
}

#[test]
fn a_silent_turn_is_a_stall() {
    let tag = format!("stall-{}", std::process::id());
    let start = Instant::now();
    let out = scripted(&format!("echo '{INIT}'; sleep 300"))
        .args(["--prompt", "hi", "--stall-timeout", "2s", "--grace", "1s"])
        .env("CCPIPE_TEST_TAG", &tag)
        .write_stdin("")
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(124), "{stderr}");
    assert!(
        stderr.contains("stalled: no event from claude for 2s while a turn was running"),
        "{stderr}"
    );
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(2),
        "ended early: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(100));
    assert_none_left(&tag);
}

#[test]
fn a_turn_that_keeps_talking_is_not_a_stall() {
    // An event every 0.3 s for about 6 s, with a stall timeout of 3 s.
    let script = format!(
        "echo '{INIT}'; for i in $(seq 20); do echo '{INIT}'; sleep 0.3; done; \
         echo '{RESULT_OK}'; cat > /dev/null"
    );
    scripted(&script)
        .args(["--prompt", "hi", "--stall-timeout", "3s"])
        .write_stdin("")
        .assert()
        .code(0);
}

#[test]
fn an_idle_session_is_not_a_stall() {
    // Nothing was sent, so no turn runs while the child waits 3 s.
    scripted(&format!("sleep 3; echo '{RESULT_OK}'"))
        .args(["--stall-timeout", "1s"])
        .write_stdin("")
        .assert()
        .code(0);
}

/// A child that fails with a 529 on its first `fails` runs (counted in
/// `$COUNT`), then succeeds; it records each run's input in `$INPUTS`.
fn flaky(dir: &Path, fails: u32, before: &str) -> assert_cmd::Command {
    let script = format!(
        r#"n=$(cat "$COUNT" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$COUNT"
           echo '{INIT}'; cat >> "$INPUTS"; echo "--- end of run $n" >> "$INPUTS"
           {before}
           if [ $n -le {fails} ]; then echo '{RESULT_529}'; else echo '{RESULT_OK}'; fi"#
    );
    let mut cmd = scripted(&script);
    cmd.env("COUNT", dir.join("count"))
        .env("INPUTS", dir.join("inputs"))
        .args(["--retry-delay", "10ms"]);
    cmd
}

#[test]
fn retry_starts_a_failed_session_again_with_the_same_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = r#"{"type":"user","message":{"role":"user","content":"first"}}
{"type":"user","message":{"role":"user","content":"second"}}
"#;
    let out = flaky(dir.path(), 2, "")
        .args(["--retry", "2"])
        .write_stdin(input)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "attempt 1 of 3 failed before any tool ran: rate limited or overloaded (HTTP 529)"
        ) && stderr.contains("attempt 2 of 3 failed")
            && stderr.contains("(--retry)"),
        "{stderr}"
    );
    let inputs = std::fs::read_to_string(dir.path().join("inputs")).unwrap();
    assert_eq!(inputs.matches("--- end of run").count(), 3, "{inputs}");
    assert_eq!(
        inputs.matches(input).count(),
        3,
        "each attempt got the whole input: {inputs}"
    );
    // Downstream saw every attempt: three inits, two failures, one success.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches(r#""subtype":"init""#).count(), 3);
    assert_eq!(stdout.matches(r#""api_error_status":529"#).count(), 2);
    assert!(stdout.trim_end().ends_with(RESULT_OK), "{stdout}");
}

#[test]
fn retry_gives_up_after_n_attempts_with_the_failures_status() {
    let dir = tempfile::tempdir().unwrap();
    let out = flaky(dir.path(), 9, "")
        .args(["--retry", "1", "--prompt", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("attempt 2 failed too; giving up (--retry 1)"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("count"))
            .unwrap()
            .trim(),
        "2"
    );
}

#[test]
fn retry_never_starts_again_after_a_tool_ran() {
    let dir = tempfile::tempdir().unwrap();
    let out = flaky(dir.path(), 1, &format!("echo '{TOOL_USE}'"))
        .args(["--retry", "2", "--prompt", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(!stderr.contains("starting again"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("count"))
            .unwrap()
            .trim(),
        "1"
    );
}

#[test]
fn retry_is_impossible_when_the_input_had_not_ended() {
    // The child fails and exits at once while cc-run's stdin stays open.
    let dir = tempfile::tempdir().unwrap();
    let script = format!("echo '{INIT}'; echo '{RESULT_529}'; exit 1");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("cc-run"))
        .arg("--claude")
        .arg(manifest("tests/scripted-claude"))
        .args(["--retry", "2", "--retry-delay", "10ms", "--prompt", "hi"])
        .env("FAKE_SCRIPT", &script)
        .env_remove("CCPIPE_CLAUDE")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("not starting again (--retry): cc-run's input had not ended"),
        "{stderr}"
    );
}

#[test]
fn the_nested_session_variables_do_not_reach_claude() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("env");
    let script = format!("env > \"$ENV_OUT\"; cat > /dev/null; echo '{RESULT_OK}'");
    scripted(&script)
        .env("ENV_OUT", &env_file)
        .env("CLAUDECODE", "1")
        .env("CLAUDE_CODE_ENTRYPOINT", "cli")
        .env("CLAUDE_CODE_SSE_PORT", "43210")
        .env("CLAUDE_CODE_SESSION_ID", "outer-session")
        .env("CLAUDE_CODE_CHILD_SESSION", "1")
        .env("CLAUDE_PID", "4242")
        .env("CLAUDE_CODE_MAX_RETRIES", "3")
        .env("ANTHROPIC_MODEL", "kept-model")
        .write_stdin("")
        .assert()
        .code(0);
    let env = std::fs::read_to_string(&env_file).unwrap();
    for dropped in [
        "CLAUDECODE=",
        "CLAUDE_CODE_ENTRYPOINT=",
        "CLAUDE_CODE_SSE_PORT=",
        "CLAUDE_CODE_SESSION_ID=",
        "CLAUDE_CODE_CHILD_SESSION=",
        "CLAUDE_PID=",
    ] {
        assert!(
            !env.lines().any(|l| l.starts_with(dropped)),
            "{dropped} reached claude"
        );
    }
    assert!(
        env.lines().any(|l| l == "CLAUDE_CODE_MAX_RETRIES=3"),
        "{env}"
    );
    assert!(
        env.lines().any(|l| l == "ANTHROPIC_MODEL=kept-model"),
        "{env}"
    );
}

/// `git ARGS` in `dir`, which must succeed; its stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A repository `repo` with one commit, in a scratch directory.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("sub")).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("sub/file.txt"), "original\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    (dir, repo)
}

/// The worktree path and branch from cc-run's "worktree kept" line.
fn kept(stderr: &str) -> Option<(PathBuf, String)> {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("cc-run: worktree kept: "))?;
    let (path, rest) = line.split_once(" (branch ")?;
    let branch = rest.split([';', ')']).next()?;
    Some((PathBuf::from(path), branch.to_owned()))
}

#[test]
fn worktree_refuses_outside_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    let out = scripted("exit 0")
        .arg("--worktree")
        .current_dir(dir.path())
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is not inside a git repository"),
        "{stderr}"
    );
}

#[test]
fn worktree_with_changes_is_kept_and_named() {
    let (_dir, repo) = repo();
    // The child starts in the worktree's copy of cc-run's directory.
    let script = format!("pwd > where.txt; cat > /dev/null; echo '{RESULT_OK}'");
    let out = scripted(&script)
        .arg("--worktree")
        .current_dir(repo.join("sub"))
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let (path, branch) = kept(&stderr).unwrap_or_else(|| panic!("no kept line: {stderr}"));
    assert!(branch.starts_with("ccpipe/"), "{branch}");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(path.parent(), repo.parent(), "beside the repository");
    assert_eq!(name, format!("repo-ccpipe-{}", &branch["ccpipe/".len()..]));
    let where_ = std::fs::read_to_string(path.join("sub/where.txt")).unwrap();
    assert_eq!(Path::new(where_.trim()), path.join("sub"));
    assert_eq!(
        git(&repo, &["status", "--porcelain"]),
        "",
        "main checkout untouched"
    );
    assert!(git(&repo, &["branch", "--list", &branch]).contains(&branch));
}

#[test]
fn worktree_without_changes_is_removed_with_its_branch() {
    let (_dir, repo) = repo();
    let script = format!("pwd > \"$WHERE\"; cat > /dev/null; echo '{RESULT_OK}'");
    let note = tempfile::NamedTempFile::new().unwrap();
    let out = scripted(&script)
        .arg("--worktree")
        .env("WHERE", note.path())
        .current_dir(&repo)
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(kept(&stderr).is_none(), "{stderr}");
    let path = PathBuf::from(std::fs::read_to_string(note.path()).unwrap().trim());
    assert!(path.to_string_lossy().contains("repo-ccpipe-"), "{path:?}");
    assert!(!path.exists(), "the worktree was removed");
    assert_eq!(git(&repo, &["branch", "--list", "ccpipe/*"]), "");
    assert_eq!(
        git(&repo, &["worktree", "list", "--porcelain"])
            .matches("worktree ")
            .count(),
        1
    );
}

#[test]
fn keep_worktree_keeps_even_an_unchanged_one_and_dir_names_it() {
    let (dir, repo) = repo();
    let at = dir.path().join("here");
    let out = scripted(&format!("cat > /dev/null; echo '{RESULT_OK}'"))
        .arg(format!("--worktree={}", at.display()))
        .arg("--keep-worktree")
        .current_dir(&repo)
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let (path, branch) = kept(&stderr).unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(path, at);
    assert!(stderr.contains("; no changes)"), "{stderr}");
    assert!(at.join("sub/file.txt").is_file());
    assert!(git(&repo, &["branch", "--list", &branch]).contains(&branch));
}

#[test]
fn a_commit_in_the_worktree_keeps_it() {
    let (_dir, repo) = repo();
    let script = format!(
        "echo more >> sub/file.txt && git -c user.name=t -c user.email=t@example.com \
         commit -qam more && cat > /dev/null; echo '{RESULT_OK}'"
    );
    let out = scripted(&script)
        .arg("--worktree")
        .current_dir(&repo)
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    let (path, branch) = kept(&stderr).unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(
        git(&path, &["status", "--porcelain"]),
        "",
        "clean, but committed"
    );
    assert_eq!(git(&repo, &["log", "-1", "--format=%s", &branch]), "more");
    assert_eq!(git(&repo, &["log", "-1", "--format=%s", "main"]), "first");
}
