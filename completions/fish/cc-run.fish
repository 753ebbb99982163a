complete -c cc-run -l claude -d 'The claude binary [default: $CCPIPE_CLAUDE, else `claude` on PATH]' -r -F
complete -c cc-run -l prompt -d 'Send TEXT as the first user message. When stdin is a terminal it is not read, so `cc-run --prompt TEXT` runs one turn and exits' -r
complete -c cc-run -l timeout -d 'Stop the session after DURATION (e.g. 90s, 10m): interrupt, then TERM, then KILL, --grace apart; exit 124' -r
complete -c cc-run -l grace -d 'How long the child gets between interrupt, TERM and KILL' -r
complete -c cc-run -l max-line -d 'Longest line accepted in either direction, e.g. 64K, 256M, 1G' -r
complete -c cc-run -l permit -d 'Decide permission prompts with a jq expression, run on each request (`{tool_name, input, tool_use_id, permission_suggestions, ...}`): true allows; false, null or no output denies; a string denies with that message, except "ask", which leaves it to a person (as --ask); an object is sent as the answer. Implies `--permission-prompt-tool stdio` for claude' -r
complete -c cc-run -l permit-file -d 'Read the --permit expression from FILE (a team\'s policy, kept in the repository)' -r -F
complete -c cc-run -l arg -d 'Set $NAME to the string VALUE in the --permit expression' -r
complete -c cc-run -l argjson -d 'Set $NAME to the JSON value TEXT in the --permit expression' -r
complete -c cc-run -l ask-timeout -d 'Deny a prompt left to a person after DURATION without an answer' -r
complete -c cc-run -l worktree -d 'Run in a new git worktree, on a new branch `ccpipe/<id>`, at DIR [default: `<repo>-ccpipe-<id>` beside the repository]. When the run ends, a worktree without changes is removed with its branch; one with changes is kept and named on stderr' -r -F
complete -c cc-run -l stall-timeout -d 'End the session when claude writes no event for DURATION while a turn runs (not while it waits for input or for a permission answer): interrupt, then TERM, then KILL, --grace apart; exit 124. A tool\'s output counts only through events: Claude Code 2.1.332 sends a heartbeat every 30s while a tool runs' -r
complete -c cc-run -l exit-grace -d 'When the input has ended and the last result has come, how long claude may take to exit before cc-run ends it (TERM, then KILL); the exit status is then the result\'s' -r
complete -c cc-run -l retry -d 'Start a session that failed with a transient error (rate limit, overload, HTTP 5xx, lost connection) before any tool ran again, up to N times, with the same input (a --prompt, or stdin that had ended, up to 1 MiB). Downstream sees every attempt\'s events' -r
complete -c cc-run -l retry-delay -d 'The wait before the first new attempt; doubled for each later one, at most 60s' -r
complete -c cc-run -l max-memory -d 'End the session when claude and its tools together use more than SIZE of memory (RSS, measured every second), e.g. 2G; exit 7' -r
complete -c cc-run -l no-fail-fast -d 'Wait out the CLI\'s retries of authentication and billing failures'
complete -c cc-run -s v -l verbose -d 'Print the command line, the relevant environment (secrets redacted) and the child\'s fate on stderr'
complete -c cc-run -l ask -d 'Leave permission prompts to a person: they go downstream (cc-fmt shows `? #3 Bash(touch x)`), and `/allow 3` or `/deny 3 why` written to cc-steer\'s FIFO answers them. Implies `--permission-prompt-tool stdio` for claude. Once cc-run\'s input has ended, a prompt nobody can answer is denied at once'
complete -c cc-run -l no-partial -d 'Do not ask claude for partial messages. By default cc-run passes `--include-partial-messages`, so text streams to cc-fmt as the model writes it'
complete -c cc-run -l fail-on-denial -d 'Exit 6 when the session denied any tool call (the result\'s permission_denials), with one line naming the tools'
complete -c cc-run -l keep-worktree -d 'Keep the --worktree even when the run changed nothing in it'
complete -c cc-run -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-run -s V -l version -d 'Print version'
