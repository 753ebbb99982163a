//! Provisioning of the real Claude Code CLI, pinned at [`VERSION`]: either
//! `$CCPIPE_CLAUDE`, or an npm install into the cargo target dir made once and
//! shared by every test and test binary (a lock file across processes, a
//! `OnceLock` within one). If it cannot be provisioned, every test using it
//! fails with the reason; none is skipped.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

/// The pinned version of `@anthropic-ai/claude-code`.
pub const VERSION: &str = "2.1.197";

/// The path of a `claude` binary of the pinned version (panics, saying why,
/// when there is none).
pub fn claude() -> PathBuf {
    static CLAUDE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match CLAUDE.get_or_init(provision) {
        Ok(path) => path.clone(),
        Err(why) => panic!("cannot provision the Claude Code CLI {VERSION}: {why}"),
    }
}

fn provision() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CCPIPE_CLAUDE").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        check_version(&path).map_err(|e| format!("$CCPIPE_CLAUDE={}: {e}", path.display()))?;
        return Ok(path);
    }
    let target = target_dir()?;
    let dir = target.join(format!("claude-code-{VERSION}"));
    let bin = dir.join("node_modules/.bin/claude");
    std::fs::create_dir_all(&target).map_err(|e| format!("create {}: {e}", target.display()))?;
    let lock_path = target.join(format!("claude-code-{VERSION}.lock"));
    let lock =
        File::create(&lock_path).map_err(|e| format!("create {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("lock {}: {e}", lock_path.display()))?;
    if check_version(&bin).is_ok() {
        return Ok(bin);
    }
    npm_install(&dir)?;
    check_version(&bin).map_err(|e| format!("after npm install into {}: {e}", dir.display()))?;
    Ok(bin)
    // `lock` is released when dropped here.
}

/// The cargo target dir: the test executable lives in `<target>/<profile>/deps/`.
pub fn target_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let from_exe = exe.parent().and_then(Path::parent).and_then(Path::parent);
    match (
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from),
        from_exe,
    ) {
        (Some(dir), _) if dir.is_absolute() => Ok(dir),
        (_, Some(dir)) => Ok(dir.to_path_buf()),
        _ => Err(format!("cannot find the target dir from {}", exe.display())),
    }
}

fn npm_install(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let package = format!("@anthropic-ai/claude-code@{VERSION}");
    let started = Instant::now();
    let out = Command::new("npm")
        .args(["install", "--prefix"])
        .arg(dir)
        .args(["--no-audit", "--no-fund", "--loglevel=error", &package])
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "npm not found on PATH; install Node.js/npm, or set CCPIPE_CLAUDE to a \
                 claude {VERSION} binary"
            ),
            _ => format!("cannot run npm: {e}"),
        })?;
    if !out.status.success() {
        return Err(format!(
            "`npm install --prefix {} {package}` failed ({}):\n{}",
            dir.display(),
            out.status,
            tail(&out.stderr, 20)
        ));
    }
    // Visible with --nocapture; the first install downloads about 240 MB.
    eprintln!(
        "installed {package} into {} in {:.1?}",
        dir.display(),
        started.elapsed()
    );
    Ok(())
}

/// Runs `claude --version` and checks it names the pinned version.
fn check_version(bin: &Path) -> Result<(), String> {
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
            tail(&out.stderr, 5)
        ));
    }
    if stdout.split_whitespace().next() != Some(VERSION) {
        return Err(format!(
            "`claude --version` printed {:?}, expected {VERSION}",
            stdout.trim()
        ));
    }
    Ok(())
}

/// The last `n` lines of some output, for error messages.
fn tail(bytes: &[u8], n: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
