#!/usr/bin/env bash
# Save a session once, then look at it again in different ways.
# A real session comes from cc-run (`cc-run --prompt "..." > session.jsonl`);
# here the embedded demo stands in for it.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

cc-replay --demo --no-delay > "$dir/session.jsonl"
cc-check --output "$dir/session.jsonl" > /dev/null && echo "session.jsonl is valid stream-json"

echo "== the transcript, replayed 8x faster than the default pace"
cc-replay --delay 40 --speed 8 "$dir/session.jsonl" | cc-fmt --color never

echo "== only the answer, as 'claude -p' prints it"
cc-fmt --style text "$dir/session.jsonl"

echo "== one line for the CI log"
cc-fmt --style summary "$dir/session.jsonl"
