//! Fuzzing, bounded in time (issue 8): lines made up and mutated from the
//! recorded fixtures (tests/fuzzing/gen.rs) against the line reader, the
//! JSON reader, the validator, and the real binaries.
//!
//! Each test runs a few seconds by default; `CCPIPE_FUZZ_SECONDS=600 cargo
//! test --release --test fuzz -- --nocapture` runs longer and prints how
//! many cases ran. A failure names its seed and case and saves the input
//! (tests/fuzzing/mod.rs says how to replay it).
//!
//! Invariants:
//! - the line reader never panics and loses or invents no byte: what it
//!   returns is the input split on `\n`, minus what its documentation says
//!   it drops (a final `\r`, a BOM at the start, blank lines), whatever the
//!   sizes of the reads;
//! - the JSON reader never panics and gives serde_json's verdict wherever
//!   their rules agree; a valid line reads back, through the lazy API and as
//!   cc-filter's jaq value, equal to serde_json's value;
//! - the validator never panics; a line it accepts is a JSON object by the
//!   reader, and its verdict depends neither on key order nor on whitespace;
//! - cc-fmt in every style, cc-check, cc-filter, cc-replay and cc-stats
//!   never panic, print no raw control character, and report every
//!   malformed line.

mod common;
mod fuzzing;

use ccpipe::json::Reader;
use ccpipe::protocol::validate::{Checker, Verdict, check_input_line, check_output};
use fuzzing::generate::{Corpus, Gen, J};
use fuzzing::oracle;
use fuzzing::{Case, Run, checks};

#[test]
fn line_reader_loses_and_invents_nothing() {
    let corpus = Corpus::load();
    Run::new("line_reader_loses_and_invents_nothing", 5.0, 200).each(|case| {
        let mut g = Gen::new(&corpus, case.seed);
        g.giant = 200_000;
        let count = g.rng.usize(1..30);
        let mut input = g.stream(count, 1 << 20);
        if g.rng.u8(..40) == 0 {
            // A line longer than the reader's first buffer.
            let n = g.rng.usize(200_000..1_500_000);
            let pos = g.rng.usize(..=input.len());
            let unit: &[u8] = [&b"x"[..], b"ab\r", b" "][g.rng.usize(..3)];
            input.splice(pos..pos, unit.iter().copied().cycle().take(n));
        }
        case.input = input.clone();
        let max = match g.rng.u8(..4) {
            0 => g.rng.usize(1..300),
            1 => g.rng.usize(1..70_000),
            _ => ccpipe::lines::DEFAULT_MAX_LINE,
        };
        // Byte-by-byte reads only for small inputs: they cost a call each.
        let sizes = [4096, 1 << 20, usize::MAX, 1, 3];
        let max_read = sizes[g.rng.usize(..if input.len() < 100_000 { 5 } else { 3 })];
        checks::line_reader(&input, max, max_read, g.rng.u64(..))
    });
}

#[test]
fn json_reader_agrees_with_serde_json() {
    let corpus = Corpus::load();
    let mut long_lived = Reader::default();
    let run = Run::new("json_reader_agrees_with_serde_json", 6.0, 200);
    let mut stats = checks::JsonStats::default();
    run.each(|case| {
        let mut g = Gen::new(&corpus, case.seed);
        g.giant = 100_000;
        let line = g.line();
        case.input = line.clone();
        checks::json_line(&line, &mut long_lived, &mut stats)
    });
    eprintln!(
        "  {} valid lines, {} compared value by value with serde_json",
        stats.valid, stats.compared
    );
}

#[test]
fn validator_never_panics_and_accepts_only_objects() {
    let corpus = Corpus::load();
    let mut checker = Checker::default();
    let run = Run::new("validator_never_panics_and_accepts_only_objects", 6.0, 200);
    let (mut known, mut unknown, mut inputs) = (0u64, 0u64, 0u64);
    run.each(|case| {
        let mut g = Gen::new(&corpus, case.seed);
        g.giant = 50_000;
        // Mostly whole events, so the checks of their fields are reached.
        let j = if g.rng.bool() {
            let line = g.recorded();
            match serde_json::from_slice(&line) {
                Ok(v) => g.of_value(&v),
                Err(_) => g.event(),
            }
        } else {
            g.event()
        };
        let mut j = j;
        for _ in 0..g.rng.usize(..3) {
            g.mutate_j(&mut j);
        }
        let line = g.write(&j);
        case.input = line.clone();
        let (out, inp) = checks::validator_line(&line, &mut checker)?;
        match &out {
            Ok(Verdict::Known) => known += 1,
            Ok(Verdict::Unknown(_)) => unknown += 1,
            Err(_) => {}
        }
        inputs += u64::from(inp.is_ok());
        // The same event with its keys in another order and other whitespace.
        let mut shuffled = j.clone();
        shuffle(&mut g, &mut shuffled);
        let again = g.write(&shuffled);
        let same = |a: &Result<Verdict, String>, b: &Result<Verdict, String>| match (a, b) {
            (Ok(x), Ok(y)) => x == y,
            (Err(_), Err(_)) => true,
            _ => false,
        };
        let out2 = check_output(&again);
        if !same(&out, &out2) {
            case.input.push(b'\n');
            case.input.extend_from_slice(&again);
            return Err(format!(
                "key order or whitespace changes check_output: {out:?} then {out2:?}"
            ));
        }
        let inp2 = check_input_line(&again);
        if inp.is_ok() != inp2.is_ok() {
            case.input.push(b'\n');
            case.input.extend_from_slice(&again);
            return Err(format!(
                "key order or whitespace changes check_input_line: {inp:?} then {inp2:?}"
            ));
        }
        Ok(())
    });
    eprintln!(
        "  check_output: {known} known, {unknown} unknown; check_input_line: {inputs} accepted"
    );
    assert!(
        known > 0,
        "no generated line was a valid known event: the generator is broken"
    );
}

/// Every object's members in a random order, at every level.
fn shuffle(g: &mut Gen<'_>, j: &mut J) {
    match j {
        J::Obj(m) => {
            g.rng.shuffle(m);
            m.iter_mut().for_each(|(_, v)| shuffle(g, v));
        }
        J::Arr(a) => a.iter_mut().for_each(|v| shuffle(g, v)),
        _ => {}
    }
}

/// One run of a binary on a batch.
struct Ran {
    args: Vec<String>,
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

fn run_bin(tool: &str, args: &[&str], input: &[u8]) -> Result<Ran, String> {
    let out = common::bin(tool)
        .args(args)
        .write_stdin(input.to_vec())
        .output()
        .map_err(|e| format!("{tool}: {e}"))?;
    let ran = Ran {
        args: std::iter::once(tool.to_string())
            .chain(args.iter().map(|a| a.to_string()))
            .collect(),
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    if ran.code.is_none() || ran.code == Some(101) || ran.stderr.contains("panicked") {
        return Err(format!(
            "`{}` crashed ({:?}):\n{}",
            ran.args.join(" "),
            ran.code,
            tail(&ran.stderr)
        ));
    }
    if let Some((at, what)) = oracle::raw_control(ran.stderr.as_bytes()) {
        return Err(format!(
            "`{}` wrote {what} to stderr at byte {at}: {}",
            ran.args.join(" "),
            oracle::excerpt(ran.stderr.as_bytes(), at, 80)
        ));
    }
    Ok(ran)
}

fn tail(s: &str) -> &str {
    let mut from = s.len().saturating_sub(2000);
    while !s.is_char_boundary(from) {
        from += 1;
    }
    &s[from..]
}

/// The line numbers a stage reported on stderr as `<tool>: stdin:N: `.
fn reported(ran: &Ran, tool: &str) -> Vec<u64> {
    let prefix = format!("{tool}: stdin:");
    ran.stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix)?.split(':').next()?.parse().ok())
        .collect()
}

/// Every line of `must` reported, and none outside `may`.
fn check_reports(
    ran: &Ran,
    tool: &str,
    must: &[u64],
    may: &[u64],
    lines: &[(u64, Vec<u8>)],
) -> Result<Vec<u64>, String> {
    let got = reported(ran, tool);
    let line_of = |n: u64| {
        let l = lines
            .iter()
            .find(|(m, _)| *m == n)
            .map_or(&[][..], |(_, l)| l);
        oracle::excerpt(l, 0, 160)
    };
    if let Some(n) = must.iter().find(|n| !got.contains(n)) {
        return Err(format!(
            "`{}` did not report malformed line {n}: {}",
            ran.args.join(" "),
            line_of(*n)
        ));
    }
    if let Some(n) = got.iter().find(|n| !may.contains(n)) {
        let why = ran
            .stderr
            .lines()
            .find(|l| l.contains(&format!("stdin:{n}:")))
            .unwrap_or("");
        return Err(format!(
            "`{}` reported line {n}, which the shared reader accepts: {why}\n  line: {}",
            ran.args.join(" "),
            line_of(*n)
        ));
    }
    Ok(got)
}

#[test]
fn stages_never_panic_and_print_nothing_raw() {
    let corpus = Corpus::load();
    let run = Run::new("stages_never_panic_and_print_nothing_raw", 10.0, 2);
    let mut lines_total = 0;
    run.each(|case| stages_case(case, &corpus, &mut lines_total));
    eprintln!("  {lines_total} lines through each of 15 stage runs");
}

fn stages_case(case: &mut Case, corpus: &Corpus, lines_total: &mut usize) -> Result<(), String> {
    let mut g = Gen::new(corpus, case.seed);
    g.giant = 300_000;
    let n = g.rng.usize(100..1200);
    let input = g.stream(n, 4 << 20);
    case.input = input.clone();
    let lines: Vec<(u64, Vec<u8>)> = oracle::expected_lines(&input, usize::MAX)
        .into_iter()
        .map(|r| r.expect("no cap"))
        .collect();
    *lines_total += lines.len();
    let mut reader = Reader::default();
    let mut not_json = vec![];
    let mut not_event = vec![];
    for (n, l) in &lines {
        match reader.read(l).map(|d| d.object().map(drop)) {
            Err(_) => {
                not_json.push(*n);
                not_event.push(*n);
            }
            Ok(Err(_)) => not_event.push(*n),
            Ok(Ok(())) => {}
        }
    }

    // cc-fmt, in every style.
    let extra: &[&[&str]] = &[
        &[],
        &["--width", "37"],
        &["--max-lines", "0"],
        &["--no-thinking"],
        &["--show-secrets"],
    ];
    let extra = extra[g.rng.usize(..extra.len())];
    for style in [
        &["--style", "pretty"][..],
        &["--style", "text"],
        &["--style", "summary"],
        &["--style", "summary", "--json"],
        &["--style", "markdown"],
        &["--color", "always"],
    ] {
        let args: Vec<&str> = style.iter().chain(extra).copied().collect();
        let ran = run_bin("cc-fmt", &args, &input)?;
        if let Some((at, what)) = oracle::raw_control(&ran.stdout) {
            return Err(format!(
                "`{}` wrote {what} to stdout at byte {at}: {}",
                ran.args.join(" "),
                oracle::excerpt(&ran.stdout, at, 80)
            ));
        }
        let got = check_reports(&ran, "cc-fmt", &not_event, &not_event, &lines)?;
        let want = i32::from(!got.is_empty());
        // The summary also fails on a session that failed or has no result.
        let summary = style.contains(&"summary");
        if ran.code != Some(want) && !(summary && ran.code == Some(1)) {
            return Err(format!(
                "`{}` exited {:?}, expected {want}",
                ran.args.join(" "),
                ran.code
            ));
        }
    }

    // cc-check passes on exactly what the validator accepts.
    for (mode, check) in [
        (
            "--output",
            &(|l: &[u8]| check_output(l).is_ok()) as &dyn Fn(&[u8]) -> bool,
        ),
        ("--input", &|l: &[u8]| check_input_line(l).is_ok()),
    ] {
        let ran = run_bin("cc-check", &[mode, "--keep-going"], &input)?;
        let mut want = vec![];
        let mut bad = vec![];
        for (n, l) in &lines {
            if check(l) {
                want.extend_from_slice(l);
                want.push(b'\n');
            } else {
                bad.push(*n);
            }
        }
        if ran.stdout != want {
            return Err(format!(
                "`cc-check {mode} --keep-going` passed on other lines than the validator accepts"
            ));
        }
        check_reports(&ran, "cc-check", &bad, &bad, &lines)?;
        if ran.code != Some(i32::from(!bad.is_empty())) {
            return Err(format!("`cc-check {mode}` exited {:?}", ran.code));
        }
    }

    // cc-filter: one value out per JSON line in, every other line reported.
    let ran = run_bin("cc-filter", &["."], &input)?;
    check_reports(&ran, "cc-filter", &not_json, &not_json, &lines)?;
    let outputs: Vec<&[u8]> = ran
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    if outputs.len() != lines.len() - not_json.len() {
        return Err(format!(
            "cc-filter . wrote {} lines for {} JSON lines",
            outputs.len(),
            lines.len() - not_json.len()
        ));
    }
    if let Some(bad) = outputs.iter().find(|o| reader.read(o).is_err()) {
        return Err(format!(
            "cc-filter . wrote a line the reader refuses: {}",
            oracle::excerpt(bad, 0, 160)
        ));
    }
    if ran.code != Some(if not_json.is_empty() { 0 } else { 2 }) {
        return Err(format!("cc-filter . exited {:?}", ran.code));
    }
    run_bin("cc-filter", &["--type", "result"], &input)?;
    run_bin("cc-replay", &["--no-delay"], &input)?;

    // cc-stats shows session ids and model names from the input: in every
    // format, nothing raw, and every line that is not an event reported.
    for args in [&[][..], &["--color", "always"], &["--json"], &["--prom"]] {
        let ran = run_bin("cc-stats", args, &input)?;
        if let Some((at, what)) = oracle::raw_control(&ran.stdout) {
            return Err(format!(
                "`{}` wrote {what} to stdout at byte {at}: {}",
                ran.args.join(" "),
                oracle::excerpt(&ran.stdout, at, 80)
            ));
        }
        check_reports(&ran, "cc-stats", &not_event, &not_event, &lines)?;
    }
    Ok(())
}

/// Issue 8, item 19: the nesting limit the fuzzer runs into is documented
/// in cc-filter's help and the README, in the words of its error.
#[test]
fn the_nesting_limit_is_documented_with_its_error() {
    let deep = format!("{}{}\n", "[".repeat(1001), "]".repeat(1001));
    let out = common::bin("cc-filter")
        .arg(".")
        .write_stdin(deep)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let words = "invalid JSON at column 1001: nested deeper than 1000 levels";
    assert!(err.contains(&format!("stdin:1: {words}")), "{err}");
    assert_eq!(out.status.code(), Some(2));
    let ok = format!("{}{}\n", "[".repeat(1000), "]".repeat(1000));
    let out = common::bin("cc-filter")
        .arg("-c")
        .arg(".")
        .write_stdin(ok)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let help = common::bin("cc-filter").arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        help.contains(words),
        "cc-filter --help does not quote the error: {help}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        readme.contains(words),
        "the README does not quote the error"
    );
}
