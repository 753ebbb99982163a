#!/usr/bin/env bash
# General-set benchmark (issue 10): throughput and peak RSS of cc-filter on
# expressions stream-json users write, side by side with jq, jaq and gojq, and
# `cat` as the ceiling, every tool reading a pipe, on a generated realistic
# session (examples/gen_session.rs). Checks that cc-filter prints the same
# bytes as jaq and as jq on each expression and reports every difference.
#
# Usage: examples/bench/general.sh [SIZE_MB]       (default 200)
# References come from $JQ, $JAQ, $GOJQ, else from PATH (jq, jaq, gojq); a
# missing one is skipped with a note. examples/bench/refs.sh DIR installs jq
# 1.8.2, jaq 3.x and gojq into DIR/bin: PATH=DIR/bin:$PATH examples/bench/general.sh
# Env: RUNS (default 3: best of N wall times), ONLY (a regex on labels to run
# a subset), KEEP=1 (keep the work directory).
# Every tool runs with -c (and -r where the expression prints text); jq runs
# without --unbuffered, as users run it (cc-filter flushes when its input
# would block, so its output is block-buffered on a file as well).
set -euo pipefail
cd "$(dirname "$0")/../.."

size_mb=${1:-200}
runs=${RUNS:-3}
only=${ONLY:-.}
cargo build --release --quiet --bins --example gen_session
bin=$PWD/target/release
work=$(mktemp -d)
if [[ ${KEEP:-} == 1 ]]; then echo "work directory kept: $work"; else trap 'rm -rf "$work"' EXIT; fi
file=$work/session.jsonl
"$bin/examples/gen_session" "$size_mb" > "$file"
bytes=$(stat -c %s "$file")
[[ -x /usr/bin/time ]] || { echo "general.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

# The references: NAME, then the command found (from the variable or PATH).
find_ref() {
    local var=$1 name=$2 path=${!1:-}
    [[ -z $path ]] && path=$(command -v "$name" || true)
    if [[ -n $path && -x $path ]]; then
        echo "$path"
    elif [[ -n ${!1:-} ]]; then
        echo "note: \$$var=${!1} is not an executable; $name skipped" >&2
    else
        echo "note: $name not found (set \$$var or put it on PATH; see examples/bench/refs.sh); skipped" >&2
    fi
}
jq=$(find_ref JQ jq)
jaq=$(find_ref JAQ jaq)
gojq=$(find_ref GOJQ gojq)
jq_v=${jq:+$("$jq" --version 2>&1)}
jaq_v=${jaq:+$("$jaq" --version 2>&1)}
gojq_v=${gojq:+$("$gojq" --version 2>&1 | cut -d' ' -f1-2)}
echo "input: $((bytes / 1000000)) MB, $(wc -l < "$file") lines (gen_session $size_mb); best of $runs runs; $(nproc) cores; load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "cc-filter: $("$bin/cc-filter" --version) ($bin)"
echo "jq: ${jq:+$jq_v ($jq)}"
echo "jaq: ${jaq:+$jaq_v ($jaq)}"
echo "gojq: ${gojq:+$gojq_v ($gojq)}"
[[ -n $jq && $jq_v != jq-1.8* ]] && echo "note: the jq found is $jq_v, not 1.8.x: the jq column is not the issue's anchor"
echo

# measure CMD...: runs `cat FILE | CMD > /dev/null` $runs times; sets $mbs
# (best MB/s), $rss (largest peak RSS in MiB) and $status (the first non-zero
# exit status, or 0). With $keep set, the first run writes to that file instead
# (kept for the comparison; the other runs show whether writing it cost time).
measure() {
    local t0 t1 m kb s best=0 peak=0 out
    status=0
    for ((r = 0; r < runs; r++)); do
        out=/dev/null
        [[ $r == 0 && -n ${keep:-} ]] && out=$keep
        t0=$EPOCHREALTIME
        set +e
        cat "$file" | /usr/bin/time -v -o "$work/time" "$@" > "$out" 2> "$work/stderr"
        s=$?
        set -e
        ((status == 0)) && status=$s
        t1=$EPOCHREALTIME
        m=$(awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.0f", b / (z - a) / 1e6 }')
        kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
        ((m > best)) && best=$m
        ((kb > peak)) && peak=$kb
    done
    mbs=$best
    rss=$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')
}

# compare NAME A B: prints "same", or "DIFF" with the first differing line
# and the number of differing lines on stderr-free stdout (for the notes).
compare() {
    local name=$1 a=$2 b=$3 first at
    if cmp -s "$a" "$b"; then
        echo same
        return
    fi
    echo DIFF
    first=$(cmp "$a" "$b" 2> /dev/null | awk '{ print $NF }' || true)
    {
        echo "[$label] cc-filter differs from $name: $(wc -l < "$a") vs $(wc -l < "$b") lines," \
            "$(diff "$a" "$b" | grep -c '^<' || true) lines only in cc-filter's," \
            "$(diff "$a" "$b" | grep -c '^>' || true) only in $name's; first difference at line ${first:-?}:"
        if [[ -n $first ]]; then
            # 200 bytes of each line from a little before where they part.
            sed -n "${first}p" "$a" > "$work/line.a"
            sed -n "${first}p" "$b" > "$work/line.b"
            at=$(cmp "$work/line.a" "$work/line.b" 2> /dev/null | awk '{ sub(",", "", $5); print $5 }' || true)
            at=$((${at:-1} > 60 ? ${at:-1} - 60 : 1))
            echo "  cc-filter: ...$(tail -c +"$at" "$work/line.a" | head -c 200)"
            echo "  $name: ...$(tail -c +"$at" "$work/line.b" | head -c 200)"
        fi
    } >> "$work/notes"
}

# The general set: label, flags, expression. Shapes users write: the README's
# recipes and its kinds of questions. The first four are output-side.sh's.
exprs=(
    identity '' '.'
    select '' 'select(.type=="assistant")'
    text '-r' 'select(.type=="assistant") | .message.content[] | select(.type=="text") | .text'
    projection '' '{type, subtype, session_id}'
    tool-inputs '' '.message.content[]? | select(.type=="tool_use") | .input'
    tools-recipe '' 'select(.type == "assistant") | .message.content[]? | select(.type == "tool_use") | {id, name, input}'
    bash-commands '-r' 'select(.type=="assistant") | .message.content[] | select(.type=="tool_use" and .name=="Bash") | .input.command'
    deltas '-r' 'select(.type == "stream_event") | .event | select(.type == "content_block_delta") | .delta | select(.type == "text_delta") | .text'
    usage-per-line '' 'select(.message.usage?) | .message.usage | .input_tokens + .output_tokens'
    usage-sum-s '-s' '[.[] | select(.type=="result") | .usage.output_tokens] | add'
    cost-sum-s '-s' 'map(select(.type=="result") | .total_cost_usd) | add'
    errors-recipe '' 'select((.type == "result" and (.is_error or .subtype != "success")) or (.type == "system" and .subtype == "api_retry"))'
    tool-errors '' 'select(.type=="user") | .message.content[]? | select(.type=="tool_result" and .is_error) | .content'
    grep-results '' 'select(.type=="user") | .message.content[]? | select(.type=="tool_result" and (.content | test("Finished in 0\\.31s"))) | .tool_use_id'
    del-message '' 'del(.message)'
    del-two '' 'del(.event, .uuid)'
    reshape '' '{kind: .type, sub: (.subtype // null), id: .uuid, blocks: (.message.content? | length)}'
    with-entries '' 'with_entries(select(.key != "session_id" and .key != "uuid"))'
    walk-numbers '' '.. | numbers'
    walk-strings-len '' '[.. | strings | length] | add'
    interpolate '-r' '"\(.type)/\(.subtype // "-") \(.uuid)"'
    result-line '-r' 'select(.type=="result") | "\(.num_turns) turns, $\(.total_cost_usd)"'
    csv '-r' '[.type, (.subtype // ""), .session_id] | @csv'
    tsv '-r' 'select(.type=="stream_event") | [.event.type, (.event.index // "")] | @tsv'
    join '-r' '[.type, (.subtype // "-")] | join(",")'
    group-by-s '-s' 'map(.type) | group_by(.) | map({(.[0]): length}) | add'
    arg '--arg id toolu_000003' 'select(.message.content[]?.tool_use_id? == $id)'
    argjson '--argjson n 50000' 'select(.type=="user") | .message.content[]? | select(.type=="tool_result" and (.content | length) > $n) | {tool_use_id, chars: (.content | length)}'
)

declare -A tools=([cc-filter]=$bin/cc-filter [jq]=$jq [jaq]=$jaq [gojq]=$gojq)
order=(cc-filter jaq jq gojq)
: > "$work/notes"
measure cat
cat_mbs=$mbs cat_rss=$rss
fmt='%-17s %9s %9s %9s %9s  %8s %8s  %-5s %-5s  %s\n'
printf "$fmt" expression cc-filter jaq jq gojq '/jaq' '/jq' '=jaq' '=jq' 'peak RSS MiB: cc-filter jaq jq gojq'
printf "$fmt" cat "$cat_mbs" '' '' '' '' '' '' '' "$cat_rss"
failed=()
for ((i = 0; i < ${#exprs[@]}; i += 3)); do
    label=${exprs[i]} flags=${exprs[i + 1]} e=${exprs[i + 2]}
    [[ $label =~ $only ]] || continue
    read -ra fl <<< "$flags"
    declare -A speed=() mem=()
    for t in "${order[@]}"; do
        cmd=${tools[$t]}
        if [[ -z $cmd ]]; then speed[$t]=- mem[$t]=-; continue; fi
        keep=$work/out.$t
        [[ $t == gojq ]] && keep=
        measure "$cmd" -c "${fl[@]}" "$e"
        speed[$t]=$mbs mem[$t]=$rss
        if ((status != 0)); then
            # A failed run's speed means nothing: shown as errN, left out of the ratios.
            echo "[$label] $t exited $status: $(head -c 300 "$work/stderr")" >> "$work/notes"
            speed[$t]=err$status
        fi
    done
    ratio() {
        if [[ ${speed[cc-filter]} =~ ^[0-9]+$ && ${speed[$1]} =~ ^[1-9][0-9]*$ ]]; then
            awk -v a="${speed[cc-filter]}" -v b="${speed[$1]}" 'BEGIN { printf "%.2fx", a / b }'
        else
            echo -
        fi
    }
    r_jaq=$(ratio jaq) r_jq=$(ratio jq)
    same_jaq=- same_jq=-
    [[ -n $jaq ]] && same_jaq=$(compare jaq "$work/out.cc-filter" "$work/out.jaq")
    [[ -n $jq ]] && same_jq=$(compare jq "$work/out.cc-filter" "$work/out.jq")
    printf "$fmt" "$label" "${speed[cc-filter]}" "${speed[jaq]}" "${speed[jq]}" "${speed[gojq]}" "$r_jaq" "$r_jq" \
        "$same_jaq" "$same_jq" "${mem[cc-filter]} ${mem[jaq]} ${mem[jq]} ${mem[gojq]}"
    [[ ${speed[cc-filter]} == err* ]] && failed+=("$label")
    echo "$label	$r_jaq" >> "$work/ratios.jaq"
    echo "$label	$r_jq" >> "$work/ratios.jq"
    rm -f "$work"/out.*
done
echo
echo "MB/s: input bytes / wall time of 'cat FILE | TOOL -c FLAGS EXPR > /dev/null', best of $runs"
echo "(the first run of cc-filter, jaq and jq writes to a file, for the comparison). errN: exit status N."
echo "/jaq, /jq: cc-filter's MB/s over theirs. =jaq, =jq: cc-filter's output byte for byte equal to theirs."
worst() {
    if [[ -s $1 ]]; then grep -v '	-$' "$1" | sort -t$'\t' -k2 -g | head -1 | tr '\t' ' ' || true; fi
}
echo "worst ratio to jaq: $(worst "$work/ratios.jaq")"
echo "worst ratio to jq:  $(worst "$work/ratios.jq")"
((${#failed[@]} == 0)) || echo "cc-filter failed on: ${failed[*]} (see the notes; not in the worst ratios)"
if [[ -s $work/notes ]]; then
    echo
    echo "notes:"
    cat "$work/notes"
fi
