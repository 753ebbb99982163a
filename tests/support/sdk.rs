//! Provisioning of the TypeScript types of `@anthropic-ai/claude-agent-sdk`,
//! pinned at [`SDK_VERSION`]: the source of truth for the protocol's message
//! kinds (`sdk.d.ts`). `npm pack` fetches the package's tarball (no
//! dependencies, no install scripts) into `<target>/claude-agent-sdk-<V>/`,
//! where `tar` unpacks it to `package/`; made once under a lock, like the CLI.
//! Nothing of it is committed. If it cannot be provisioned, the test using it
//! fails with the reason.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::npm;

/// The pinned version of `@anthropic-ai/claude-agent-sdk`.
pub const SDK_VERSION: &str = "0.3.335";

/// The path of the pinned SDK's `sdk.d.ts` (panics, saying why, when it
/// cannot be provisioned).
pub fn sdk_dts() -> PathBuf {
    package_dir().join("sdk.d.ts")
}

/// The unpacked package (`package.json`, `sdk.d.ts`, `sdk-tools.d.ts`, ...).
pub fn package_dir() -> PathBuf {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match DIR.get_or_init(provision) {
        Ok(dir) => dir.clone(),
        Err(why) => panic!("cannot provision @anthropic-ai/claude-agent-sdk {SDK_VERSION}: {why}"),
    }
}

fn provision() -> Result<PathBuf, String> {
    let dir = npm::target_dir()?.join(format!("claude-agent-sdk-{SDK_VERSION}"));
    let package = dir.join("package");
    npm::once_under_lock(
        &format!("claude-agent-sdk-{SDK_VERSION}"),
        || check(&package),
        || fetch(&dir),
    )?;
    Ok(package)
}

/// The unpacked package is there, of the pinned version, with its types.
fn check(package: &Path) -> Result<(), String> {
    let manifest = package.join("package.json");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("read {}: {e}", manifest.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not JSON: {e}", manifest.display()))?;
    if json["version"] != SDK_VERSION {
        return Err(format!(
            "{} says version {}, expected {SDK_VERSION}",
            manifest.display(),
            json["version"]
        ));
    }
    let dts = package.join("sdk.d.ts");
    if !dts.is_file() {
        return Err(format!("{} missing", dts.display()));
    }
    Ok(())
}

/// `npm pack` the tarball into `dir`, then unpack it there.
fn fetch(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("remove {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let spec = format!("@anthropic-ai/claude-agent-sdk@{SDK_VERSION}");
    let out = npm::npm(
        &[
            "pack",
            "--silent",
            "--loglevel=error",
            "--pack-destination",
            ".",
            &spec,
        ],
        Some(dir),
    )?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tarball = stdout
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.ends_with(".tgz"))
        .ok_or_else(|| format!("`npm pack {spec}` named no tarball: {:?}", stdout.trim()))?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(tarball)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("`tar -xzf {tarball}` in {} failed", dir.display()));
    }
    Ok(())
}
