complete -c cc-stats -l max-line -d 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped' -r
complete -c cc-stats -l color -d 'When to colour the table: auto means stdout is a terminal and NO_COLOR is unset' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c cc-stats -l json -d 'Print one JSON object instead of the table'
complete -c cc-stats -l prom -d 'Print the Prometheus text exposition format instead of the table'
complete -c cc-stats -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-stats -s V -l version -d 'Print version'
