
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cc-replay' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cc-replay'
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
        'cc-replay' {
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Pause between events, e.g. 150ms, 2s (a bare number is milliseconds)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Follow the recorded clock, X times faster (0.5 is half speed; at least 0.001)')
            [CompletionResult]::new('--max-gap', '--max-gap', [CompletionResultType]::ParameterName, 'Longest pause taken from the recorded clock (with --speed), e.g. 3s, 500ms')
            [CompletionResult]::new('--as-claude', '--as-claude', [CompletionResultType]::ParameterName, 'Stand in for the `claude` binary: answer the stream-json messages on stdin with the turns of a recording (FILE, else the demo). Takes the rest of the command line: an optional FILE, then claude''s flags')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Play the real session embedded in the binary instead of FILEs')
            [CompletionResult]::new('--no-delay', '--no-delay', [CompletionResultType]::ParameterName, 'Play as fast as the reader takes it')
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
