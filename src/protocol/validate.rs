//! Validation of stream-json lines in both directions (in progress: the
//! cc-check work fills in the rules; the signatures are fixed).

use serde_json::Value;

/// Checks one message meant for the CLI's stdin (user message,
/// control_request, control_response, keep_alive). `Err` names the field,
/// e.g. `user message: message.role is "assistant", expected "user"`.
pub fn check_input(v: &Value) -> Result<(), String> {
    match v.get("type").and_then(Value::as_str) {
        Some("user" | "control_request" | "control_response" | "keep_alive") => Ok(()),
        Some(t) => Err(format!("unknown input type {t:?}")),
        None => Err("missing string field \"type\"".into()),
    }
}
