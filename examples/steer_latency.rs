//! Measures cc-steer's steering latency and throughput: starts cc-steer on a
//! temporary FIFO, writes numbered, timestamped lines to the FIFO, reads
//! cc-steer's stdout and reports latency p50/p99, lines lost or reordered,
//! and sustained lines/s, first paced at a fixed rate, then as a burst.
//!
//! Run with a release build:
//!   cargo build --release --bin cc-steer
//!   cargo run --release --example steer_latency [-- [--lines N] [--rate N] [CC_STEER_PATH]]
//!
//! Exits 1 if any line is lost or reordered.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

struct Args {
    lines: u64,
    rate: u64,
    bin: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        lines: 10_000,
        rate: 10_000,
        bin: default_bin()?,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0)
                .ok_or(format!("{name} needs a positive number"))
        };
        match a.as_str() {
            "--lines" => args.lines = num("--lines")?,
            "--rate" => args.rate = num("--rate")?,
            path => args.bin = PathBuf::from(path),
        }
    }
    if !args.bin.is_file() {
        return Err(format!(
            "{} not found: build it first (cargo build --release --bin cc-steer) or pass its path",
            args.bin.display()
        ));
    }
    Ok(args)
}

/// cc-steer next to this example's profile directory (target/<profile>/).
fn default_bin() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile = exe
        .parent()
        .and_then(|examples| examples.parent())
        .ok_or("cannot locate the target directory")?;
    Ok(profile.join("cc-steer"))
}

/// What one run saw.
struct Report {
    sent: u64,
    received: u64,
    lost: u64,
    reordered: u64,
    latencies_us: Vec<f64>,
    elapsed: Duration,
}

impl Report {
    fn print(&self, label: &str) {
        let mut l = self.latencies_us.clone();
        l.sort_by(f64::total_cmp);
        let pct = |p: f64| {
            if l.is_empty() {
                f64::NAN
            } else {
                l[((l.len() - 1) as f64 * p).round() as usize]
            }
        };
        println!(
            "{label}: sent {} received {} lost {} reordered {} | latency p50 {:.0} us p99 {:.0} us max {:.0} us | sustained {:.0} lines/s",
            self.sent,
            self.received,
            self.lost,
            self.reordered,
            pct(0.50),
            pct(0.99),
            pct(1.0),
            self.received as f64 / self.elapsed.as_secs_f64(),
        );
    }
}

/// Starts cc-steer, sends `lines` lines (paced at `rate` per second, or as
/// fast as possible for `None`), and collects what comes out.
fn run(bin: &PathBuf, lines: u64, rate: Option<u64>) -> Result<Report, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let fifo = dir.path().join("bench.fifo");
    let mut child = Command::new(bin)
        .arg(&fifo)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let _stdin = child.stdin.take(); // open, silent: only steering flows
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let base = Instant::now();

    let (tx, rx) = mpsc::channel();
    let reader = thread::spawn(move || {
        // (sequence number, send time, receive time), in arrival order.
        let mut seen = Vec::with_capacity(lines as usize);
        let mut out = BufReader::new(stdout);
        let mut line = String::new();
        while out.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            let at = base.elapsed().as_nanos() as u64;
            if let Some((seq, sent)) = parse(&line) {
                seen.push((seq, sent, at));
            }
            line.clear();
        }
        let _ = tx.send(seen);
    });

    // Wait until cc-steer has made the FIFO and reads it.
    let start = Instant::now();
    let mut w = loop {
        let probe = OpenOptions::new()
            .write(true)
            .custom_flags(nix::libc::O_NONBLOCK)
            .open(&fifo);
        if probe.is_ok() {
            break OpenOptions::new()
                .write(true)
                .open(&fifo)
                .map_err(|e| e.to_string())?;
        }
        if start.elapsed() > Duration::from_secs(10) {
            return Err("cc-steer never opened the FIFO".into());
        }
        thread::sleep(Duration::from_millis(2));
    };

    let t0 = Instant::now();
    for seq in 0..lines {
        if let Some(rate) = rate {
            let due = t0 + Duration::from_nanos(seq * 1_000_000_000 / rate);
            // Sleep, never spin: a spinning writer would take a core from
            // cc-steer and skew the figures on a small machine.
            let now = Instant::now();
            if due > now {
                thread::sleep(due - now);
            }
        }
        let sent = base.elapsed().as_nanos() as u64;
        // One write per line, as a steering writer should.
        let msg = format!("seq {seq} sent {sent}\n");
        w.write_all(msg.as_bytes()).map_err(|e| e.to_string())?;
    }
    w.write_all(b"/end\n").map_err(|e| e.to_string())?;
    drop(w);

    let seen = rx
        .recv_timeout(Duration::from_secs(60))
        .map_err(|_| "cc-steer's output did not end")?;
    let _ = reader.join();
    let _ = child.wait();

    let mut got = vec![false; lines as usize];
    let (mut reordered, mut last) = (0, None);
    let mut latencies_us = Vec::with_capacity(seen.len());
    for &(seq, sent, at) in &seen {
        if let Some(flag) = got.get_mut(seq as usize) {
            *flag = true;
        }
        if last.is_some_and(|l| seq <= l) {
            reordered += 1;
        }
        last = Some(seq);
        latencies_us.push(at.saturating_sub(sent) as f64 / 1000.0);
    }
    let first_sent = seen.first().map_or(0, |s| s.1);
    let last_at = seen.last().map_or(0, |s| s.2);
    Ok(Report {
        sent: lines,
        received: seen.len() as u64,
        lost: got.iter().filter(|&&g| !g).count() as u64,
        reordered,
        latencies_us,
        elapsed: Duration::from_nanos(last_at.saturating_sub(first_sent).max(1)),
    })
}

/// `seq N sent T` from the user message cc-steer made of a line.
fn parse(line: &str) -> Option<(u64, u64)> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let text = v["message"]["content"].as_str()?;
    let mut words = text.split(' ');
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some("seq"), Some(seq), Some("sent"), Some(sent)) => {
            Some((seq.parse().ok()?, sent.parse().ok()?))
        }
        _ => None,
    }
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("steer_latency: {e}");
            std::process::exit(2);
        }
    };
    let mut failed = false;
    for (label, rate) in [
        (format!("paced at {}/s", args.rate), Some(args.rate)),
        ("burst".to_string(), None),
    ] {
        match run(&args.bin, args.lines, rate) {
            Ok(report) => {
                report.print(&label);
                failed |= report.lost > 0 || report.reordered > 0;
            }
            Err(e) => {
                eprintln!("steer_latency: {label}: {e}");
                failed = true;
            }
        }
    }
    std::process::exit(i32::from(failed));
}
