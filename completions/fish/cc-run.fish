complete -c cc-run -s h -l help -d 'Print help'
complete -c cc-run -s V -l version -d 'Print version'
