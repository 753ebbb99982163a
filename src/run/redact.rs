//! Keeps credentials out of everything cc-run itself prints: the child's
//! forwarded stderr, error lines, `--verbose` output.
//!
//! Promises: the value of every environment variable whose name contains
//! KEY, TOKEN, SECRET or PASSWORD (8 bytes or longer) and anything shaped
//! like an Anthropic key (`sk-ant-...`) is replaced by `[REDACTED]`. The
//! events on stdout are the child's data and pass through untouched.

use std::borrow::Cow;

const MARK: &[u8] = b"[REDACTED]";
const KEY_PREFIX: &[u8] = b"sk-ant-";
/// Shorter values would redact ordinary words.
const MIN_SECRET: usize = 8;

/// True for an environment variable name whose value is a credential.
pub fn is_sensitive(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["KEY", "TOKEN", "SECRET", "PASSWORD"]
        .iter()
        .any(|w| upper.contains(w))
}

#[derive(Debug, Default, Clone)]
pub struct Redactor {
    /// Longest first, so a secret that contains another is replaced whole.
    secrets: Vec<Vec<u8>>,
}

impl Redactor {
    /// Collects the sensitive values of this process's environment.
    pub fn from_env() -> Self {
        let values = std::env::vars_os()
            .filter(|(name, _)| name.to_str().is_some_and(is_sensitive))
            .map(|(_, value)| value.into_encoded_bytes());
        Self::with_secrets(values)
    }

    pub fn with_secrets(values: impl IntoIterator<Item = Vec<u8>>) -> Self {
        let mut secrets: Vec<Vec<u8>> = values
            .into_iter()
            .filter(|v| v.len() >= MIN_SECRET)
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    /// `bytes` with every secret replaced; borrowed when there is none.
    pub fn bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let mut out: Cow<'a, [u8]> = Cow::Borrowed(bytes);
        for secret in &self.secrets {
            if memchr::memmem::find(&out, secret).is_some() {
                out = Cow::Owned(replace_all(&out, secret));
            }
        }
        if memchr::memmem::find(&out, KEY_PREFIX).is_some() {
            out = Cow::Owned(mask_keys(&out));
        }
        out
    }

    /// `text` with every secret replaced.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // Whole UTF-8 substrings were replaced by ASCII: still UTF-8.
            Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(&b).into_owned()),
        }
    }
}

fn replace_all(hay: &[u8], needle: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(i) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(MARK);
        rest = &rest[i + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// `sk-ant-` followed by key characters becomes `sk-ant-[REDACTED]`.
fn mask_keys(hay: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(i) = memchr::memmem::find(rest, KEY_PREFIX) {
        let after = &rest[i + KEY_PREFIX.len()..];
        let len = after
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            .count();
        out.extend_from_slice(&rest[..i + KEY_PREFIX.len()]);
        if len > 0 {
            out.extend_from_slice(MARK);
        }
        rest = &after[len..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_key_shapes_are_replaced() {
        let r = Redactor::with_secrets([b"hunter2-long-token".to_vec(), b"short".to_vec()]);
        assert_eq!(
            r.text("token=hunter2-long-token; key sk-ant-api03-AbC_d-9 end; short stays"),
            "token=[REDACTED]; key sk-ant-[REDACTED] end; short stays"
        );
        assert!(matches!(r.text("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn sensitive_names() {
        assert!(is_sensitive("ANTHROPIC_API_KEY"));
        assert!(is_sensitive("CLAUDE_CODE_OAUTH_TOKEN"));
        assert!(is_sensitive("db_password"));
        assert!(!is_sensitive("ANTHROPIC_BASE_URL"));
    }
}
