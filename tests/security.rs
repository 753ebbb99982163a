//! Secrets and terminal safety across the stages (issue 8, items 10 and
//! 12-17): what cc-run prints about itself and its child, what cc-fmt shows
//! people, and the file names every tool quotes in its messages.

mod common;

use std::path::PathBuf;

use common::bin;
use serde_json::json;

/// A stand-in for claude that runs the shell code in `script`.
fn scripted(script: &str) -> assert_cmd::Command {
    let mut cmd = bin("cc-run");
    let fake = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripted-claude");
    cmd.arg("--claude")
        .arg(fake)
        .env("FAKE_SCRIPT", script)
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("ANTHROPIC_AUTH_TOKEN")
        .env_remove("CLAUDE_CODE_OAUTH_TOKEN");
    cmd
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8 stderr")
}

fn assert_absent(hay: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!hay.contains(s), "{s:?} leaked in:\n{hay}");
    }
}

/// No ESC, BEL, C1 or bidi control reaches the output raw.
fn assert_terminal_safe(hay: &str) {
    for c in hay.chars() {
        assert!(
            !matches!(
                c,
                '\u{1b}' | '\u{7}' | '\u{80}'..='\u{9f}' | '\u{202e}' | '\u{2066}'
            ),
            "raw {c:?} in:\n{hay:?}"
        );
    }
}

// Item 12: --verbose.

#[test]
fn verbose_redacts_custom_headers_url_passwords_and_secret_arguments() {
    let out = scripted("cat > /dev/null")
        .env(
            "ANTHROPIC_CUSTOM_HEADERS",
            "Authorization: Bearer hdrsecret0123456789\nX-Team: blue",
        )
        .env(
            "ANTHROPIC_BASE_URL",
            "https://user:pa55urlsecret@proxy.example/v1",
        )
        .arg("--verbose")
        .args([
            "--",
            "--api-key",
            "argsecret1-abcdef",
            "--settings",
            r#"{"env":{"GITHUB_TOKEN":"argsecret2-abcdef"}}"#,
            "--append-system-prompt",
            "use Authorization: Bearer argsecret3-abcdef",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "no result: exit 1");
    let err = stderr_of(&out);
    assert_absent(&err, &["hdrsecret", "pa55urlsecret", "argsecret"]);
    assert!(
        err.contains("ANTHROPIC_BASE_URL=https://user:[REDACTED]@proxy.example/v1"),
        "{err}"
    );
    assert!(
        err.contains("ANTHROPIC_CUSTOM_HEADERS=Authorization: [REDACTED]"),
        "{err}"
    );
    assert!(err.contains("--api-key [REDACTED]"), "{err}");
}

// Item 13: the child's stderr and cc-run's own error line.

#[test]
fn child_stderr_and_the_error_line_are_redacted_by_shape_and_by_value() {
    let script = r#"
cat > /dev/null
echo "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlX2p3dA" >&2
echo "retrying with ANTHROPIC_API_KEY=notinenv4242 now" >&2
echo "connecting as admin with $DB_PASSWORD to the db" >&2
printf 'split key sk-ant-api03-AAAA' >&2; sleep 0.1; printf 'BBBBCCCC here\n' >&2
echo "giving up: Bearer eyJhbGciOiJIUzI1NiJ9.eyJsYXN0IjoiMSJ9.bGFzdHNpZ25hdHVyZQ" >&2
exit 1
"#;
    let out = scripted(script)
        .env("DB_PASSWORD", "s3cr3t")
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert_absent(
        &err,
        &[
            "eyJzdWIi",
            "c2lnbmF0dXJl",
            "notinenv4242",
            "s3cr3t",
            "AAAABBBB",
            "eyJsYXN0",
        ],
    );
    assert!(err.contains("Authorization: Bearer [REDACTED]"), "{err}");
    assert!(err.contains("ANTHROPIC_API_KEY=[REDACTED] now"), "{err}");
    assert!(err.contains("as admin with [REDACTED] to"), "{err}");
    assert!(err.contains("split key sk-ant-[REDACTED] here"), "{err}");
    // cc-run's own last line quotes the child's last stderr line, redacted.
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("cc-run: "), "{err}");
    assert!(last.contains("giving up: Bearer [REDACTED]"), "{err}");
}

// Item 16: the child's stderr is made terminal-safe, line by line.

#[test]
fn child_stderr_is_sanitised_and_keeps_its_lines() {
    let script = r#"
cat > /dev/null
printf 'title \033]0;PWNED\007 set\n' >&2
printf 'csi \302\233 2J and bidi \342\200\256 evil\n' >&2
printf 'isolate \342\201\246 x\tkeeps tab\n' >&2
printf '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"ok"}\n'
"#;
    let out = scripted(script).write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert_terminal_safe(&err);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "title ^[]0;PWNED^G set",
            "csi <U+009B> 2J and bidi <U+202E> evil",
            "isolate <U+2066> x\tkeeps tab",
        ],
        "{err}"
    );
}

// Item 10: what cc-run expects on stdin.

#[test]
fn plain_text_on_stdin_says_what_cc_run_expects() {
    let out = scripted("cat > /dev/null")
        .write_stdin("hi\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("stdin:1: "), "{err}");
    for hint in [
        "one JSON message per line",
        "cc-prompt",
        "--prompt",
        "< /dev/null",
    ] {
        assert!(err.contains(hint), "no {hint:?} in: {err}");
    }
}

#[test]
fn a_terminal_on_stdin_gets_the_hint_before_anything_is_typed() {
    use std::io::{Read, Write};
    let pty = nix::pty::openpty(None, None).unwrap();
    let slave = std::fs::File::from(pty.slave);
    let mut master = std::fs::File::from(pty.master);
    let fake = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripted-claude");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cc-run"))
        .arg("--claude")
        .arg(fake)
        .env("FAKE_SCRIPT", "cat > /dev/null")
        .stdin(slave)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    master.write_all(b"hello there\n").unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.contains("reading stream-json messages from the terminal"),
        "{err}"
    );
    assert!(
        err.contains("cc-prompt") && err.contains("--prompt"),
        "{err}"
    );
    assert!(err.contains("stdin:1: "), "{err}");
}

// Item 14: cc-fmt masks key-shaped strings unless --show-secrets.

fn assistant_text(text: &str) -> String {
    json!({
        "type": "assistant",
        "message": {"id": "msg_1", "role": "assistant", "content": [{"type": "text", "text": text}]},
        "session_id": "s1",
    })
    .to_string()
}

fn tool_result(text: &str) -> String {
    json!({
        "type": "user",
        "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": text}
        ]},
        "session_id": "s1",
    })
    .to_string()
}

fn fmt(args: &[&str], input: &str) -> (String, String) {
    let out = bin("cc-fmt")
        .args(["--color", "never"])
        .args(args)
        .write_stdin(input.to_owned())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    (String::from_utf8(out.stdout).unwrap(), err)
}

const DOTENV: &str = "ANTHROPIC_API_KEY=sk-ant-api03-DotEnvKey0123456789\n\
                      GITHUB_TOKEN=ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\n\
                      DATABASE_URL=postgres://app:dbpa55word@db:5432/app\n\
                      DEBUG=true";

#[test]
fn cc_fmt_masks_keys_in_text_and_tool_output() {
    let input = format!(
        "{}\n{}\n",
        assistant_text(
            "Your key is sk-ant-api03-InTextKey0123456789, and the header Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig0123"
        ),
        tool_result(DOTENV)
    );
    let (out, _) = fmt(&["--max-lines", "0"], &input);
    assert_absent(
        &out,
        &[
            "InTextKey",
            "eyJzdWIi",
            "DotEnvKey",
            "ABCDEFGHIJ",
            "dbpa55word",
        ],
    );
    assert!(out.contains("Your key is sk-ant-[REDACTED],"), "{out}");
    assert!(out.contains("GITHUB_TOKEN=ghp_[REDACTED]"), "{out}");
    assert!(
        out.contains("postgres://app:[REDACTED]@db:5432/app"),
        "{out}"
    );
    assert!(out.contains("DEBUG=true"), "{out}");
    // The opt-out shows the data as it is.
    let (shown, _) = fmt(&["--max-lines", "0", "--show-secrets"], &input);
    assert!(
        shown.contains("sk-ant-api03-InTextKey0123456789"),
        "{shown}"
    );
    assert!(shown.contains("dbpa55word"), "{shown}");
}

#[test]
fn cc_fmt_masks_a_key_streamed_in_pieces() {
    let delta = |text: &str| {
        json!({"type": "stream_event", "event": {"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": text}}, "session_id": "s1"})
        .to_string()
    };
    let lines = [
        json!({"type": "stream_event", "event": {"type": "message_start", "message": {"id": "m1", "content": []}}, "session_id": "s1"}).to_string(),
        json!({"type": "stream_event", "event": {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}, "session_id": "s1"}).to_string(),
        delta("the key: sk-a"),
        delta("nt-api03-Stream"),
        delta("edKey0123456789 and "),
        delta("API_KEY="),
        delta("streamedvalue42 end"),
        json!({"type": "stream_event", "event": {"type": "content_block_stop", "index": 0}, "session_id": "s1"}).to_string(),
    ];
    let (out, _) = fmt(&[], &(lines.join("\n") + "\n"));
    assert_absent(&out, &["StreamedKey", "streamedvalue"]);
    assert!(
        out.contains("the key: sk-ant-[REDACTED] and API_KEY=[REDACTED] end"),
        "{out}"
    );
}

// Item 17: invisible characters are shown.

#[test]
fn cc_fmt_shows_tag_characters_and_zero_width_runs_but_keeps_emoji_sequences() {
    // "hi" in tag characters, hidden after ordinary text.
    let text = "Looks fine\u{E0068}\u{E0069}. a\u{200B}\u{200B}\u{200C}b \
                family 👨\u{200D}👩\u{200D}👧 flag 🏳\u{FE0F}\u{200D}🌈 \
                wj\u{2060}x bom\u{FEFF}y";
    let (out, _) = fmt(&[], &format!("{}\n", assistant_text(text)));
    assert!(out.contains("Looks fine<U+E0068><U+E0069>."), "{out}");
    assert!(out.contains("a<U+200B><U+200B><U+200C>b"), "{out}");
    assert!(out.contains("family 👨\u{200D}👩\u{200D}👧"), "{out}");
    assert!(out.contains("flag 🏳\u{FE0F}\u{200D}🌈"), "{out}");
    assert!(out.contains("wj<U+2060>x bom<U+FEFF>y"), "{out}");
}

// Item 15: file names in every tool's messages.

const EVIL: &str = "/nonexistent/\u{1b}]0;PWNED\u{7}\u{202e}.jsonl";

#[test]
fn every_tool_quotes_a_hostile_file_name_safely() {
    let fifo_dir = tempfile::tempdir().unwrap();
    let hostile_fifo = fifo_dir.path().join("\u{1b}[2J\u{7}");
    std::fs::write(&hostile_fifo, "a regular file, refused").unwrap();
    let runs: Vec<(&str, Vec<std::ffi::OsString>)> = vec![
        ("cc-fmt", vec![EVIL.into()]),
        ("cc-check", vec![EVIL.into()]),
        ("cc-filter", vec![".".into(), EVIL.into()]),
        ("cc-replay", vec![EVIL.into()]),
        (
            "cc-prompt",
            vec!["--image".into(), EVIL.into(), "hi".into()],
        ),
        ("cc-steer", vec![hostile_fifo.clone().into_os_string()]),
        ("cc-run", vec!["--claude".into(), EVIL.into()]),
    ];
    for (tool, args) in runs {
        let out = bin(tool).args(&args).write_stdin("").output().unwrap();
        let err = stderr_of(&out);
        assert!(!out.status.success(), "{tool}: {err}");
        assert!(err.starts_with(&format!("{tool}: ")), "{tool}: {err}");
        assert_terminal_safe(&err);
        assert!(err.contains("^[") && err.contains("^G"), "{tool}: {err:?}");
    }
}

/// A usage error from the command-line parser quotes the argument too; on
/// a terminal (where the parser colours its message) it must stay safe.
#[test]
fn a_usage_error_on_a_terminal_quotes_a_hostile_argument_safely() {
    use std::io::Read;
    let pty = nix::pty::openpty(None, None).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cc-steer"))
        .args(["a.fifo", EVIL])
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::from(pty.slave))
        .spawn()
        .unwrap();
    let status = child.wait().unwrap();
    drop(child);
    let mut master = std::fs::File::from(pty.master);
    let mut raw = Vec::new();
    // The slave is closed: reading ends with EIO once everything is read.
    let _ = master.read_to_end(&mut raw);
    let err = String::from_utf8_lossy(&raw).into_owned();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("unexpected argument"), "{err}");
    assert_terminal_safe(&err);
}

/// What a data stage writes on a terminal: control and invisible characters
/// made visible; to a pipe the same stage writes the data exactly.
/// `stdin` is the file it reads, or nothing.
fn on_a_terminal(
    tool: &str,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&std::path::Path>,
) -> Vec<u8> {
    use std::io::Read;
    let pty = nix::pty::openpty(None, None).unwrap();
    let slave = std::fs::File::from(pty.slave);
    let mut master = std::fs::File::from(pty.master);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin(tool))
        .args(args)
        .envs(env.iter().copied())
        .stdin(match stdin {
            Some(path) => std::fs::File::open(path).unwrap().into(),
            None => std::process::Stdio::null(),
        })
        .stdout(slave)
        .spawn()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{tool} {args:?}: {status:?}");
    let mut shown = vec![];
    let mut buf = [0u8; 4096];
    // Drop every handle on the slave: then a read past the output is EIO.
    drop(child);
    while let Ok(n) = master.read(&mut buf) {
        if n == 0 {
            break;
        }
        shown.extend_from_slice(&buf[..n]);
    }
    shown
}

#[test]
fn data_stages_show_control_characters_visibly_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("esc.jsonl");
    let line = "{\"type\":\"keep_alive\",\"result\":\"a\\u001b]0;pwned\\u0007b \u{9b}c \u{202e}d 👨\u{200d}👩\"}\n";
    std::fs::write(&file, line).unwrap();
    let path = file.to_str().unwrap();
    // cc-run's child prints the line, then a result that ends the session.
    let result = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"ok\",\"session_id\":\"s\"}\n";
    let child = format!(
        "cat '{path}'; printf '%s\\n' '{}'; cat > /dev/null",
        result.trim_end()
    );
    let fake = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripted-claude");
    let fake = fake.to_str().unwrap();
    let fifo = dir.path().join("steer.fifo");
    let fifo = fifo.to_str().unwrap();
    for (tool, args, env) in [
        ("cc-filter", vec!["-r", ".result", path], vec![]),
        ("cc-replay", vec!["--no-delay", path], vec![]),
        ("cc-check", vec!["--output", path], vec![]),
        (
            "cc-run",
            vec!["--claude", fake],
            vec![("FAKE_SCRIPT", child.as_str())],
        ),
        // cc-steer passes its stdin on, and ends when the FIFO stays idle.
        ("cc-steer", vec!["--idle-timeout", "300ms", fifo], vec![]),
    ] {
        let stdin = (tool == "cc-steer").then_some(file.as_path());
        let shown = String::from_utf8(on_a_terminal(tool, &args, &env, stdin)).unwrap();
        assert_terminal_safe(&shown);
        assert!(
            !shown.contains('\u{9b}') && !shown.contains('\u{202e}'),
            "{tool}: {shown:?}"
        );
        assert!(
            shown.contains("<U+009B>") && shown.contains("<U+202E>"),
            "{tool}: {shown:?}"
        );
        assert!(
            shown.contains("👨\u{200d}👩"),
            "emoji sequences stay whole: {shown:?}"
        );
        // To a pipe: the data, exactly.
        let piped = bin(tool)
            .args(&args)
            .envs(env.iter().copied())
            .write_stdin(stdin.map(|p| std::fs::read(p).unwrap()).unwrap_or_default())
            .output()
            .unwrap()
            .stdout;
        let exact = match tool {
            "cc-filter" => "a\u{1b}]0;pwned\u{7}b \u{9b}c \u{202e}d 👨\u{200d}👩\n".to_string(),
            "cc-run" => format!("{line}{result}"),
            _ => line.to_string(),
        };
        assert_eq!(String::from_utf8_lossy(&piped), exact, "{tool}");
    }
}
