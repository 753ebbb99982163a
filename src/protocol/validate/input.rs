//! Rules for the CLI's stdin: user messages (with their content blocks),
//! `control_request`, `control_response` and `keep_alive`. Anything else is
//! refused: the CLI would drop or choke on it.

use super::view::{Fields, Kind, Want};

/// The content block types a user message may carry.
const BLOCKS: &[&str] = &["text", "image", "document", "tool_result", "search_result"];
/// The blocks a `tool_result` may hold.
const RESULT_BLOCKS: &[&str] = &["text", "image", "document", "search_result"];

pub(super) fn check(mut top: Fields<'_>) -> Result<(), String> {
    let ty = top.req_str("type")?;
    match ty.as_ref() {
        "user" => {
            top.kind = "user message";
            user(&top)
        }
        "control_request" => {
            top.kind = "control_request";
            control_request(&top)
        }
        "control_response" => {
            top.kind = "control_response";
            control_response(&top)
        }
        "keep_alive" => Ok(()),
        other => Err(format!(
            "unknown input type {} (expected \"user\", \"control_request\", \"control_response\" or \"keep_alive\")",
            super::view::quote(other)
        )),
    }
}

fn user(top: &Fields<'_>) -> Result<(), String> {
    top.table(
        &[],
        &[
            ("parent_tool_use_id", Want::StrOrNull),
            ("session_id", Want::Str),
            ("uuid", Want::Str),
            ("isSynthetic", Want::Bool),
            ("shouldQuery", Want::Bool),
            ("timestamp", Want::Str),
        ],
    )?;
    top.opt_one_of("priority", &["now", "next", "later"])?;
    let message = top.req_obj("message")?;
    message.req_one_of("role", &["user"])?;
    content(&message, BLOCKS)
}

/// `content`: a non-empty string or a non-empty array of well-formed blocks.
fn content(parent: &Fields<'_>, allowed: &[&str]) -> Result<(), String> {
    let raw = parent.req("content", Want::StrOrArr)?;
    if raw.kind() == Kind::String {
        if raw.is_empty_string() {
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
    b.opt("cache_control", Want::ObjOrNull)?;
    match ty.as_ref() {
        "text" => {
            if b.req_str("text")?.is_empty() {
                return Err(b.at("text", "is an empty string, expected some text"));
            }
            b.opt("citations", Want::Arr)?;
        }
        "image" => {
            let src = b.req_obj("source")?;
            match src.req_one_of("type", &["base64", "url", "file"])?.as_ref() {
                "base64" => {
                    src.req_one_of(
                        "media_type",
                        &["image/jpeg", "image/png", "image/gif", "image/webp"],
                    )?;
                    src.req("data", Want::Str)?;
                }
                "url" => _ = src.req("url", Want::Str)?,
                _ => _ = src.req("file_id", Want::Str)?,
            }
        }
        "document" => {
            let src = b.req_obj("source")?;
            match src
                .req_one_of("type", &["base64", "text", "url", "content", "file"])?
                .as_ref()
            {
                "base64" => src.table(&[("media_type", Want::Str), ("data", Want::Str)], &[])?,
                "text" => src.table(&[("media_type", Want::Str), ("data", Want::Str)], &[])?,
                "url" => _ = src.req("url", Want::Str)?,
                "content" => _ = src.req("content", Want::StrOrArr)?,
                _ => _ = src.req("file_id", Want::Str)?,
            }
            b.table(
                &[],
                &[("title", Want::StrOrNull), ("context", Want::StrOrNull)],
            )?;
        }
        "tool_result" => {
            b.req("tool_use_id", Want::Str)?;
            b.opt("is_error", Want::Bool)?;
            if let Some(raw) = b.opt("content", Want::StrOrArr)?
                && raw.kind() == Kind::Array
            {
                for inner in &b.objects("content")? {
                    block(inner, RESULT_BLOCKS)?;
                }
            }
        }
        _ => {
            // search_result
            b.table(
                &[
                    ("source", Want::Str),
                    ("title", Want::Str),
                    ("content", Want::Arr),
                ],
                &[],
            )?;
        }
    }
    Ok(())
}

fn control_request(top: &Fields<'_>) -> Result<(), String> {
    top.req("request_id", Want::Str)?;
    let request = top.req_obj("request")?;
    match request.req_str("subtype")?.as_ref() {
        "set_permission_mode" => _ = request.req("mode", Want::Str)?,
        "set_model" => _ = request.opt("model", Want::StrOrNull)?,
        "set_max_thinking_tokens" => _ = request.req("max_thinking_tokens", Want::NumOrNull)?,
        _ => {}
    }
    Ok(())
}

fn control_response(top: &Fields<'_>) -> Result<(), String> {
    let response = top.req_obj("response")?;
    let subtype = response.req_one_of("subtype", &["success", "error"])?;
    response.req("request_id", Want::Str)?;
    if subtype == "error" {
        response.req("error", Want::Str)?;
        return Ok(());
    }
    // A permission answer: {"behavior":"allow","updatedInput":{...}} or deny with a message.
    if let Some(answer) = response.opt_obj("response")? {
        match answer
            .opt_one_of("behavior", &["allow", "deny"])?
            .as_deref()
        {
            Some("allow") => _ = answer.opt("updatedInput", Want::Obj)?,
            Some(_) => _ = answer.opt("message", Want::Str)?,
            None => {}
        }
    }
    Ok(())
}
