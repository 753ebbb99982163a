//! The exit status of a run from its events: when to give up at once
//! instead of waiting out the CLI's retries, and the status with its
//! one-line cause.
//!
//! Promises: the status comes from the last `result` (`is_error`, not
//! `subtype`, decides success), refined by `api_error_status`, the `error`
//! of `system/api_retry` and assistant events, and the result text; a turn
//! that started after the last result and never got one counts as no result.

use super::events::{Notable, ResultInfo};
use crate::error::exit;

/// The exit status an HTTP status stands for, when it names a known cause.
fn by_status(status: u16) -> Option<i32> {
    match status {
        401 | 403 => Some(exit::AUTH),
        402 => Some(exit::BILLING),
        429 | 503 | 529 => Some(exit::RATE_LIMIT),
        _ => None,
    }
}

/// The exit status of an `error` of `api_retry` / assistant events
/// (`SDKAssistantMessageError` in the SDK types).
fn by_error(error: &str) -> Option<i32> {
    match error {
        "authentication_failed"
        | "oauth_org_not_allowed"
        | "cloud_credential_error"
        | "verification_required" => Some(exit::AUTH),
        "billing_error" | "account_on_hold" => Some(exit::BILLING),
        "rate_limit" | "overloaded" => Some(exit::RATE_LIMIT),
        _ => None,
    }
}

/// The exit status the text of an error result names, as the API words it.
fn by_text(text: &str) -> Option<i32> {
    let t = text.to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if any(&[
        "authentication_error",
        "invalid api key",
        "x-api-key",
        "oauth token",
    ]) {
        Some(exit::AUTH)
    } else if any(&["credit balance", "billing"]) {
        Some(exit::BILLING)
    } else if any(&["rate_limit_error", "overloaded_error", "rate limit"]) {
        Some(exit::RATE_LIMIT)
    } else {
        None
    }
}

/// HTTP statuses worth another attempt: rate limit, overload, server errors.
fn transient_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// Words of a transient failure in a result's text (the API's error types,
/// the CLI's wording of a lost connection).
const TRANSIENT_TEXT: [&str; 9] = [
    "overloaded",
    "rate_limit_error",
    "rate limit",
    "api_error",
    "internal server error",
    "connection error",
    "unable to connect to api",
    "request timed out",
    "socket hang up",
];

/// A non-zero exit status and the one line that explains it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

/// The explanation of an AUTH, BILLING or RATE_LIMIT status.
fn explain(code: i32, detail: &str) -> Option<Failure> {
    let message = match code {
        exit::AUTH => format!(
            "authentication failed{detail}: the API refused the credentials; \
             check ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN"
        ),
        exit::BILLING => format!(
            "billing problem{detail}: the account cannot pay for requests; \
             check its credit balance"
        ),
        exit::RATE_LIMIT => {
            format!("rate limited or overloaded{detail}, past the CLI's retries; try again later")
        }
        _ => return None,
    };
    Some(Failure { code, message })
}

fn detail(status: Option<u16>, error: Option<&str>) -> String {
    match (status, error) {
        (Some(s), Some(e)) => format!(" (HTTP {s}, {e})"),
        (Some(s), None) => format!(" (HTTP {s})"),
        (None, Some(e)) => format!(" ({e})"),
        (None, None) => String::new(),
    }
}

/// A reason to end the run now: the CLI retries authentication and billing
/// failures for minutes although no retry can succeed.
pub fn fail_fast(event: &Notable) -> Option<Failure> {
    let Notable::Retry { error, status } = event else {
        return None;
    };
    let code = error
        .as_deref()
        .and_then(by_error)
        .or(status.and_then(by_status))?;
    if code == exit::RATE_LIMIT {
        return None;
    }
    explain(code, &detail(*status, error.as_deref()))
}

/// How the child ended, for the verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChildEnd {
    Code(i32),
    /// Killed by a signal cc-run did not send.
    Signal(i32),
    /// cc-run stopped waiting for it.
    Unknown,
}

impl std::fmt::Display for ChildEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChildEnd::Code(c) => write!(f, "claude exited with status {c}"),
            ChildEnd::Signal(s) => write!(f, "claude was killed by signal {s}"),
            ChildEnd::Unknown => f.write_str("claude did not exit"),
        }
    }
}

/// What the events said so far.
#[derive(Debug, Default)]
pub struct Outcome {
    last_result: Option<ResultInfo>,
    /// A turn began after the last result.
    turn_open: bool,
    /// The last `api_retry` of the current turn: (error, status).
    retry: Option<(Option<String>, Option<u16>)>,
    assistant_error: Option<String>,
    /// Tools denied in the session, each once.
    denials: Vec<String>,
    /// A tool was called in the session (`--retry` never starts again then).
    tool_ran: bool,
}

impl Outcome {
    pub fn observe(&mut self, event: &Notable) {
        match event {
            Notable::TurnStart => {
                self.turn_open = true;
                self.retry = None;
                self.assistant_error = None;
            }
            Notable::Retry { error, status } => self.retry = Some((error.clone(), *status)),
            Notable::AssistantError { error } => self.assistant_error = Some(error.clone()),
            Notable::Result(r) => {
                self.turn_open = false;
                for tool in &r.denials {
                    self.denied(tool);
                }
                self.last_result = Some(r.clone());
            }
            Notable::Denied { tool } => self.denied(tool),
            Notable::ToolRan => self.tool_ran = true,
            Notable::State(_) | Notable::Request { .. } | Notable::Cancelled { .. } => {}
        }
    }

    /// A tool was called in the session.
    pub fn tool_ran(&self) -> bool {
        self.tool_ran
    }

    /// True when the session ended with an error that a new attempt may not
    /// meet (`--retry`): rate limit, overload, a 5xx, a lost connection,
    /// named by the last result's `api_error_status`, else by the turn's
    /// `api_retry` and assistant errors, else by the result's text.
    pub fn transient(&self) -> bool {
        let Some(result) = self.last_result.as_ref().filter(|_| !self.turn_open) else {
            return false;
        };
        if !result.is_error {
            return false;
        }
        if let Some(status) = result.api_error_status {
            return transient_status(status);
        }
        let by_event = [
            self.assistant_error.as_deref(),
            self.retry.as_ref().and_then(|(e, _)| e.as_deref()),
        ]
        .into_iter()
        .flatten()
        .any(|e| matches!(e, "rate_limit" | "overloaded" | "server_error"));
        let retry_status = self.retry.as_ref().and_then(|(_, s)| *s);
        let text = result.text.to_ascii_lowercase();
        by_event
            || retry_status.is_some_and(transient_status)
            || TRANSIENT_TEXT.iter().any(|w| text.contains(w))
    }

    fn denied(&mut self, tool: &str) {
        if !self.denials.iter().any(|t| t == tool) {
            self.denials.push(tool.to_owned());
        }
    }

    /// `--fail-on-denial`: the failure when any tool call was denied.
    pub fn denial(&self) -> Option<Failure> {
        if self.denials.is_empty() {
            return None;
        }
        Some(Failure {
            code: exit::DENIED,
            message: format!(
                "permission denied for {} (--fail-on-denial)",
                crate::sanitize::one_line(&self.denials.join(", "))
            ),
        })
    }

    /// Exit status of the whole run: `Ok(())` for 0, else the failure.
    /// `tail` is the last line the child wrote on stderr.
    pub fn verdict(&self, child: ChildEnd, tail: Option<&str>) -> Result<(), Failure> {
        let retry_error = self.retry.as_ref().and_then(|(e, _)| e.as_deref());
        let retry_status = self.retry.as_ref().and_then(|(_, s)| *s);
        let from_events = || {
            self.assistant_error
                .as_deref()
                .and_then(by_error)
                .or(retry_error.and_then(by_error))
                .or(retry_status.and_then(by_status))
        };
        let last = self.last_result.as_ref().filter(|_| !self.turn_open);
        if let ChildEnd::Signal(_) = child {
            return Err(Failure {
                code: exit::FAILURE,
                message: with_tail(child.to_string(), tail),
            });
        }
        // The error code that agrees with the status chosen, for the message.
        let agreeing = |code: i32| {
            [self.assistant_error.as_deref(), retry_error]
                .into_iter()
                .flatten()
                .find(|e| by_error(e) == Some(code))
        };
        let Some(result) = last else {
            if let Some(code) = from_events() {
                let d = detail(retry_status, agreeing(code));
                if let Some(failure) = explain(code, &d) {
                    return Err(failure);
                }
            }
            let message = format!("the session ended without a result ({child})");
            return Err(Failure {
                code: exit::FAILURE,
                message: with_tail(message, tail),
            });
        };
        if !result.is_error {
            return Ok(());
        }
        let status = result.api_error_status;
        let code = status
            .and_then(by_status)
            .or_else(from_events)
            .or_else(|| by_text(&result.text));
        if let Some(failure) = code.and_then(|c| explain(c, &detail(status, agreeing(c)))) {
            return Err(failure);
        }
        // An API failure can come as subtype "success" with is_error: the
        // subtype then says nothing.
        let subtype = Some(result.subtype.as_str()).filter(|s| *s != "success");
        let what = match (subtype, status) {
            (Some(t), Some(s)) => format!(" ({t}, HTTP {s})"),
            (None, Some(s)) => format!(" (HTTP {s})"),
            (Some(t), None) => format!(" ({t})"),
            (None, None) => String::new(),
        };
        let text = crate::sanitize::one_line(&result.text);
        Err(Failure {
            code: exit::FAILURE,
            message: format!(
                "the session ended with an error{what}: {}",
                truncate(&text, 400)
            ),
        })
    }
}

fn with_tail(message: String, tail: Option<&str>) -> String {
    match tail {
        Some(t) => format!("{message}; its stderr ended with: {}", truncate(t, 400)),
        None => message,
    }
}

/// At most `max` bytes of `s`, cut at a character boundary, with `…` if cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::super::events::inspect_line as inspect;
    use super::*;

    fn outcome_of(fixture: &str) -> Outcome {
        let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let mut o = Outcome::default();
        for line in text.lines() {
            if let Some(ev) = inspect(line.as_bytes()) {
                o.observe(&ev);
            }
        }
        o
    }

    #[test]
    fn fixtures_give_the_documented_statuses() {
        let ok = ChildEnd::Code(0);
        assert_eq!(outcome_of("text-turn.jsonl").verdict(ok, None), Ok(()));
        assert_eq!(outcome_of("bash-tool.jsonl").verdict(ok, None), Ok(()));
        assert_eq!(
            outcome_of("interrupt.jsonl").verdict(ok, None),
            Ok(()),
            "last result wins"
        );
        let e400 = outcome_of("api-error-400.jsonl").verdict(ChildEnd::Code(1), None);
        let e400 = e400.unwrap_err();
        assert_eq!(e400.code, exit::FAILURE);
        assert!(e400.message.contains("HTTP 400"), "{}", e400.message);
        assert!(e400.message.contains("API Error: 400 scripted 400"));
        let auth = outcome_of("auth-retry-401-killed.jsonl").verdict(ChildEnd::Code(0), None);
        assert_eq!(auth.unwrap_err().code, exit::AUTH);
    }

    #[test]
    fn auth_retry_fails_fast_but_rate_limits_do_not() {
        let line = br#"{"type":"system","subtype":"api_retry","attempt":1,"error_status":401,"error":"authentication_failed"}"#;
        let ev = inspect(line).unwrap();
        let f = fail_fast(&ev).unwrap();
        assert_eq!(f.code, exit::AUTH);
        assert!(
            f.message.contains("ANTHROPIC_API_KEY")
                && f.message.contains("CLAUDE_CODE_OAUTH_TOKEN")
        );
        let billing = Notable::Retry {
            error: Some("billing_error".into()),
            status: Some(402),
        };
        assert_eq!(fail_fast(&billing).unwrap().code, exit::BILLING);
        let rate = Notable::Retry {
            error: Some("rate_limit".into()),
            status: Some(429),
        };
        assert_eq!(fail_fast(&rate), None);
        let conn = Notable::Retry {
            error: Some("unknown".into()),
            status: None,
        };
        assert_eq!(fail_fast(&conn), None);
    }

    #[test]
    fn error_results_map_by_status_then_text() {
        let result = |status: Option<u16>, text: &str| {
            let mut o = Outcome::default();
            o.observe(&Notable::Result(ResultInfo {
                is_error: true,
                subtype: "success".into(),
                api_error_status: status,
                text: text.into(),
                denials: vec![],
            }));
            o.verdict(ChildEnd::Code(1), None).unwrap_err().code
        };
        assert_eq!(result(Some(529), "overloaded"), exit::RATE_LIMIT);
        assert_eq!(result(Some(429), ""), exit::RATE_LIMIT);
        assert_eq!(result(Some(402), ""), exit::BILLING);
        assert_eq!(result(Some(403), ""), exit::AUTH);
        assert_eq!(
            result(Some(400), "Your credit balance is too low"),
            exit::BILLING
        );
        assert_eq!(
            result(None, "Invalid API key · Please run /login"),
            exit::AUTH
        );
        assert_eq!(result(Some(500), "boom"), exit::FAILURE);
    }

    #[test]
    fn the_message_names_only_an_error_code_that_agrees() {
        let run = |events: &[Notable]| {
            let mut o = Outcome::default();
            events.iter().for_each(|e| o.observe(e));
            o.verdict(ChildEnd::Code(1), None).unwrap_err().message
        };
        let result = |status| {
            Notable::Result(ResultInfo {
                is_error: true,
                subtype: "success".into(),
                api_error_status: Some(status),
                text: String::new(),
                denials: vec![],
            })
        };
        let retry = Notable::Retry {
            error: Some("overloaded".into()),
            status: Some(529),
        };
        let server = Notable::AssistantError {
            error: "server_error".into(),
        };
        let msg = run(&[retry, server, result(529)]);
        assert!(
            msg.starts_with("rate limited or overloaded (HTTP 529, overloaded)"),
            "{msg}"
        );
        let unknown = Notable::AssistantError {
            error: "unknown".into(),
        };
        let msg = run(&[unknown, result(402)]);
        assert!(msg.starts_with("billing problem (HTTP 402):"), "{msg}");
    }

    #[test]
    fn transient_failures_are_told_apart() {
        let session = |status: Option<u16>, text: &str, tool: bool| {
            let mut o = Outcome::default();
            o.observe(&Notable::TurnStart);
            if tool {
                o.observe(&Notable::ToolRan);
            }
            o.observe(&Notable::Result(ResultInfo {
                is_error: true,
                subtype: "success".into(),
                api_error_status: status,
                text: text.into(),
                denials: vec![],
            }));
            (o.transient(), o.tool_ran())
        };
        assert_eq!(session(Some(529), "", false), (true, false));
        assert_eq!(session(Some(500), "", true), (true, true));
        assert!(session(Some(503), "", false).0);
        assert!(session(Some(429), "", false).0);
        assert!(
            !session(Some(400), "overloaded", false).0,
            "the status decides"
        );
        assert!(!session(Some(401), "", false).0);
        assert!(session(None, "API Error: Connection error.", false).0);
        assert!(!session(None, "Invalid API key", false).0);
        assert!(!outcome_of("text-turn.jsonl").transient());
        let retried = outcome_of("retry-529.jsonl");
        assert!(!retried.transient(), "it succeeded after the CLI's retry");
    }

    #[test]
    fn a_turn_without_a_result_is_a_failure() {
        let mut o = Outcome::default();
        assert_eq!(
            o.verdict(ChildEnd::Code(0), None).unwrap_err().code,
            exit::FAILURE
        );
        o.observe(&Notable::TurnStart);
        o.observe(&Notable::Result(ResultInfo {
            is_error: false,
            subtype: "success".into(),
            api_error_status: None,
            text: "fine".into(),
            denials: vec![],
        }));
        assert_eq!(o.verdict(ChildEnd::Code(0), None), Ok(()));
        o.observe(&Notable::TurnStart);
        let f = o.verdict(ChildEnd::Code(1), Some("crashed")).unwrap_err();
        assert_eq!(f.code, exit::FAILURE);
        assert!(f.message.contains("without a result") && f.message.contains("crashed"));
    }
}
