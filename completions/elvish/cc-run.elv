
use builtin;
use str;

set edit:completion:arg-completer[cc-run] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-run'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-run'= {
            cand --claude 'The claude binary [default: $CCPIPE_CLAUDE, else `claude` on PATH]'
            cand --prompt 'Send TEXT as the first user message. When stdin is a terminal it is not read, so `cc-run --prompt TEXT` runs one turn and exits'
            cand --timeout 'Stop the session after DURATION (e.g. 90s, 10m): interrupt, then TERM, then KILL, --grace apart; exit 124'
            cand --grace 'How long the child gets between interrupt, TERM and KILL'
            cand --max-line 'Longest line accepted in either direction, e.g. 64K, 256M, 1G'
            cand --permit 'Decide permission prompts with a jq expression, run on each request (`{tool_name, input, tool_use_id, permission_suggestions, ...}`): true allows; false, null or no output denies; a string denies with that message, except "ask", which leaves it to a person (as --ask); an object is sent as the answer. Implies `--permission-prompt-tool stdio` for claude'
            cand --permit-file 'Read the --permit expression from FILE (a team''s policy, kept in the repository)'
            cand --arg 'Set $NAME to the string VALUE in the --permit expression'
            cand --argjson 'Set $NAME to the JSON value TEXT in the --permit expression'
            cand --ask-timeout 'Deny a prompt left to a person after DURATION without an answer'
            cand --worktree 'Run in a new git worktree, on a new branch `ccpipe/<id>`, at DIR [default: `<repo>-ccpipe-<id>` beside the repository]. When the run ends, a worktree without changes is removed with its branch; one with changes is kept and named on stderr'
            cand --stall-timeout 'End the session when claude writes no event for DURATION while a turn runs (not while it waits for input or for a permission answer): interrupt, then TERM, then KILL, --grace apart; exit 124. A tool''s output counts only through events: Claude Code 2.1.332 sends a heartbeat every 30s while a tool runs'
            cand --exit-grace 'When the input has ended and the last result has come, how long claude may take to exit before cc-run ends it (TERM, then KILL); the exit status is then the result''s'
            cand --retry 'Start a session that failed with a transient error (rate limit, overload, HTTP 5xx, lost connection) before any tool ran again, up to N times, with the same input (a --prompt, or stdin that had ended, up to 1 MiB). Downstream sees every attempt''s events'
            cand --retry-delay 'The wait before the first new attempt; doubled for each later one, at most 60s'
            cand --max-memory 'End the session when claude and its tools together use more than SIZE of memory (RSS, measured every second), e.g. 2G; exit 7'
            cand --no-fail-fast 'Wait out the CLI''s retries of authentication and billing failures'
            cand -v 'Print the command line, the relevant environment (secrets redacted) and the child''s fate on stderr'
            cand --verbose 'Print the command line, the relevant environment (secrets redacted) and the child''s fate on stderr'
            cand --ask 'Leave permission prompts to a person: they go downstream (cc-fmt shows `? #3 Bash(touch x)`), and `/allow 3` or `/deny 3 why` written to cc-steer''s FIFO answers them. Implies `--permission-prompt-tool stdio` for claude. Once cc-run''s input has ended, a prompt nobody can answer is denied at once'
            cand --no-partial 'Do not ask claude for partial messages. By default cc-run passes `--include-partial-messages`, so text streams to cc-fmt as the model writes it'
            cand --fail-on-denial 'Exit 6 when the session denied any tool call (the result''s permission_denials), with one line naming the tools'
            cand --keep-worktree 'Keep the --worktree even when the run changed nothing in it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
