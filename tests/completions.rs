//! The checked-in shell completions in completions/ are generated from the
//! clap definitions; this test fails when they are stale.
//! Regenerate with: CCPIPE_BLESS=1 cargo test --test completions

use std::path::{Path, PathBuf};

use clap_complete::Shell;

fn file_name(shell: Shell, bin: &str) -> String {
    match shell {
        Shell::Bash => format!("{bin}.bash"),
        Shell::Zsh => format!("_{bin}"),
        Shell::Fish => format!("{bin}.fish"),
        Shell::Elvish => format!("{bin}.elv"),
        Shell::PowerShell => format!("_{bin}.ps1"),
        _ => unreachable!("only the five shells above are generated"),
    }
}

fn generate(shell: Shell, bin: &str, mut cmd: clap::Command) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, bin, &mut buf);
    buf
}

#[test]
fn completions_are_up_to_date() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions");
    let bless = std::env::var_os("CCPIPE_BLESS").is_some();
    let mut stale = vec![];
    for (bin, cmd) in ccpipe::cli::commands() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::Elvish,
            Shell::PowerShell,
        ] {
            let path: PathBuf = root.join(shell.to_string()).join(file_name(shell, bin));
            let want = generate(shell, bin, cmd.clone());
            let have = std::fs::read(&path).unwrap_or_default();
            if have != want {
                if bless {
                    std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).unwrap();
                    std::fs::write(&path, &want).unwrap();
                } else {
                    stale.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale completions (regenerate with `CCPIPE_BLESS=1 cargo test --test completions`):\n{}",
        stale.join("\n")
    );
}
