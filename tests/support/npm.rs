//! npm provisioning shared by [`super::claude`] and [`super::sdk`]: find the
//! cargo target dir, and make an npm package available there once, under a
//! lock file, so parallel test binaries neither race nor download twice.
//! Failures come back as a sentence saying what to do, never as a skip.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The cargo target dir: `$CARGO_TARGET_DIR` when absolute, else the test
/// executable's `<target>/<profile>/deps/` two levels up.
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

/// Runs `check`; if it fails, `install` and then `check` again, all while
/// holding `<target>/<name>.lock`. Returns what `check` found.
pub fn once_under_lock<T>(
    name: &str,
    check: impl Fn() -> Result<T, String>,
    install: impl FnOnce() -> Result<(), String>,
) -> Result<T, String> {
    let target = target_dir()?;
    std::fs::create_dir_all(&target).map_err(|e| format!("create {}: {e}", target.display()))?;
    let lock_path = target.join(format!("{name}.lock"));
    let lock =
        File::create(&lock_path).map_err(|e| format!("create {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("lock {}: {e}", lock_path.display()))?;
    if let Ok(found) = check() {
        return Ok(found);
    }
    install()?;
    check().map_err(|e| format!("after installing {name}: {e}"))
    // `lock` is released when dropped here.
}

/// Runs `npm ARGS` (in `cwd` when given); the error names the command and
/// ends with the tail of npm's stderr, or says to install npm.
pub fn npm(args: &[&str], cwd: Option<&Path>) -> Result<Output, String> {
    let mut cmd = Command::new("npm");
    cmd.args(args);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let shown = format!("npm {}", args.join(" "));
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("npm not found on PATH (needed for `{shown}`); install Node.js and npm")
        }
        _ => format!("cannot run `{shown}`: {e}"),
    })?;
    if !out.status.success() {
        return Err(format!(
            "`{shown}` failed ({}):\n{}",
            out.status,
            tail(&out.stderr, 20)
        ));
    }
    Ok(out)
}

/// The last `n` lines of some output, for error messages.
pub fn tail(bytes: &[u8], n: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
