
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cc-steer' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cc-steer'
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
        'cc-steer' {
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'When the CLI takes up a message that arrives while it is busy (default: none given, which the CLI takes as `next`)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'End after this long with nothing read from stdin or the FIFO, e.g. 90s, 10m, 1h')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped')
            [CompletionResult]::new('--no-uuid', '--no-uuid', [CompletionResultType]::ParameterName, 'Do not stamp a fresh `uuid` on each user message. With one, the CLI reports the message''s fate (`command_lifecycle`: queued, started, completed or cancelled), lists it in interrupt receipts, and it can be withdrawn; cc-fmt folds those events away')
            [CompletionResult]::new('--exit-with-stdin', '--exit-with-stdin', [CompletionResultType]::ParameterName, 'End when stdin ends, instead of waiting for more steering')
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
