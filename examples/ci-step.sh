#!/usr/bin/env bash
# A CI log step: run one prompt with Claude Code, keep the raw session as a
# log, print a readable transcript and a one-line summary, and fail the step
# with cc-run's exit status (README: "Exit status") when the session fails.
#
# Usage: examples/ci-step.sh PROMPT [CLAUDE_ARGS...]
#   CCPIPE_SESSION_LOG  where the raw stream-json goes (default claude-session.jsonl)
#   CCPIPE_TIMEOUT      how long the session may take (default 30m)
#   GITHUB_STEP_SUMMARY where GitHub Actions takes a job summary: when set, the
#                       session is appended to it as Markdown (cc-fmt --style markdown)
set -uo pipefail
prompt=${1:?usage: ci-step.sh PROMPT [CLAUDE_ARGS...]}
shift
log=${CCPIPE_SESSION_LOG:-claude-session.jsonl}

cc-run --timeout "${CCPIPE_TIMEOUT:-30m}" --prompt "$prompt" -- "$@" < /dev/null \
    | tee -i "$log" \
    | cc-fmt --color never
status=${PIPESTATUS[0]}

cc-fmt --style summary "$log"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cc-fmt --style markdown "$log" >> "$GITHUB_STEP_SUMMARY"
fi
if [ "$status" -ne 0 ]; then
    echo "ci-step: claude session failed (cc-run exit status $status); raw log in $log" >&2
fi
exit "$status"
