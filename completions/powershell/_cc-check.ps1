
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cc-check' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cc-check'
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
        'cc-check' {
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Check messages for the CLI''s stdin (the default)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Check the CLI''s output events')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Report and drop each invalid line instead of stopping at the first; exit 1 at the end if any was dropped')
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'Report and drop each invalid line instead of stopping at the first; exit 1 at the end if any was dropped')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Report unknown output types and subtypes on stderr (they are still passed through) and exit 1 at the end if there were any. (With --input an unknown type is always invalid.)')
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
