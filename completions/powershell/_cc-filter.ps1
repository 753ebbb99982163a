
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cc-filter' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cc-filter'
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
        'cc-filter' {
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'The jq expression as an option, so that every positional argument is a FILE')
            [CompletionResult]::new('--expr', '--expr', [CompletionResultType]::ParameterName, 'The jq expression as an option, so that every positional argument is a FILE')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Keep events whose `type` is TYPE (repeat for several); the expression defaults to `.`')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Keep events whose `type` is TYPE (repeat for several); the expression defaults to `.`')
            [CompletionResult]::new('--subtype', '--subtype', [CompletionResultType]::ParameterName, 'Keep events whose `subtype` is SUBTYPE (repeat for several)')
            [CompletionResult]::new('--recipe', '--recipe', [CompletionResultType]::ParameterName, 'Run a named expression (before --expr); --list-recipes shows them')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'Bind $NAME to the string VALUE')
            [CompletionResult]::new('--argjson', '--argjson', [CompletionResultType]::ParameterName, 'Bind $NAME to the JSON value JSON')
            [CompletionResult]::new('--list-recipes', '--list-recipes', [CompletionResultType]::ParameterName, 'List the recipes with their jq source, then exit')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Print strings raw, without quotes')
            [CompletionResult]::new('--raw-output', '--raw-output', [CompletionResultType]::ParameterName, 'Print strings raw, without quotes')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Like -r, and print no newline after each output')
            [CompletionResult]::new('--join-output', '--join-output', [CompletionResultType]::ParameterName, 'Like -r, and print no newline after each output')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Run the expression once, on `null`, without reading input')
            [CompletionResult]::new('--null-input', '--null-input', [CompletionResultType]::ParameterName, 'Run the expression once, on `null`, without reading input')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Read every event into one array and run the expression once on it (memory grows with the input)')
            [CompletionResult]::new('--slurp', '--slurp', [CompletionResultType]::ParameterName, 'Read every event into one array and run the expression once on it (memory grows with the input)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Exit 1 if the last output was false or null, 4 if there was none')
            [CompletionResult]::new('--exit-status', '--exit-status', [CompletionResultType]::ParameterName, 'Exit 1 if the last output was false or null, 4 if there was none')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'One compact JSON value per line (the default; overrides --pretty)')
            [CompletionResult]::new('--compact-output', '--compact-output', [CompletionResultType]::ParameterName, 'One compact JSON value per line (the default; overrides --pretty)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indent output by two spaces, like jq without -c')
            [CompletionResult]::new('-S', '-S ', [CompletionResultType]::ParameterName, 'Print object keys in sorted order')
            [CompletionResult]::new('--sort-keys', '--sort-keys', [CompletionResultType]::ParameterName, 'Print object keys in sorted order')
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
