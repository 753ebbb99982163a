//! cc-run's redaction is the shared one ([`crate::secrets`]): the child's
//! forwarded stderr, cc-run's error lines and `--verbose` output go through
//! a [`Redactor`] built from cc-run's environment.

pub use crate::secrets::Redactor;
