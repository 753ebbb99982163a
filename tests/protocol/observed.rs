//! What the generator cannot read in `sdk.d.ts`, observed on the real CLI
//! (2.1.332, and 2.1.197 for the oldest supported): which side sends each
//! control request, the kinds of line the CLI writes outside the SDK's
//! union, the input kinds its stdin reads, and SDK-required fields the CLI
//! does not always send. Each entry says where it was seen.

use std::fmt::Write;

/// Control requests the CLI sends to its host; every other subtype of
/// `SDKControlRequestInner` goes from the host to the CLI.
pub const CLI_SENDS: &[&str] = &[
    "can_use_tool",        // --permission-prompt-tool stdio (fixture permission-*.jsonl)
    "hook_callback",       // `initialize` with `hooks` (fixture hook-callback.jsonl)
    "mcp_message",         // an SDK-hosted MCP server
    "elicitation",         // an MCP server asks the user
    "request_user_dialog", // a dialog the host declared it renders
];

/// Fields that `sdk.d.ts` declares required but the CLI leaves out of some
/// lines, by SDK type name; they are checked as optional.
pub fn relaxed(sdk_type: &str) -> &'static [&'static str] {
    RELAXED
        .iter()
        .find(|(name, _)| *name == sdk_type)
        .map_or(&[], |(_, fields)| fields)
}

const RELAXED: &[(&str, &[&str])] = &[];

/// Kinds the CLI writes on stdout that `StdoutMessage` does not list
/// (the CLI's own schema marks them internal).
pub fn extra_events(w: &mut String) {
    let _ = w.write_str(
        r#"    // Observed outside the SDK's union: one per input message that carries a `uuid`.
    Message {
        sdk: "observed",
        ty: "command_lifecycle",
        subtypes: &[],
        when: None,
        required: &[f("command_uuid", STRING), e("state", STRING, &["cancelled", "completed", "discarded", "queued", "refused", "started"]), f("uuid", STRING), f("session_id", STRING)],
        optional: &[f("wakeup_source", STRING), f("scheduled_for", NUMBER), f("ran_ahead", BOOL)],
    },
    // Observed outside the SDK's union: a copy of transcript entries.
    Message {
        sdk: "observed",
        ty: "transcript_mirror",
        subtypes: &[],
        when: None,
        required: &[f("filePath", STRING), f("entries", ARRAY)],
        optional: &[],
    },
"#,
    );
}

/// The kinds of line the CLI's stdin reads besides user messages and the
/// control frames (which have rules of their own).
pub fn input_kinds(w: &mut String) {
    let _ = w.write_str(
        r#"/// Kinds of input line the CLI reads besides `user`, `control_request` and
/// `control_response` (observed: its stdin accepts them on 2.1.332).
pub const INPUT_KINDS: &[Message] = &[
    Message {
        sdk: "observed",
        ty: "keep_alive",
        subtypes: &[],
        when: None,
        required: &[],
        optional: &[],
    },
    Message {
        sdk: "SDKControlCancelRequest",
        ty: "control_cancel_request",
        subtypes: &[],
        when: None,
        required: &[f("request_id", STRING)],
        optional: &[],
    },
    // Pushes new values (a refreshed token) into a running session.
    Message {
        sdk: "observed",
        ty: "update_environment_variables",
        subtypes: &[],
        when: None,
        required: &[f("variables", OBJECT)],
        optional: &[f("request_id", STRING)],
    },
    // Runs a shell command beside the conversation, without the model.
    Message {
        sdk: "observed",
        ty: "bash_command",
        subtypes: &[],
        when: None,
        required: &[f("command", STRING)],
        optional: &[f("uuid", STRING)],
    },
    Message {
        sdk: "observed",
        ty: "assistant",
        subtypes: &[],
        when: None,
        required: &[f("message", OBJECT)],
        optional: &[f("parent_tool_use_id", STRING | NULL), f("uuid", STRING), f("session_id", STRING)],
    },
    Message {
        sdk: "observed",
        ty: "system",
        subtypes: &[],
        when: None,
        required: &[],
        optional: &[f("subtype", STRING), f("uuid", STRING), f("session_id", STRING)],
    },
    Message {
        sdk: "observed",
        ty: "queued_notification",
        subtypes: &[],
        when: None,
        required: &[f("notification", OBJECT)],
        optional: &[],
    },
    Message {
        sdk: "observed",
        ty: "session_notice",
        subtypes: &[],
        when: None,
        required: &[f("uuid", STRING), f("notice_class", STRING), f("content", STRING)],
        optional: &[f("from_session_id", STRING), f("session_id", STRING)],
    },
    Message {
        sdk: "observed",
        ty: "workflow_launch",
        subtypes: &[],
        when: None,
        required: &[],
        optional: &[],
    },
];
"#,
    );
}
