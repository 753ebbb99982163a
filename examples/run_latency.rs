//! Measures what cc-run adds on top of a plain pipe: per-event latency
//! (p50/p99 of a round trip through cc-run and an echoing stand-in child,
//! against the same child without cc-run) and throughput against `cat` of a
//! large file of events: (a) output only, the bulk path of real sessions (the
//! stand-in child prints the file, cc-run passes it on) and (b) a round trip
//! (cc-run validates every line, the child echoes it, cc-run passes it on:
//! three processes copy each byte, where `cat` alone copies it once).
//!
//! Run: `cargo build --release --bin cc-run && cargo run --release --example run_latency`
//! Options: `--lines N` (round trips, default 10000), `--mb M` (file size, default 256).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut lines = 10_000usize;
    let mut mb = 256usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--lines", Some(v)) => lines = v,
            ("--mb", Some(v)) => mb = v,
            _ => {
                eprintln!("usage: run_latency [--lines N] [--mb M]");
                std::process::exit(2);
            }
        }
    }
    let cc_run = cc_run_path();
    let dir = tempfile_dir();
    let echo = dir.join("echo-claude");
    std::fs::write(&echo, "#!/bin/sh\nexec cat\n").expect("write the echo child");
    set_executable(&echo);

    println!("cc-run: {}", cc_run.display());
    let direct = round_trips(Command::new(&echo), lines);
    let mut through = Command::new(&cc_run);
    through.arg("--claude").arg(&echo);
    let wrapped = round_trips(through, lines);
    println!("latency per event over {lines} round trips (write a line, read it back):");
    report("  direct pipe to the child", &direct);
    report("  through cc-run          ", &wrapped);
    let (p50, p99) = (percentile(&wrapped, 50.0), percentile(&wrapped, 99.0));
    let (d50, d99) = (percentile(&direct, 50.0), percentile(&direct, 99.0));
    println!(
        "  added by cc-run: p50 {:.1} µs, p99 {:.1} µs",
        micros(p50.saturating_sub(d50)),
        micros(p99.saturating_sub(d99))
    );

    let file = dir.join("big.jsonl");
    let bytes = write_big_file(&file, mb << 20);
    let printer = dir.join("print-claude");
    let script = format!("#!/bin/sh\nexec cat '{}'\n", file.display());
    std::fs::write(&printer, script).expect("write the printing child");
    set_executable(&printer);
    let mut cat = Command::new("cat");
    cat.arg(&file).stdin(Stdio::null());
    let cat_out = throughput(cat, None, bytes);
    let mut through = Command::new(&cc_run);
    through.arg("--claude").arg(&printer).stdin(Stdio::null());
    let run_out = throughput(through, None, bytes);
    let cat_trip = throughput(Command::new("cat"), Some(&file), bytes);
    let mut through = Command::new(&cc_run);
    through.arg("--claude").arg(&echo);
    let run_trip = throughput(through, Some(&file), bytes);
    println!(
        "throughput of a {} MB file of events (stdout read by this program):",
        bytes >> 20
    );
    println!("  (a) output: cat FILE           {cat_out:6.0} MB/s");
    println!(
        "      output: cc-run, child cats {run_out:6.0} MB/s ({:.0}% of cat)",
        100.0 * run_out / cat_out
    );
    println!("  (b) round trip: cat < FILE     {cat_trip:6.0} MB/s");
    println!(
        "      round trip: cc-run + echo  {run_trip:6.0} MB/s ({:.0}% of cat)",
        100.0 * run_trip / cat_trip
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// cc-run next to this example (target/<profile>/examples/..).
fn cc_run_path() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = profile.join("cc-run");
    if !bin.is_file() {
        eprintln!(
            "{} not found: build it first (cargo build --release --bin cc-run)",
            bin.display()
        );
        std::process::exit(2);
    }
    bin
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccpipe-run-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Sends `n` user messages one at a time, each after the previous came back.
fn round_trips(mut cmd: Command, n: usize) -> Vec<Duration> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut times = Vec::with_capacity(n);
    let mut back = String::new();
    for i in 0..n {
        let line = format!(
            "{{\"type\":\"user\",\"message\":{{\"role\":\"user\",\"content\":\"ping {i}\"}}}}\n"
        );
        let start = Instant::now();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.flush().unwrap();
        back.clear();
        stdout.read_line(&mut back).unwrap();
        times.push(start.elapsed());
        assert_eq!(back, line, "the event came back changed");
    }
    drop(stdin);
    let _ = child.wait();
    times.sort();
    times
}

/// Writes user-message lines (mostly 1-8 KiB, a few of 4 MiB) up to `size`.
fn write_big_file(path: &Path, size: usize) -> usize {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut written = 0;
    let mut i = 0usize;
    while written < size {
        let len = if i % 1000 == 999 {
            4 << 20
        } else {
            1024 + (i * 7919) % 7168
        };
        let line = format!(
            "{{\"type\":\"user\",\"message\":{{\"role\":\"user\",\"content\":\"{}\"}}}}\n",
            "x".repeat(len)
        );
        out.write_all(line.as_bytes()).unwrap();
        written += line.len();
        i += 1;
    }
    out.flush().unwrap();
    written
}

/// MB/s of `cmd` (reading `file` on stdin, if given), its stdout read here;
/// the best of three runs.
fn throughput(mut cmd: Command, file: Option<&Path>, bytes: usize) -> f64 {
    let mut best = 0.0f64;
    for _ in 0..3 {
        if let Some(file) = file {
            cmd.stdin(std::fs::File::open(file).unwrap());
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let mut stdout = child.stdout.take().unwrap();
        let start = Instant::now();
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0;
        loop {
            match stdout.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => total += n,
                Err(e) => panic!("read: {e}"),
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let _ = child.wait();
        assert_eq!(total, bytes, "output size differs from input");
        best = best.max(bytes as f64 / (1 << 20) as f64 / secs);
    }
    best
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p / 100.0).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn report(name: &str, times: &[Duration]) {
    println!(
        "{name}  p50 {:7.1} µs  p99 {:7.1} µs  max {:8.1} µs",
        micros(percentile(times, 50.0)),
        micros(percentile(times, 99.0)),
        micros(*times.last().unwrap())
    );
}
