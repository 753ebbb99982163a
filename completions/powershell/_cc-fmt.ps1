
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cc-fmt' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cc-fmt'
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
        'cc-fmt' {
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour: auto means stdout is a terminal and NO_COLOR is unset')
            [CompletionResult]::new('--style', '--style', [CompletionResultType]::ParameterName, 'What to show [default: pretty; summary with --json]')
            [CompletionResult]::new('--max-lines', '--max-lines', [CompletionResultType]::ParameterName, 'Lines of each tool result to show (pretty); 0 shows all')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Wrap at N columns (0: never). Default: the terminal''s width (COLUMNS overrides it) when stdout is a terminal, else no wrapping')
            [CompletionResult]::new('--no-thinking', '--no-thinking', [CompletionResultType]::ParameterName, 'Hide the model''s thinking (pretty)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'With --style summary: one JSON object per result instead of a line of text')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show key-shaped strings (sk-ant-…, Bearer …, NAME_KEY=…, URL passwords) as they are; by default they show as [REDACTED]')
            [CompletionResult]::new('--all-text', '--all-text', [CompletionResultType]::ParameterName, 'With --style text: every assistant text block, not only the final answers')
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
