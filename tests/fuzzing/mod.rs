//! The harness of the fuzz tests: a seed, a time budget, and what a failure
//! leaves behind.
//!
//! Each test runs cases until its budget is spent (and at least a minimum
//! number of them, so a slow machine still tests something). Case `n` of a
//! test draws everything from a seed made of the run's seed, the test's
//! name and `n`, so one case can be replayed alone. Environment:
//! - `CCPIPE_FUZZ_SECONDS`: seconds per test (default: each test's own, a
//!   few seconds);
//! - `CCPIPE_FUZZ_SEED`: the run's seed (default: a random one, printed);
//! - `CCPIPE_FUZZ_CASE`: with the seed, run only that case.
//!
//! A failure names the seed and the case, and saves the input under
//! `target/tmp/fuzz-findings/`.

#![allow(dead_code)]

pub mod checks;
pub mod generate;
pub mod oracle;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// One case: its number, its seed, and the input it tried (saved on failure).
pub struct Case {
    pub n: u64,
    pub seed: u64,
    pub input: Vec<u8>,
}

/// A fuzz test's loop.
pub struct Run {
    name: &'static str,
    base: u64,
    budget: Duration,
    min_cases: u64,
    only: Option<u64>,
}

impl Run {
    /// `default_secs` unless CCPIPE_FUZZ_SECONDS says otherwise.
    pub fn new(name: &'static str, default_secs: f64, min_cases: u64) -> Run {
        let secs = env_num::<f64>("CCPIPE_FUZZ_SECONDS").unwrap_or(default_secs);
        let base = env_num::<u64>("CCPIPE_FUZZ_SEED").unwrap_or_else(|| fastrand::u64(..));
        let only = env_num::<u64>("CCPIPE_FUZZ_CASE");
        assert!(
            only.is_none() || std::env::var_os("CCPIPE_FUZZ_SEED").is_some(),
            "CCPIPE_FUZZ_CASE needs CCPIPE_FUZZ_SEED"
        );
        Run {
            name,
            base,
            budget: Duration::from_secs_f64(secs.max(0.0)),
            min_cases,
            only,
        }
    }

    /// Runs `case` until the budget is spent; returns how many ran. A case
    /// fails by returning an error or by panicking (in ccpipe or in the test).
    pub fn each(&self, mut case: impl FnMut(&mut Case) -> Result<(), String>) -> u64 {
        let test_seed = mix(self.base ^ fnv(self.name));
        let started = Instant::now();
        let mut n = self.only.unwrap_or(0);
        let mut ran = 0;
        loop {
            let mut c = Case {
                n,
                seed: mix(test_seed.wrapping_add(n)),
                input: vec![],
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| case(&mut c)));
            let failure = match outcome {
                Ok(Ok(())) => None,
                Ok(Err(msg)) => Some(msg),
                Err(panic) => Some(format!("panicked: {}", panic_text(&*panic))),
            };
            if let Some(msg) = failure {
                let saved = self.save(&c);
                panic!(
                    "fuzz {}: case {n} of seed {}: {msg}\n  input ({} bytes) saved to {}\n  replay: \
                     CCPIPE_FUZZ_SEED={} CCPIPE_FUZZ_CASE={n} cargo test --test fuzz {}",
                    self.name,
                    self.base,
                    c.input.len(),
                    saved.display(),
                    self.base,
                    self.name
                );
            }
            ran += 1;
            n += 1;
            let done =
                self.only.is_some() || (ran >= self.min_cases && started.elapsed() >= self.budget);
            if done {
                break;
            }
        }
        eprintln!(
            "fuzz {}: {ran} cases in {:.1} s, seed {} (CCPIPE_FUZZ_SEED)",
            self.name,
            started.elapsed().as_secs_f64(),
            self.base
        );
        ran
    }

    fn save(&self, c: &Case) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings");
        let path = dir.join(format!("{}-{}-{}.bin", self.name, self.base, c.n));
        let _ = std::fs::create_dir_all(&dir);
        if let Err(e) = std::fs::write(&path, &c.input) {
            eprintln!("could not save {}: {e}", path.display());
        }
        path
    }
}

fn env_num<T: std::str::FromStr>(var: &str) -> Option<T> {
    let text = std::env::var(var).ok()?;
    match text.trim().parse() {
        Ok(v) => Some(v),
        Err(_) => panic!("{var}={text:?} is not a number"),
    }
}

/// SplitMix64's finaliser: spreads nearby seeds far apart.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(not a string)".into())
}
