//! Provisioning of the real Claude Code CLI. The suite is pinned at
//! [`PINNED`]; `$CCPIPE_CLAUDE_VERSION` picks another version for the same
//! tests ([`OLDEST`] for the compatibility pass, or `latest`, which asks npm
//! for the newest release). The CLI is `$CCPIPE_CLAUDE` when set (it must be
//! the requested version), else an npm install into
//! `<target>/claude-code-<version>/`, made once under a lock and shared by
//! every test and test binary. If it cannot be provisioned, every test using
//! it fails with the reason; none is skipped. Tests that depend on a fact
//! that changed between versions ask [`version()`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use super::npm;

/// The version of `@anthropic-ai/claude-code` the suite is pinned at.
pub const PINNED: &str = "2.1.332";

/// The oldest version the README supports: the compatibility pass runs the
/// real-CLI tests with `CCPIPE_CLAUDE_VERSION=2.1.197`.
pub const OLDEST: &str = "2.1.197";

/// The environment variable that selects another version (`X.Y.Z` or `latest`).
pub const VERSION_VAR: &str = "CCPIPE_CLAUDE_VERSION";

/// A Claude Code version, comparable: `version() >= Version::new(2, 1, 300)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// `X.Y.Z` (digits only), e.g. `2.1.332`.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.').map(|p| {
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        });
        let v = Version::new(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(v)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The path of a `claude` binary of the requested version (panics, saying
/// why, when there is none).
pub fn claude() -> PathBuf {
    provisioned().0.clone()
}

/// The version of the CLI the tests run (checked with `claude --version`).
pub fn version() -> Version {
    provisioned().1
}

/// Whether the CLI in use is at least `major.minor.patch`.
pub fn at_least(major: u32, minor: u32, patch: u32) -> bool {
    version() >= Version::new(major, minor, patch)
}

fn provisioned() -> &'static (PathBuf, Version) {
    static CLAUDE: OnceLock<Result<(PathBuf, Version), String>> = OnceLock::new();
    match CLAUDE.get_or_init(provision) {
        Ok(found) => found,
        Err(why) => panic!("cannot provision the Claude Code CLI: {why}"),
    }
}

/// The version asked for: `$CCPIPE_CLAUDE_VERSION` (`latest` resolved
/// through `npm view`), else [`PINNED`].
pub fn requested() -> Result<Version, String> {
    let wanted = std::env::var(VERSION_VAR).unwrap_or_default();
    match wanted.trim() {
        "" => Ok(Version::parse(PINNED).expect("PINNED is a version")),
        "latest" => {
            let out = npm::npm(
                &["view", "@anthropic-ai/claude-code@latest", "version"],
                None,
            )
            .map_err(|e| format!("{VERSION_VAR}=latest: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            Version::parse(&text).ok_or_else(|| {
                format!(
                    "{VERSION_VAR}=latest: `npm view` printed {:?}, not a version",
                    text.trim()
                )
            })
        }
        other => Version::parse(other).ok_or_else(|| {
            format!("{VERSION_VAR}={other:?} is neither a version like {PINNED} nor `latest`")
        }),
    }
}

fn provision() -> Result<(PathBuf, Version), String> {
    let want = requested()?;
    if let Some(path) = std::env::var_os("CCPIPE_CLAUDE").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        check_version(&path, want).map_err(|e| {
            format!(
                "$CCPIPE_CLAUDE={}: {e} (set {VERSION_VAR} to the version it is)",
                path.display()
            )
        })?;
        return Ok((path, want));
    }
    let dir = npm::target_dir()?.join(format!("claude-code-{want}"));
    let bin = dir.join("node_modules/.bin/claude");
    npm::once_under_lock(
        &format!("claude-code-{want}"),
        || check_version(&bin, want),
        || npm_install(&dir, want),
    )
    .map_err(|e| format!("claude {want}: {e}"))?;
    Ok((bin, want))
}

fn npm_install(dir: &Path, version: Version) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let package = format!("@anthropic-ai/claude-code@{version}");
    let started = Instant::now();
    let prefix = dir.to_string_lossy();
    npm::npm(
        &[
            "install",
            "--prefix",
            &prefix,
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            &package,
        ],
        None,
    )
    .map_err(|e| format!("{e}\n(or set CCPIPE_CLAUDE to a claude {version} binary)"))?;
    // Visible with --nocapture; an install downloads 240 to 400 MB.
    eprintln!(
        "installed {package} into {} in {:.1?}",
        dir.display(),
        started.elapsed()
    );
    Ok(())
}

/// Runs `claude --version` and checks it names `want`.
fn check_version(bin: &Path, want: Version) -> Result<(), String> {
    let out = Command::new(bin)
        .arg("--version")
        .env("DISABLE_AUTOUPDATER", "1")
        .output()
        .map_err(|e| format!("cannot run `{} --version`: {e}", bin.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "`claude --version` failed ({}): {}",
            out.status,
            npm::tail(&out.stderr, 5)
        ));
    }
    let found = stdout.split_whitespace().next().and_then(Version::parse);
    if found != Some(want) {
        return Err(format!(
            "`claude --version` printed {:?}, expected {want}",
            stdout.trim()
        ));
    }
    Ok(())
}
