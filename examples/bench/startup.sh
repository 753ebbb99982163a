#!/usr/bin/env bash
# Start-up benchmark (issue 10): mean wall time of `echo '{}' | X .` for
# cc-filter, cat, and the references found ($JQ, $JAQ, $GOJQ or PATH), over
# RUNS runs (default 1000). With hyperfine on PATH: hyperfine's mean (it
# subtracts the cost of the shell that runs the pipeline); else a bash loop
# (whose figures include a fork of the pipeline per run: compare to cat's).
#
# Usage: examples/bench/startup.sh [RUNS]      (LOOP=1: the bash loop even with hyperfine)
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${1:-1000}
# The same build as the other scripts (the example pulls in dev-dependency
# features; building without it would rebuild every binary).
cargo build --release --quiet --bins --example gen_session
bin=$PWD/target/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

names=(cc-filter cat) cmds=("$bin/cc-filter ." "cat")
for ref in JQ:jq JAQ:jaq GOJQ:gojq; do
    var=${ref%%:*} name=${ref#*:} path=${!var:-$(command -v "${ref#*:}" || true)}
    if [[ -n $path && -x $path ]]; then
        names+=("$name") cmds+=("$path .")
        echo "$name: $("$path" --version 2>&1 | head -1) ($path)"
    else
        echo "note: $name not found (set \$$var or put it on PATH); skipped"
    fi
done
echo "cc-filter: $("$bin/cc-filter" --version); $runs runs each"

if [[ ${LOOP:-} != 1 ]] && command -v hyperfine > /dev/null; then
    echo "method: $(hyperfine --version), --shell=sh, --warmup 20, mean ± σ"
    args=()
    for i in "${!cmds[@]}"; do args+=(-n "${names[i]}" "echo '{}' | ${cmds[i]}"); done
    hyperfine --shell=sh --warmup 20 --runs "$runs" --style none --export-json "$work/h.json" "${args[@]}" > /dev/null 2>&1
    python3 - "$work/h.json" << 'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<10} {r['mean'] * 1000:7.2f} ms ± {r['stddev'] * 1000:.2f}  (median {r['median'] * 1000:.2f} ms)")
EOF
else
    echo "method: a bash loop of $runs pipelines; includes the fork of each pipeline"
    for i in "${!cmds[@]}"; do
        read -ra c <<< "${cmds[i]}"
        t0=$EPOCHREALTIME
        for ((r = 0; r < runs; r++)); do echo '{}' | "${c[@]}" > /dev/null; done
        t1=$EPOCHREALTIME
        awk -v n="${names[i]}" -v a="$t0" -v z="$t1" -v r="$runs" 'BEGIN { printf "%-10s %7.2f ms\n", n, (z - a) / r * 1000 }'
    done
fi
echo "target: cc-filter under 3 ms"
