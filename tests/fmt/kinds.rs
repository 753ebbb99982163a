//! Every kind of the protocol table, shown from a sample line of its own:
//! each user-visible kind as one line that says what happened (warnings
//! yellow, losses and refusals red), noise hidden.

use ccpipe::protocol::table::MESSAGES;
use serde_json::{Value, json};

use super::fmt;

/// How a sample's line is coloured with `--color always`.
#[derive(Clone, Copy, Debug)]
enum Colour {
    /// Nothing shown at all.
    Hidden,
    Dim,
    Yellow,
    Red,
    /// Another style (text, headers, footers, prompts): not checked.
    Other,
}

use Colour::{Dim, Hidden, Other, Red, Yellow};

fn samples() -> Vec<(Value, &'static str, Colour)> {
    let s = |v: Value| {
        let mut v = v;
        v["uuid"] = json!("u1");
        v["session_id"] = json!("s1");
        v
    };
    vec![
        (
            s(
                json!({"type":"assistant","message":{"id":"m","role":"assistant","content":[{"type":"text","text":"hello"}]},"parent_tool_use_id":null}),
            ),
            "hello\n",
            Other,
        ),
        (
            s(
                json!({"type":"user","message":{"role":"user","content":"from the CLI"},"parent_tool_use_id":null}),
            ),
            "❯ from the CLI\n",
            Dim,
        ),
        (
            s(
                json!({"type":"user","message":{"role":"user","content":"fix it"},"parent_tool_use_id":null,"isReplay":true}),
            ),
            "❯ fix it\n",
            Other,
        ),
        (
            s(
                json!({"type":"result","subtype":"success","is_error":false,"num_turns":1,"duration_ms":50,"duration_api_ms":40,"result":"ok","stop_reason":"end_turn","total_cost_usd":0.5,"usage":{"input_tokens":1,"output_tokens":2},"modelUsage":{},"permission_denials":[],"terminal_reason":"completed"}),
            ),
            "✓ success · 1 turn · 50ms · 1 in / 2 out tokens · session total $0.5000\n",
            Other,
        ),
        (
            s(
                json!({"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":9,"errors":["Reached maximum number of turns (9)"],"terminal_reason":"max_turns","structured_output":{"a":1}}),
            ),
            "✗ failure (error_max_turns) · Reached maximum number of turns (9) · stopped: max_turns · 9 turns · structured output\n",
            Red,
        ),
        (
            s(
                json!({"type":"system","subtype":"init","model":"m","cwd":"/w","permissionMode":"default"}),
            ),
            "── m · /w · session s1 · permission mode default\n\
             ⚠ input ended before the session's result\n",
            Other,
        ),
        (
            s(
                json!({"type":"stream_event","event":{"type":"message_stop"},"parent_tool_use_id":null}),
            ),
            "",
            Hidden,
        ),
        (
            s(
                json!({"type":"system","subtype":"compact_boundary","compact_metadata":{"trigger":"auto","pre_tokens":120000}}),
            ),
            "· conversation compacted (auto, 120,000 tokens before)\n",
            Dim,
        ),
        (
            s(json!({"type":"system","subtype":"status","status":null,"permissionMode":"plan"})),
            "· permission mode plan\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"status","status":null,"compact_result":"failed","compact_error":"prompt too long"}),
            ),
            "✗ compaction failed: prompt too long\n",
            Red,
        ),
        (
            s(json!({"type":"system","subtype":"status","status":"requesting"})),
            "",
            Hidden,
        ),
        (
            s(
                json!({"type":"system","subtype":"api_retry","attempt":2,"max_retries":10,"retry_delay_ms":1200,"error_status":529,"error":"overloaded"}),
            ),
            "⚠ API retry 2/10 in 1.2s: overloaded (HTTP 529)\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"system","subtype":"control_request_progress","request_id":"r1","status":"api_retry","attempt":2}),
            ),
            "⚠ request r1 retrying (attempt 2)\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"system","subtype":"model_refusal_fallback","trigger":"refusal","direction":"retry","original_model":"opus","fallback_model":"sonnet","request_id":null,"content":"x"}),
            ),
            "⚠ opus refused; sonnet takes over (retry)\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"system","subtype":"model_refusal_no_fallback","original_model":"opus","request_id":null,"content":"I can't help with that."}),
            ),
            "✗ opus refused: I can't help with that.\n",
            Red,
        ),
        (
            s(
                json!({"type":"system","subtype":"local_command_output","content":"Set model to sonnet"}),
            ),
            "· Set model to sonnet\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"hook_started","hook_id":"h","hook_name":"PreToolUse:Bash","hook_event":"PreToolUse"}),
            ),
            "· hook PreToolUse:Bash started\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"hook_progress","hook_id":"h","hook_name":"PreToolUse:Bash","hook_event":"PreToolUse","stdout":"checking\n","stderr":"","output":""}),
            ),
            "· hook PreToolUse:Bash: checking\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"hook_response","hook_id":"h","hook_name":"PreToolUse:Bash","hook_event":"PreToolUse","output":"","stdout":"","stderr":"blocked by policy","outcome":"error","exit_code":2}),
            ),
            "⚠ hook PreToolUse:Bash failed (exit 2): blocked by policy\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"system","subtype":"plugin_install","status":"failed","name":"lint","error":"404"}),
            ),
            "⚠ plugin lint failed to install: 404\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"tool_progress","tool_use_id":"t","tool_name":"Bash","parent_tool_use_id":null,"elapsed_time_seconds":3}),
            ),
            "",
            Hidden,
        ),
        (
            s(
                json!({"type":"auth_status","isAuthenticating":false,"output":[],"error":"token expired"}),
            ),
            "✗ authentication failed: token expired\n",
            Red,
        ),
        (
            s(
                json!({"type":"system","subtype":"task_notification","task_id":"t1","status":"failed","output_file":"","summary":"Run the tests"}),
            ),
            "· task failed: Run the tests\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"system","subtype":"task_started","task_id":"t1","description":"Run the tests","task_type":"local_bash"}),
            ),
            "· task started: Run the tests (local_bash)\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"task_updated","task_id":"t1","patch":{"status":"killed"}}),
            ),
            "· task t1 killed\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"task_progress","task_id":"t1","description":"Explore","usage":{},"last_tool_name":"Read"}),
            ),
            "· task Explore: using Read\n",
            Dim,
        ),
        (
            s(json!({"type":"system","subtype":"background_tasks_changed","tasks":[]})),
            "",
            Hidden,
        ),
        (
            s(
                json!({"type":"system","subtype":"thinking_tokens","estimated_tokens":10,"estimated_tokens_delta":2}),
            ),
            "",
            Hidden,
        ),
        (
            s(json!({"type":"system","subtype":"session_state_changed","state":"idle"})),
            "",
            Hidden,
        ),
        (
            s(json!({"type":"system","subtype":"worker_shutting_down","reason":"idle timeout"})),
            "⚠ worker shutting down: idle timeout\n",
            Yellow,
        ),
        (
            s(json!({"type":"system","subtype":"commands_changed","commands":[]})),
            "",
            Hidden,
        ),
        (
            s(
                json!({"type":"system","subtype":"notification","key":"k","text":"Context is low","priority":"high"}),
            ),
            "⚠ Context is low\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"system","subtype":"files_persisted","files":[],"failed":[{"filename":"a.txt","error":"quota"}],"processed_at":"now"}),
            ),
            "⚠ 1 files not persisted: a.txt\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"tool_use_summary","summary":"Read 3 files","preceding_tool_use_ids":[]}),
            ),
            "· summary: Read 3 files\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"memory_recall","mode":"select","memories":[{"path":"a","scope":"team"},{"path":"b","scope":"team"}]}),
            ),
            "· recalled 2 memories (select)\n",
            Dim,
        ),
        (
            s(
                json!({"type":"rate_limit_event","rate_limit_info":{"status":"allowed_warning","rateLimitType":"five_hour","utilization":0.85,"resetsAt":1_795_000_000}}),
            ),
            "⚠ five hour rate limit nearly reached, 85% used, resets 2026-11-18 11:06 UTC\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"rate_limit_event","rate_limit_info":{"status":"rejected","rateLimitType":"seven_day","resetsAt":1_795_000_000}}),
            ),
            "✗ seven day rate limit reached: requests refused, resets 2026-11-18 11:06 UTC\n",
            Red,
        ),
        (
            s(json!({"type":"rate_limit_event","rate_limit_info":{"status":"allowed"}})),
            "",
            Hidden,
        ),
        (
            s(
                json!({"type":"system","subtype":"elicitation_complete","mcp_server_name":"github","elicitation_id":"e1"}),
            ),
            "· MCP server github: elicitation e1 complete\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"permission_denied","tool_name":"Write","tool_use_id":"t9","message":"Permission to use Write has been denied."}),
            ),
            "✗ denied Write: Permission to use Write has been denied.\n",
            Red,
        ),
        (
            s(json!({"type":"prompt_suggestion","suggestion":"run the tests"})),
            "· suggested next prompt: run the tests\n",
            Dim,
        ),
        (
            s(json!({"type":"system","subtype":"mirror_error","error":"EACCES","key":{}})),
            "⚠ transcript mirror failed: EACCES\n",
            Yellow,
        ),
        (
            s(
                json!({"type":"system","subtype":"informational","content":"Auto-update failed","level":"warning"}),
            ),
            "⚠ Auto-update failed\n",
            Yellow,
        ),
        (
            s(json!({"type":"conversation_reset","new_conversation_id":"c2","trigger":"clear"})),
            "· conversation reset (clear): a new conversation starts\n",
            Dim,
        ),
        (
            s(
                json!({"type":"system","subtype":"session_writes_lost","error_code":"ENOSPC","lost":["transcript"]}),
            ),
            "✗ the session is not being saved (ENOSPC): transcript lost\n",
            Red,
        ),
        (
            s(
                json!({"type":"active_goal","value":{"condition":"the tests pass","iterations":2,"set_at":0,"tokens_at_start":0}}),
            ),
            "· goal: the tests pass (iteration 2)\n",
            Dim,
        ),
        (
            json!({"type":"control_response","response":{"subtype":"success","request_id":"abc"}}),
            "· control_response ok (request abc)\n",
            Dim,
        ),
        (
            json!({"type":"control_request","request_id":"abc","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"touch x"},"tool_use_id":"t1","permission_suggestions":[{"type":"addRules","behavior":"allow","destination":"localSettings","rules":[{"toolName":"Bash","ruleContent":"touch x *"}]}]}}),
            "? #1 Bash(touch x)   /allow 1 · /deny 1 reason\n    always allow: touch x *\n",
            Yellow,
        ),
        (
            json!({"type":"control_cancel_request","request_id":"abc"}),
            "· request abc withdrawn\n",
            Dim,
        ),
        (json!({"type":"keep_alive"}), "", Hidden),
        (
            s(
                json!({"type":"command_lifecycle","command_uuid":"11111111-2222","state":"cancelled"}),
            ),
            "✗ message cancelled (11111111)\n",
            Red,
        ),
        (
            s(json!({"type":"command_lifecycle","command_uuid":"11111111-2222","state":"queued"})),
            "",
            Hidden,
        ),
        (
            json!({"type":"transcript_mirror","filePath":"/x","entries":[]}),
            "",
            Hidden,
        ),
    ]
}

#[test]
fn every_kind_shows_as_one_line_that_says_what_happened() {
    for (sample, want, colour) in samples() {
        let line = sample.to_string();
        let r = fmt(&["--color", "never"], &line);
        assert_eq!(r.code, 0, "{line}: {}", r.err);
        assert_eq!(r.out, want, "{line}");
        let r = fmt(&["--color", "always"], &line);
        let sgr = match colour {
            Hidden => {
                assert_eq!(r.out, "", "{line}");
                continue;
            }
            Dim => "\x1b[2m",
            Yellow => "\x1b[33m",
            Red => "\x1b[31m",
            Other => continue,
        };
        assert!(r.out.starts_with(sgr), "{colour:?} for {line}: {:?}", r.out);
    }
}

#[test]
fn every_kind_of_the_protocol_table_has_a_sample() {
    let samples = samples();
    for kind in MESSAGES {
        let covered = samples.iter().any(|(v, _, _)| {
            v["type"] == kind.ty
                && (kind.subtypes.is_empty() || kind.subtypes.iter().any(|s| v["subtype"] == *s))
                && kind.when.is_none_or(|field| v.get(field).is_some())
        });
        assert!(
            covered,
            "no sample for {} {:?} ({})",
            kind.ty, kind.subtypes, kind.sdk
        );
    }
}
