
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cc-prompt' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cc-prompt'
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
        'cc-prompt' {
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Attach an image (PNG, JPEG, GIF or WebP, detected from its bytes); repeatable. Images come before the text, as the Anthropic API recommends')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'When the CLI takes up a message that arrives while it is busy (default: none given, which the CLI takes as `next`)')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line accepted with --lines, e.g. 64K, 256M, 1G')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Make one message per non-blank line of stdin')
            [CompletionResult]::new('--no-uuid', '--no-uuid', [CompletionResultType]::ParameterName, 'Do not stamp a fresh `uuid` on each user message. With one, the CLI reports the message''s fate (`command_lifecycle`: queued, started, completed or cancelled), lists it in interrupt receipts, and it can be withdrawn; cc-fmt folds those events away')
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
