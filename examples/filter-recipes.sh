#!/usr/bin/env bash
# cc-filter recipes, run on the session embedded in cc-replay.
# Each one is a question people ask of a Claude Code session.
set -euo pipefail

session() { cc-replay --demo --no-delay; }

echo "== What did the assistant say? (recipe: text)"
session | cc-filter --recipe text -r

echo "== Which tools did it call, with what input? (recipe: tools)"
session | cc-filter --recipe tools

echo "== How did it end, and what did it cost? (recipe: result)"
session | cc-filter --recipe result

echo "== Only the Bash commands, as plain text"
session | cc-filter -r 'select(.type=="assistant") | .message.content[] | select(.type=="tool_use" and .name=="Bash") | .input.command'

echo "== Event types and how often they occur (slurp the whole session)"
session | cc-filter -s -c 'map(.type) | group_by(.) | map({(.[0]): length}) | add'

echo "== Tool results longer than N characters, with --argjson"
session | cc-filter --argjson n 5 -c 'select(.type=="user") | .message.content[]? | select(.type=="tool_result" and (.content | length) > $n) | {tool_use_id, chars: (.content | length)}'
