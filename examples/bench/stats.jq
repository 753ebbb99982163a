# The totals of cc-stats --json, computed with jq alone: the reference that
# examples/bench/stats.sh times cc-stats against, and that tests/stats.rs
# checks cc-stats against. Same rules as cc-stats --help says:
# cost = each session's last total_cost_usd; turns = num_turns summed;
# duration_api_ms is a running total (a result's API time is its growth);
# tokens = last result's modelUsage, plus assistant usage once per message.id
# after it; percentiles by nearest rank over results.
#
# Usage: jq -n -f examples/bench/stats.jq FILES...   (or < stdin)

def num: if type == "number" then . else 0 end;
def str: if type == "string" then . else "" end;
def counts4($u; $i; $o; $r; $c):
  [($u[$i] | num), ($u[$o] | num), ($u[$r] | num), ($u[$c] | num)];
def usage: counts4(.; "input_tokens"; "output_tokens"; "cache_read_input_tokens"; "cache_creation_input_tokens");
def add4($b): [range(4) as $k | .[$k] + $b[$k]];
def pct($p): if length == 0 then null else .[([($p * length / 100 | ceil), 1] | max) - 1] end;
def spread: sort | {results: length, total: (add // 0), p50: pct(50), p95: pct(95), max: .[-1]};
def bump($k): .[$k] += 1;
def deny($tool; $tuid):
  if ($tuid | type) == "string" and .denied_ids[$tuid] then .
  else (if ($tuid | type) == "string" then .denied_ids[$tuid] = true else . end)
    | .denied |= bump($tool | str)
  end;
def new_session:
  {results: {}, errors: 0, turns: 0, cost: null, wall: [], api: [], api_run: 0,
   settled: [0, 0, 0, 0], pending: [0, 0, 0, 0], recent: [], tools: {}, denied: {},
   denied_ids: {}, retries: 0, has_result: false, last_error: false, open: false};

def result($e):
  ($e.subtype | str) as $sub
  | (if ($e.is_error | type) == "boolean" then $e.is_error else $sub != "success" end) as $err
  | .results |= bump($sub)
  | .turns += ($e.num_turns | num | round)
  | if ($e.total_cost_usd | type) == "number" then .cost = $e.total_cost_usd else . end
  | if ($e.duration_ms | type) == "number" then .wall += [$e.duration_ms | round] else . end
  | if ($e.duration_api_ms | type) == "number" then
      ($e.duration_api_ms | round) as $a
      | .api += [if $a >= .api_run then $a - .api_run else $a end]
      | .api_run = $a
    else . end
  | if ($e.modelUsage | type) == "object" then
      .settled = reduce ($e.modelUsage[] | select(type == "object")
          | counts4(.; "inputTokens"; "outputTokens"; "cacheReadInputTokens"; "cacheCreationInputTokens")) as $m
        ([0, 0, 0, 0]; add4($m))
    elif ($e.usage | type) == "object" then .settled |= add4($e.usage | usage)
    else .pending as $p | .settled |= add4($p)
    end
  | .pending = [0, 0, 0, 0]
  | reduce ($e.permission_denials | if type == "array" then .[] else empty end) as $d
      (.; deny($d.tool_name; $d.tool_use_id))
  | .has_result = true | .last_error = $err | .open = false
  | if $err then .errors += 1 else . end;

def assistant($e):
  .open = true
  | ($e.message.id // null) as $mid
  | if ($mid | type) == "string" and any(.recent[]; . == $mid) then .
    else
      .pending |= add4($e.message.usage | if type == "object" then usage else [0, 0, 0, 0] end)
      | if ($mid | type) == "string" then .recent = (.recent + [$mid])[-16:] else . end
    end
  | reduce ($e.message.content | if type == "array" then .[] else empty end
      | select(type == "object" and .type == "tool_use") | .name | str) as $n
      (.; .tools |= bump($n));

def counted:
  .type == "assistant" or .type == "result"
  or (.type == "system" and (.subtype == "init" or .subtype == "api_retry" or .subtype == "permission_denied"));

reduce (inputs | select(type == "object" and counted)) as $e ({s: {}, order: []};
  ($e.session_id | str) as $id
  | if .s[$id] == null then .order += [$id] | .s[$id] = new_session else . end
  | .s[$id] |= (
      if $e.type == "assistant" then assistant($e)
      elif $e.type == "result" then result($e)
      elif $e.subtype == "init" then .open = true
      elif $e.subtype == "api_retry" then .retries += 1 | .open = true
      else deny($e.tool_name; $e.tool_use_id)
      end))
| . as $all
| [.order[] as $id | $all.s[$id]
    | .status = (if (.has_result | not) or .open then "incomplete"
                 elif .last_error then "error" else "ok" end)
    | .pending as $p | .tokens = (.settled | add4($p))] as $ss
| def total(f): [$ss[] | f] | add // 0;
  def merged(f): reduce ($ss[] | f | to_entries[]) as $kv ({}; .[$kv.key] += $kv.value);
  {
    sessions: ($ss | length),
    failed: ([$ss[] | select(.status != "ok")] | length),
    status: {ok: ([$ss[] | select(.status == "ok")] | length),
             error: ([$ss[] | select(.status == "error")] | length),
             incomplete: ([$ss[] | select(.status == "incomplete")] | length)},
    results: merged(.results),
    error_results: total(.errors),
    turns: total(.turns),
    cost_usd: (reduce ($ss[] | .cost // 0) as $c (0; . + $c)),
    duration_ms: ([$ss[] | .wall[]] | spread),
    api_duration_ms: ([$ss[] | .api[]] | spread),
    tokens: ([$ss[] | .tokens] | reduce .[] as $t ([0, 0, 0, 0]; add4($t))
             | {input: .[0], output: .[1], cache_read: .[2], cache_creation: .[3]}),
    tool_calls: total(.tools | add // 0),
    tools: merged(.tools),
    permission_denials: total(.denied | add // 0),
    denied_tools: merged(.denied),
    api_retries: total(.retries)
  }
