//! cc-fmt's rendering, through its library entry point (`ccpipe::fmt::run`,
//! on a file): no panic, and nothing raw on stdout, which this target points
//! at a scratch file and reads back. The first byte chooses the style; the
//! rest is the input.
#![no_main]

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::sync::OnceLock;

use ccpipe_fuzz::oracle;
use clap::Parser;
use libfuzzer_sys::fuzz_target;

struct Scratch {
    input: std::path::PathBuf,
    out: std::fs::File,
}

fn scratch() -> &'static Scratch {
    static S: OnceLock<Scratch> = OnceLock::new();
    S.get_or_init(|| {
        let dir = std::env::temp_dir();
        let pid = std::process::id();
        let out_path = dir.join(format!("ccpipe-fuzz-fmt-{pid}.out"));
        let out = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&out_path)
            .expect("scratch output");
        // SAFETY: dup2 on two open descriptors; stdout now writes to `out`.
        let rc = unsafe { libc::dup2(out.as_raw_fd(), 1) };
        assert_eq!(rc, 1, "dup2 onto stdout");
        Scratch {
            input: dir.join(format!("ccpipe-fuzz-fmt-{pid}.jsonl")),
            out,
        }
    })
}

const STYLES: &[&[&str]] = &[
    &["--style", "pretty", "--color", "always"],
    &["--style", "pretty", "--width", "37", "--max-lines", "0"],
    &["--style", "text"],
    &["--style", "summary", "--color", "always"],
    &["--style", "summary", "--json"],
];

fuzz_target!(|data: &[u8]| {
    let [pick, input @ ..] = data else {
        return;
    };
    let s = scratch();
    std::fs::write(&s.input, input).expect("scratch input");
    let mut out = &s.out;
    out.set_len(0).expect("truncate");
    out.seek(SeekFrom::Start(0)).expect("seek");
    let style = STYLES[usize::from(*pick) % STYLES.len()];
    let args = ["cc-fmt"]
        .iter()
        .chain(style)
        .map(|a| a.to_string())
        .chain([s.input.display().to_string()]);
    let cli = ccpipe::fmt::Cli::parse_from(args);
    // Malformed lines are an exit status, not an error; an error here is a
    // write failing, which this target does not cause.
    if let Err(e) = ccpipe::fmt::run(cli) {
        panic!("cc-fmt failed: {e:?}");
    }
    std::io::stdout().flush().expect("flush");
    let mut shown = vec![];
    out.seek(SeekFrom::Start(0)).expect("seek");
    out.read_to_end(&mut shown).expect("read back");
    if let Some((at, what)) = oracle::raw_control(&shown) {
        panic!(
            "cc-fmt {style:?} wrote {what} at byte {at}: {}",
            oracle::excerpt(&shown, at, 80)
        );
    }
});
