#!/usr/bin/env bash
# Output-side benchmark: throughput and peak RSS of cc-filter, cc-check and
# cc-fmt against jq, the jaq CLI (when on PATH) and cat, all reading stdin from
# a pipe, on a generated realistic session (examples/gen_session.rs).
#
# Usage: examples/bench/output-side.sh [SIZE_MB]     (default 200)
# The jaq CLI is measured when it is on PATH (cargo install jaq).
# Prints one table; ratios are against jq, jaq and cat measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."

size_mb=${1:-200}
cargo build --release --quiet --bins --example gen_session
bin=target/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file=$work/session.jsonl
"$bin/examples/gen_session" "$size_mb" > "$file"
bytes=$(stat -c %s "$file")
echo "input: $file, $((bytes / 1000000)) MB, $(wc -l < "$file") lines"
echo "machine: $(nproc) cores; jq: $(jq --version 2>/dev/null || echo none); jaq: $(jaq --version 2>/dev/null || echo none)"
echo

# measure NAME CMD...: best of 3 runs; prints MB/s and peak RSS in MiB.
declare -A speed
measure() {
    local name=$1; shift
    local best=0 rss=0 t0 t1 mbs kb
    for _ in 1 2 3; do
        t0=$EPOCHREALTIME
        cat "$file" | /usr/bin/time -f %M -o "$work/rss" "$@" > /dev/null
        t1=$EPOCHREALTIME
        mbs=$(awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.0f", b / (z - a) / 1e6 }')
        kb=$(tail -1 "$work/rss")
        (( mbs > best )) && best=$mbs
        (( kb > rss )) && rss=$kb
    done
    speed[$name]=$best
    printf '%-28s %6s MB/s %8.1f MiB' "$name" "$best" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
    # Against the references measured on the same expression (label), and cat.
    ratio "$best" "jq ${label:-}"; ratio "$best" "jaq ${label:-}"; ratio "$best" cat
    echo
}
ratio() {
    local ref=${speed[$2]:-}
    [[ -n $ref && $ref != 0 ]] && printf '  %6.2fx %s' "$(awk -v a="$1" -v b="$ref" 'BEGIN { print a / b }')" "${2%% *}"
    return 0
}

# label, then the expression; "text" runs with -r.
exprs=(
    identity '.'
    select 'select(.type=="assistant")'
    text 'select(.type=="assistant") | .message.content[] | select(.type=="text") | .text'
    projection '{type, subtype, session_id}'
)
measure cat cat
for ((i = 0; i < ${#exprs[@]}; i += 2)); do
    label=${exprs[i]} e=${exprs[i + 1]}
    raw=(); [[ $label == text ]] && raw=(-r)
    echo "# $label: ${raw[*]} $e"
    measure "jq $label" jq --unbuffered -c "${raw[@]}" "$e"
    if command -v jaq > /dev/null; then measure "jaq $label" jaq -c "${raw[@]}" "$e"; fi
    measure "cc-filter $label" "$bin/cc-filter" "${raw[@]}" "$e"
done
label=
measure "cc-filter --type assistant" "$bin/cc-filter" --type assistant
measure "cc-check --output" "$bin/cc-check" --output
measure "cc-fmt --color never" "$bin/cc-fmt" --color never

# Start-up: the mean of 200 runs of a one-event pipeline.
startup() {
    local t0 t1
    t0=$EPOCHREALTIME
    for _ in $(seq 200); do echo '{}' | "$@" > /dev/null; done
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.2f ms", (z - a) / 200 * 1000 }'
}
echo
echo "start-up, echo '{}' | X: cc-filter . $(startup "$bin/cc-filter" .), jq . $(startup jq .), cat $(startup cat)"
echo "targets: cc-filter >= 2.5x jaq per expression; --type >= 1000 MB/s; cc-check, cc-fmt >= 300 MB/s; RSS < 16 MiB; start-up < 3 ms"
