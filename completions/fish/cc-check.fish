complete -c cc-check -s h -l help -d 'Print help'
complete -c cc-check -s V -l version -d 'Print version'
