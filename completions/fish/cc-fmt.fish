complete -c cc-fmt -l max-line -d 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped' -r
complete -c cc-fmt -l color -d 'When to colour: auto means stdout is a terminal and NO_COLOR is unset' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c cc-fmt -l style -d 'What to show [default: pretty; summary with --json]' -r -f -a "pretty\t'A readable transcript: header, text, thinking, tool calls and results, footers'
text\t'Only the assistant\'s text, as `claude -p` prints it'
summary\t'One line per result: status, turns, duration, cost, tokens, session'"
complete -c cc-fmt -l max-lines -d 'Lines of each tool result to show (pretty); 0 shows all' -r
complete -c cc-fmt -l width -d 'Wrap at N columns (0: never). Default: the terminal\'s width (COLUMNS overrides it) when stdout is a terminal, else no wrapping' -r
complete -c cc-fmt -l no-thinking -d 'Hide the model\'s thinking (pretty)'
complete -c cc-fmt -l json -d 'With --style summary: one JSON object per result instead of a line of text'
complete -c cc-fmt -l show-secrets -d 'Show key-shaped strings (sk-ant-…, Bearer …, NAME_KEY=…, URL passwords) as they are; by default they show as [REDACTED]'
complete -c cc-fmt -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-fmt -s V -l version -d 'Print version'
