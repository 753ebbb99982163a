//! `--permit EXPR`: a jq expression, run by cc-filter's engine on each
//! `can_use_tool` request (`{"subtype":"can_use_tool","tool_name":"Bash",
//! "input":{...},"tool_use_id":...,"permission_suggestions":[...]}`),
//! decides the answer from its first output: `true` allows; `false`, `null`
//! or no output denies naming the policy; a string denies with that
//! message, except `"ask"`, which leaves the request to a person; an object
//! is the answer itself (`{"behavior":"allow","updatedInput":{...}}`). A
//! runtime error denies and is reported.

use jaq_json::Val;

use crate::filter::jq::{self, Event, Filter, Program, Var};
use crate::filter::write;

/// What the policy says of one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Allow,
    Deny(String),
    /// A whole answer (JSON text of the permission result).
    Answer(String),
    /// Leave it to a person (`--ask`).
    Ask,
}

pub struct Policy {
    filter: Filter,
    vars: Vec<Var>,
    /// How messages name it: `the --permit policy`, `the policy in FILE`.
    name: String,
}

impl Policy {
    pub fn compile(code: &str, vars: Vec<Var>, name: String) -> Result<Policy, String> {
        let filter = jq::compile(code, &vars)?;
        Ok(Policy { filter, vars, name })
    }

    /// The decision for one request (its `request` object as JSON text).
    /// `Err` carries a decision too: the deny, and the reason to report.
    pub fn decide(&self, request: &str) -> Result<Decision, (Decision, String)> {
        let input = crate::json::jaq::parse(request.as_bytes())
            .map_err(|e| self.failed(format!("the request is not JSON: {e}")))?;
        let program = Program::new(&self.filter, &self.vars);
        let mut first = None;
        program.run(input, &mut |ev| {
            first = Some(ev);
            false
        });
        match first {
            None => Ok(self.denied()),
            Some(Event::Value(v)) => self.judge(v),
            Some(Event::Error(e)) => Err(self.failed(format!("runtime error: {e}"))),
            Some(Event::Halt(code)) => Err(self.failed(format!("halted with status {code}"))),
        }
    }

    fn denied(&self) -> Decision {
        Decision::Deny(format!("denied by {}", self.name))
    }

    fn failed(&self, why: String) -> (Decision, String) {
        let deny = Decision::Deny(format!("denied: {} failed ({why})", self.name));
        (deny, format!("{} failed: {why}; denied", self.name))
    }

    fn judge(&self, v: Val) -> Result<Decision, (Decision, String)> {
        match v {
            Val::Bool(true) => Ok(Decision::Allow),
            Val::Bool(false) | Val::Null => Ok(self.denied()),
            Val::TStr(s) if &**s == b"ask" => Ok(Decision::Ask),
            Val::TStr(s) => Ok(Decision::Deny(String::from_utf8_lossy(&s).into_owned())),
            v @ Val::Obj(_) => {
                let mut payload = Vec::new();
                write::value(&mut payload, &v, Default::default());
                let payload = String::from_utf8_lossy(&payload).into_owned();
                let line = super::control::answer("check", &payload);
                match crate::protocol::validate::check_input_line(&line) {
                    Ok(()) if payload.contains("\"behavior\"") => Ok(Decision::Answer(payload)),
                    Ok(()) => Err(self.failed("an object without \"behavior\"".into())),
                    Err(why) => Err(self.failed(format!("not a permission answer: {why}"))),
                }
            }
            other => {
                let mut text = Vec::new();
                write::value(&mut text, &other, Default::default());
                Err(self.failed(format!(
                    "it gave {} (expected true, false, a string or an object)",
                    String::from_utf8_lossy(&text)
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(code: &str, request: &str) -> Result<Decision, (Decision, String)> {
        Policy::compile(code, vec![], "the --permit policy".into())
            .unwrap()
            .decide(request)
    }

    const BASH: &str =
        r#"{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"git status"}}"#;

    #[test]
    fn each_kind_of_output() {
        assert_eq!(decide("true", BASH), Ok(Decision::Allow));
        assert_eq!(
            decide("false", BASH),
            Ok(Decision::Deny("denied by the --permit policy".into()))
        );
        assert_eq!(
            decide("empty", BASH),
            Ok(Decision::Deny("denied by the --permit policy".into()))
        );
        assert_eq!(
            decide(r#""not here""#, BASH),
            Ok(Decision::Deny("not here".into()))
        );
        assert_eq!(decide(r#""ask""#, BASH), Ok(Decision::Ask));
        let rule = r#".tool_name == "Bash" and (.input.command | test("^git (status|diff|log)"))"#;
        assert_eq!(decide(rule, BASH), Ok(Decision::Allow));
        assert_eq!(
            decide(
                r#"{behavior: "allow", updatedInput: {command: "git status -s"}}"#,
                BASH
            ),
            Ok(Decision::Answer(
                r#"{"behavior":"allow","updatedInput":{"command":"git status -s"}}"#.into()
            ))
        );
    }

    #[test]
    fn failures_deny_and_say_why() {
        let (d, why) = decide("error(\"boom\")", BASH).unwrap_err();
        assert!(matches!(d, Decision::Deny(_)));
        assert!(why.contains("boom"), "{why}");
        let (_, why) = decide("3", BASH).unwrap_err();
        assert!(
            why.contains("expected true, false, a string or an object"),
            "{why}"
        );
        let (_, why) = decide(r#"{behavior: "maybe"}"#, BASH).unwrap_err();
        assert!(why.contains("behavior"), "{why}");
    }
}
