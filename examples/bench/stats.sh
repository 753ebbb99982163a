#!/usr/bin/env bash
# cc-stats on a large stream: throughput and peak RSS beside cat, and the
# same totals computed with jq (examples/bench/stats.jq), whose numbers must
# agree with cc-stats'. Two inputs of SIZE_MB each, from
# examples/gen_session.rs: one long session, and eight sessions interleaved
# line by line (as `parallel --line-buffer` mixes them).
#
# Usage: examples/bench/stats.sh [SIZE_MB]     (default 1000)
# Every tool reads a pipe; best of 3 runs (jq: 1 run).
set -euo pipefail
cd "$(dirname "$0")/../.."

size_mb=${1:-1000}
cargo build --release --quiet --bins --example gen_session
bin=target/release
jqprog=examples/bench/stats.jq
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

one=$work/one.jsonl
"$bin/examples/gen_session" "$size_mb" > "$one"
# Eight sessions of SIZE/8 each, with their own ids, one line of each in turn.
part=$((size_mb / 8))
"$bin/examples/gen_session" "$part" > "$work/part"
id=$(head -1 "$work/part" | jq -r .session_id)
parts=()
for n in 1 2 3 4 5 6 7 8; do
    sed "s/$id/${id%????}000$n/g" "$work/part" > "$work/part$n"
    parts+=("$work/part$n")
done
paste -d '\n' "${parts[@]}" > "$work/eight.jsonl"
rm "$work"/part*

echo "machine: $(nproc) cores; $(jq --version)"

# run RUNS NAME FILE CMD...: the best time of RUNS runs of CMD reading FILE
# from a pipe; MB/s and the highest peak RSS.
run() {
    local runs=$1 name=$2 file=$3; shift 3
    local bytes t0 t1 best=0 rss=0 kb
    bytes=$(stat -c %s "$file")
    for ((i = 0; i < runs; i++)); do
        t0=$EPOCHREALTIME
        cat "$file" | /usr/bin/time -f %M -o "$work/rss" "$@" > "$work/out" || true
        t1=$EPOCHREALTIME
        best=$(awk -v a="$t0" -v z="$t1" -v b="$best" 'BEGIN { t = z - a; print (b == 0 || t < b) ? t : b }')
        kb=$(tail -1 "$work/rss")
        (( kb > rss )) && rss=$kb
    done
    awk -v b="$bytes" -v t="$best" -v k="$rss" -v n="$name" \
        'BEGIN { printf "  %-28s %7.1f s %7.0f MB/s %8.1f MiB\n", n, t, b / t / 1e6, k / 1024 }'
}

for input in one eight; do
    file=$work/$input.jsonl
    echo
    echo "$input: $(($(stat -c %s "$file") / 1000000)) MB, $(wc -l < "$file") lines"
    run 3 cat "$file" cat
    run 3 "cc-stats (table)" "$file" "$bin/cc-stats" --color never
    run 3 "cc-stats --json" "$file" "$bin/cc-stats" --json
    cp "$work/out" "$work/cc.json"
    run 1 "jq -n -f stats.jq" "$file" jq -n -f "$jqprog"
    cp "$work/out" "$work/jq.json"
    # The figures jq computes, from cc-stats' report; cost compared to 1e-9.
    if jq -e -n --slurpfile a "$work/cc.json" --slurpfile b "$work/jq.json" '
        ($a[0] | del(.errors, .per_session)) as $x | $b[0] as $y
        | ($x.cost_usd - $y.cost_usd | fabs) < 1e-9
          and ($x | del(.cost_usd)) == ($y | del(.cost_usd))' > /dev/null; then
        echo "  jq and cc-stats agree: $(jq -c '{sessions, results, turns, cost_usd, tokens}' "$work/cc.json")"
    else
        echo "  MISMATCH between jq and cc-stats:"
        diff <(jq -S 'del(.errors, .per_session)' "$work/cc.json") <(jq -S . "$work/jq.json") || true
    fi
done
