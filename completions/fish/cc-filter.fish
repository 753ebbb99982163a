complete -c cc-filter -s h -l help -d 'Print help'
complete -c cc-filter -s V -l version -d 'Print version'
