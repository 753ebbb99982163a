//! Rules for the CLI's stdout events: the types of `SDKMessage` (agent SDK
//! `sdk.d.ts`) plus the control and keep-alive frames. A field is required
//! only when the SDK declares it required and the real CLI sends it in every
//! fixture; other known fields are type-checked when present. Unknown types
//! and subtypes are [`Verdict::Unknown`], never errors.

use super::Verdict;
use super::view::{Fields, Want, quote};

/// The required and optional fields of one known kind of event.
struct Shape {
    name: &'static str,
    required: &'static [(&'static str, Want)],
    optional: &'static [(&'static str, Want)],
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

const fn shape(
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
    let Some(shape) = system_shape(&subtype) else {
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

fn system_shape(subtype: &str) -> Option<Shape> {
    Some(match subtype {
        "init" => shape(
            "system/init",
            &[
                ("cwd", Str),
                ("model", Str),
                ("tools", Arr),
                ("mcp_servers", Arr),
                ("permissionMode", Str),
                ("slash_commands", Arr),
                ("apiKeySource", Str),
                ("claude_code_version", Str),
                ("output_style", Str),
                ("skills", Arr),
                ("plugins", Arr),
            ],
            &[
                ("agents", Arr),
                ("betas", Arr),
                ("capabilities", Arr),
                ("fast_mode_state", Str),
            ],
        ),
        "status" => shape(
            "system/status",
            &[("status", StrOrNull)],
            &[("permissionMode", Str)],
        ),
        "api_retry" => shape(
            "system/api_retry",
            &[
                ("attempt", Num),
                ("max_retries", Num),
                ("retry_delay_ms", Num),
                ("error_status", NumOrNull),
                ("error", Str),
            ],
            &[("no_response", Obj)],
        ),
        "thinking_tokens" => shape(
            "system/thinking_tokens",
            &[("estimated_tokens", Num), ("estimated_tokens_delta", Num)],
            &[],
        ),
        "task_started" => shape(
            "system/task_started",
            &[("task_id", Str), ("description", Str)],
            &[("tool_use_id", Str), ("task_type", Str)],
        ),
        "task_notification" => shape(
            "system/task_notification",
            &[
                ("task_id", Str),
                ("status", Str),
                ("output_file", Str),
                ("summary", Str),
            ],
            &[("tool_use_id", Str), ("usage", Obj)],
        ),
        "task_progress" => shape(
            "system/task_progress",
            &[("task_id", Str), ("description", Str), ("usage", Obj)],
            &[("tool_use_id", Str)],
        ),
        "task_updated" => shape(
            "system/task_updated",
            &[("task_id", Str), ("patch", Obj)],
            &[],
        ),
        "compact_boundary" => shape("system/compact_boundary", &[("compact_metadata", Obj)], &[]),
        "hook_started" => shape("system/hook_started", HOOK, &[]),
        "hook_progress" => shape("system/hook_progress", HOOK, HOOK_OUTPUT),
        "hook_response" => shape("system/hook_response", HOOK, HOOK_OUTPUT),
        "notification" => shape(
            "system/notification",
            &[("key", Str), ("text", Str), ("priority", Str)],
            &[],
        ),
        "permission_denied" => shape(
            "system/permission_denied",
            &[("tool_name", Str), ("tool_use_id", Str), ("message", Str)],
            &[],
        ),
        "session_state_changed" => shape("system/session_state_changed", &[("state", Str)], &[]),
        "commands_changed" => shape("system/commands_changed", &[("commands", Arr)], &[]),
        "background_tasks_changed" => {
            shape("system/background_tasks_changed", &[("tasks", Arr)], &[])
        }
        "control_request_progress" => shape(
            "system/control_request_progress",
            &[("request_id", Str), ("status", Str)],
            &[],
        ),
        "local_command_output" => shape("system/local_command_output", &[("content", Str)], &[]),
        "informational" => shape(
            "system/informational",
            &[("content", Str), ("level", Str)],
            &[],
        ),
        "mirror_error" => shape("system/mirror_error", &[("error", Str)], &[]),
        "model_refusal_fallback" => shape(
            "system/model_refusal_fallback",
            &[
                ("original_model", Str),
                ("fallback_model", Str),
                ("request_id", StrOrNull),
            ],
            &[],
        ),
        "model_refusal_no_fallback" => shape(
            "system/model_refusal_no_fallback",
            &[
                ("original_model", Str),
                ("request_id", StrOrNull),
                ("content", Str),
            ],
            &[],
        ),
        "memory_recall" => shape("system/memory_recall", &[("mode", Str)], &[]),
        "elicitation_complete" => shape(
            "system/elicitation_complete",
            &[("mcp_server_name", Str), ("elicitation_id", Str)],
            &[],
        ),
        "plugin_install" => shape(
            "system/plugin_install",
            &[("status", Str)],
            &[("name", Str), ("error", Str)],
        ),
        "worker_shutting_down" => shape("system/worker_shutting_down", &[("reason", Str)], &[]),
        "session_writes_lost" => shape(
            "system/session_writes_lost",
            &[("error_code", Str), ("lost", Arr)],
            &[],
        ),
        "files_persisted" => shape("system/files_persisted", &[], &[]),
        _ => return None,
    })
}

const HOOK: &[(&str, Want)] = &[("hook_id", Str), ("hook_name", Str), ("hook_event", Str)];
const HOOK_OUTPUT: &[(&str, Want)] = &[("output", Str), ("stdout", Str), ("stderr", Str)];

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
