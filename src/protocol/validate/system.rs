//! The `system` events of the agent SDK's `SDKMessage`, by subtype: the
//! fields each always carries (besides `uuid` and `session_id`) and the
//! optional ones worth type-checking.

use super::output::{Shape, shape};
use super::view::Want::{self, *};

/// The shape of a known `system` subtype; `None` for one this version does not know.
pub(super) fn shape_of(subtype: &str) -> Option<Shape> {
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
