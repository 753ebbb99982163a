//! Colour policy, decided once at the edge: `--color auto|always|never`.
//!
//! auto means "stdout is a terminal and NO_COLOR is unset"; a non-empty
//! CLICOLOR_FORCE (other than `0`) forces colour on, as in the CLICOLOR
//! convention. NO_COLOR wins over CLICOLOR_FORCE.

use std::io::IsTerminal;

/// The `--color` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour stdout.
    pub fn enabled(self) -> bool {
        self.resolve(std::io::stdout().is_terminal(), |k| std::env::var_os(k))
    }

    /// The decision, with the terminal test and the environment passed in.
    pub fn resolve(
        self,
        is_terminal: bool,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> bool {
        let set = |k: &str| env(k).is_some_and(|v| !v.is_empty() && v != "0");
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                    false
                } else {
                    set("CLICOLOR_FORCE") || is_terminal
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ColorChoice::*;
    use std::ffi::OsString;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.into())
    }

    #[test]
    fn auto_follows_terminal_no_color_and_force() {
        assert!(Auto.resolve(true, env(&[])));
        assert!(!Auto.resolve(false, env(&[])));
        assert!(!Auto.resolve(true, env(&[("NO_COLOR", "1")])));
        assert!(Auto.resolve(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!Auto.resolve(false, env(&[("CLICOLOR_FORCE", "0")])));
        assert!(!Auto.resolve(true, env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")])));
        assert!(Always.resolve(false, env(&[("NO_COLOR", "1")])));
        assert!(!Never.resolve(true, env(&[])));
    }
}
