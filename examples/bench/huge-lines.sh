#!/usr/bin/env bash
# Huge-line memory benchmark (issue 10): peak RSS of every stage on ONE event
# line of 256 MiB, a realistic one: a `user` event carrying a tool_result
# whose content string is 256 MiB of test output with escapes (\n, \t) and
# non-ASCII text in it, in two layouts: `type` first (as the CLI writes it),
# and the big field before `type`; and an `assistant` event whose one text
# block is that string (cc-fmt shows a tool result cut, but a text whole).
# Prints each stage's peak RSS in MiB and as a ratio to the line's size;
# the issue's target is at most about 1.25x.
#
# Usage: examples/bench/huge-lines.sh [SIZE_MIB]     (default 256)
# Peak RSS is /usr/bin/time -v's "Maximum resident set size" of the stage
# (for cc-run: the largest of cc-run and its children; the fake claude is a
# shell running cat). Every stage reads a pipe, writes to a pipe into wc -c.
set -euo pipefail
cd "$(dirname "$0")/../.."

mib=${1:-256}
# The same build as the other scripts (the example pulls in dev-dependency
# features; building without it would rebuild every binary).
cargo build --release --quiet --bins --example gen_session
bin=$PWD/target/release
[[ -x /usr/bin/time ]] || { echo "huge-lines.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 64 bytes of tool output, escapes included; 2^N MiB of it, whole copies only.
chunk='test result: ok. 42 passed; 0 failed\n    Finished in 0.31s\té '
[[ $(printf '%s' "$chunk" | wc -c) -eq 64 ]] || { echo "huge-lines.sh: chunk is not 64 bytes" >&2; exit 2; }
body() (
    set +o pipefail # yes and tr end on SIGPIPE when head has enough
    yes "$chunk" | tr -d '\n' | head -c $((mib << 20))
)
ids='"parent_tool_use_id":null,"session_id":"3c7a351e-e406-47e8-b722-4221e133e6da","uuid":"0b7f4f0e-5d2c-4c55-a2a4-6f0e1c0a9d11","timestamp":"2026-11-22T02:25:21.272Z"'
{
    printf '%s' '{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_01","type":"tool_result","content":"'
    body
    printf '%s\n' '","is_error":false}]},'"$ids}"
} > "$work/type-first.jsonl"
{
    printf '%s' '{"message":{"role":"user","content":[{"tool_use_id":"toolu_01","type":"tool_result","content":"'
    body
    printf '%s\n' '","is_error":false}]},"type":"user",'"$ids}"
} > "$work/type-last.jsonl"
{
    printf '%s' '{"type":"assistant","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-opus-5-5","content":[{"type":"text","text":"'
    body
    printf '%s\n' '"}],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}},'"$ids}"
} > "$work/assistant-text.jsonl"
line=$(stat -c %s "$work/type-first.jsonl")

# A fake claude that prints the big line, then a result, then drains stdin.
cat > "$work/fake-claude" << EOF
#!/bin/sh
cat "\$BIG_LINE"
printf '%s\n' '{"type":"result","subtype":"success","is_error":false,"api_error_status":null,"num_turns":1,"result":"done","session_id":"s"}'
cat > /dev/null
EOF
chmod +x "$work/fake-claude"

echo "one line of $line bytes ($mib MiB content string); $(nproc) cores, $(free -g | awk "/Mem:/ { print \$7 }") GiB available; load average $(cut -d" " -f1-3 /proc/loadavg)"
fmt='%-24s %-14s %10s %8s %6s %7s %14s\n'
printf "$fmt" stage layout 'peak MiB' 'x line' status seconds 'bytes out'

# measure LABEL LAYOUT CMD...: `cat FILE | CMD | wc -c`, once; with
# STDIN=/dev/null, `CMD < /dev/null | wc -c` (the line reaches cc-run from its child).
measure() {
    local label=$1 layout=$2 t0 t1 kb out status
    shift 2
    export BIG_LINE=$work/$layout.jsonl
    t0=$EPOCHREALTIME
    out=$(cat "${STDIN:-$BIG_LINE}" | /usr/bin/time -v -o "$work/time" "$@" 2> "$work/stderr" | wc -c) || true
    t1=$EPOCHREALTIME
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
    # time -v writes "Command exited with non-zero status N" for failures.
    status=$(awk '/exited with non-zero status/ { s = $NF } END { print s + 0 }' "$work/time")
    printf "$fmt" "$label" "$layout" "$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')" \
        "$(awk -v k="$kb" -v l="$(stat -c %s "$BIG_LINE")" 'BEGIN { printf "%.2f", k * 1024 / l }')" "$status" \
        "$(awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.2f", z - a }')" "$out"
    if [[ $status != 0 ]]; then
        echo "  stderr: $(head -c 300 "$work/stderr")"
    fi
}

for layout in type-first type-last assistant-text; do
    measure "cat" "$layout" cat
    measure "cc-check --output" "$layout" "$bin/cc-check" --output
    measure "cc-fmt --color never" "$layout" "$bin/cc-fmt" --color never
    measure "cc-replay --no-delay" "$layout" "$bin/cc-replay" --no-delay
    rm -f "$work/fifo"
    measure "cc-steer FIFO" "$layout" "$bin/cc-steer" --exit-with-stdin "$work/fifo"
    STDIN=/dev/null measure "cc-run (fake claude)" "$layout" "$bin/cc-run" --claude "$work/fake-claude" --prompt hi
    measure "cc-filter .type" "$layout" "$bin/cc-filter" .type
    measure "cc-filter ." "$layout" "$bin/cc-filter" .
done
echo
echo "x line: peak RSS / the layout's line size (about $line bytes). bytes out: what the stage wrote (wc -c)."
echo "cc-run reads /dev/null: the big line comes from its child (a shell that cats it), then a result."
