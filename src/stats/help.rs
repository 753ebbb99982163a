//! cc-stats' long help: what is counted, from which fields, and why.

pub const ABOUT: &str = "Totals of Claude Code sessions (per session and overall); the batch gate";

pub const LONG_ABOUT: &str = "\
Reads the JSON lines of any number of Claude Code sessions (`claude -p \
--output-format stream-json --verbose`, cc-run, saved logs), from files or \
stdin, sessions mixed and interleaved line by line (e.g. `parallel \
--line-buffer`), and reports per session (by session_id) and in total. It is \
the gate of a batch: `... | cc-stats` exits 1 when any session failed. \
(cc-fmt --style summary only prints one line per result.)

What is counted, and from which events:
  sessions   every session_id of an assistant, result, system/init,
             system/api_retry or system/permission_denied event, in order of
             first appearance (such an event without one counts under the
             empty id, shown as \"(none)\")
  results    result events, by subtype; an error result is one with is_error
             true (an API failure can come as subtype \"success\")
  turns      num_turns summed over a session's results: each result counts
             the model round trips of its own turn (observed on 2.1.197 and
             2.1.332: 3, then 2, then 1, never a running total)
  wall, api  per result: duration_ms, and the API time of that result.
             duration_api_ms is a running total of the session (like the
             cost), so a result's API time is how much it grew since the
             session's previous result. Totals are sums; p50, p95 and max
             are taken over results (per session, and over all results), by
             nearest rank
  cost       a session's LAST total_cost_usd (each result carries the running
             total so far; summing them would count early turns again); the
             total is the sum over sessions
  tokens     input, output, cache read and cache creation: from the session's
             last result's modelUsage, summed over models (a running total
             covering every call, subagents included), plus, for a turn that
             has no result yet (a killed session), the usage of its assistant
             messages counted once per message.id. Assistant usage is not
             used otherwise: the CLI repeats it on every content block of a
             message, and it is a snapshot taken as the message starts
             (output_tokens is 1 there). result.usage is not used: it covers
             one turn of the main agent only.
  tools      tool_use blocks of assistant messages, by tool name
  denials    permission denials, by tool: system/permission_denied events and
             each result's permission_denials, one tool call counted once
             (by tool_use_id)
  retries    system/api_retry events
  errors     each error result with its reason: HTTP api_error_status, then
             the result text, else errors[], else terminal_reason (the first
             20 of a session are listed, all are counted)

A session's status: ok when its last turn ended in a result with is_error \
false; error when that result has is_error true; incomplete when it has no \
result at all, or a turn began (system/init, assistant, api_retry) after \
its last result and got none: a killed or crashed run, or a log cut short.

The table (the default, whatever stdout is): one row per session, with \
status, results, turns, wall and api (sums over its results), cost (its \
last running total; - without a result), in_tok and out_tok, tools, \
denied, retries and the session id (last, so the numbers line up). Then the \
totals: sessions by status, results by subtype, turns, cost, wall and api \
(total, p50, p95, max over results), tokens by kind, tool calls by tool, \
denials by tool, API retries, and one line per error result: session, \
subtype, HTTP status, reason. Text from the input is made terminal-safe. \
Colour (the status words) only on a terminal without NO_COLOR, or with \
--color always.

--json prints one JSON object: sessions, failed, status {ok, error, \
incomplete}, results {subtype: n}, error_results, turns, cost_usd, \
duration_ms and api_duration_ms {results, total, p50, p95, max}, tokens \
{input, output, cache_read, cache_creation}, tool_calls, tools {name: n}, \
permission_denials, denied_tools, api_retries, errors [{session_id, \
subtype, api_error_status, terminal_reason, reason}] and per_session [the \
same per session, with session_id, status and cost_usd (null without a \
result)]. Strings keep their exact value; terminal control characters in \
them are written as \\u escapes.

--prom prints the Prometheus text format: ccpipe_sessions{status}, \
ccpipe_results_total{subtype}, ccpipe_error_results_total, \
ccpipe_turns_total, ccpipe_cost_usd_total, ccpipe_tokens_total{kind}, \
ccpipe_tool_calls_total{tool}, ccpipe_permission_denials_total{tool}, \
ccpipe_api_retries_total, the summaries ccpipe_result_duration_seconds and \
ccpipe_result_api_duration_seconds (quantiles 0.5, 0.95 and 1, the \
maximum), and per session ccpipe_session_ok, ccpipe_session_cost_usd and \
ccpipe_session_turns{session_id}.

It streams: each line is looked at once and dropped. Memory grows with the \
number of sessions (about 2 KB each: 100,000 sessions take 200 MB), plus 16 \
bytes per result for the percentiles, never with the number of other \
events. A malformed line (not JSON, not an object, bad UTF-8, longer than \
--max-line) is reported as `SOURCE:LINE: reason`, skipped, and makes the \
exit status 1; lines of other types are ignored.

Exit status:
  0  every session ended in a result with is_error false, and every line was read
  1  a session ended in an error result or incomplete, no session was found,
     or a malformed line was skipped (the report is printed all the same)
  2  usage error, or a file that cannot be read";

pub const EXAMPLES: &str = r#"Examples:
  parallel -j4 --line-buffer 'cc-prompt {} | cc-run' :::: tasks.txt | tee all.jsonl | cc-stats
  cc-stats runs/*.jsonl                       # a table per session, then the totals
  cc-stats --json runs/*.jsonl | jq '.cost_usd, .failed'
  cc-stats --prom runs/*.jsonl > /var/lib/node_exporter/textfile/ccpipe.prom
  cc-stats runs/*.jsonl > stats.txt || echo "some sessions failed"

  $ cc-stats tests/fixtures/*.jsonl        # a row per session, then:
  sessions     8 (6 ok, 1 error, 1 incomplete)
  results      8: error_during_execution 1, success 7; 2 with is_error
  turns        14
  cost         $0.0049
  wall         total 5.7s, p50 67ms, p95 4.1s, max 4.1s (over 8 results)
  [...]
  errors
    c9b0d8f8-... success (HTTP 400): API Error: 400 scripted 400
  cc-stats: 2 of 8 sessions failed (1 error, 1 incomplete)"#;
