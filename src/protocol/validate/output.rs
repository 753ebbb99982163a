//! Rules for the CLI's stdout events: the types of `SDKMessage` (agent SDK
//! `sdk.d.ts`) plus the control and keep-alive frames. A field is required
//! only when the SDK declares it required and the real CLI sends it in every
//! fixture; other known fields are type-checked when present. Unknown types
//! and subtypes are [`Verdict::Unknown`], never errors.

use super::Verdict;
use super::view::{Fields, Want, quote};

/// The required and optional fields of one known kind of event.
pub(super) struct Shape {
    pub name: &'static str,
    pub required: &'static [(&'static str, Want)],
    pub optional: &'static [(&'static str, Want)],
}

use Want::*;

/// Fields every SDK message (not the control frames) carries.
const IDS: &[(&str, Want)] = &[("uuid", Str), ("session_id", Str)];

pub(super) fn check(mut top: Fields<'_>) -> Result<Verdict, String> {
    let ty = top.req_str("type")?;
    let shape = match ty.as_ref() {
        "assistant" => return assistant(top),
        "user" => return user(top),
        "stream_event" => return stream_event(top),
        "result" => return result(top),
        "system" => return system(top),
        "control_request" => return control_request(top),
        "control_response" => return control_response(top),
        "keep_alive" => return Ok(Verdict::Known),
        "control_cancel_request" => shape("control_cancel_request", &[("request_id", Str)], &[]),
        "auth_status" => shape(
            "auth_status",
            &[("isAuthenticating", Bool), ("output", Arr)],
            &[("error", Str)],
        ),
        "tool_progress" => shape(
            "tool_progress",
            &[
                ("tool_use_id", Str),
                ("tool_name", Str),
                ("parent_tool_use_id", StrOrNull),
                ("elapsed_time_seconds", Num),
            ],
            &[("task_id", Str)],
        ),
        "tool_use_summary" => shape(
            "tool_use_summary",
            &[("summary", Str), ("preceding_tool_use_ids", Arr)],
            &[],
        ),
        "rate_limit_event" => shape("rate_limit_event", &[("rate_limit_info", Obj)], &[]),
        "prompt_suggestion" => shape("prompt_suggestion", &[("suggestion", Str)], &[]),
        "conversation_reset" => shape("conversation_reset", &[("new_conversation_id", Str)], &[]),
        "active_goal" => shape("active_goal", &[("value", ObjOrNull)], &[]),
        other => return Ok(Verdict::Unknown(format!("unknown type {}", quote(other)))),
    };
    top.kind = shape.name;
    top.table(IDS, &[])?;
    top.table(shape.required, shape.optional)?;
    Ok(Verdict::Known)
}

pub(super) const fn shape(
    name: &'static str,
    required: &'static [(&'static str, Want)],
    optional: &'static [(&'static str, Want)],
) -> Shape {
    Shape {
        name,
        required,
        optional,
    }
}

fn assistant(mut top: Fields<'_>) -> Result<Verdict, String> {
    top.kind = "assistant message";
    top.table(
        &[
            ("message", Obj),
            ("parent_tool_use_id", StrOrNull),
            ("uuid", Str),
            ("session_id", Str),
        ],
        &[("error", Str), ("request_id", Str), ("timestamp", Str)],
    )?;
    let message = top.req_obj("message")?;
    message.req_one_of("role", &["assistant"])?;
    message.req("content", Arr)?;
    for block in message.objects("content")? {
        block.req("type", Str)?;
    }
    Ok(Verdict::Known)
}

fn user(mut top: Fields<'_>) -> Result<Verdict, String> {
    top.kind = "user message";
    let replay = top.opt("isReplay", Bool)?.is_some();
    let ids: &[(&str, Want)] = if replay { IDS } else { &[] };
    top.table(
        ids,
        &[
            ("uuid", Str),
            ("session_id", Str),
            ("isSynthetic", Bool),
            ("timestamp", Str),
        ],
    )?;
    top.req("parent_tool_use_id", StrOrNull)?;
    top.opt_one_of("priority", &["now", "next", "later"])?;
    let message = top.req_obj("message")?;
    message.req_one_of("role", &["user"])?;
    if message.req("content", StrOrArr)?.kind() == super::view::Kind::Array {
        for block in message.objects("content")? {
            block.req("type", Str)?;
        }
    }
    Ok(Verdict::Known)
}

fn stream_event(mut top: Fields<'_>) -> Result<Verdict, String> {
    top.kind = "stream_event";
    top.table(
        &[
            ("event", Obj),
            ("parent_tool_use_id", StrOrNull),
            ("uuid", Str),
            ("session_id", Str),
        ],
        &[("ttft_ms", Num)],
    )?;
    top.req_obj("event")?.req("type", Str)?;
    Ok(Verdict::Known)
}

fn result(mut top: Fields<'_>) -> Result<Verdict, String> {
    top.kind = "result";
    // The HTTP 400 fixture is `subtype: "success"` with `is_error: true`, so
    // the subtype says nothing about the other fields.
    top.table(
        &[
            ("subtype", Str),
            ("is_error", Bool),
            ("duration_ms", Num),
            ("num_turns", Num),
            ("session_id", Str),
        ],
        &[
            ("uuid", Str),
            ("duration_api_ms", Num),
            ("result", Str),
            ("total_cost_usd", Num),
            ("usage", Obj),
            ("modelUsage", Obj),
            ("permission_denials", Arr),
            ("api_error_status", NumOrNull),
            ("stop_reason", StrOrNull),
            ("errors", Arr),
            ("terminal_reason", Str),
        ],
    )?;
    Ok(Verdict::Known)
}

fn system(mut top: Fields<'_>) -> Result<Verdict, String> {
    top.kind = "system";
    let subtype = top.req_str("subtype")?;
    let Some(shape) = super::system::shape_of(&subtype) else {
        return Ok(Verdict::Unknown(format!(
            "unknown system subtype {}",
            quote(&subtype)
        )));
    };
    top.kind = shape.name;
    top.table(IDS, &[])?;
    top.table(shape.required, shape.optional)?;
    Ok(Verdict::Known)
}

fn control_request(mut top: Fields<'_>) -> Result<Verdict, String> {
    top.kind = "control_request";
    top.req("request_id", Str)?;
    let request = top.req_obj("request")?;
    if request.req_str("subtype")? == "can_use_tool" {
        request.table(
            &[("tool_name", Str), ("input", Obj)],
            &[("tool_use_id", Str)],
        )?;
    }
    Ok(Verdict::Known)
}

fn control_response(mut top: Fields<'_>) -> Result<Verdict, String> {
    top.kind = "control_response";
    let response = top.req_obj("response")?;
    if response.req_one_of("subtype", &["success", "error"])? == "error" {
        response.req("error", Str)?;
    }
    response.req("request_id", Str)?;
    Ok(Verdict::Known)
}
