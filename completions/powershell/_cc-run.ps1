
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cc-run' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cc-run'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cc-run' {
            [CompletionResult]::new('--claude', '--claude', [CompletionResultType]::ParameterName, 'The claude binary [default: $CCPIPE_CLAUDE, else `claude` on PATH]')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Send TEXT as the first user message. When stdin is a terminal it is not read, so `cc-run --prompt TEXT` runs one turn and exits')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop the session after DURATION (e.g. 90s, 10m): interrupt, then TERM, then KILL, --grace apart; exit 124')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'How long the child gets between interrupt, TERM and KILL')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line accepted in either direction, e.g. 64K, 256M, 1G')
            [CompletionResult]::new('--permit', '--permit', [CompletionResultType]::ParameterName, 'Decide permission prompts with a jq expression, run on each request (`{tool_name, input, tool_use_id, permission_suggestions, ...}`): true allows; false, null or no output denies; a string denies with that message, except "ask", which leaves it to a person (as --ask); an object is sent as the answer. Implies `--permission-prompt-tool stdio` for claude')
            [CompletionResult]::new('--permit-file', '--permit-file', [CompletionResultType]::ParameterName, 'Read the --permit expression from FILE (a team''s policy, kept in the repository)')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'Set $NAME to the string VALUE in the --permit expression')
            [CompletionResult]::new('--argjson', '--argjson', [CompletionResultType]::ParameterName, 'Set $NAME to the JSON value TEXT in the --permit expression')
            [CompletionResult]::new('--ask-timeout', '--ask-timeout', [CompletionResultType]::ParameterName, 'Deny a prompt left to a person after DURATION without an answer')
            [CompletionResult]::new('--worktree', '--worktree', [CompletionResultType]::ParameterName, 'Run in a new git worktree, on a new branch `ccpipe/<id>`, at DIR [default: `<repo>-ccpipe-<id>` beside the repository]. When the run ends, a worktree without changes is removed with its branch; one with changes is kept and named on stderr')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'End the session when claude writes no event for DURATION while a turn runs (not while it waits for input or for a permission answer): interrupt, then TERM, then KILL, --grace apart; exit 124. A tool''s output counts only through events: Claude Code 2.1.332 sends a heartbeat every 30s while a tool runs')
            [CompletionResult]::new('--exit-grace', '--exit-grace', [CompletionResultType]::ParameterName, 'When the input has ended and the last result has come, how long claude may take to exit before cc-run ends it (TERM, then KILL); the exit status is then the result''s')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Start a session that failed with a transient error (rate limit, overload, HTTP 5xx, lost connection) before any tool ran again, up to N times, with the same input (a --prompt, or stdin that had ended, up to 1 MiB). Downstream sees every attempt''s events')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'The wait before the first new attempt; doubled for each later one, at most 60s')
            [CompletionResult]::new('--max-memory', '--max-memory', [CompletionResultType]::ParameterName, 'End the session when claude and its tools together use more than SIZE of memory (RSS, measured every second), e.g. 2G; exit 7')
            [CompletionResult]::new('--no-fail-fast', '--no-fail-fast', [CompletionResultType]::ParameterName, 'Wait out the CLI''s retries of authentication and billing failures')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the command line, the relevant environment (secrets redacted) and the child''s fate on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the command line, the relevant environment (secrets redacted) and the child''s fate on stderr')
            [CompletionResult]::new('--ask', '--ask', [CompletionResultType]::ParameterName, 'Leave permission prompts to a person: they go downstream (cc-fmt shows `? #3 Bash(touch x)`), and `/allow 3` or `/deny 3 why` written to cc-steer''s FIFO answers them. Implies `--permission-prompt-tool stdio` for claude. Once cc-run''s input has ended, a prompt nobody can answer is denied at once')
            [CompletionResult]::new('--no-partial', '--no-partial', [CompletionResultType]::ParameterName, 'Do not ask claude for partial messages. By default cc-run passes `--include-partial-messages`, so text streams to cc-fmt as the model writes it')
            [CompletionResult]::new('--fail-on-denial', '--fail-on-denial', [CompletionResultType]::ParameterName, 'Exit 6 when the session denied any tool call (the result''s permission_denials), with one line naming the tools')
            [CompletionResult]::new('--keep-worktree', '--keep-worktree', [CompletionResultType]::ParameterName, 'Keep the --worktree even when the run changed nothing in it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
