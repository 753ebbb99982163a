//! Provisioning of the agent SDK's type declarations (`sdk.d.ts` of
//! `@anthropic-ai/claude-agent-sdk`, pinned at [`VERSION`]): `npm pack` into
//! the target dir, once, under a lock. Never committed.

use std::fs::File;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The pinned version of `@anthropic-ai/claude-agent-sdk`.
pub const VERSION: &str = "0.3.335";

/// The path of the pinned `sdk.d.ts` (panics, saying why, when there is none).
pub fn sdk_dts() -> PathBuf {
    static DTS: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match DTS.get_or_init(provision) {
        Ok(p) => p.clone(),
        Err(why) => panic!("cannot provision @anthropic-ai/claude-agent-sdk {VERSION}: {why}"),
    }
}

fn provision() -> Result<PathBuf, String> {
    let target = super::claude::target_dir()?;
    let dir = target.join(format!("claude-agent-sdk-{VERSION}"));
    let dts = dir.join("package/sdk.d.ts");
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let lock_path = target.join(format!("claude-agent-sdk-{VERSION}.lock"));
    let lock = File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("lock {}: {e}", lock_path.display()))?;
    if dts.is_file() {
        return Ok(dts);
    }
    let package = format!("@anthropic-ai/claude-agent-sdk@{VERSION}");
    let out = Command::new("npm")
        .args(["pack", "--silent", &package])
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("cannot run npm (install Node.js and npm): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`npm pack {package}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tarball = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let status = Command::new("tar")
        .args(["xzf", &tarball])
        .current_dir(&dir)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() || !dts.is_file() {
        return Err(format!("{tarball} holds no package/sdk.d.ts"));
    }
    Ok(dts)
}
