complete -c cc-fmt -l max-line -d 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped' -r
complete -c cc-fmt -l color -d 'When to colour: auto means stdout is a terminal and NO_COLOR is unset' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c cc-fmt -l style -d 'What to show [default: pretty; summary with --json]' -r -f -a "pretty\t'A readable transcript: header, text, thinking, tool calls and results, prompts, warnings, footers; lanes for several sessions'
text\t'What `claude -p` prints: the final answer of each turn (--all-text: every assistant text block)'
summary\t'One line per result, naming its file and session, and a total line; exit status 1 when a session failed or has no result'
markdown\t'A Markdown transcript for $GITHUB_STEP_SUMMARY and pull requests'"
complete -c cc-fmt -l max-lines -d 'Lines of each tool result to show (pretty); 0 shows all' -r
complete -c cc-fmt -l width -d 'Wrap at N columns (0: never). Default: the terminal\'s width (COLUMNS overrides it) when stdout is a terminal, else no wrapping' -r
complete -c cc-fmt -l no-thinking -d 'Hide the model\'s thinking (pretty)'
complete -c cc-fmt -l json -d 'With --style summary: one JSON object per result instead of a line of text'
complete -c cc-fmt -l show-secrets -d 'Show key-shaped strings (sk-ant-…, Bearer …, NAME_KEY=…, URL passwords) as they are; by default they show as [REDACTED]'
complete -c cc-fmt -l all-text -d 'With --style text: every assistant text block, not only the final answers'
complete -c cc-fmt -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-fmt -s V -l version -d 'Print version'
