//! Rules for the CLI's stdout: every kind of line in the protocol table
//! (the SDK's `StdoutMessage` union and the kinds observed outside it), with
//! every required field present and every field of the JSON type the table
//! gives. Values of enumerated strings are not enforced here: new CLIs add
//! values (a permission mode, a terminal reason) before the SDK lists them.
//! Unknown types and subtypes are [`Verdict::Unknown`], never errors.

use super::Verdict;
use super::fields::Fields;
use crate::json::quote;
use crate::protocol::schema::{self, Message, OBJECT, STRING};
use crate::protocol::table::{MESSAGES, REQUESTS};

pub(super) fn check(mut top: Fields<'_>) -> Result<Verdict, String> {
    let ty = top.req_str("type")?;
    let Some(kind) = find(&top, &ty)? else {
        return Ok(Verdict::Unknown(
            match top.get("subtype").and_then(|v| v.as_str()) {
                Some(sub) if MESSAGES.iter().any(|m| m.ty == ty) => {
                    format!("unknown {} subtype {}", ty, quote(&sub))
                }
                _ => format!("unknown type {}", quote(&ty)),
            },
        ));
    };
    top.kind = name(kind, top.get("subtype").and_then(|v| v.as_str()).as_deref()).into();
    top.fields(kind.required, kind.optional, false)?;
    match kind.ty {
        "assistant" => message(&top, "assistant", false)?,
        "user" => message(&top, "user", true)?,
        "stream_event" => _ = top.req_obj("event")?.req("type", STRING)?,
        "control_request" => return control_request(&top),
        "control_response" => control_response(&top)?,
        _ => {}
    }
    Ok(Verdict::Known)
}

/// The table's kind for this line: by type, then subtype, then the field
/// that tells twins apart (`isReplay`).
fn find(top: &Fields<'_>, ty: &str) -> Result<Option<&'static Message>, String> {
    let mut rows = MESSAGES.iter().filter(|m| m.ty == ty).peekable();
    if rows.peek().is_none() {
        return Ok(None);
    }
    let rows: Vec<&Message> = rows.collect();
    let sub = if rows.iter().any(|m| !m.subtypes.is_empty()) {
        let mut t = top.clone();
        t.kind = ty.to_owned().into();
        Some(t.req_str("subtype")?)
    } else {
        None
    };
    let fits = |m: &&&Message| match &sub {
        Some(s) => m.subtypes.contains(&s.as_ref()),
        None => m.subtypes.is_empty(),
    };
    let candidates: Vec<&&Message> = rows.iter().filter(fits).collect();
    let by_when = candidates
        .iter()
        .find(|m| m.when.is_some_and(|w| top.get(w).is_some()))
        .or_else(|| candidates.iter().find(|m| m.when.is_none()));
    Ok(by_when.map(|m| **m))
}

/// How messages name a kind: `result`, `system/init`, `user message`.
fn name(kind: &Message, subtype: Option<&str>) -> String {
    match (kind.ty, subtype) {
        ("assistant" | "user", _) => format!("{} message", kind.ty),
        ("system", Some(sub)) => format!("system/{sub}"),
        (ty, _) => ty.to_owned(),
    }
}

/// `message.role` and the content blocks of a user or assistant message.
fn message(top: &Fields<'_>, role: &str, string_ok: bool) -> Result<(), String> {
    let message = top.req_obj("message")?;
    message.req_one_of("role", &[role])?;
    let want = if string_ok {
        STRING | schema::ARRAY
    } else {
        schema::ARRAY
    };
    message.req("content", want)?;
    for block in message.objects("content")? {
        block.req("type", STRING)?;
    }
    Ok(())
}

fn control_request(top: &Fields<'_>) -> Result<Verdict, String> {
    let request = top.req_obj("request")?;
    let subtype = request.req_str("subtype")?;
    let Some(row) = REQUESTS.iter().find(|r| r.subtype == subtype) else {
        return Ok(Verdict::Unknown(format!(
            "unknown control_request subtype {}",
            quote(&subtype)
        )));
    };
    request.fields(row.required, row.optional, false)?;
    Ok(Verdict::Known)
}

fn control_response(top: &Fields<'_>) -> Result<(), String> {
    let response = top.req_obj("response")?;
    if response.req_one_of("subtype", &["success", "error"])? == "error" {
        response.req("error", STRING)?;
    }
    response.req("request_id", STRING)?;
    response.opt("response", OBJECT)?;
    Ok(())
}
