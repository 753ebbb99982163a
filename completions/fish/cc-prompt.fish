complete -c cc-prompt -s h -l help -d 'Print help'
complete -c cc-prompt -s V -l version -d 'Print version'
