//! cc-stats, run as a real binary: totals on the recorded fixtures checked
//! against an independent count (in this file, and with jq), interleaved
//! sessions, the running totals (cost, API time), tokens once per message,
//! the exit status that gates a batch, malformed lines, the three output
//! forms, terminal safety, and eight real sessions run four at a time.

mod common;
mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{bin, fixture};
use serde_json::{Value, json};

struct Run {
    out: String,
    err: String,
    code: i32,
}

/// Runs cc-stats with `args` on `stdin`.
fn stats(args: &[&str], stdin: &str) -> Run {
    let o = bin("cc-stats")
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("run cc-stats");
    Run {
        out: String::from_utf8(o.stdout).expect("utf-8 stdout"),
        err: String::from_utf8(o.stderr).expect("utf-8 stderr"),
        code: o.status.code().expect("exit code"),
    }
}

/// `cc-stats --json` on `stdin`, parsed.
fn stats_json(stdin: &str) -> (Value, Run) {
    let r = stats(&["--json"], stdin);
    let v = serde_json::from_str(&r.out)
        .unwrap_or_else(|e| panic!("--json printed no JSON ({e}): {}\n{}", r.out, r.err));
    (v, r)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("fixture line is JSON"))
        .collect()
}

fn to_lines(events: &[Value]) -> String {
    events.iter().map(|e| format!("{e}\n")).collect()
}

/// The texts interleaved line by line, round robin, as parallel
/// --line-buffer mixes sessions.
fn interleave(texts: &[String]) -> String {
    let mut iters: Vec<_> = texts.iter().map(|t| t.lines()).collect();
    let mut out = String::new();
    loop {
        let mut any = false;
        for it in &mut iters {
            if let Some(line) = it.next() {
                out.push_str(line);
                out.push('\n');
                any = true;
            }
        }
        if !any {
            return out;
        }
    }
}

// ---------------------------------------------------------------------------
// The independent count: whole sessions grouped first, then each figure read
// off them directly (cc-stats streams and never holds a session's events).

#[derive(Default)]
struct Expected {
    order: Vec<String>,
    by_session: HashMap<String, Vec<Value>>,
}

fn counted(e: &Value) -> bool {
    match e["type"].as_str() {
        Some("assistant" | "result") => true,
        Some("system") => matches!(
            e["subtype"].as_str(),
            Some("init" | "api_retry" | "permission_denied")
        ),
        _ => false,
    }
}

impl Expected {
    fn of(events: &[Value]) -> Expected {
        let mut x = Expected::default();
        for e in events.iter().filter(|e| counted(e)) {
            let id = e["session_id"].as_str().unwrap_or("").to_owned();
            if !x.by_session.contains_key(&id) {
                x.order.push(id.clone());
            }
            x.by_session.entry(id).or_default().push(e.clone());
        }
        x
    }

    fn sessions(&self) -> impl Iterator<Item = &[Value]> {
        self.order.iter().map(|id| self.by_session[id].as_slice())
    }

    /// The top-level figures cc-stats --json reports, from whole sessions.
    fn totals(&self) -> Value {
        let (mut results, mut tools) = (BTreeMap::new(), BTreeMap::new());
        let (mut wall, mut api) = (vec![], vec![]);
        let mut tokens = [0u64; 4];
        let (mut turns, mut errors, mut retries, mut cost) = (0, 0, 0, 0.0);
        let mut status = BTreeMap::from([("ok", 0), ("error", 0), ("incomplete", 0)]);
        for evs in self.sessions() {
            let res: Vec<&Value> = evs.iter().filter(|e| e["type"] == "result").collect();
            for r in &res {
                *results
                    .entry(r["subtype"].as_str().unwrap().to_owned())
                    .or_insert(0) += 1;
                turns += r["num_turns"].as_u64().unwrap();
                errors += u64::from(r["is_error"] == true);
                wall.push(r["duration_ms"].as_u64().unwrap());
            }
            // duration_api_ms is a running total: each result adds its growth.
            let running: Vec<u64> = res
                .iter()
                .map(|r| r["duration_api_ms"].as_u64().unwrap())
                .collect();
            api.extend(
                running
                    .iter()
                    .zip([0].iter().chain(&running))
                    .map(|(a, b)| a - b),
            );
            cost += res
                .last()
                .map_or(0.0, |r| r["total_cost_usd"].as_f64().unwrap());
            if let Some(last) = res.last() {
                for m in last["modelUsage"].as_object().unwrap().values() {
                    for (k, name) in [
                        "inputTokens",
                        "outputTokens",
                        "cacheReadInputTokens",
                        "cacheCreationInputTokens",
                    ]
                    .iter()
                    .enumerate()
                    {
                        tokens[k] += m[name].as_u64().unwrap();
                    }
                }
            }
            // After the last result: each message's first copy.
            let after = evs
                .iter()
                .rposition(|e| e["type"] == "result")
                .map_or(0, |i| i + 1);
            let mut seen = HashSet::new();
            for e in evs[after..].iter().filter(|e| e["type"] == "assistant") {
                if seen.insert(e["message"]["id"].to_string()) {
                    tokens[0] += e["message"]["usage"]["input_tokens"].as_u64().unwrap();
                    tokens[1] += e["message"]["usage"]["output_tokens"].as_u64().unwrap();
                }
            }
            for e in evs.iter().filter(|e| e["type"] == "assistant") {
                for b in e["message"]["content"].as_array().unwrap() {
                    if b["type"] == "tool_use" {
                        *tools
                            .entry(b["name"].as_str().unwrap().to_owned())
                            .or_insert(0) += 1;
                    }
                }
            }
            retries += evs.iter().filter(|e| e["subtype"] == "api_retry").count();
            let open = evs[after..].iter().any(|e| {
                e["type"] == "assistant" || e["subtype"] == "init" || e["subtype"] == "api_retry"
            });
            let s = match res.last() {
                None => "incomplete",
                Some(_) if open => "incomplete",
                Some(r) if r["is_error"] == true => "error",
                Some(_) => "ok",
            };
            *status.get_mut(s).unwrap() += 1;
        }
        let spread = |mut v: Vec<u64>| {
            v.sort();
            let rank = |p: usize| v[((p * v.len()).div_ceil(100)).max(1) - 1];
            json!({"results": v.len(), "total": v.iter().sum::<u64>(),
                   "p50": rank(50), "p95": rank(95), "max": v.last()})
        };
        json!({
            "sessions": self.order.len(),
            "failed": status["error"] + status["incomplete"],
            "status": status,
            "results": results,
            "error_results": errors,
            "turns": turns,
            "cost_usd": cost,
            "duration_ms": spread(wall),
            "api_duration_ms": spread(api),
            "tokens": {"input": tokens[0], "output": tokens[1],
                       "cache_read": tokens[2], "cache_creation": tokens[3]},
            "tool_calls": tools.values().sum::<u64>(),
            "tools": tools,
            "api_retries": retries,
        })
    }
}

/// Asserts that cc-stats' report has every figure of `want`, equal (the
/// cost to within rounding: sums in another order).
fn assert_totals(got: &Value, want: &Value) {
    for (k, w) in want.as_object().unwrap() {
        if k == "cost_usd" {
            let g = got[k].as_f64().expect("cost_usd is a number");
            let w = w.as_f64().unwrap();
            assert!((g - w).abs() < 1e-12, "cost_usd: got {g}, want {w}");
        } else {
            assert_eq!(&got[k], w, "{k}");
        }
    }
}

/// The eight scenarios the counts below were worked out on (one session
/// each), as recaptured from the pinned CLI.
fn scenario_fixtures() -> Vec<std::path::PathBuf> {
    [
        "api-error-400.jsonl",
        "auth-retry-401-killed.jsonl",
        "bash-tool.jsonl",
        "interrupt.jsonl",
        "steer-replayed.jsonl",
        "text-turn.jsonl",
        "thinking-partial.jsonl",
        "tools-partial.jsonl",
    ]
    .iter()
    .map(|name| common::fixture(name))
    .collect()
}

fn all_fixture_events() -> Vec<Value> {
    scenario_fixtures()
        .iter()
        .flat_map(|p| lines(&read(p)))
        .collect()
}

#[test]
fn fixture_totals_match_an_independent_count() {
    let events = all_fixture_events();
    let want = Expected::of(&events).totals();
    let (got, r) = stats_json(&to_lines(&events));
    assert_totals(&got, &want);
    // What the fixtures hold, so a broken count above cannot pass unseen.
    assert_eq!(got["sessions"], 8);
    assert_eq!(got["status"], json!({"ok": 6, "error": 1, "incomplete": 1}));
    assert_eq!(got["tools"], json!({"Bash": 4, "Read": 1}));
    assert_eq!(got["api_retries"], 5);
    assert_eq!(
        r.code, 1,
        "an error and an incomplete session fail the batch"
    );
}

#[test]
fn the_jq_reference_agrees_on_fixtures_and_on_an_interleaved_stream() {
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bench/stats.jq");
    let texts: Vec<String> = scenario_fixtures().iter().map(|p| read(p)).collect();
    for input in [texts.concat(), interleave(&texts)] {
        let mut jq = Command::new("jq")
            .arg("-n")
            .arg("-f")
            .arg(&program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("jq on PATH (the README's test prerequisites)");
        std::io::Write::write_all(&mut jq.stdin.take().unwrap(), input.as_bytes()).unwrap();
        let out = jq.wait_with_output().unwrap();
        assert!(out.status.success(), "jq failed");
        let want: Value = serde_json::from_slice(&out.stdout).unwrap();
        let (got, _) = stats_json(&input);
        assert_totals(&got, &want);
        assert_eq!(
            want.as_object().unwrap().len(),
            15,
            "jq computed every figure"
        );
    }
}

#[test]
fn interleaved_sessions_count_as_when_read_one_by_one() {
    let texts: Vec<String> = scenario_fixtures().iter().map(|p| read(p)).collect();
    let (apart, _) = stats_json(&texts.concat());
    let (mixed, _) = stats_json(&interleave(&texts));
    assert_eq!(mixed, apart);
    // Each session of the mix is what cc-stats says of its file alone.
    for (i, text) in texts.iter().enumerate() {
        let (alone, _) = stats_json(text);
        assert_eq!(mixed["per_session"][i], alone["per_session"][0]);
    }
    assert_eq!(mixed["per_session"].as_array().unwrap().len(), texts.len());
}

#[test]
fn cost_is_the_last_running_total_not_the_sum() {
    let events = lines(&read(&fixture("interrupt.jsonl")));
    let costs: Vec<f64> = events
        .iter()
        .filter(|e| e["type"] == "result")
        .map(|e| e["total_cost_usd"].as_f64().unwrap())
        .collect();
    assert_eq!(costs.len(), 2, "two turns, two running totals");
    let (got, r) = stats_json(&to_lines(&events));
    assert_eq!(got["cost_usd"].as_f64(), Some(costs[1]));
    assert_eq!(got["per_session"][0]["cost_usd"].as_f64(), Some(costs[1]));
    assert_ne!(costs[1], costs[0] + costs[1]);
    // An error result followed by a good turn: the session ended well.
    assert_eq!(got["per_session"][0]["status"], "ok");
    assert_eq!(got["error_results"], 1);
    assert_eq!(r.code, 0, "{}", r.err);
}

#[test]
fn api_time_is_the_growth_of_the_running_total() {
    let events = lines(&read(&fixture("interrupt.jsonl")));
    let running: Vec<u64> = events
        .iter()
        .filter(|e| e["type"] == "result")
        .map(|e| e["duration_api_ms"].as_u64().unwrap())
        .collect();
    let (got, _) = stats_json(&to_lines(&events));
    let api = &got["api_duration_ms"];
    assert_eq!(api["total"], running[1]);
    assert_eq!(api["max"], running[0].max(running[1] - running[0]));
    let wall: u64 = events
        .iter()
        .filter_map(|e| e["duration_ms"].as_u64())
        .sum();
    assert_eq!(got["duration_ms"]["total"], wall, "wall time is per result");
}

#[test]
fn tokens_count_once_per_message_id_in_a_turn_without_result() {
    // tools-partial cut before its result: a killed session.
    let events: Vec<Value> = lines(&read(&fixture("tools-partial.jsonl")))
        .into_iter()
        .filter(|e| e["type"] != "result")
        .collect();
    let assistants: Vec<&Value> = events.iter().filter(|e| e["type"] == "assistant").collect();
    let mut first = HashMap::new();
    for e in &assistants {
        first
            .entry(e["message"]["id"].as_str().unwrap())
            .or_insert(&e["message"]["usage"]);
    }
    assert!(
        first.len() < assistants.len(),
        "some message has several blocks"
    );
    let sum = |k: &str| first.values().map(|u| u[k].as_u64().unwrap()).sum::<u64>();
    let (got, r) = stats_json(&to_lines(&events));
    assert_eq!(got["tokens"]["input"], sum("input_tokens"));
    assert_eq!(got["tokens"]["output"], sum("output_tokens"));
    assert_eq!(got["per_session"][0]["status"], "incomplete");
    assert_eq!(r.code, 1);

    // With its result, the result's modelUsage counts instead.
    let (whole, _) = stats_json(&read(&fixture("tools-partial.jsonl")));
    let result = lines(&read(&fixture("tools-partial.jsonl")))
        .into_iter()
        .find(|e| e["type"] == "result")
        .unwrap();
    let model = result["modelUsage"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!(whole["tokens"]["output"], model["outputTokens"]);
    assert_ne!(whole["tokens"]["output"], got["tokens"]["output"]);
}

#[test]
fn exit_status_gates_the_batch() {
    let cases = [
        ("text-turn.jsonl", 0, ""),
        ("interrupt.jsonl", 0, ""),
        (
            "api-error-400.jsonl",
            1,
            "cc-stats: 1 of 1 sessions failed (1 error, 0 incomplete)\n",
        ),
        (
            "auth-retry-401-killed.jsonl",
            1,
            "cc-stats: 1 of 1 sessions failed (0 error, 1 incomplete)\n",
        ),
    ];
    for (name, code, err) in cases {
        let path = fixture(name);
        let r = stats(&["--color", "never", path.to_str().unwrap()], "");
        assert_eq!((r.code, r.err.as_str()), (code, err), "{name}");
        assert!(r.out.contains("sessions     1 ("), "{name}: {}", r.out);
    }
    let r = stats(&[], "");
    assert_eq!(r.code, 1);
    assert_eq!(r.err, "cc-stats: no session in the input\n");
    // A turn that began after the last result and got none: killed mid-turn.
    let mut cut = lines(&read(&fixture("interrupt.jsonl")));
    let last = cut.iter().rposition(|e| e["type"] == "result").unwrap();
    cut.truncate(last);
    assert!(
        cut[..last].iter().any(|e| e["type"] == "result"),
        "an earlier result"
    );
    let (got, r) = stats_json(&to_lines(&cut));
    assert_eq!(got["per_session"][0]["status"], "incomplete");
    assert_eq!(r.code, 1);
    // A good session after a failed one does not hide it.
    let both = read(&fixture("api-error-400.jsonl")) + &read(&fixture("text-turn.jsonl"));
    assert_eq!(stats(&[], &both).code, 1);
}

#[test]
fn malformed_lines_are_reported_and_skipped() {
    let good = read(&fixture("text-turn.jsonl"));
    let mut input: Vec<&str> = good.lines().collect();
    input.insert(1, "{\"type\": oops}");
    input.insert(3, "[1, 2]");
    let (got, r) = stats_json(&(input.join("\n") + "\n"));
    assert_eq!(r.code, 1);
    let err: Vec<&str> = r.err.lines().collect();
    assert_eq!(err.len(), 2, "{}", r.err);
    assert!(
        err[0].starts_with("cc-stats: stdin:2: invalid JSON at column 10"),
        "{}",
        err[0]
    );
    assert_eq!(
        err[1],
        "cc-stats: stdin:4: expected a JSON object, found an array"
    );
    let (alone, _) = stats_json(&good);
    assert_eq!(got, alone, "the good lines all counted");

    // Files are named in the message, and a too-long line is skipped too.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jsonl");
    std::fs::write(&path, format!("{}\n{good}", "x".repeat(20_000))).unwrap();
    let r = stats(&["--max-line", "16K", "--json", path.to_str().unwrap()], "");
    assert_eq!(r.code, 1);
    assert!(
        r.err
            .starts_with(&format!("cc-stats: {}:1: ", path.display())),
        "{}",
        r.err
    );
    assert_eq!(
        serde_json::from_str::<Value>(&r.out).unwrap()["sessions"],
        1
    );
}

#[test]
fn json_has_the_documented_shape() {
    let (got, _) = stats_json(&to_lines(&all_fixture_events()));
    for key in [
        "sessions",
        "failed",
        "status",
        "results",
        "error_results",
        "turns",
        "cost_usd",
        "duration_ms",
        "api_duration_ms",
        "tokens",
        "tool_calls",
        "tools",
        "permission_denials",
        "denied_tools",
        "api_retries",
        "errors",
        "per_session",
    ] {
        assert!(got.get(key).is_some(), "top level lacks {key}");
    }
    let errors = got["errors"].as_array().unwrap();
    assert_eq!(
        errors.len(),
        got["error_results"].as_u64().unwrap() as usize
    );
    let http = errors
        .iter()
        .find(|e| e["api_error_status"] == 400)
        .unwrap();
    assert_eq!(http["reason"], "API Error: 400 scripted 400");
    assert_eq!(http["subtype"], "success");
    let per = got["per_session"].as_array().unwrap();
    assert_eq!(per.len(), got["sessions"].as_u64().unwrap() as usize);
    for s in per {
        for key in [
            "session_id",
            "status",
            "results",
            "turns",
            "cost_usd",
            "tokens",
            "tools",
        ] {
            assert!(s.get(key).is_some(), "per_session entry lacks {key}: {s}");
        }
    }
    let killed = per.iter().find(|s| s["status"] == "incomplete").unwrap();
    assert_eq!(killed["cost_usd"], Value::Null, "no result, no cost");
    assert_eq!(got.to_string().lines().count(), 1);
}

/// A fixture's events with every `session_id` and the first tool's name
/// replaced by hostile text.
fn hostile(session: &str, tool: &str) -> String {
    let mut events = lines(&read(&fixture("bash-tool.jsonl")));
    for e in &mut events {
        if e.get("session_id").is_some() {
            e["session_id"] = json!(session);
        }
        if let Some(blocks) = e["message"]["content"].as_array_mut() {
            for b in blocks.iter_mut().filter(|b| b["type"] == "tool_use") {
                b["name"] = json!(tool);
            }
        }
    }
    to_lines(&events)
}

const EVIL_ID: &str = "s\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}\u{9b}x";
const EVIL_TOOL: &str = "Ba\"sh\\\n\u{1b}[31m";

#[test]
fn untrusted_text_never_reaches_the_terminal_raw() {
    let input = hostile(EVIL_ID, EVIL_TOOL);
    for args in [&["--color", "always"][..], &["--json"], &["--prom"]] {
        let mut out = stats(args, &input).out;
        // Take away the styles cc-stats paints with itself.
        for sgr in [
            "\u{1b}[1m",
            "\u{1b}[0m",
            "\u{1b}[31m",
            "\u{1b}[32m",
            "\u{1b}[33m",
        ] {
            out = out.replace(sgr, "");
        }
        for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
            assert!(!out.contains(c), "{args:?}: raw {c:?} in output:\n{out}");
        }
    }
    let painted = stats(&["--color", "always"], &input).out;
    assert!(painted.contains("Ba\"sh\\ ⏎ ^[[31m 1"), "{painted}");
    let table = stats(&["--color", "never"], &input).out;
    assert!(
        table.contains("s^[]0;pwned^G^[[2J<U+202E><U+009B>x"),
        "{table}"
    );
    assert!(table.contains("Ba\"sh\\ ⏎ ^[[31m 1"), "{table}");
    // JSON keeps the exact strings, escaped.
    let (got, _) = stats_json(&input);
    assert_eq!(got["per_session"][0]["session_id"], EVIL_ID);
    assert_eq!(got["tools"][EVIL_TOOL], 1);
}

/// One parsed sample line of the Prometheus text format.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

fn parse_name(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    let name = &s[..end];
    assert!(
        !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()),
        "bad name in {s:?}"
    );
    (name, &s[end..])
}

fn parse_sample(line: &str) -> Sample {
    let (name, mut rest) = parse_name(line);
    let mut labels = vec![];
    if let Some(r) = rest.strip_prefix('{') {
        rest = r;
        loop {
            let (label, r) = parse_name(rest);
            let mut r = r.strip_prefix("=\"").unwrap_or_else(|| panic!("{line}"));
            let mut value = String::new();
            loop {
                let mut chars = r.chars();
                match chars
                    .next()
                    .unwrap_or_else(|| panic!("unterminated: {line}"))
                {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        Some('n') => value.push('\n'),
                        other => panic!("bad escape {other:?} in {line}"),
                    },
                    '\n' => panic!("raw newline in {line}"),
                    c => value.push(c),
                }
                r = chars.as_str();
            }
            labels.push((label.to_owned(), value));
            rest = &r[1..];
            if let Some(r) = rest.strip_prefix(',') {
                rest = r;
            } else {
                rest = rest.strip_prefix('}').unwrap_or_else(|| panic!("{line}"));
                break;
            }
        }
    }
    let value = rest.strip_prefix(' ').unwrap_or_else(|| panic!("{line}"));
    let value = match value {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v
            .parse()
            .unwrap_or_else(|_| panic!("bad value in {line:?}")),
    };
    Sample {
        name: name.to_owned(),
        labels,
        value,
    }
}

/// Parses the whole exposition, checking HELP and TYPE come first for
/// every family and every sample belongs to the family above it.
fn parse_prom(text: &str) -> Vec<Sample> {
    assert!(text.ends_with('\n'));
    let mut family: Option<(String, String)> = None;
    let mut help: Option<String> = None;
    let mut samples = vec![];
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, text) = rest.split_once(' ').unwrap();
            assert!(!text.is_empty());
            help = Some(name.to_owned());
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert_eq!(help.as_deref(), Some(name), "TYPE without HELP: {line}");
            assert!(["counter", "gauge", "summary"].contains(&kind), "{line}");
            family = Some((name.to_owned(), kind.to_owned()));
        } else {
            let s = parse_sample(line);
            let (name, kind) = family.as_ref().expect("a sample before any TYPE");
            let ok = s.name == *name
                || (kind == "summary"
                    && (s.name == format!("{name}_sum") || s.name == format!("{name}_count")));
            assert!(ok, "{} outside its family {name}", s.name);
            assert!(s.name.starts_with("ccpipe_"), "{}", s.name);
            if kind == "counter" {
                assert!(s.name.ends_with("_total"), "{}", s.name);
            }
            samples.push(s);
        }
    }
    samples
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<&Sample> = samples
        .iter()
        .filter(|s| {
            s.name == name
                && s.labels.len() == labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.iter().any(|(a, b)| a == k && b == v))
        })
        .collect();
    assert_eq!(found.len(), 1, "{name}{labels:?}: {found:?}");
    found[0].value
}

#[test]
fn prom_is_the_text_exposition_format() {
    let events = all_fixture_events();
    let r = stats(&["--prom"], &to_lines(&events));
    let samples = parse_prom(&r.out);
    let (got, _) = stats_json(&to_lines(&events));
    assert_eq!(value(&samples, "ccpipe_sessions", &[("status", "ok")]), 6.0);
    assert_eq!(
        value(&samples, "ccpipe_sessions", &[("status", "incomplete")]),
        1.0
    );
    assert_eq!(
        value(&samples, "ccpipe_cost_usd_total", &[]),
        got["cost_usd"].as_f64().unwrap()
    );
    assert_eq!(
        value(&samples, "ccpipe_tool_calls_total", &[("tool", "Bash")]),
        4.0
    );
    assert_eq!(
        value(&samples, "ccpipe_results_total", &[("subtype", "success")]),
        7.0
    );
    let p95 = got["duration_ms"]["p95"].as_f64().unwrap() / 1000.0;
    assert_eq!(
        value(
            &samples,
            "ccpipe_result_duration_seconds",
            &[("quantile", "0.95")]
        ),
        p95
    );
    assert_eq!(
        value(&samples, "ccpipe_result_duration_seconds_count", &[]),
        8.0
    );
    let killed = "e73d2f8b-4b22-4e2d-8929-0d5547e24e71";
    assert_eq!(
        value(&samples, "ccpipe_session_ok", &[("session_id", killed)]),
        0.0
    );

    // Hostile label values: escaped as the format says, and terminal-safe.
    let r = stats(&["--prom"], &hostile(EVIL_ID, EVIL_TOOL));
    let samples = parse_prom(&r.out);
    let tool = "Ba\"sh\\\n^[[31m";
    assert_eq!(
        value(&samples, "ccpipe_tool_calls_total", &[("tool", tool)]),
        1.0
    );
    assert!(r.out.contains(r#"tool="Ba\"sh\\\n^[[31m""#), "{}", r.out);
}

#[test]
fn permission_denials_count_once_each() {
    let mut events = lines(&read(&fixture("text-turn.jsonl")));
    let session = events[0]["session_id"].clone();
    let live = json!({"type": "system", "subtype": "permission_denied", "tool_name": "Bash",
        "tool_use_id": "toolu_1", "message": "denied", "session_id": session});
    let result = events.iter_mut().find(|e| e["type"] == "result").unwrap();
    result["permission_denials"] = json!([
        {"tool_name": "Bash", "tool_use_id": "toolu_1", "tool_input": {}},
        {"tool_name": "Write", "tool_use_id": "toolu_2", "tool_input": {}},
    ]);
    events.insert(1, live);
    let (got, _) = stats_json(&to_lines(&events));
    assert_eq!(got["permission_denials"], 2);
    assert_eq!(got["denied_tools"], json!({"Bash": 1, "Write": 1}));
}

#[test]
fn the_table_on_no_color_and_with_colour() {
    let texts: Vec<String> = [
        "bash-tool.jsonl",
        "api-error-400.jsonl",
        "auth-retry-401-killed.jsonl",
    ]
    .iter()
    .map(|n| read(&fixture(n)))
    .collect();
    let input = interleave(&texts);
    let plain = bin("cc-stats")
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .write_stdin(input.clone())
        .output()
        .unwrap();
    let out = String::from_utf8(plain.stdout).unwrap();
    assert!(!out.contains('\u{1b}'), "NO_COLOR wins: {out}");
    let rows: Vec<&str> = out.lines().collect();
    let heads = "status results turns wall api cost in_tok out_tok tools denied retries session";
    assert_eq!(
        rows[0].split_whitespace().collect::<Vec<_>>().join(" "),
        heads
    );
    let words: Vec<Vec<&str>> = rows[1..4]
        .iter()
        .map(|r| r.split_whitespace().collect())
        .collect();
    let events: Vec<Vec<Value>> = texts.iter().map(|t| lines(t)).collect();
    for (row, evs) in words.iter().zip(&events) {
        assert_eq!(row.last(), evs[0]["session_id"].as_str().as_ref(), "{out}");
    }
    assert_eq!(words[0][0], "ok");
    assert_eq!(words[1][0], "error");
    assert_eq!(words[2][0], "incomplete");
    assert_eq!(words[2][10], "5", "retries column: {out}");
    assert!(
        out.contains("\nsessions     3 (1 ok, 1 error, 1 incomplete)\n"),
        "{out}"
    );
    assert!(out.contains("\ntool calls   1: Bash 1\n"), "{out}");
    assert!(
        out.contains("success (HTTP 400): API Error: 400 scripted 400"),
        "{out}"
    );
    assert_eq!(plain.status.code(), Some(1));

    let coloured = bin("cc-stats")
        .args(["--color", "always"])
        .write_stdin(input)
        .output()
        .unwrap();
    let out = String::from_utf8(coloured.stdout).unwrap();
    assert!(out.contains("\u{1b}[31merror"), "{out}");
    assert!(out.contains("\u{1b}[32mok"), "{out}");
}

#[test]
fn a_closed_downstream_is_a_quiet_success() {
    // Enough sessions that the table outgrows the pipe's buffer.
    let text = read(&fixture("text-turn.jsonl"));
    let id = lines(&text)[0]["session_id"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    let many: String = (0..3000)
        .map(|n| text.replace(&id, &format!("{id}-{n}")))
        .collect();
    std::fs::write(&path, many).unwrap();
    let script = format!(
        "{} {} | head -1; echo \"status=${{PIPESTATUS[0]}}\"",
        assert_cmd::cargo::cargo_bin("cc-stats").display(),
        path.display()
    );
    let o = Command::new("bash").arg("-c").arg(script).output().unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("status  results"), "{out}");
    assert!(out.ends_with("status=0\n"), "{out}");
    assert_eq!(String::from_utf8(o.stderr).unwrap(), "");
}

#[test]
fn usage_errors_exit_2() {
    let r = stats(&["--json", "--prom"], "");
    assert_eq!(r.code, 2);
    assert!(r.err.contains("--prom"), "{}", r.err);
    let r = stats(&["/nonexistent/x.jsonl"], "");
    assert_eq!(r.code, 2);
    assert!(
        r.err.starts_with("cc-stats: /nonexistent/x.jsonl: "),
        "{}",
        r.err
    );
}

/// Done-when 1 of issue 9, cc-stats' part: eight prompts run four at a time
/// through cc-prompt | cc-run against the real CLI; cc-stats counts eight
/// sessions, and its cost is the sum of the eight results' total_cost_usd.
#[test]
fn eight_real_sessions_four_at_a_time() {
    let api = support::MockApi::start();
    let sandbox = support::Sandbox::new(&api);
    let script = "mkdir runs && seq 1 8 | xargs -P 4 -I N sh -c \
                  'cc-prompt \"task N: say hello\" | cc-run > runs/N.jsonl'";
    let out = sandbox
        .shell(script)
        .stdin(Stdio::null())
        .output()
        .expect("run the batch");
    assert!(
        out.status.success(),
        "batch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<PathBuf> = (1..=8)
        .map(|n| sandbox.cwd().join(format!("runs/{n}.jsonl")))
        .collect();
    let texts: Vec<String> = files.iter().map(|p| read(p)).collect();
    let mut want_cost = 0.0;
    for text in &texts {
        let results: Vec<Value> = lines(text)
            .into_iter()
            .filter(|e| e["type"] == "result")
            .collect();
        assert_eq!(results.len(), 1, "one result per run");
        want_cost += results[0]["total_cost_usd"].as_f64().unwrap();
    }
    assert!(want_cost > 0.0);
    let (got, r) = stats_json(&interleave(&texts));
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(got["sessions"], 8);
    assert_eq!(got["status"]["ok"], 8);
    let cost = got["cost_usd"].as_f64().unwrap();
    assert!((cost - want_cost).abs() < 1e-12, "{cost} vs {want_cost}");
    let events: Vec<Value> = texts.iter().flat_map(|t| lines(t)).collect();
    assert_totals(&got, &Expected::of(&events).totals());
    // Files as arguments give the same report as the mixed stream.
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let r = stats(&[&["--json"][..], &args].concat(), "");
    let by_files: Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(by_files["cost_usd"], got["cost_usd"]);
    assert_eq!(by_files["sessions"], 8);
}

/// Counts and durations come from the input, which may say anything: sums
/// saturate instead of overflowing (found by tests/fuzz.rs).
#[test]
fn sums_of_huge_counts_saturate() {
    let big = u64::MAX;
    let line = |s: &str| {
        format!(
            r#"{{"type":"result","subtype":"success","is_error":false,"session_id":"{s}","num_turns":{big},"duration_ms":{big},"usage":{{"input_tokens":{big},"output_tokens":1}}}}"#
        )
    };
    let input = format!("{}\n{}\n", line("a"), line("b"));
    let out = bin("cc-stats")
        .arg("--json")
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["turns"], big);
    assert_eq!(v["duration_ms"]["total"], big);
    assert_eq!(v["tokens"]["input"], big);
}

/// The README's sample output is what cc-stats prints on those fixtures.
#[test]
fn the_readme_sample_is_true() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let cmd = "$ cd tests/fixtures && cc-stats ";
    let at = readme.find(cmd).expect("the sample in the README");
    let rest = &readme[at + cmd.len()..];
    let (args, rest) = rest.split_once('\n').unwrap();
    let shown = &rest[..rest.find("```").unwrap()];
    let files: Vec<PathBuf> = args.split_whitespace().map(fixture).collect();
    let out = bin("cc-stats")
        .args(["--color", "never"])
        .args(&files)
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(printed, shown);
}
