//! A scratch world for one run of the CLI: its own HOME and working directory,
//! an environment cleaned of the caller's CLAUDE_*/ANTHROPIC_* settings, and
//! pointed at a [`MockApi`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use super::api::MockApi;
use super::claude::claude;

/// The flags every headless stream-json run needs.
pub const STREAM_JSON: [&str; 6] = [
    "-p",
    "--input-format",
    "stream-json",
    "--output-format",
    "stream-json",
    "--verbose",
];

/// The stand-in's address as it appears in the fixtures.
pub const FIXED_API: &str = "127.0.0.1:4000";

/// Scratch HOME and working directory, plus the API URL to point the CLI at.
pub struct Sandbox {
    home: TempDir,
    cwd: TempDir,
    base_url: String,
    extra: Vec<(OsString, OsString)>,
}

impl Sandbox {
    /// A fresh sandbox talking to `api`.
    pub fn new(api: &MockApi) -> Sandbox {
        Sandbox {
            home: tempfile::Builder::new()
                .prefix("cc-home-")
                .tempdir()
                .expect("scratch HOME"),
            cwd: tempfile::Builder::new()
                .prefix("cc-work-")
                .tempdir()
                .expect("scratch cwd"),
            base_url: api.url(),
            extra: Vec::new(),
        }
    }

    /// The same sandbox with one more variable for every command it makes.
    pub fn with_env(mut self, key: &str, value: &str) -> Sandbox {
        self.extra.push((key.into(), value.into()));
        self
    }

    /// The CLI gives up on the first API error instead of retrying with
    /// backoff for minutes (`CLAUDE_CODE_MAX_RETRIES=0`, honoured by 2.1.197
    /// and 2.1.332): an HTTP 429/5xx then ends the turn with an error result.
    pub fn no_api_retries(self) -> Sandbox {
        self.with_env("CLAUDE_CODE_MAX_RETRIES", "0")
    }

    /// The scratch HOME (the CLI writes `~/.claude` here).
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The scratch working directory the CLI runs in.
    pub fn cwd(&self) -> &Path {
        self.cwd.path()
    }

    /// The variables to set for the CLI (and for ccpipe stages that spawn it);
    /// `PATH` gets the ccpipe binaries' directory in front, for shell pipelines;
    /// then those added with [`Sandbox::with_env`].
    /// Apply them after [`clean_env`] removed the caller's own settings.
    pub fn env(&self) -> Vec<(OsString, OsString)> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path =
            std::env::join_paths(std::iter::once(bin_dir()).chain(std::env::split_paths(&path)))
                .expect("PATH");
        let pairs: [(&str, OsString); 9] = [
            ("PATH", path),
            ("HOME", self.home().into()),
            ("ANTHROPIC_BASE_URL", self.base_url.clone().into()),
            ("ANTHROPIC_API_KEY", "sk-ant-test-dummy".into()),
            ("CCPIPE_CLAUDE", claude().into()),
            ("DISABLE_AUTOUPDATER", "1".into()),
            ("DISABLE_TELEMETRY", "1".into()),
            ("DISABLE_ERROR_REPORTING", "1".into()),
            ("NO_COLOR", "1".into()),
        ];
        pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .chain(self.extra.iter().cloned())
            .collect()
    }

    /// A command for `program` in the sandbox: cleaned environment, the
    /// sandbox's variables, and the scratch working directory.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        clean_env(&mut cmd);
        cmd.envs(self.env()).current_dir(self.cwd());
        cmd
    }

    /// The real `claude` with the stream-json flags and then `args`, e.g.
    /// `["--allowedTools", "Bash", "Read"]`.
    pub fn claude(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(claude());
        cmd.args(STREAM_JSON).args(args);
        cmd
    }

    /// A ccpipe binary (e.g. `cc-run`) in the sandbox; it finds the real CLI
    /// through `$CCPIPE_CLAUDE`.
    pub fn ccpipe(&self, name: &str) -> Command {
        self.command(ccpipe_bin(name))
    }

    /// `sh -c SCRIPT` in the sandbox, e.g. `cc-prompt hi | cc-run | cc-fmt`
    /// (the ccpipe binaries are on PATH, `$CCPIPE_CLAUDE` is set).
    pub fn shell(&self, script: &str) -> Command {
        let mut cmd = self.command("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    /// Rewrites the scratch cwd and HOME in captured text to the paths the
    /// shared fixtures use (`/home/dev/project`, `/home/dev`, also in the
    /// dashed form the CLI uses for project directories), the stand-in's
    /// address to [`FIXED_API`], and the pid in the CLI's messaging socket
    /// (`/tmp/cc-socks/<pid>.sock`) to 4242.
    pub fn anonymise(&self, text: &str) -> String {
        let api = self.base_url.trim_start_matches("http://");
        let mut text = text.replace(api, FIXED_API);
        for (dir, fixed) in [
            (self.cwd(), "/home/dev/project"),
            (self.home(), "/home/dev"),
        ] {
            let real = dir.to_string_lossy();
            let dashed = real.replace(['/', '.', '_'], "-");
            let fixed_dashed = fixed.replace('/', "-");
            text = text
                .replace(real.as_ref(), fixed)
                .replace(&dashed, &fixed_dashed);
        }
        replace_digits_between(&text, "/tmp/cc-socks/", ".sock", "4242")
    }
}

/// `text` with every run of ASCII digits found between `before` and `after`
/// replaced by `with`.
fn replace_digits_between(text: &str, before: &str, after: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(before) {
        let start = at + before.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(after) {
            out.push_str(with);
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// Where cargo put the ccpipe binaries for this test run: next to the
/// `deps/` directory that holds the test executable.
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile dir");
    dir.to_path_buf()
}

/// A ccpipe binary built by cargo for this test run.
pub fn ccpipe_bin(name: &str) -> PathBuf {
    let bin = bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} not built (cargo builds bins for integration tests)",
        bin.display()
    );
    bin
}

/// Removes the caller's Claude, Anthropic and ccpipe settings (and colour
/// settings) from `cmd`'s environment.
pub fn clean_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        let drop = k.starts_with("CLAUDE")
            || k.starts_with("ANTHROPIC")
            || k.starts_with("CCPIPE")
            || k.starts_with("OTEL_")
            || matches!(
                k.as_ref(),
                "NO_COLOR" | "CLICOLOR" | "CLICOLOR_FORCE" | "COLUMNS"
            );
        if drop {
            cmd.env_remove(&key);
        }
    }
}
