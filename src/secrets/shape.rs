//! Secrets recognised by their shape alone, whatever their value: known key
//! prefixes, HTTP credentials, `NAME=value` pairs whose name says
//! "credential", the password in a URL, the body of a PEM private key.
//!
//! Promises: [`ranges`] returns the byte ranges to hide, each on ASCII
//! boundaries (so a UTF-8 text stays UTF-8 when they are replaced); a range
//! never covers an already-redacted `[REDACTED]`, so redacting twice changes
//! nothing. The scan is one pass, linear in the text.

use std::ops::Range;

/// Known key prefixes (kept visible) and the fewest key characters after one
/// that make a key, so prose that names a prefix ("keys start sk-ant-") is
/// left alone. Longer prefixes first where one starts another.
const PREFIXES: &[(&[u8], usize)] = &[
    (b"sk-ant-", 1),
    (b"sk-", 20),
    (b"github_pat_", 20),
    (b"ghp_", 20),
    (b"gho_", 20),
    (b"ghu_", 20),
    (b"ghs_", 20),
    (b"ghr_", 20),
    (b"glpat-", 16),
    (b"xoxb-", 10),
    (b"xoxp-", 10),
    (b"xoxa-", 10),
    (b"xoxs-", 10),
    (b"xapp-", 10),
    (b"AKIA", 16),
    (b"AIza", 30),
];

/// The placeholder written instead of a secret.
pub const MARK: &str = "[REDACTED]";

/// Characters of an API key.
fn is_key(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Characters of an HTTP bearer credential (RFC 6750 b64token).
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b)
}

/// Characters of a variable, header or JSON key name.
fn is_name(b: u8) -> bool {
    is_key(b) || b == b'.'
}

/// True for a name (of a variable, header, flag or JSON key) whose value is
/// a credential: its last word is KEY, TOKEN, AUTH, COOKIE, CREDENTIAL(S),
/// PAT or PASS, or it contains SECRET, PASSWORD or PASSWD
/// (`ANTHROPIC_API_KEY`, `apiKey`, `X-Api-Key`, `CLAUDE_CODE_OAUTH_TOKEN`,
/// `Authorization`, `PGPASSWORD`). `MAX_OUTPUT_TOKENS` or `PWD` is not.
pub fn sensitive_name(name: &[u8]) -> bool {
    // Called for every `=` and `:` in text: no allocation for usual names.
    let mut buf = [0u8; 64];
    let owned;
    let upper: &[u8] = if name.len() <= buf.len() {
        let b = &mut buf[..name.len()];
        b.copy_from_slice(name);
        b.make_ascii_uppercase();
        b
    } else {
        owned = name.to_ascii_uppercase();
        &owned
    };
    let has = |w: &[u8]| upper.windows(w.len()).any(|x| x == w);
    if has(b"SECRET") || has(b"PASSWORD") || has(b"PASSWD") {
        return true;
    }
    // The last word: after the last separator or lower-to-upper case change.
    let mut start = 0;
    for i in 1..name.len() {
        if !name[i - 1].is_ascii_alphanumeric()
            || (name[i - 1].is_ascii_lowercase() && name[i].is_ascii_uppercase())
        {
            start = i;
        }
    }
    let last = &upper[start..];
    matches!(
        last,
        b"KEY"
            | b"TOKEN"
            | b"AUTH"
            | b"AUTHORIZATION"
            | b"COOKIE"
            | b"CREDENTIAL"
            | b"CREDENTIALS"
            | b"PAT"
            | b"PASS"
    ) || last.ends_with(b"APIKEY")
        || last.ends_with(b"TOKEN")
}

/// A value that stands for a secret without being one: a variable
/// reference, a template, a mask, an earlier redaction.
fn placeholder(v: &[u8]) -> bool {
    v.is_empty()
        || matches!(v[0], b'$' | b'<' | b'[' | b'{' | b'(' | b'%')
        || v.iter().all(|&b| matches!(b, b'*' | b'.' | b'x' | b'X'))
}

/// Could be a credential rather than a word of prose: used where the shape
/// alone is weak (`Key: value`, `Bearer value`).
fn looks_secret(v: &[u8]) -> bool {
    let digit = v.iter().any(u8::is_ascii_digit);
    let mixed = v.iter().any(u8::is_ascii_lowercase) && v.iter().any(u8::is_ascii_uppercase);
    let punct = v.iter().any(|b| b"-_+/=.~".contains(b));
    v.len() >= 8 && (digit || mixed || punct || v.len() >= 16)
}

/// The byte ranges of `hay` that hold secrets, in order, possibly
/// overlapping (the caller merges them).
pub fn ranges(hay: &[u8]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < hay.len() {
        let next = match hay[i] {
            b's' | b'g' | b'x' | b'A' => prefixed_key(hay, i, &mut found),
            b'B' | b'b' => auth_scheme(hay, i, &mut found),
            b'=' | b':' => {
                if hay[i..].starts_with(b"://") {
                    url_password(hay, i, &mut found)
                } else {
                    named_value(hay, i, &mut found)
                }
            }
            b'-' => private_key(hay, i, &mut found),
            _ => None,
        };
        i = next.unwrap_or(i + 1).max(i + 1);
    }
    found
}

/// `sk-ant-…` and the other known prefixes at a word start.
fn prefixed_key(hay: &[u8], i: usize, found: &mut Vec<Range<usize>>) -> Option<usize> {
    if i > 0 && is_key(hay[i - 1]) {
        return None;
    }
    for &(prefix, min) in PREFIXES {
        if hay[i..].starts_with(prefix) {
            let from = i + prefix.len();
            let len = hay[from..].iter().take_while(|&&b| is_key(b)).count();
            if len >= min {
                found.push(from..from + len);
                return Some(from + len);
            }
        }
    }
    None
}

/// `Bearer <credential>` and `Basic <credential>`, any case.
fn auth_scheme(hay: &[u8], i: usize, found: &mut Vec<Range<usize>>) -> Option<usize> {
    if i > 0 && hay[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let word = [&b"bearer"[..], b"basic"]
        .into_iter()
        .find(|w| hay.len() >= i + w.len() && hay[i..i + w.len()].eq_ignore_ascii_case(w))?;
    let mut from = i + word.len();
    let spaces = hay[from..].iter().take_while(|&&b| b == b' ').count();
    if spaces == 0 {
        return None;
    }
    from += spaces;
    let mut to = from + hay[from..].iter().take_while(|&&b| is_token(b)).count();
    while to > from && matches!(hay[to - 1], b'.' | b',') {
        to -= 1;
    }
    let token = &hay[from..to];
    (looks_secret(token) && !placeholder(token)).then(|| {
        found.push(from..to);
        to
    })
}

/// `NAME=value`, `NAME: value`, `"name": "value"` with a sensitive name.
/// Code such as `key = compute()` is left alone: with spaces around `=`
/// only a quoted value counts.
fn named_value(hay: &[u8], i: usize, found: &mut Vec<Range<usize>>) -> Option<usize> {
    let sep = hay[i];
    let mut end = i;
    if end > 0 && matches!(hay[end - 1], b'"' | b'\'') {
        end -= 1;
    }
    let start = end
        - hay[..end]
            .iter()
            .rev()
            .take(128)
            .take_while(|&&b| is_name(b))
            .count();
    if start == end || !sensitive_name(&hay[start..end]) {
        return None;
    }
    if sep == b'=' && (hay.get(i + 1) == Some(&b'=') || (i > 0 && b"=!<>".contains(&hay[i - 1]))) {
        return None;
    }
    let mut from = i + 1;
    let spaced = hay[from..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    from += spaced;
    let (from, to) = match hay.get(from) {
        Some(&q @ (b'"' | b'\'')) => {
            let body = &hay[from + 1..];
            let len = body.iter().take_while(|&&b| b != q && b != b'\n').count();
            (from + 1, from + 1 + len)
        }
        _ if sep == b'=' && spaced > 0 => return None,
        _ => {
            let len = hay[from..]
                .iter()
                .take_while(|&&b| !b.is_ascii_whitespace() && !b"\"'`,;&})]<>".contains(&b))
                .count();
            let value = &hay[from..from + len];
            if sep == b':' && !looks_secret(value) {
                return None;
            }
            (from, from + len)
        }
    };
    if placeholder(&hay[from..to]) {
        return None;
    }
    // A known key keeps its prefix visible, as anywhere else.
    if let Some(end) = prefixed_key(hay, from, found).filter(|&end| end == to) {
        return Some(end);
    }
    found.push(from..to);
    Some(to)
}

/// The password of `scheme://user:password@host`.
fn url_password(hay: &[u8], i: usize, found: &mut Vec<Range<usize>>) -> Option<usize> {
    let from = i + 3;
    let len = hay[from..]
        .iter()
        .take(512)
        .take_while(|&&b| !b.is_ascii_whitespace() && !b"/?#\"'<>`@".contains(&b))
        .count();
    if hay.get(from + len) != Some(&b'@') {
        return None;
    }
    let colon = memchr::memchr(b':', &hay[from..from + len])?;
    let pass = from + colon + 1..from + len;
    if placeholder(&hay[pass.clone()]) {
        return None;
    }
    found.push(pass);
    Some(from + len)
}

/// The body of a `-----BEGIN … PRIVATE KEY-----` block, up to its END line
/// (or the end of the text).
fn private_key(hay: &[u8], i: usize, found: &mut Vec<Range<usize>>) -> Option<usize> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    if !hay[i..].starts_with(BEGIN) {
        return None;
    }
    let header_len = memchr::memmem::find(&hay[i + BEGIN.len()..], b"-----")?;
    let header = &hay[i + BEGIN.len()..i + BEGIN.len() + header_len];
    if !header.ends_with(b"PRIVATE KEY") || header.contains(&b'\n') {
        return None;
    }
    let mut from = i + BEGIN.len() + header_len + 5;
    if hay.get(from) == Some(&b'\r') {
        from += 1;
    }
    if hay.get(from) == Some(&b'\n') {
        from += 1;
    }
    let mut to = memchr::memmem::find(&hay[from..], b"-----END").map_or(hay.len(), |e| from + e);
    while to > from && matches!(hay[to - 1], b'\n' | b'\r') {
        to -= 1;
    }
    (to > from && !hay[from..to].starts_with(MARK.as_bytes())).then(|| {
        found.push(from..to);
        to
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(text: &str) -> Vec<&str> {
        ranges(text.as_bytes())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn known_prefixes_need_enough_key_characters() {
        assert_eq!(hidden("k=sk-ant-api03-AbC_d-9 x"), ["api03-AbC_d-9"]);
        assert_eq!(
            hidden("keys start with sk-ant- and ghp_"),
            Vec::<&str>::new()
        );
        assert_eq!(
            hidden("task-force risk-management-strategy-and-more"),
            Vec::<&str>::new()
        );
        assert_eq!(
            hidden("ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123 AKIAIOSFODNN7EXAMPLE"),
            ["ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", "IOSFODNN7EXAMPLE"]
        );
    }

    #[test]
    fn http_credentials() {
        assert_eq!(
            hidden("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln."),
            ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"]
        );
        assert_eq!(
            hidden("basic  dXNlcjpwYXNzd29yZA=="),
            ["dXNlcjpwYXNzd29yZA=="]
        );
        assert_eq!(hidden("the bearer of this instrument"), Vec::<&str>::new());
        assert_eq!(hidden("Bearer [REDACTED]"), Vec::<&str>::new());
    }

    #[test]
    fn named_values() {
        assert_eq!(hidden("ANTHROPIC_API_KEY=abc def"), ["abc"]);
        assert_eq!(
            hidden(r#"{"GITHUB_TOKEN":"v1", "apiKey": "v2"}"#),
            ["v1", "v2"]
        );
        assert_eq!(
            hidden("x-api-key: abc123def456\nPassword: hunter2!x"),
            ["abc123def456", "hunter2!x"]
        );
        assert_eq!(hidden("https://h/?access_token=abc123&x=1"), ["abc123"]);
        // Not secrets: prose, code, comparisons, placeholders, other names.
        for text in [
            "Key: the important thing",
            "key = compute(x)",
            "if token == expected",
            "API_KEY=$ANTHROPIC_API_KEY API_KEY=[REDACTED] TOKEN=<your token>",
            "MAX_OUTPUT_TOKENS=32000 PWD=/home/me session_id=abc",
        ] {
            assert_eq!(hidden(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn url_passwords() {
        assert_eq!(hidden("https://user:pa55@proxy.example/v1"), ["pa55"]);
        assert_eq!(
            hidden("https://user@host/ https://h:8080/x"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn private_key_bodies() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----";
        assert_eq!(hidden(pem), ["MIIEow\nIBAAK"]);
        assert_eq!(
            hidden("-----BEGIN CERTIFICATE-----\nMIIB\n"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn sensitive_names() {
        for yes in [
            "ANTHROPIC_API_KEY",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "ANTHROPIC_AUTH_TOKEN",
            "apiKey",
            "X-Api-Key",
            "Authorization",
            "db_password",
            "PGPASSWORD",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_PAT",
            "ACCESSTOKEN",
        ] {
            assert!(sensitive_name(yes.as_bytes()), "{yes}");
        }
        for no in [
            "ANTHROPIC_BASE_URL",
            "CLAUDE_CODE_MAX_OUTPUT_TOKENS",
            "DISABLE_TOKEN_REFRESH",
            "PWD",
            "MONKEY",
            "session_id",
        ] {
            assert!(!sensitive_name(no.as_bytes()), "{no}");
        }
    }
}
