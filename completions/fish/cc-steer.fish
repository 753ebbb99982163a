complete -c cc-steer -s h -l help -d 'Print help'
complete -c cc-steer -s V -l version -d 'Print version'
