complete -c cc-fmt -s h -l help -d 'Print help'
complete -c cc-fmt -s V -l version -d 'Print version'
