//! Rules for the CLI's stdin: user messages (with their content blocks),
//! `control_request` (every subtype the CLI reads, from the protocol
//! table), `control_response` (with the permission answers the CLI takes),
//! and the other input kinds of the table. Enumerated values are enforced:
//! the CLI refuses a permission mode it does not know. Anything else is
//! refused: the CLI would drop or choke on it.

use super::fields::{Fields, is_empty_string, list};
use crate::json::{Kind, quote};
use crate::protocol::schema::{ARRAY, BOOL, NULL, OBJECT, STRING, Sender};
use crate::protocol::table::{INPUT_KINDS, PERMISSION_RESULTS, REQUESTS};

/// The content block types a user message may carry.
const BLOCKS: &[&str] = &["text", "image", "document", "tool_result", "search_result"];
/// The blocks a `tool_result` may hold.
const RESULT_BLOCKS: &[&str] = &["text", "image", "document", "search_result"];

pub(super) fn check(mut top: Fields<'_>) -> Result<(), String> {
    let ty = top.req_str("type")?;
    match ty.as_ref() {
        "user" => {
            top.kind = "user message".into();
            user(&top)
        }
        "control_request" => {
            top.kind = "control_request".into();
            control_request(&top)
        }
        "control_response" => {
            top.kind = "control_response".into();
            control_response(&top)
        }
        other => match INPUT_KINDS.iter().find(|k| k.ty == other) {
            Some(kind) => {
                top.kind = kind.ty.into();
                top.fields(kind.required, kind.optional, true)
            }
            None => {
                let mut known = vec!["user", "control_request", "control_response"];
                known.extend(INPUT_KINDS.iter().map(|k| k.ty));
                Err(format!(
                    "unknown input type {} (the CLI reads {})",
                    quote(other),
                    list(&known)
                ))
            }
        },
    }
}

fn user(top: &Fields<'_>) -> Result<(), String> {
    for (name, kinds) in [
        ("parent_tool_use_id", STRING | NULL),
        ("session_id", STRING),
        ("uuid", STRING),
        ("isSynthetic", BOOL),
        ("shouldQuery", BOOL),
        ("timestamp", STRING),
    ] {
        top.opt(name, kinds)?;
    }
    top.opt_one_of("priority", &["now", "next", "later"])?;
    let message = top.req_obj("message")?;
    message.req_one_of("role", &["user"])?;
    content(&message, BLOCKS)
}

/// `content`: a non-empty string or a non-empty array of well-formed blocks.
fn content(parent: &Fields<'_>, allowed: &[&str]) -> Result<(), String> {
    let raw = parent.req("content", STRING | ARRAY)?;
    if raw.kind() == Kind::String {
        if is_empty_string(&raw) {
            return Err(parent.at("content", "is an empty string, expected some text"));
        }
        return Ok(());
    }
    let blocks = parent.objects("content")?;
    if blocks.is_empty() {
        return Err(parent.at("content", "is an empty array, expected content blocks"));
    }
    for b in &blocks {
        block(b, allowed)?;
    }
    Ok(())
}

fn block(b: &Fields<'_>, allowed: &[&str]) -> Result<(), String> {
    let ty = b.req_one_of("type", allowed)?;
    b.opt("cache_control", OBJECT | NULL)?;
    match ty.as_ref() {
        "text" => {
            if b.req_str("text")?.is_empty() {
                return Err(b.at("text", "is an empty string, expected some text"));
            }
            b.opt("citations", ARRAY)?;
        }
        "image" => {
            let src = b.req_obj("source")?;
            match src.req_one_of("type", &["base64", "url", "file"])?.as_ref() {
                "base64" => {
                    src.req_one_of(
                        "media_type",
                        &["image/jpeg", "image/png", "image/gif", "image/webp"],
                    )?;
                    src.req("data", STRING)?;
                }
                "url" => _ = src.req("url", STRING)?,
                _ => _ = src.req("file_id", STRING)?,
            }
        }
        "document" => {
            let src = b.req_obj("source")?;
            match src
                .req_one_of("type", &["base64", "text", "url", "content", "file"])?
                .as_ref()
            {
                "base64" | "text" => {
                    src.req("media_type", STRING)?;
                    src.req("data", STRING)?;
                }
                "url" => _ = src.req("url", STRING)?,
                "content" => _ = src.req("content", STRING | ARRAY)?,
                _ => _ = src.req("file_id", STRING)?,
            }
            b.opt("title", STRING | NULL)?;
            b.opt("context", STRING | NULL)?;
        }
        "tool_result" => {
            b.req("tool_use_id", STRING)?;
            b.opt("is_error", BOOL)?;
            if let Some(raw) = b.opt("content", STRING | ARRAY)?
                && raw.kind() == Kind::Array
            {
                for inner in &b.objects("content")? {
                    block(inner, RESULT_BLOCKS)?;
                }
            }
        }
        _ => {
            // search_result
            b.req("source", STRING)?;
            b.req("title", STRING)?;
            b.req("content", ARRAY)?;
        }
    }
    Ok(())
}

fn control_request(top: &Fields<'_>) -> Result<(), String> {
    top.req("request_id", STRING)?;
    let request = top.req_obj("request")?;
    let subtype = request.req_str("subtype")?;
    let Some(row) = REQUESTS.iter().find(|r| r.subtype == subtype) else {
        let mut known: Vec<&str> = REQUESTS
            .iter()
            .filter(|r| r.sender == Sender::Host)
            .map(|r| r.subtype)
            .collect();
        known.sort_unstable();
        return Err(request.at(
            "subtype",
            format_args!("is {}, expected one of {}", quote(&subtype), list(&known)),
        ));
    };
    if row.sender == Sender::Cli {
        return Err(request.at(
            "subtype",
            format_args!(
                "is {}, a request the CLI sends, not one it reads",
                quote(&subtype)
            ),
        ));
    }
    request.fields(row.required, row.optional, true)
}

/// Keys that only a permission answer carries: a success response that has
/// one is checked as a permission answer.
const PERMISSION_KEYS: &[&str] = &[
    "behavior",
    "behaviour",
    "updatedInput",
    "updatedPermissions",
];

fn control_response(top: &Fields<'_>) -> Result<(), String> {
    let response = top.req_obj("response")?;
    let subtype = response.req_one_of("subtype", &["success", "error"])?;
    response.req("request_id", STRING)?;
    if subtype == "error" {
        response.req("error", STRING)?;
        return Ok(());
    }
    let Some(answer) = response.opt_obj("response")? else {
        return Ok(());
    };
    if !PERMISSION_KEYS.iter().any(|k| answer.get(k).is_some()) {
        return Ok(());
    }
    let behaviors: Vec<&str> = PERMISSION_RESULTS.iter().map(|p| p.behavior).collect();
    if answer.get("behavior").is_none() && answer.get("behaviour").is_some() {
        return Err(answer.at(
            "behavior",
            format_args!(
                "is missing (\"behaviour\" is not read), expected {}",
                list(&behaviors)
            ),
        ));
    }
    let behavior = answer.req_one_of("behavior", &behaviors)?;
    let Some(result) = PERMISSION_RESULTS.iter().find(|p| p.behavior == behavior) else {
        return Ok(());
    };
    answer.fields(result.required, result.optional, true)
}
