//! The checked-in man pages, one `man/<tool>.1` per binary of
//! `ccpipe::cli::commands()`, are generated from the clap definitions; this
//! test fails when one is stale, missing or left over, and when a binary's help
//! lacks the examples or the exit statuses that every page carries.
//! Regenerate with: CCPIPE_BLESS=1 cargo test --test manpages
//!
//! clap_mangen renders the name, synopsis and options. The description comes
//! from the long help and is rendered here, because clap_mangen fills every
//! line (the tables and examples of our help texts would run together) and
//! puts all of `after_help` under one "EXTRA" heading. Here the help texts'
//! `Examples:` and `Exit status...` parts become the EXAMPLES and EXIT STATUS
//! sections; indented lines stay as they are, other lines are filled.

use std::path::PathBuf;

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

/// Where a line of help text goes on the page.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Part {
    Description,
    ExitStatus,
    Examples,
}

/// A binary's help text, split into the parts of its page.
#[derive(Default, Debug)]
struct Parts {
    description: Vec<String>,
    exit_status: Vec<String>,
    examples: Vec<String>,
}

impl Parts {
    fn of(cmd: &clap::Command) -> Parts {
        let mut parts = Parts::default();
        let about = cmd.get_long_about().or_else(|| cmd.get_about());
        let after = cmd.get_after_long_help().or_else(|| cmd.get_after_help());
        for text in [about, after].into_iter().flatten() {
            parts.add(&text.to_string());
        }
        parts
    }

    /// Adds a text: lines go to the description until a line that starts
    /// with `Examples:` or `Exit status` switches the part (for the rest of
    /// this text, or until the next such line).
    fn add(&mut self, text: &str) {
        let mut part = Part::Description;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("Examples:") {
                part = Part::Examples;
                self.push(part, "");
                self.push(part, rest.trim());
            } else if line.starts_with("Exit status") {
                part = Part::ExitStatus;
                self.push(part, "");
                // "Exit status:" is only the heading; "Exit status (as jq):" says more.
                self.push(
                    part,
                    line.strip_prefix("Exit status:").unwrap_or(line).trim(),
                );
            } else {
                self.push(part, line);
            }
        }
        self.push(Part::Description, "");
    }

    fn push(&mut self, part: Part, line: &str) {
        let lines = match part {
            Part::Description => &mut self.description,
            Part::ExitStatus => &mut self.exit_status,
            Part::Examples => &mut self.examples,
        };
        if !line.trim().is_empty() || lines.last().is_some_and(|l| !l.is_empty()) {
            lines.push(line.trim_end().to_owned());
        }
    }
}

/// Renders help text: indented lines verbatim (no filling), other lines
/// filled into paragraphs, a blank line between paragraphs.
fn body(roff: &mut Roff, lines: &[String]) {
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    let lines = &lines[..end];
    let mut verbatim = false;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            let next_indented = lines[i + 1..]
                .iter()
                .find(|l| !l.is_empty())
                .is_some_and(|l| l.starts_with(' '));
            if verbatim && next_indented {
                roff.text([roman("")]);
            } else {
                if verbatim {
                    roff.control("fi", []);
                    verbatim = false;
                }
                roff.control("PP", []);
            }
            continue;
        }
        let indented = line.starts_with(' ');
        if indented && !verbatim {
            roff.control("nf", []);
        } else if !indented && verbatim {
            roff.control("fi", []);
        }
        verbatim = indented;
        roff.text([roman(*line)]);
    }
    if verbatim {
        roff.control("fi", []);
    }
}

/// The man page of one binary, as roff source.
fn page(name: &str, cmd: clap::Command) -> Vec<u8> {
    let parts = Parts::of(&cmd);
    let source = format!("{name} {}", cmd.get_version().unwrap_or_default());
    let man = Man::new(cmd);
    // Every piece roff renders starts with the same preamble; keep one.
    let preamble = Roff::new().render();
    let piece = |render: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = vec![];
        render(&mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        out.strip_prefix(&preamble).unwrap_or(&out).to_owned()
    };

    // Written here, not by clap_mangen: roff drops an empty date argument,
    // which would shift the source and manual into the wrong fields.
    let mut text = format!(
        "{preamble}.TH {} 1 \"\" \"{source}\" \"ccpipe manual\"\n.nh\n.ad l\n",
        name.to_uppercase()
    );
    text += &piece(&|w| man.render_name_section(w));
    text += &piece(&|w| man.render_synopsis_section(w));
    let mut description = Roff::new();
    description.control("SH", ["DESCRIPTION"]);
    body(&mut description, &parts.description);
    text += &piece(&|w| description.to_writer(w));
    text += &piece(&|w| man.render_options_section(w));

    let mut tail = Roff::new();
    for (heading, lines) in [
        ("EXIT STATUS", &parts.exit_status),
        ("EXAMPLES", &parts.examples),
    ] {
        if !lines.is_empty() {
            tail.control("SH", [heading]);
            body(&mut tail, lines);
        }
    }
    tail.control("SH", ["SEE ALSO"]);
    let mut see_also = vec![];
    for (other, _) in ccpipe::cli::commands() {
        if other != name {
            if !see_also.is_empty() {
                see_also.push(roman(", "));
            }
            see_also.push(bold(other));
            see_also.push(roman("(1)"));
        }
    }
    tail.text(see_also);
    text += &piece(&|w| tail.to_writer(w));
    text.into_bytes()
}

fn man_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man")
}

#[test]
fn man_pages_are_up_to_date() {
    let dir = man_dir();
    let bless = std::env::var_os("CCPIPE_BLESS").is_some();
    let mut stale = vec![];
    let mut wanted = vec![];
    for (bin, cmd) in ccpipe::cli::commands() {
        let path = dir.join(format!("{bin}.1"));
        let want = page(bin, cmd);
        let have = std::fs::read(&path).unwrap_or_default();
        if have != want {
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
        wanted.push(path);
    }
    // A page whose binary is gone is stale too.
    for entry in std::fs::read_dir(&dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "1") && !wanted.contains(&path) {
            if bless {
                std::fs::remove_file(&path).unwrap();
            } else {
                stale.push(format!("{} (no such binary)", path.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale man pages (regenerate with `CCPIPE_BLESS=1 cargo test --test manpages`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn every_page_has_a_description_options_exit_status_and_examples() {
    for (bin, cmd) in ccpipe::cli::commands() {
        let parts = Parts::of(&cmd);
        assert!(
            parts.description.len() > 1,
            "{bin}: no long help for DESCRIPTION"
        );
        assert!(
            parts.exit_status.iter().any(|l| l.contains('0')),
            "{bin}: the help has no `Exit status` part naming status 0: {:?}",
            parts.exit_status
        );
        assert!(
            parts.examples.iter().any(|l| l.contains(bin)),
            "{bin}: the help has no `Examples:` part using {bin}"
        );
        let page = String::from_utf8(page(bin, cmd)).unwrap();
        for heading in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "EXIT STATUS",
            "EXAMPLES",
            "SEE ALSO",
        ] {
            let line = if heading.contains(' ') {
                format!("\n.SH \"{heading}\"\n")
            } else {
                format!("\n.SH {heading}\n")
            };
            assert!(page.contains(&line), "{bin}.1 has no {heading} section");
        }
    }
}

/// What a user sees: each binary's `--help` (not only its page) lists its exit statuses.
#[test]
fn every_binary_help_lists_exit_statuses() {
    for (bin, _) in ccpipe::cli::commands() {
        let out = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin(bin))
            .arg("--help")
            .env_clear()
            .assert()
            .success();
        let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            help.lines().any(|l| l.starts_with("Exit status")),
            "{bin} --help has no exit-status section:\n{help}"
        );
    }
}

#[test]
fn help_text_splits_into_description_exit_status_and_examples() {
    let mut parts = Parts::default();
    parts.add("Does a thing.\n\nA table:\n  a  one\n  b  two\n\nExit status: 0 done, 1 not.");
    parts.add("Examples:\n  tool a\n\n  # more\n  tool b\n\nExit status:\n  0  ok\n  2  usage");
    assert_eq!(
        parts.description,
        ["Does a thing.", "", "A table:", "  a  one", "  b  two", ""]
    );
    assert_eq!(
        parts.exit_status,
        ["0 done, 1 not.", "", "  0  ok", "  2  usage"]
    );
    assert_eq!(parts.examples, ["  tool a", "", "  # more", "  tool b", ""]);
}

#[test]
fn indented_lines_are_kept_and_prose_is_filled() {
    let lines: Vec<String> = [
        "Prose",
        "more prose",
        "  kept  as is",
        "",
        "  still kept",
        "",
        "After.",
    ]
    .map(String::from)
    .to_vec();
    let mut roff = Roff::new();
    body(&mut roff, &lines);
    assert_eq!(
        roff.to_roff(),
        "Prose\nmore prose\n.nf\n  kept  as is\n\n  still kept\n.fi\n.PP\nAfter.\n"
    );
}

/// The README says how to install the pages, and every `cargo install` of
/// ccpipe (README, examples) uses the lock file's crate versions.
#[test]
fn readme_installs_locked_and_shows_how_to_install_the_pages() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("install -Dm644 man/*.1 -t ~/.local/share/man/man1/"));
    assert!(readme.contains("\nman cc-run\n"));
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "sh" || e == "yml") {
            files.push(path);
        }
    }
    let mut installs = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("cargo install") && line.contains("--path") {
                installs += 1;
                assert!(
                    line.contains("cargo install --locked --path"),
                    "{}:{}: install without --locked: {line}",
                    path.display(),
                    n + 1
                );
            }
        }
    }
    assert!(installs >= 3, "only {installs} install lines found");
}
