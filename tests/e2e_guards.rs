//! cc-run's worktrees, stall timeout and retries with the real Claude Code
//! CLI against the scripted API stand-in (issue 9, done-when 3, 4 and 6).
//! Bounds on durations are generous: the tests assert outcomes and order.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{MockApi, Sandbox};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn events(stdout: &[u8]) -> Vec<Value> {
    text(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `script` in the sandbox's shell, with stdin closed.
fn shell(sandbox: &Sandbox, script: &str) -> std::process::Output {
    sandbox.shell(script).stdin(Stdio::null()).output().unwrap()
}

/// `cc-stats --json` on a log, which must succeed.
fn stats_of(sandbox: &Sandbox, log: &Path) -> Value {
    let out = shell(sandbox, &format!("cc-stats --json < {}", log.display()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What `cc-fmt --color never` shows of a log, which must succeed.
fn shown(sandbox: &Sandbox, log: &Path) -> String {
    let out = shell(
        sandbox,
        &format!("cc-fmt --color never < {}", log.display()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    text(&out.stdout).trim().to_owned()
}

/// The worktree path and branch from cc-run's "worktree kept" line.
fn kept(stderr: &str) -> (PathBuf, String) {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("cc-run: worktree kept: "))
        .unwrap_or_else(|| panic!("no kept worktree: {stderr}"));
    let (path, rest) = line.split_once(" (branch ").unwrap();
    (PathBuf::from(path), rest.trim_end_matches(')').to_owned())
}

#[test]
fn two_worktree_runs_edit_their_own_worktrees_and_not_the_checkout() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let repo = sandbox.cwd().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README"), "the main checkout\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    let start = |name: &str| {
        let script = format!(
            "cc-prompt 'write: notes.txt :: from run {name}' | cc-run --worktree -- --allowedTools Write"
        );
        sandbox
            .shell(&script)
            .current_dir(&repo)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Both run at once.
    let (a, b) = (start("A"), start("B"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let mut seen = vec![];
    for (name, out) in [("A", a), ("B", b)] {
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "run {name}: {stderr}");
        let result = events(&out.stdout)
            .into_iter()
            .rfind(|e| e["type"] == "result")
            .unwrap_or_else(|| panic!("no result: {stderr}"));
        assert_eq!(result["is_error"], false, "{result}");
        let (path, branch) = kept(&stderr);
        assert_eq!(
            std::fs::read_to_string(path.join("notes.txt")).unwrap(),
            format!("from run {name}\n"),
            "run {name} wrote into its worktree"
        );
        assert!(git(&repo, &["branch", "--list", &branch]).contains(&branch));
        seen.push((path, branch));
    }
    assert_ne!(seen[0], seen[1]);
    assert!(
        !repo.join("notes.txt").exists(),
        "the main checkout was edited"
    );
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
    assert_eq!(git(&repo, &["rev-parse", "--abbrev-ref", "HEAD"]), "main");
}

#[test]
fn a_worktree_run_that_changes_nothing_leaves_nothing() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let repo = sandbox.cwd().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README"), "x\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    let out = sandbox
        .shell("cc-prompt 'hello' | cc-run --worktree")
        .current_dir(&repo)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("worktree kept"), "{stderr}");
    // The CLI ran in the worktree: its init event names it as cwd.
    let init = events(&out.stdout)
        .into_iter()
        .find(|e| e["subtype"] == "init")
        .unwrap();
    let cwd = init["cwd"].as_str().unwrap().to_owned();
    assert!(cwd.contains("repo-ccpipe-"), "{cwd}");
    assert!(!Path::new(&cwd).exists(), "removed: {cwd}");
    assert_eq!(git(&repo, &["branch", "--list", "ccpipe/*"]), "");
    assert_eq!(
        git(&repo, &["worktree", "list", "--porcelain"])
            .matches("worktree ")
            .count(),
        1
    );
}

#[test]
fn a_stalled_stream_is_ended_by_the_stall_timeout() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    // Longer than the CLI's start-up on a loaded machine: a turn runs from
    // the moment the prompt is sent.
    let (stall, grace) = (Duration::from_secs(10), Duration::from_secs(2));
    let mut child = sandbox
        .shell("cc-prompt 'stall: now' | cc-run --stall-timeout 10s --grace 2s")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Each event line with the moment it arrived.
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map(|l| (Instant::now(), l.unwrap()))
            .collect::<Vec<_>>()
    });
    let stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());
    let until = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("cc-run did not end the stalled session");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let ended = Instant::now();
    let lines = reader.join().unwrap();
    let stderr = errors.join().unwrap();
    assert_eq!(status.code(), Some(124), "{stderr}");
    assert!(
        stderr.contains("stalled: no event from claude for 10s while a turn was running"),
        "{stderr}"
    );
    // The stream started, then went silent: the silence began at the
    // `message_start` (the last event before the stall).
    let at = lines
        .iter()
        .position(|(_, l)| l.contains(r#""type":"message_start""#))
        .unwrap_or_else(|| panic!("no message_start: {lines:?}"));
    let silent_from = lines[at].0;
    if let Some((next, _)) = lines.get(at + 1) {
        assert!(
            *next - silent_from >= stall - Duration::from_millis(500),
            "the run was stopped before the stall timeout"
        );
    }
    // Interrupt, TERM and KILL are each a grace apart; 30 s of slack for a
    // loaded machine.
    let bound = stall + grace * 2 + Duration::from_secs(30);
    assert!(
        ended - silent_from <= bound,
        "ended {:?} after the stall began",
        ended - silent_from
    );
}

#[test]
fn retry_recovers_from_an_overloaded_api() {
    let api = MockApi::start();
    api.fail_next(529, 1);
    let sandbox = Sandbox::new(&api).no_api_retries();
    let out = shell(
        &sandbox,
        "cc-prompt 'are you there?' | cc-run --retry 2 --retry-delay 100ms",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{}", api.summary());
    assert!(
        stderr.contains("attempt 1 of 3 failed before any tool ran")
            && stderr.contains("HTTP 529")
            && stderr.contains("starting again in 100ms (--retry)"),
        "{stderr}"
    );
    let events = events(&out.stdout);
    let results: Vec<&Value> = events.iter().filter(|e| e["type"] == "result").collect();
    assert_eq!(results.len(), 2, "two sessions' worth downstream");
    assert_eq!(results[0]["is_error"], true);
    assert_eq!(results[0]["api_error_status"], 529);
    assert_eq!(results[1]["is_error"], false);
    assert_eq!(results[1]["result"], "echo: are you there?");
    assert_ne!(
        results[0]["session_id"], results[1]["session_id"],
        "a new session"
    );
    assert_eq!(api.turns().len(), 2, "{}", api.summary());
}

#[test]
fn without_retry_the_overload_is_the_exit_status() {
    let api = MockApi::start();
    api.fail_next(529, 1);
    let sandbox = Sandbox::new(&api).no_api_retries();
    let out = shell(&sandbox, "cc-prompt 'are you there?' | cc-run");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(!stderr.contains("--retry"), "{stderr}");
    assert_eq!(api.turns().len(), 1, "{}", api.summary());
}

/// The fan-out recipe's cc-run side: `parallel` runs one `cc-prompt {} |
/// cc-run --worktree` per task, here (`local`) or through a remote shell
/// (`--sshlogin` with tests/fake-ssh standing in for ssh, so the task text
/// is quoted through one more shell). Every line of the merged stream is a
/// whole event, each task edited its own worktree, the unchanged one was
/// removed, and the main checkout is untouched.
fn fan_out(remote: bool) {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let repo = sandbox.cwd().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README"), "the main checkout\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    let tasks = sandbox.cwd().join("tasks.txt");
    std::fs::write(
        &tasks,
        "write: one.txt :: it's \"one\" $HOME\nwrite: two.txt :: two\nhello\n",
    )
    .unwrap();
    let ssh = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake-ssh");
    let hosts = if remote {
        format!("--ssh '{}' --sshlogin box ", ssh.display())
    } else {
        String::new()
    };
    // The remote shell does not start in the repository: cd there first.
    let script = format!(
        "parallel -j3 --line-buffer {hosts}'cd {} && cc-prompt {{}} | cc-run --worktree -- --allowedTools Write' :::: {}",
        repo.display(),
        tasks.display()
    );
    let out = sandbox
        .shell(&script)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let events = events(&out.stdout);
    let results: Vec<&Value> = events.iter().filter(|e| e["type"] == "result").collect();
    assert_eq!(results.len(), 3, "{stderr}");
    assert!(
        results.iter().all(|r| r["is_error"] == false),
        "{results:?}"
    );
    let mut sessions: Vec<&str> = results
        .iter()
        .map(|r| r["session_id"].as_str().unwrap())
        .collect();
    sessions.sort();
    sessions.dedup();
    assert_eq!(sessions.len(), 3);
    let kept: Vec<(PathBuf, String)> = stderr
        .lines()
        .filter(|l| l.starts_with("cc-run: worktree kept: "))
        .map(kept)
        .collect();
    assert_eq!(
        kept.len(),
        2,
        "the unchanged worktree was removed: {stderr}"
    );
    let mut written: Vec<String> = kept
        .iter()
        .flat_map(|(path, _)| {
            ["one.txt", "two.txt"]
                .into_iter()
                .filter_map(|f| std::fs::read_to_string(path.join(f)).ok())
        })
        .collect();
    written.sort();
    assert_eq!(written, ["it's \"one\" $HOME\n", "two\n"]);
    assert_eq!(
        git(&repo, &["branch", "--list", "ccpipe/*"])
            .lines()
            .count(),
        2
    );
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
    assert!(!repo.join("one.txt").exists() && !repo.join("two.txt").exists());

    // The merged stream makes sense to cc-stats and cc-fmt.
    let all = sandbox.cwd().join("all.jsonl");
    std::fs::write(&all, &out.stdout).unwrap();
    let stats = stats_of(&sandbox, &all);
    assert_eq!(stats["sessions"], 3, "{stats}");
    assert_eq!(stats["failed"], 0, "{stats}");
    assert_eq!(stats["errors"], serde_json::json!([]), "{stats}");
    assert_eq!(stats["tools"]["Write"], 2, "{stats}");
    let cost: f64 = results
        .iter()
        .map(|r| r["total_cost_usd"].as_f64().unwrap())
        .sum();
    assert!(
        (stats["cost_usd"].as_f64().unwrap() - cost).abs() < 1e-9,
        "{stats}"
    );
    let shown = shown(&sandbox, &all);
    // A lane per session: the first session's lines before the second
    // appeared are unlabelled, every later line carries its label.
    for lane in ["[1] ", "[2] ", "[3] "] {
        assert!(shown.lines().any(|l| l.starts_with(lane)), "{shown}");
    }
    assert_eq!(shown.matches("✓ success").count(), 3, "{shown}");
}

#[test]
fn fan_out_with_parallel_gives_each_task_its_worktree() {
    fan_out(false);
}

#[test]
fn fan_out_through_a_remote_shell_keeps_the_quoting() {
    fan_out(true);
}

/// The batch gate: one failed session in three makes cc-stats exit 1 over
/// the merged stream, and `parallel --halt now,fail=1` stops the batch at
/// the first failed session (as the README shows).
#[test]
fn a_failed_session_fails_the_batch() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let tasks = sandbox.cwd().join("tasks.txt");
    std::fs::write(&tasks, "http:400\nhello\nhello again\n").unwrap();

    let all = sandbox.cwd().join("all.jsonl");
    let gate = shell(
        &sandbox,
        &format!(
            "parallel -j3 --line-buffer 'cc-prompt {{}} | cc-run' :::: {} | tee {} | cc-stats --json",
            tasks.display(),
            all.display()
        ),
    );
    assert_eq!(gate.status.code(), Some(1), "{}", text(&gate.stderr));
    let stats: Value = serde_json::from_slice(&gate.stdout).unwrap();
    assert_eq!(stats["sessions"], 3, "{stats}");
    assert_eq!(stats["failed"], 1, "{stats}");
    assert_eq!(stats["errors"][0]["api_error_status"], 400, "{stats}");

    let halted = shell(
        &sandbox,
        &format!(
            "parallel -j1 --halt now,fail=1 --line-buffer 'cc-prompt {{}} | cc-run' :::: {}",
            tasks.display()
        ),
    );
    assert_ne!(halted.status.code(), Some(0), "{}", text(&halted.stderr));
    let results = events(&halted.stdout)
        .into_iter()
        .filter(|e| e["type"] == "result")
        .count();
    assert_eq!(results, 1, "the batch stopped after the failed session");
}

/// Issue 9, done-when 1 and 2: eight prompts through `parallel -j4`; cc-stats
/// counts eight sessions and the sum of their costs, and cc-fmt shows eight
/// labelled lanes, each with its footer.
#[test]
fn eight_prompts_through_parallel_make_eight_sessions_and_lanes() {
    let api = MockApi::start();
    let sandbox = Sandbox::new(&api);
    let tasks = sandbox.cwd().join("tasks.txt");
    let prompts: Vec<String> = (1..=8).map(|i| format!("task number {i}")).collect();
    std::fs::write(&tasks, prompts.join("\n") + "\n").unwrap();
    let all = sandbox.cwd().join("all.jsonl");
    let out = shell(
        &sandbox,
        &format!(
            "parallel -j4 --line-buffer 'cc-prompt {{}} | cc-run' :::: {} > {}",
            tasks.display(),
            all.display()
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let events = events(&std::fs::read(&all).unwrap());
    let results: Vec<&Value> = events.iter().filter(|e| e["type"] == "result").collect();
    assert_eq!(results.len(), 8);
    let cost: f64 = results
        .iter()
        .map(|r| r["total_cost_usd"].as_f64().unwrap())
        .sum();

    let stats = stats_of(&sandbox, &all);
    assert_eq!(stats["sessions"], 8, "{stats}");
    assert_eq!(stats["per_session"].as_array().unwrap().len(), 8);
    assert!(
        (stats["cost_usd"].as_f64().unwrap() - cost).abs() < 1e-9,
        "{} != {cost}",
        stats["cost_usd"]
    );

    let shown = shown(&sandbox, &all);
    for n in 1..=8 {
        let lane: Vec<&str> = shown
            .lines()
            .filter(|l| {
                // The first session's lines before a second appeared carry
                // no label.
                l.starts_with(&format!("[{n}] "))
                    || (n == 1 && !l.starts_with('[') && !l.is_empty())
            })
            .collect();
        assert!(
            lane.iter().any(|l| l.contains("✓ success")),
            "lane {n} has its footer:\n{shown}"
        );
        // Each lane's answer is its own prompt's echo.
        let echo = lane
            .iter()
            .find(|l| l.contains("echo: task number"))
            .unwrap_or_else(|| panic!("lane {n} shows its answer:\n{shown}"));
        let prompt = echo.rsplit("echo: ").next().unwrap();
        assert!(
            lane.iter().any(|l| l.ends_with(&format!("❯ {prompt}"))),
            "lane {n}'s answer follows its own prompt:\n{shown}"
        );
    }
}
